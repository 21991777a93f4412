//! What a status answer means: an HTTP response (status code, `Retry-After`,
//! body) turned into a provider-neutral [`Answer`] for
//! [`Event::Response`](super::Event::Response).
//!
//! Bodies read by [`interpret_http`]:
//! - every payment payload [`StatusPayload`](crate::providers::payload::StatusPayload)
//!   recognises: appswitch's [`StatusDocument`] (what the merchant backend
//!   serves) and the raw Vipps payloads a backend may pass through (a
//!   details response, a callback, an operation response);
//! - Flutterwave's `LONG-REQ` and ping answers (Flutterwave "Handling timeouts via API" guide,
//!   [`crate::providers::flutterwave`]), with the `flutterwave-answers` feature;
//! - a Vipps Recurring charge (Vipps "Technical update 2022-01", [`crate::providers::vipps_ecom::recurring`]):
//!   `PROCESSING` is pending until `CHARGED` or `FAILED`.
//!
//! The body is parsed once (serde_json), then recognised by each
//! provider's recogniser in turn — the payment payloads first, then the
//! formats that are only tracker answers — and read as the type it names.
//! Without `raw-vipps` and `flutterwave-answers` (the browser module) the
//! Vipps and Flutterwave bodies are recognised and refused, with a reason
//! that says to serve the status document. Answers can also be built from typed values with
//! [`Answer::from_http_status`], [`Answer::from_document`],
//! [`Answer::from_flutterwave`] and [`Answer::from_charge`].

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::json::{self, Value};
use crate::foundation::retry::RetryAfter;
use crate::foundation::time::serde_millis;
use crate::providers::flutterwave::{self, FlutterwaveBody, PingAnswer, PingStatus};
use crate::providers::payload::{self, PayloadError, StatusPayload};
use crate::providers::vipps_ecom::recognise::is_recurring_charge;
use crate::providers::vipps_ecom::recurring::Charge;
use crate::status::{PaymentStatus, StatusDocument};

/// What one status answer says, whoever sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Answer {
    /// Facts about the payment (possibly none yet: an initiated payment).
    /// Merged into what the tracker knows; stale or reordered answers are
    /// harmless because merging only adds facts.
    Status(PaymentStatus),
    /// Still pending, nothing new (a pending ping, a `PROCESSING` charge,
    /// `204 No Content`).
    Pending,
    /// Flutterwave `LONG-REQ`: wait, then poll `ping_url` (Flutterwave "Handling timeouts via API" guide).
    LongRequest {
        /// The URL to poll.
        ping_url: String,
        /// The advised wait before the first ping.
        #[serde(with = "serde_millis")]
        wait: Duration,
    },
    /// `429 Too Many Requests` (or `503` with `Retry-After`): wait as told,
    /// or back off when not told.
    RateLimited {
        /// The `Retry-After` header, if it was there and readable.
        retry_after: Option<RetryAfter>,
    },
    /// `5xx`, `408`, or a provider-reported timeout: the outcome is not
    /// known; back off and ask again.
    ServerError {
        /// What happened, for logs.
        reason: String,
    },
    /// Another HTTP status (`400`, `401`, `403`, `404`, `3xx`, …): counts
    /// towards [`Policy::max_bad_answers`](super::Policy::max_bad_answers).
    ClientError {
        /// The HTTP status code.
        status: u16,
    },
    /// A `2xx` body that could not be read: counts towards
    /// [`Policy::max_bad_answers`](super::Policy::max_bad_answers).
    Malformed {
        /// What is wrong with it, naming the field.
        reason: String,
    },
}

impl Answer {
    /// The answer an HTTP status code alone decides, or `None` for `2xx`
    /// (read the body). `retry_after` is the raw `Retry-After` header; an
    /// unreadable one counts as absent.
    pub fn from_http_status(status: u16, retry_after: Option<&str>) -> Option<Answer> {
        let retry_after = retry_after.and_then(|v| RetryAfter::parse(v).ok());
        match status {
            200..=299 => None,
            429 => Some(Answer::RateLimited { retry_after }),
            503 if retry_after.is_some() => Some(Answer::RateLimited { retry_after }),
            408 | 425 | 500..=599 => Some(Answer::ServerError {
                reason: format!("HTTP {status}"),
            }),
            _ => Some(Answer::ClientError { status }),
        }
    }

    /// The answer of appswitch's status document.
    pub fn from_document(doc: &StatusDocument) -> Answer {
        match doc.to_status() {
            Ok(status) => Answer::Status(status),
            Err(e) => Answer::Malformed {
                reason: e.to_string(),
            },
        }
    }

