//! Values to and from JavaScript as JSON text: the core reads and writes
//! the text ([`appswitch_core::foundation::json_text`]), the browser's own
//! `JSON.parse` and `JSON.stringify` turn it into plain objects and back —
//! so the module ships no JSON library, and reads each value with the
//! core's one reader of it.

use appswitch_core::foundation::json_text::{self, Value};
use js_sys::JSON;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::error::invalid;

/// `value` as a plain JavaScript object (`None` as `null`). Fails only for
/// what JSON cannot hold, which no value of the core has.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = json_text::to_string(value)
        .map_err(|e| invalid(format!("a value cannot be given to JavaScript: {e}")))?;
    JSON::parse(&text).map_err(|_| invalid("a value cannot be given to JavaScript"))
}

/// `value` (a plain object, as `JSON.stringify` sees it) as parsed JSON,
/// for the core's readers; on error, what is wrong.
pub fn from_js(value: &JsValue) -> Result<Value, String> {
    let text = JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "it cannot be written as JSON".to_string())?;
    Value::parse(&text).map_err(|e| e.message)
}
