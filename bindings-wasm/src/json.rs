//! Values to and from JavaScript as JSON text: the core's serde types are
//! written and read by serde_json (the one JSON library of the module),
//! and the browser's own `JSON.parse` and `JSON.stringify` turn the text
//! into plain objects and back. Every value has one description, its serde
//! derive, and a value that cannot be read is an error naming the field.

use appswitch_core::foundation::json::{self, JsonError};
use js_sys::JSON;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::error::invalid;

/// `value` as a plain JavaScript object (`None` as `null`). Fails only for
/// what JSON cannot hold, which no value of the core has.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = json::to_string(value)
        .map_err(|e| invalid(format!("a value cannot be given to JavaScript: {e}")))?;
    JSON::parse(&text).map_err(|_| invalid("a value cannot be given to JavaScript"))
}

/// `value` (a plain object, as `JSON.stringify` sees it) read as a `T`; on
/// error, what is wrong and in which field.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, JsonError> {
    let text = JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| JsonError {
            path: String::new(),
            message: "it cannot be written as JSON".to_string(),
        })?;
    // Through a value, as the core reads the bodies it recognises: each
    // type's reader is in the module once.
    json::from_value(&json::parse(&text)?)
}
