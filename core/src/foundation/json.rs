//! Reading the core's serde types from JSON text, with errors that name
//! the field: a path such as `transactionLogHistory[2].amount`.
//!
//! The core's own documents (the status document, Flutterwave answers,
//! the pending store) are read by hand from a parsed
//! [`Value`](crate::foundation::json_text::Value); the provider's raw payloads (Vipps
//! details, callbacks, …) with serde. Two readers can do that: serde_json
//! (with the `json` feature; it says where an error is by line and column)
//! and the core's own [`json_text`](crate::foundation::json_text) (a byte offset), which
//! the browser build uses so that it ships no JSON library. Both read the
//! same serde types, so they cannot disagree on a field; [`TextReader`]
//! picks one, [`READER`] is the one this build reads with.

use core::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed};

use crate::foundation::json_text::{JsonError, Reader};
use crate::providers::payload::PayloadError;

/// A JSON reader for the core's serde types.
#[cfg_attr(not(feature = "raw-vipps"), allow(dead_code))] // only raw payloads are read with serde
pub(crate) trait TextReader: Copy {
    /// Reads `text` (all of it) with `seed`.
    fn seed<V, S>(self, text: &str, seed: S) -> Result<V, PayloadError>
    where
        S: for<'de> DeserializeSeed<'de, Value = V>;

    /// Reads a `T` from `text`.
    fn read<T: DeserializeOwned>(self, text: &str) -> Result<T, PayloadError> {
        self.seed(text, PhantomData::<T>)
    }
}

/// The core's own reader ([`crate::foundation::json_text`]).
#[derive(Clone, Copy, Debug)]
#[cfg_attr(feature = "json", allow(dead_code))] // compared with serde_json in tests
pub(crate) struct Lite;

impl TextReader for Lite {
    fn seed<V, S>(self, text: &str, seed: S) -> Result<V, PayloadError>
    where
        S: for<'de> DeserializeSeed<'de, Value = V>,
    {
        let mut reader = Reader::new(text);
        seed.deserialize(&mut reader)
            .map_err(|e| reader.locate(e))
            .and_then(|value| reader.end().map(|()| value))
            .map_err(|e| lite_error(text, &e))
    }
}

/// A [`json_text`](crate::foundation::json_text) error on `text` as a
/// [`PayloadError::Json`] with the path of the field where it happened.
#[cfg_attr(feature = "json", allow(dead_code))]
pub(crate) fn lite_error(text: &str, e: &JsonError) -> PayloadError {
    if e.syntax {
        return PayloadError::Json {
            path: String::new(),
            message: format!("not JSON: {} at byte {}", e.message, e.at),
        };
    }
    PayloadError::Json {
        path: path_at(text, e.at),
        message: e.message.clone(),
    }
}

/// serde_json, whose errors say where by line and column.
#[cfg(feature = "json")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct SerdeJson;

#[cfg(feature = "json")]
impl TextReader for SerdeJson {
    fn seed<V, S>(self, text: &str, seed: S) -> Result<V, PayloadError>
    where
        S: for<'de> DeserializeSeed<'de, Value = V>,
    {
        let mut de = serde_json::Deserializer::from_str(text);
        seed.deserialize(&mut de)
            .and_then(|value| de.end().map(|()| value))
            .map_err(|e| error(text, &e))
    }
}

/// The reader of this build: serde_json with the `json` feature, else the
/// core's own.
#[cfg(feature = "json")]
pub(crate) const READER: SerdeJson = SerdeJson;
/// The reader of this build: serde_json with the `json` feature, else the
/// core's own.
#[cfg(not(feature = "json"))]
pub(crate) const READER: Lite = Lite;

/// Deserialises `text` with this build's reader, naming the field on error.
#[cfg_attr(not(feature = "json"), allow(dead_code))] // the provider types' `parse_json` helpers
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, PayloadError> {
    READER.read(text)
}

/// A serde_json error on `text` as a [`PayloadError::Json`] with the path
/// of the field where it happened.
#[cfg(feature = "json")]
pub(crate) fn error(text: &str, e: &serde_json::Error) -> PayloadError {
    let full = e.to_string();
    let location = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&location).unwrap_or(&full);
    // A syntax error means the text is not JSON at all: say so, and where.
    let message = if e.is_syntax() || e.is_eof() {
        format!("not JSON: {message}{location}")
    } else {
        message.to_string()
    };
    // A cut-off text has no field to blame.
    let path = if e.line() == 0 || e.is_eof() {
        String::new()
    } else {
        path_at(text, offset_of(text, e.line(), e.column()))
    };
    PayloadError::Json { path, message }
}

#[cfg(feature = "json")]
/// The byte offset of serde_json's (1-based line, byte column).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    line_start.saturating_add(column).min(text.len())
}

enum Frame {
    Object {
        key: Option<String>,
        expecting_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The JSON path of the value being read at byte `end` of `text`.
fn path_at(text: &str, end: usize) -> String {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < end {
                    match bytes.get(j) {
                        Some(b'\\') => j += 2,
                        Some(b'"') => break,
                        _ => j += 1,
                    }
                }
                if let Some(Frame::Object {
                    key,
                    expecting_key: true,
                }) = stack.last_mut()
                {
                    let raw = text.get(start..j.min(end)).unwrap_or_default();
                    *key = Some(raw.to_string());
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    let depth = stack.len();
    for (n, frame) in stack.into_iter().enumerate() {
        match frame {
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
            Frame::Object { key: Some(k), .. } if n + 1 < depth => push_key(&mut path, &k),
            Frame::Object {
                key: Some(k),
                expecting_key: false,
            } => push_key(&mut path, &k),
            Frame::Object { .. } => {}
        }
    }
    path
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

#[cfg(test)]
#[cfg(feature = "json")]
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

    /// What serde_json says, after checking that the core's own reader
    /// names the same field (it words syntax errors its own way).
    fn err(text: &str) -> (String, String) {
        let parts = |e: PayloadError| match e {
            PayloadError::Json { path, message } => (path, message),
            other => panic!("{other:?}"),
        };
        let serde = parts(SerdeJson.read::<Doc>(text).unwrap_err());
        let lite = parts(Lite.read::<Doc>(text).unwrap_err());
        assert_eq!(lite.0, serde.0, "{text}");
        if !serde.1.starts_with("not JSON") {
            assert_eq!(lite.1, serde.1, "{text}");
        } else {
            assert!(lite.1.starts_with("not JSON: "), "{}", lite.1);
        }
        serde
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
    }
}
