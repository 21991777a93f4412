//! Reading the core's serde types from JSON text, with errors that name
//! the field: a path such as `transactionLogHistory[2].amount`.
//!
//! Two readers can do it: serde_json (with the `json` feature; it says
//! where an error is by line and column) and the core's own
//! [`json_text`](crate::json_text) (always there; a byte offset), which the
//! browser build uses so that it ships no JSON library. Both read the same
//! serde types, so they cannot disagree on a field; [`TextReader`] picks
//! one, [`READER`] is the one this build reads with.

use core::fmt;
use core::marker::PhantomData;

use serde::Deserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::json_text::{JsonError, Reader};
use crate::payload::PayloadError;

/// A JSON reader for the core's serde types.
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

/// The core's own reader ([`crate::json_text`]).
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

/// A [`json_text`](crate::json_text) error on `text` as a
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

/// The outline of a JSON value, two objects deep: what recognising a
/// body needs (which keys there are, which of them hold text), without
/// reading it into a type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Outline {
    /// A number, a boolean, `null`, an array, or an object too deep.
    #[default]
    Other,
    /// A string.
    Text(String),
    /// An object: its keys in order, with their outlines.
    Object(Vec<(String, Outline)>),
}

/// How many objects deep an outline looks.
const OUTLINE_DEPTH: u8 = 2;

impl Outline {
    /// The outline of `text`; `None` if it is not JSON.
    pub(crate) fn of(reader: impl TextReader, text: &str) -> Option<Outline> {
        reader.seed(text, Seed(OUTLINE_DEPTH)).ok()
    }

    /// The value of `key` in an object (the last one, if it repeats).
    pub(crate) fn get(&self, key: &str) -> Option<&Outline> {
        match self {
            Outline::Object(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            Outline::Other | Outline::Text(_) => None,
        }
    }

    /// The text of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Outline::Text(t) => Some(t),
            Outline::Other | Outline::Object(_) => None,
        }
    }

    /// Whether this is an object.
    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Outline::Object(_))
    }
}

struct Seed(u8);

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Outline;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Outline, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Outline;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Outline, E> {
        Ok(Outline::Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outline, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Outline::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outline, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = if self.0 == 0 {
                map.next_value::<IgnoredAny>()?;
                Outline::Other
            } else {
                map.next_value_seed(Seed(self.0 - 1))?
            };
            fields.push((key, value));
        }
        if self.0 == 0 {
            return Ok(Outline::Other);
        }
        Ok(Outline::Object(fields))
    }
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

    fn outline(text: &str) -> Outline {
        let lite = Outline::of(Lite, text).unwrap();
        assert_eq!(Outline::of(SerdeJson, text), Some(lite.clone()), "{text}");
        lite
    }

    #[test]
    fn outlines_two_objects_deep() {
        let o = outline(
            r#"{"status":"success","n":1,"data":{"status":"pending","deep":{"x":"y"}},"a":[1]}"#,
        );
        assert_eq!(o.get("status").and_then(Outline::as_str), Some("success"));
        assert_eq!(o.get("n"), Some(&Outline::Other));
        let data = o.get("data").unwrap();
        assert!(data.is_object());
        assert_eq!(
            data.get("status").and_then(Outline::as_str),
            Some("pending")
        );
        assert_eq!(data.get("deep"), Some(&Outline::Other));
        assert_eq!(o.get("a"), Some(&Outline::Other));
        assert_eq!(outline("[1]"), Outline::Other);
        assert_eq!(outline(r#""x""#).as_str(), Some("x"));
        assert_eq!(
            outline(r#"{"k":1,"k":"two"}"#)
                .get("k")
                .and_then(Outline::as_str),
            Some("two")
        );
        assert_eq!(Outline::of(Lite, "{"), None);
    }
}
