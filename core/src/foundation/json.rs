//! Reading the core's serde types from JSON with serde_json, with errors
//! that name the field: a path such as `transactionLogHistory[2].amount`.
//!
//! Every wire type is described once, by its serde derive. A text is
//! parsed once into a [`Value`] ([`parse`]); a body is recognised by its
//! keys, then read as the type its keys say ([`from_value`]), through
//! [`serde_path_to_error`], which keeps the path of the field being read.
//! A type read straight from text ([`from_str`]) is read by serde_json at
//! full speed, and read again through a `Value` only when it fails, to
//! name the field.
//!
//! ```
//! use appswitch_core::foundation::json;
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct Entry { amount: u64 }
//! #[derive(Debug, serde::Deserialize)]
//! struct Doc { history: Vec<Entry> }
//!
//! let e = json::from_str::<Doc>(r#"{"history": [{"amount": 1}, {"amount": "x"}]}"#).unwrap_err();
//! assert_eq!(e.path, "history[1].amount");
//! assert_eq!(e.to_string(), "`history[1].amount`: invalid type: string \"x\", expected u64");
//! assert!(json::from_str::<Doc>("{").unwrap_err().message.starts_with("not JSON: "));
//! ```

use serde::de::DeserializeOwned;
pub use serde_json::Value;

/// A JSON object, as parsed: what the recognisers look at.
pub type Object = serde_json::Map<String, Value>;

/// Why a JSON text or value is not the type expected: where (`path`) and
/// what (`message`, serde's words).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if path.is_empty() { String::new() } else { format!("`{path}`: ") })]
pub struct JsonError {
    /// The field, as a JSON path (`transactionLogHistory[2].amount`,
    /// `[0]`); empty for the value itself, and for text that is not JSON.
    pub path: String,
    /// What is wrong: serde's description, or `not JSON: …` with the line
    /// and column for text that is not JSON at all.
    pub message: String,
}

/// Reads a `T` from JSON text (all of it, nothing after the value), at
/// serde_json's full speed; only text that fails is read again, through a
/// [`Value`], to name the field. (The browser module reads through
/// [`parse`] and [`from_value`] alone, which keeps each type's reader
/// instantiated once.)
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    serde_json::from_str(text).map_err(|first: serde_json::Error| {
        let again = parse(text).and_then(|value| from_value::<T>(&value).map(|_| ()));
        match again {
            Err(e) => e,
            // Read through a value, the text reads: the first error stands.
            Ok(()) => JsonError {
                path: String::new(),
                message: first.to_string(),
            },
        }
    })
}

/// Parses JSON text into a [`Value`] (to be recognised by its keys, then
/// read with [`from_value`]). Text that is not JSON says so and where
/// (line and column), and names the field it broke off in, if any.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    serde_json::from_str(text).map_err(|e: serde_json::Error| {
        let path = if e.is_eof() || e.line() == 0 {
            String::new()
        } else {
            // Read again, to find the field (only for text that is not JSON).
            let mut de = serde_json::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, Value>(&mut de) {
                Err(e) => path_of(e.path()),
                Ok(_) => String::new(),
            }
        };
        JsonError {
            path,
            message: format!("not JSON: {e}"),
        }
    })
}

/// Reads a `T` from a parsed value.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, JsonError> {
    serde_path_to_error::deserialize(value).map_err(|e| JsonError {
        path: path_of(e.path()),
        message: e.inner().to_string(),
    })
}

/// Writes `value` as compact JSON text. Fails only for what JSON cannot
/// hold (a map whose keys are not strings), which no type of the core has.
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    serde_json::to_string(value).map_err(|e| JsonError {
        path: String::new(),
        message: e.to_string(),
    })
}

/// What a JSON value is, for messages: `null`, `a boolean`, `an array`, ….
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `path` as text (`a.b[2].c`), empty for the value itself.
fn path_of(path: &serde_path_to_error::Path) -> String {
    if path.iter().next().is_none() {
        String::new()
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Entry {
        amount: u64,
        operation: String,
    }
    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Doc {
        order_id: String,
        history: Vec<Entry>,
    }

    /// The error of reading `text`.
    fn err(text: &str) -> (String, String) {
        let e = from_str::<Doc>(text).unwrap_err();
        (e.path, e.message)
    }

    #[test]
    fn names_the_field() {
        let (path, msg) = err(
            r#"{"orderId": "o", "history": [{"amount": 1, "operation": "A"}, {"amount": "x", "operation": "B"}]}"#,
        );
        assert_eq!(path, "history[1].amount");
        assert!(msg.contains("invalid type"), "{msg}");
        let (path, msg) = err("{\"orderId\": \"o\",\n \"history\": [\n {\"amount\": 1}]}");
        assert_eq!(path, "history[0]");
        assert_eq!(msg, "missing field `operation`");
        let (path, msg) = err(r#"{"history": []}"#);
        assert_eq!(
            (path.as_str(), msg.as_str()),
            ("", "missing field `orderId`")
        );
        let (path, _) = err(r#"{"orderId": 5, "history": []}"#);
        assert_eq!(path, "orderId");
        let (path, _) = err(r#"{"or\"derId": "o", "history": [{"amount": -1}]}"#);
        assert_eq!(path, "history[0].amount");
        let (path, msg) = err("not json");
        assert_eq!(path, "");
        assert!(msg.starts_with("not JSON: expected"), "{msg}");
        assert!(msg.ends_with("at line 1 column 2"), "{msg}");
    }

    #[test]
    fn says_where_text_that_is_not_json_ends() {
        for (text, path) in [
            ("", ""),
            ("{", ""),
            (r#"{"orderId": "o""#, ""),
            ("[1,]", ""),
            (r#"{"a":1} x"#, ""),
            ("{\"a\": {\"b\": \"\\\n\"}}", "a.b"),
        ] {
            let e = from_str::<Value>(text).unwrap_err();
            assert_eq!(e.path, path, "{text}");
            assert!(e.message.starts_with("not JSON: "), "{text}: {e}");
            assert!(e.message.contains(" at line "), "{text}: {e}");
            assert_eq!(parse(text).unwrap_err(), e);
        }
    }

    #[test]
    fn refuses_a_value_nested_too_deep_without_overflowing() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("recursion limit exceeded"), "{e}");
    }

    #[test]
    fn names_what_a_value_is() {
        let kinds: Vec<_> = ["null", "true", "1", "\"s\"", "[]", "{}"]
            .iter()
            .map(|t| kind(&parse(t).unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                "null",
                "a boolean",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }
}
