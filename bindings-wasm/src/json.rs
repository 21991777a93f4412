//! JSON through the browser's own `JSON.parse` and `JSON.stringify`: the
//! core reads the parsed values through serde-wasm-bindgen
//! ([`appswitch_core::parsed`]), so the module ships no JSON parser.

use appswitch_core::parsed::ParsedJson;
use js_sys::{JSON, Reflect};
use serde::Deserializer;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::output::to_js;

/// A value `JSON.parse` made.
#[derive(Debug)]
pub struct JsDocument(pub JsValue);

impl ParsedJson for JsDocument {
    fn deserializer(&self) -> impl Deserializer<'_> {
        serde_wasm_bindgen::Deserializer::from(self.0.clone())
    }
}

/// `JSON.parse(text)`, or the parser's message.
pub fn parse(text: &str) -> Result<JsDocument, String> {
    JSON::parse(text).map(JsDocument).map_err(|e| {
        Reflect::get(&e, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "JSON.parse failed".to_string())
    })
}

/// `value` as JSON text (`JSON.stringify` of its plain-object form), or
/// `None` if it cannot be written.
pub fn stringify<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let js = to_js(value).ok()?;
    JSON::stringify(&js).ok()?.as_string()
}
