//! The ePayment API's errors: RFC 7807 problem details, and what to do
//! after each (ePayment API guide, "Errors"; specification, `Problem`; the
//! Webhooks API's `ProblemDetails`).
//!
//! ```json
//! {"type": "https://httpstatuses.io/400", "title": "Cannot capture before reservation",
//!  "detail": "The amount you tried to capture is not reserved. …",
//!  "instance": "/v1/payments/577531734343670112/capture", "status": 400,
//!  "extraDetails": [{"name": "ErrorCode", "reason": "6080"}],
//!  "traceId": "00-813b63975adcaaeef2b0ec7c103c40e3-706492e906541d31-01"}
//! ```
//!
//! "The title and details may be updated over time" and the `type` is the
//! HTTP status's page, so the class is decided by the HTTP status first;
//! the domain error code (`extraDetails` `ErrorCode`) and the one title
//! that says "try again" refine it.

use serde::{Deserialize, Serialize};

use crate::foundation::lenient::opt_u64_lenient;
use crate::foundation::retry::ErrorClass;

/// A problem details object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// `type`: "A URI reference that identifies the problem type."
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `title`: "A short, human-readable summary of the problem type."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `status`: "The HTTP response code" (a number, or its text — the
    /// knowledge base's example writes `"400"`).
    #[serde(
        default,
        deserialize_with = "opt_u16",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<u16>,
    /// `detail`: "A human-readable explanation specific to this
    /// occurrence of the problem."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// `instance`: the path of the request, or a URN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// `traceId`: "An id that can be used to facilitate in tracing the
    /// error."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// `extraDetails`: which field broke which rule, or the domain
    /// `ErrorCode`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty"
    )]
    pub extra_details: Vec<ExtraDetail>,
}

/// One entry of `extraDetails`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraDetail {
    /// `name`: a field (`reference`), or `ErrorCode`.
    pub name: String,
    /// `reason`: the rule broken, or the code.
    #[serde(deserialize_with = "crate::foundation::lenient::text_or_number")]
    pub reason: String,
}

fn opt_u16<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    opt_u64_lenient(d).and_then(|v| {
        v.map(|v| u16::try_from(v).map_err(serde::de::Error::custom))
            .transpose()
    })
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ExtraDetail>, D::Error> {
    Option::<Vec<ExtraDetail>>::deserialize(d).map(Option::unwrap_or_default)
}

impl Problem {
    /// The domain error code (`extraDetails` entry named `ErrorCode`).
    pub fn error_code(&self) -> Option<&str> {
        self.extra_details
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case("ErrorCode"))
            .map(|d| d.reason.as_str())
    }

    /// `title`, or `detail`, or the empty string: for messages.
    pub fn summary(&self) -> &str {
        self.title
            .as_deref()
            .or(self.detail.as_deref())
            .unwrap_or("")
    }
}

/// How a call to the ePayment API failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallFailure<'a> {
    /// No connection: nothing reached the provider.
    ConnectFailed,
    /// The request was sent and no answer came in time: its outcome is
    /// unknown.
    ReadTimeout,
    /// An HTTP error answer, with its problem body if it had one.
    Http {
        /// The HTTP status.
        status: u16,
        /// The body, if it was a problem object.
        problem: Option<&'a Problem>,
    },
}