    /// The answer of a Flutterwave body (Flutterwave "Handling timeouts via API" guide). A completed ping is a
    /// [`Status`](Answer::Status) with the facts its embedded charge
    /// response proves (none, if it proves nothing); the tracker then
    /// re-queries the status URL once.
    pub fn from_flutterwave(body: FlutterwaveBody) -> Answer {
        match body {
            FlutterwaveBody::LongRequest(long) => Answer::LongRequest {
                wait: long.wait(),
                ping_url: long.ping_url,
            },
            FlutterwaveBody::Ping(ping) => match ping.status {
                PingStatus::Pending => Answer::Pending,
                PingStatus::Completed => Answer::Status(ping_observation(&ping)),
            },
            FlutterwaveBody::Error(e) => Answer::ServerError {
                reason: format!(
                    "Flutterwave error {}: {}",
                    e.code.as_deref().unwrap_or("(no code)"),
                    e.message.as_deref().unwrap_or("(no message)")
                ),
            },
        }
    }

    /// The answer of a Vipps Recurring charge (Vipps "Technical update 2022-01"): pending until
    /// `CHARGED` or `FAILED` (or another decided status).
    pub fn from_charge(charge: &Charge) -> Answer {
        match charge.observation() {
            Some(status) => Answer::Status(status),
            None => Answer::Pending,
        }
    }
}

fn ping_observation(ping: &PingAnswer) -> PaymentStatus {
    ping.charge_response()
        .ok()
        .flatten()
        .and_then(|c| c.observation())
        .unwrap_or_else(PaymentStatus::initiated)
}

/// Turns an HTTP response from the status URL (or a Flutterwave ping URL)
/// into an [`Answer`]: the status code, the raw `Retry-After` header value
/// (delta-seconds or HTTP-date) and the body text.
///
/// ```
/// use appswitch_core::shopper::tracker::{Answer, interpret_http};
/// use appswitch_core::status::PaymentState;
///
/// let body = r#"{"version":1,"orderId":"o-1","provider":"vipps","status":"reserved",
///                "final":true,"amounts":{"reserved":20000}}"#;
/// let Answer::Status(status) = interpret_http(200, None, body) else { panic!() };
/// assert_eq!(status.state(), PaymentState::Reserved);
/// assert!(matches!(interpret_http(429, Some("3"), ""), Answer::RateLimited { retry_after: Some(_) }));
/// ```
pub fn interpret_http(status: u16, retry_after: Option<&str>, body: &str) -> Answer {
    if let Some(answer) = Answer::from_http_status(status, retry_after) {
        return answer;
    }
    if status == 204 || body.trim().is_empty() {
        return Answer::Pending;
    }
    match json::parse(body) {
        Ok(value) => interpret_body(&value),
        Err(e) => Answer::Malformed {
            reason: PayloadError::from(e).to_string(),
        },
    }
}

