//! Which Flutterwave answer a parsed JSON object is: the one place that
//! recognises Rave's envelope, `{"status", "message", "data"}` (Flutterwave
//! Rave v2, "Handling Timeouts Via API").

use super::LONG_REQUEST_MESSAGE;
use crate::foundation::json::{Object, Value};

/// A Flutterwave answer, by its shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `"status": "error"`: the outcome is not known.
    Error,
    /// `LONG-REQ` (or a `data.ping_url`): wait, then poll the ping URL.
    LongRequest,
    /// A ping answer: `data.reqid`, or `data.status` `pending`/`completed`.
    Ping,
    /// A success envelope of no kind above, with its `message`.
    Unknown(String),
}

/// The kind of `object` and its `data`; `None` when it is not a Rave
/// envelope (string `status` and `message`, object `data`).
pub(super) fn recognise(object: &Object) -> Option<(Kind, &Value)> {
    let status = object.get("status")?.as_str()?;
    let message = object.get("message")?.as_str()?;
    let data = object.get("data").filter(|d| d.is_object())?;
    let has = |key: &str| data.get(key).is_some_and(|v| !v.is_null());
    let kind = if status == "error" {
        Kind::Error
    } else if message == LONG_REQUEST_MESSAGE || has("ping_url") {
        Kind::LongRequest
    } else if has("reqid")
        || matches!(
            data.get("status").and_then(Value::as_str),
            Some("pending" | "completed")
        )
    {
        Kind::Ping
    } else {
        Kind::Unknown(message.to_string())
    };
    Some((kind, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<Kind> {
        let value: Value = serde_json::from_str(text).unwrap();
        recognise(value.as_object()?).map(|(kind, _)| kind)
    }

    #[test]
    fn recognises_each_shape() {
        for (text, want) in [
            (
                r#"{"status":"error","message":"No Message","data":{"code":"FLW_ERR"}}"#,
                Kind::Error,
            ),
            (
                r#"{"status":"success","message":"LONG-REQ","data":{"wait":1}}"#,
                Kind::LongRequest,
            ),
            (
                r#"{"status":"success","message":"?","data":{"ping_url":"https://p"}}"#,
                Kind::LongRequest,
            ),
            (
                r#"{"status":"success","message":"REQSPONSE","data":{"reqid":"R"}}"#,
                Kind::Ping,
            ),
            (
                r#"{"status":"success","message":"REQSPONSE","data":{"status":"completed"}}"#,
                Kind::Ping,
            ),
            (
                r#"{"status":"success","message":"V-COMP","data":{"x":1}}"#,
                Kind::Unknown("V-COMP".into()),
            ),
        ] {
            assert_eq!(kind(text), Some(want), "{text}");
        }
    }

    #[test]
    fn says_no_to_what_is_not_an_envelope() {
        for text in [
            r#"[1]"#,
            r#"{"status":"success","message":"LONG-REQ"}"#,
            r#"{"status":"success","message":"LONG-REQ","data":[1]}"#,
            r#"{"status":1,"message":"LONG-REQ","data":{}}"#,
            r#"{"version":1,"status":"reserved","final":true}"#,
            r#"{"id":"chr-1","status":"CHARGED","amount":100}"#,
        ] {
            assert_eq!(kind(text), None, "{text}");
        }
    }
}