/// What to do after a failed call (ePayment API guide, "Errors" and
/// "Rate limiting"; knowledge base, "Errors").
///
/// | failure | class |
/// |---|---|
/// | no connection | retry later, same `Idempotency-Key` |
/// | timeout, `5xx` | check the payment (get payment or the event log), then retry with the same key |
/// | `429` ("Too many requests"), title "Order processing" ("Too many concurrent requests. The payment is being processed.") | retry later, same key |
/// | `409` on create (the `reference` exists: "Idempotency error") | a new `reference` |
/// | `409` otherwise (another request holds the key or the payment) | check, then retry |
/// | `400`, `401`, `403`, `404`, any other | final |
///
/// ```
/// use appswitch_core::foundation::retry::ErrorClass;
/// use appswitch_core::providers::vipps_epayment::{classify, CallFailure, Problem};
///
/// assert_eq!(classify(CallFailure::ReadTimeout, false), ErrorClass::CheckThenRetry);
/// let p = Problem { title: Some("Order processing".into()), status: Some(409), ..Problem::default() };
/// assert_eq!(classify(CallFailure::Http { status: 409, problem: Some(&p) }, false), ErrorClass::RetryLater);
/// ```
///
/// `creating` is true for `POST:/epayment/v1/payments`.
pub fn classify(failure: CallFailure<'_>, creating: bool) -> ErrorClass {
    match failure {
        CallFailure::ConnectFailed => ErrorClass::RetryLater,
        CallFailure::ReadTimeout => ErrorClass::CheckThenRetry,
        CallFailure::Http { status, problem } => {
            if problem
                .and_then(|p| p.title.as_deref())
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("Order processing"))
            {
                return ErrorClass::RetryLater;
            }
            match status {
                429 => ErrorClass::RetryLater,
                408 | 500..=599 => ErrorClass::CheckThenRetry,
                409 if creating => ErrorClass::NewOrderId,
                409 => ErrorClass::CheckThenRetry,
                _ => ErrorClass::Final,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_examples_read() {
        let p: Problem = serde_json::from_str(
            r#"{"type":"https://httpstatuses.io/400","title":"Bad Request","status":400,
                "detail":"See extraDetails for further details","instance":"/v1/payments",
                "traceId":"00-6614b5c7ea5c404b17e45c3a398c4754-5ca6de688e27022d-01",
                "extraDetails":[{"name":"reference",
                  "reason":"The field Reference must match the regular expression '^[a-zA-Z0-9-]{8,64}$'."}]}"#,
        )
        .unwrap();
        assert_eq!(p.status, Some(400));
        assert_eq!(p.error_code(), None);
        assert_eq!(p.extra_details[0].name, "reference");
        let p: Problem = serde_json::from_str(
            r#"{"type": "https://httpstatuses.io/400", "title": "Cannot capture before reservation",
                "status": "400", "extraDetails": [{"name": "ErrorCode", "reason": 6080}],
                "traceId": "00-813b"}"#,
        )
        .unwrap();
        assert_eq!(p.error_code(), Some("6080"));
        assert_eq!(p.status, Some(400));
        let p: Problem = serde_json::from_str(r#"{"title": "x", "extraDetails": null}"#).unwrap();
        assert!(p.extra_details.is_empty());
        assert!(serde_json::from_str::<Problem>(r#"{"status": 70000}"#).is_err());
    }

    #[test]
    fn classes_follow_the_http_status_and_the_retry_title() {
        let http = |status| CallFailure::Http {
            status,
            problem: None,
        };
        assert_eq!(
            classify(CallFailure::ConnectFailed, false),
            ErrorClass::RetryLater
        );
        for s in [500, 502, 503, 504, 408] {
            assert_eq!(classify(http(s), false), ErrorClass::CheckThenRetry, "{s}");
        }
        assert_eq!(classify(http(429), true), ErrorClass::RetryLater);
        assert_eq!(classify(http(409), true), ErrorClass::NewOrderId);
        assert_eq!(classify(http(409), false), ErrorClass::CheckThenRetry);
        for s in [400, 401, 403, 404, 422] {
            assert_eq!(classify(http(s), false), ErrorClass::Final, "{s}");
        }
        let busy = Problem {
            title: Some(" order processing ".into()),
            ..Problem::default()
        };
        assert_eq!(
            classify(
                CallFailure::Http {
                    status: 400,
                    problem: Some(&busy)
                },
                true
            ),
            ErrorClass::RetryLater
        );
    }
}