/// A `2xx` body, parsed. Payment payloads (the status document, anything
/// Vipps sends about a payment) have one recogniser: `StatusPayload`. Only
/// the formats that are tracker answers rather than payment payloads are
/// recognised here, after it.
fn interpret_body(value: &Value) -> Answer {
    let malformed = |e: &dyn core::fmt::Display| Answer::Malformed {
        reason: e.to_string(),
    };
    match StatusPayload::from_value(value) {
        Ok(StatusPayload::Document(doc)) => Answer::from_document(&doc),
        Ok(payload) => payload
            .to_status()
            .map_or_else(|e| malformed(&e), Answer::Status),
        Err(PayloadError::Unrecognised { .. }) => {
            if let Some(read) = flutterwave::read_value(value) {
                return read.map_or_else(|e| malformed(&e), Answer::from_flutterwave);
            }
            match value.as_object() {
                Some(object) if is_recurring_charge(object) => {
                    match payload::read_recurring_charge(value) {
                        Ok(charge) => Answer::from_charge(&charge),
                        Err(e @ PayloadError::NotRead { .. }) => malformed(&e),
                        Err(e) => malformed(&format_args!("recurring charge: {e}")),
                    }
                }
                _ => malformed(
                    &"the body is none of: a status document (`version`, `status`), a Vipps payload \
                      (`transactionLogHistory`, `transactionInfo`), a Flutterwave answer (`status`, \
                      `message`, `data`), a recurring charge (`status`)",
                ),
            }
        }
        Err(e) => malformed(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::money::Amount;
    use crate::foundation::time::Timestamp;
    use crate::status::PaymentState;

    #[test]
    fn reads_the_status_document() {
        let doc = StatusDocument::from_status(
            "o-1",
            "vipps",
            &PaymentStatus::initiated().with_reserved(Amount::from_minor(100)),
        );
        let body = serde_json::to_string(&doc).unwrap();
        let Answer::Status(s) = interpret_http(200, None, &body) else {
            panic!()
        };
        assert_eq!(s.state(), PaymentState::Reserved);
        let unknown = serde_json::to_string(&StatusDocument::unknown("o-1", "vipps", "x")).unwrap();
        assert_eq!(
            interpret_http(200, None, &unknown),
            Answer::Status(PaymentStatus::initiated())
        );
        let lying = body.replace("\"final\":true", "\"final\":false");
        let Answer::Malformed { reason } = interpret_http(200, None, &lying) else {
            panic!()
        };
        assert!(reason.contains("final"), "{reason}");
        let broken = r#"{"final":true,"provider":"vipps"}"#;
        let Answer::Malformed { reason } = interpret_http(200, None, broken) else {
            panic!()
        };
        assert!(reason.contains("status document"), "{reason}");
    }

    #[test]
    fn status_codes_decide_first() {
        assert_eq!(
            interpret_http(429, Some("7"), "{}"),
            Answer::RateLimited {
                retry_after: Some(RetryAfter::Delay(Duration::from_secs(7)))
            }
        );
        assert_eq!(
            interpret_http(429, Some("Sun, 06 Nov 1994 08:49:37 GMT"), ""),
            Answer::RateLimited {
                retry_after: Some(RetryAfter::At(Timestamp::from_millis(784_111_777_000)))
            }
        );
        assert_eq!(
            interpret_http(429, Some("whenever"), ""),
            Answer::RateLimited { retry_after: None }
        );
        assert_eq!(
            interpret_http(503, Some("2"), ""),
            Answer::RateLimited {
                retry_after: Some(RetryAfter::Delay(Duration::from_secs(2)))
            }
        );
        assert!(matches!(
            interpret_http(503, None, ""),
            Answer::ServerError { .. }
        ));
        assert!(matches!(
            interpret_http(408, None, ""),
            Answer::ServerError { .. }
        ));
        assert_eq!(
            interpret_http(404, None, "{}"),
            Answer::ClientError { status: 404 }
        );
        assert_eq!(interpret_http(204, None, ""), Answer::Pending);
        assert_eq!(interpret_http(200, None, "  "), Answer::Pending);
    }

    #[cfg(feature = "flutterwave-answers")]
    #[test]
    fn reads_flutterwave_answers() {
        let long = r#"{"status":"success","message":"LONG-REQ","data":{"ping_url":"https://p.example/r/1","wait":7468}}"#;
        assert_eq!(
            interpret_http(200, None, long),
            Answer::LongRequest {
                ping_url: "https://p.example/r/1".into(),
                wait: Duration::from_millis(7468)
            }
        );
        let pending = r#"{"status":"success","message":"REQSPONSE","data":{"reqid":"R","status":"pending","response":null}}"#;
        assert_eq!(interpret_http(200, None, pending), Answer::Pending);
        let completed = r#"{"status":"success","message":"REQSPONSE","data":{"reqid":"R","status":"completed",
            "response":"{\"code\":\"FLW_ERR\",\"message\":\"invalid account\",\"is_err\":1}"}}"#;
        let Answer::Status(s) = interpret_http(200, None, completed) else {
            panic!()
        };
        assert_eq!(
            s.state(),
            PaymentState::Failed {
                reason: "invalid account".into()
            }
        );
        // A completed ping whose response proves nothing: facts none, the
        // verification re-query decides.
        let empty = r#"{"status":"success","message":"REQSPONSE","data":{"reqid":"R","status":"completed","response":"not json"}}"#;
        assert_eq!(
            interpret_http(200, None, empty),
            Answer::Status(PaymentStatus::initiated())
        );
        let timeout = r#"{"status":"error","message":"No Message","data":{"code":"FLW_ERR","message":"No Message"}}"#;
        assert!(matches!(
            interpret_http(200, None, timeout),
            Answer::ServerError { .. }
        ));
    }

    #[test]
    #[cfg(feature = "raw-vipps")]
    fn reads_recurring_charges() {
        assert_eq!(
            interpret_http(
                200,
                None,
                r#"{"id":"chr-1","status":"PROCESSING","amount":100}"#
            ),
            Answer::Pending
        );
        let Answer::Status(s) = interpret_http(
            200,
            None,
            r#"{"id":"chr-1","status":"CHARGED","amount":100}"#,
        ) else {
            panic!()
        };
        assert!(s.is_success());
        let Answer::Malformed { reason } = interpret_http(200, None, r#"{"status":"MAYBE"}"#)
        else {
            panic!()
        };
        assert!(
            reason.contains("recurring charge") && reason.contains("MAYBE"),
            "{reason}"
        );
    }

    #[test]
    #[cfg(feature = "raw-vipps")]
    fn reads_raw_vipps_payloads_through_the_one_payload_parser() {
        let details = r#"{"orderId":"o","transactionLogHistory":[
            {"operation":"RESERVE","operationSuccess":true,"amount":20000,"transactionId":"1","timeStamp":"2018-11-14T15:21:22.126Z","requestId":""},
            {"operation":"INITIATE","operationSuccess":true,"amount":20000,"transactionId":"1","timeStamp":"2018-11-14T15:21:04.697Z","requestId":""}]}"#;
        let Answer::Status(s) = interpret_http(200, None, details) else {
            panic!()
        };
        assert_eq!(s.state(), PaymentState::Reserved);
        let callback = r#"{"merchantSerialNumber":123456,"orderId":"o","transactionInfo":
            {"amount":20000,"status":"CANCELLED","timeStamp":"2018-12-12T11:18:38.246Z","transactionId":"5"}}"#;
        let Answer::Status(s) = interpret_http(200, None, callback) else {
            panic!()
        };
        assert!(matches!(s.state(), PaymentState::Cancelled { .. }));
    }

    /// `body` is `Malformed`, with a reason that contains `needle`.
    fn refused(body: &str, needle: &str) {
        let Answer::Malformed { reason } = interpret_http(200, None, body) else {
            panic!("{body}")
        };
        assert!(reason.contains(needle), "{body}: {reason}");
    }

    #[test]
    fn refuses_what_it_cannot_read_and_says_why() {
        refused("not json", "not JSON");
        refused("[1]", "expected a JSON object, found an array");
        refused(r#"{"hello":1}"#, "none of");
    }

    #[test]
    #[cfg(feature = "raw-vipps")]
    fn a_raw_vipps_payload_that_cannot_be_read_names_the_field() {
        refused(
            r#"{"orderId":"o","transactionLogHistory":[{"operation":"RESERVE"}]}"#,
            "transactionLogHistory[0]",
        );
    }

    /// The browser build does not read raw Vipps payloads: it says what to
    /// serve instead.
    #[test]
    #[cfg(not(feature = "raw-vipps"))]
    fn the_browser_build_refuses_raw_vipps_payloads_and_says_what_to_serve() {
        refused(
            r#"{"orderId":"o","transactionLogHistory":[{"operation":"RESERVE"}]}"#,
            "raw Vipps details response, which this build does not read",
        );
        refused(
            r#"{"id":"chr-1","status":"CHARGED","amount":100}"#,
            "serve appswitch's status document",
        );
    }

    #[test]
    #[cfg(not(feature = "flutterwave-answers"))]
    fn the_browser_build_refuses_flutterwave_answers_and_says_what_to_serve() {
        refused(
            r#"{"status":"success","message":"LONG-REQ","data":{"ping_url":"https://p.example/r/1","wait":7468}}"#,
            "a Flutterwave answer (`status`, `message`, `data`), which this build does not read (appswitch-core without `flutterwave-answers`): serve appswitch's status document",
        );
    }

    /// What each shape of body is answered with, in this build.
    #[test]
    fn every_shape_of_body_has_its_answer() {
        let doc = serde_json::to_string(&StatusDocument::from_status(
            "o-1",
            "vipps",
            &PaymentStatus::initiated().with_reserved(Amount::from_minor(100)),
        ))
        .unwrap();
        let raw = cfg!(feature = "raw-vipps");
        let flutterwave = cfg!(feature = "flutterwave-answers");
        let status: fn(&Answer) -> bool = |a| matches!(a, Answer::Status(_));
        let pending: fn(&Answer) -> bool = |a| *a == Answer::Pending;
        let long: fn(&Answer) -> bool = |a| matches!(a, Answer::LongRequest { .. });
        let server: fn(&Answer) -> bool = |a| matches!(a, Answer::ServerError { .. });
        let malformed: fn(&Answer) -> bool = |a| matches!(a, Answer::Malformed { .. });
        // What a build that reads the body answers, or else `Malformed`.
        let read_if = |read: bool, yes: fn(&Answer) -> bool| if read { yes } else { malformed };
        type Expected = fn(&Answer) -> bool;
        let cases: [(&str, Expected); 19] = [
            (doc.as_str(), status),
            ("", pending),
            ("  ", pending),
            ("not json", malformed),
            ("[1]", malformed),
            ("null", malformed),
            (r#"{"hello":1}"#, malformed),
            (
                r#"{"orderId":"o","transactionLogHistory":[{"operation":"RESERVE"}]}"#,
                malformed,
            ),
            (
                r#"{"orderId":"o","transactionLogHistory":[
                {"operation":"RESERVE","operationSuccess":true,"amount":20000,"transactionId":"1","timeStamp":"2018-11-14T15:21:22.126Z","requestId":""}]}"#,
                read_if(raw, status),
            ),
            (
                r#"{"merchantSerialNumber":123456,"orderId":"o","transactionInfo":
                {"amount":20000,"status":"CANCELLED","timeStamp":"2018-12-12T11:18:38.246Z","transactionId":"5"}}"#,
                read_if(raw, status),
            ),
            (
                r#"{"status":"success","message":"LONG-REQ","data":{"ping_url":"https://p.example/r/1","wait":7468}}"#,
                read_if(flutterwave, long),
            ),
            (
                r#"{"status":"success","message":"LONG-REQ","data":{"ping_url":"ftp://p.example/r/1","wait":1}}"#,
                malformed,
            ),
            (
                r#"{"status":"success","message":"REQSPONSE","data":{"reqid":"R","status":"pending","response":null}}"#,
                read_if(flutterwave, pending),
            ),
            (
                r#"{"status":"success","message":"REQSPONSE","data":{"reqid":"R","status":"completed",
                "response_parsed":{"code":"FLW_ERR","message":"invalid account","is_err":1}}}"#,
                read_if(flutterwave, status),
            ),
            (
                r#"{"status":"error","message":"No Message","data":{"code":"FLW_ERR","message":"No Message"}}"#,
                read_if(flutterwave, server),
            ),
            (
                r#"{"status":"success","message":"V-COMP","data":{"x":1}}"#,
                malformed,
            ),
            (
                r#"{"id":"chr-1","status":"PROCESSING","amount":100}"#,
                read_if(raw, pending),
            ),
            (
                r#"{"id":"chr-1","status":"CHARGED","amount":100}"#,
                read_if(raw, status),
            ),
            (r#"{"status":"MAYBE"}"#, malformed),
        ];
        for (body, expected) in cases {
            let answer = interpret_http(200, None, body);
            assert!(expected(&answer), "{body}: {answer:?}");
            // The status code decides before the body is read.
            assert_eq!(
                interpret_http(404, None, body),
                Answer::ClientError { status: 404 }
            );
            assert_eq!(interpret_http(204, None, body), Answer::Pending);
        }
        let Answer::Malformed { reason } = interpret_http(200, None, "{") else {
            panic!()
        };
        assert!(reason.starts_with("not JSON"), "{reason}");
    }

    #[test]
    fn a_body_nested_too_deep_is_refused() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let Answer::Malformed { reason } = interpret_http(200, None, &deep) else {
            panic!()
        };
        assert!(reason.contains("recursion limit exceeded"), "{reason}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(status in 0u16..1000, header in proptest::option::of("\\PC{0,30}"), body in "\\PC{0,200}") {
            let _ = interpret_http(status, header.as_deref(), &body);
        }

        #[test]
        fn never_panics_on_json_shapes(
            final_ in proptest::option::of(proptest::bool::ANY),
            status in "(success|error|pending|completed|PROCESSING|CHARGED|reserved|x)",
            wait in proptest::option::of(0u64..u64::MAX),
        ) {
            let mut obj = serde_json::Map::new();
            if let Some(f) = final_ {
                obj.insert("final".into(), f.into());
                obj.insert("provider".into(), "vipps".into());
            }
            obj.insert("status".into(), status.clone().into());
            obj.insert("message".into(), "LONG-REQ".into());
            let mut data = serde_json::Map::new();
            data.insert("status".into(), status.into());
            if let Some(w) = wait {
                data.insert("wait".into(), w.into());
                data.insert("ping_url".into(), "https://p".into());
            }
            obj.insert("data".into(), data.into());
            let _ = interpret_http(200, None, &serde_json::Value::Object(obj).to_string());
        }
    }
}
