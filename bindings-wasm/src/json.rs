//! Values to and from JavaScript as JSON text: the core reads and writes
//! the text ([`appswitch_core::json_text`]), the browser's own
//! `JSON.parse` and `JSON.stringify` turn it into plain objects and back —
//! so each serde type has one reader and one writer in the module, and no
//! JSON library ships with it.

use appswitch_core::json_text;
use js_sys::JSON;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::error::invalid;

/// `value` as a plain JavaScript object (`None` as `null`). Fails only for
/// what JSON cannot hold, which no value of the core has.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = json_text::to_string(value)
        .map_err(|e| invalid(format!("a value cannot be given to JavaScript: {e}")))?;
    JSON::parse(&text).map_err(|_| invalid("a value cannot be given to JavaScript"))
}

/// Reads `value` (a plain object, as `JSON.stringify` sees it) as a `T`;
/// on error, what is wrong.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let text = JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "it cannot be written as JSON".to_string())?;
    json_text::from_str(&text).map_err(|e| e.message)
}
