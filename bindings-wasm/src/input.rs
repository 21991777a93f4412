//! Reading what JavaScript passes in: plain objects, checked field by
//! field, so that a wrong type or a missing field is an `invalid-argument`
//! error naming the field — never a panic, never a silent default.

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::tracker::Policy;
use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::invalid;
use crate::json::from_js;

/// What a JavaScript value is, for messages: `undefined`, `a number`, ….
pub fn describe(value: &JsValue) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.is_string() {
        "a string"
    } else if value.is_bigint() {
        "a bigint"
    } else if value.is_symbol() {
        "a symbol"
    } else if value.is_function() {
        "a function"
    } else if Array::is_array(value) {
        "an array"
    } else {
        "an object"
    }
}

/// A plain object argument and the name of the call it was given to.
#[derive(Debug)]
pub struct Fields {
    context: &'static str,
    object: Object,
}

impl Fields {
    /// `value` as an options object of `context` (`track`, `policy`, …).
    pub fn new(context: &'static str, value: &JsValue) -> Result<Fields, JsValue> {
        if !value.is_object() || value.is_function() || Array::is_array(value) {
            return Err(invalid(format!(
                "{context}: the options must be an object, got {}",
                describe(value)
            )));
        }
        Ok(Fields {
            context,
            object: value.clone().unchecked_into(),
        })
    }

    /// Refuses a key that is not one of `known` (a typo such as
    /// `statusURL` would otherwise be ignored silently).
    pub fn only(&self, known: &[&str]) -> Result<(), JsValue> {
        for key in Object::keys(&self.object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(invalid(format!(
                    "{}: unknown field `{key}` (the fields are: {})",
                    self.context,
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The value of `key` (`undefined` when absent). A getter that throws
    /// is reported as this field's error.
    pub fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        Reflect::get(&self.object, &JsValue::from_str(key)).map_err(|_| {
            invalid(format!(
                "{}: reading `{key}` threw an exception",
                self.context
            ))
        })
    }

    fn wrong(&self, key: &str, expected: &str, found: &JsValue) -> JsValue {
        invalid(format!(
            "{}: `{key}` must be {expected}, got {}",
            self.context,
            describe(found)
        ))
    }

    /// A required string.
    pub fn string(&self, key: &str) -> Result<String, JsValue> {
        let value = self.get(key)?;
        value
            .as_string()
            .ok_or_else(|| self.wrong(key, "a string", &value))
    }

    /// A string, or `None` when absent (`undefined` or `null`).
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, JsValue> {
        let value = self.get(key)?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| self.wrong(key, "a string", &value))
    }

    /// A time in milliseconds since the epoch (what `Date.now()` gives),
    /// or `None` when absent.
    pub fn opt_timestamp(&self, key: &str) -> Result<Option<Timestamp>, JsValue> {
        let value = self.get(key)?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        timestamp(&value)
            .map(Some)
            .ok_or_else(|| self.wrong(key, "a time in ms since the epoch (Date.now())", &value))
    }

    /// A web platform (`"mobileWeb"` or `"desktopWeb"`), or `None` when
    /// absent.
    pub fn opt_web_platform(&self, key: &str) -> Result<Option<Platform>, JsValue> {
        let Some(name) = self.opt_string(key)? else {
            return Ok(None);
        };
        match Platform::ALL.into_iter().find(|p| p.as_str() == name) {
            Some(p) if !p.is_native_app() => Ok(Some(p)),
            _ => Err(invalid(format!(
                "{}: `{key}` must be \"mobileWeb\" or \"desktopWeb\" (this is a web page), got \"{name}\"",
                self.context
            ))),
        }
    }

    /// A field read as one of the core's serde types (`expectation`, …);
    /// the error names the field and says what is wrong inside it.
    pub fn json<T: DeserializeOwned>(&self, key: &str, what: &str) -> Result<T, JsValue> {
        let value = self.get(key)?;
        if value.is_undefined() {
            return Err(invalid(format!(
                "{}: `{key}` is missing (it must be {what})",
                self.context
            )));
        }
        from_js(&value)
            .map_err(|e| invalid(format!("{}: `{key}` is not {what}: {e}", self.context)))
    }
}

/// A string argument `name` of `call` (wasm-bindgen's own conversion
/// would throw a bare `TypeError`, or worse, for a value of another type).
pub fn string_arg(call: &str, name: &str, value: &JsValue) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        invalid(format!(
            "{call}: `{name}` must be a string, got {}",
            describe(value)
        ))
    })
}

/// A whole number of milliseconds since the epoch.
pub fn timestamp(value: &JsValue) -> Option<Timestamp> {
    let ms = value.as_f64()?;
    let whole = ms.is_finite() && ms >= 0.0 && ms.fract() == 0.0 && ms <= 9_007_199_254_740_991.0;
    // A whole, non-negative number within 2^53: exact as a u64.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    whole.then(|| Timestamp::from_millis(ms as u64))
}

/// A policy: the Vipps defaults, with the fields `value` gives replaced
/// (serde reads a [`Policy`] over [`Policy::vipps`]). Unknown fields are
/// refused; nested objects (`backoff`, `whileHidden`) are replaced whole.
/// An error names the first field that cannot be read.
pub fn policy(value: &JsValue) -> Result<Policy, JsValue> {
    Fields::new("policy", value)?;
    from_js::<Policy>(value).map_err(|e| {
        let field = if e.path.is_empty() {
            String::new()
        } else {
            format!("`{}` is not valid: ", e.path)
        };
        invalid(format!(
            "policy: {field}{} (durations are whole milliseconds)",
            e.message
        ))
    })
}
