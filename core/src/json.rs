//! Reading JSON text with errors that name the field: serde_json says
//! where (line and column), this turns that into a path such as
//! `transactionLogHistory[2].amount`.

use serde::de::DeserializeOwned;

use crate::payload::PayloadError;

/// Deserialises `text`, naming the field on error.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, PayloadError> {
    serde_json::from_str(text).map_err(|e| error(text, &e))
}

/// A serde_json error on `text` as a [`PayloadError::Json`] with the path
/// of the field where it happened.
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

    fn err(text: &str) -> (String, String) {
        match parse::<Doc>(text).unwrap_err() {
            PayloadError::Json { path, message } => (path, message),
            other => panic!("{other:?}"),
        }
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
