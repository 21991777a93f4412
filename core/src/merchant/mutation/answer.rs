//! What goes into a plan: the provider's answer to a request it handed out,
//! or how that request failed.

use serde::{Deserialize, Serialize};

use crate::foundation::request::{RequestId, TransportErrorKind};
use crate::foundation::retry::{ErrorClass, RetryAfter};
use crate::providers::vipps_ecom::{
    CallFailure, ErrorBody, InitiateResponse, KnownErrorCode, OperationResponse, PaymentDetails,
    classify,
};

/// An event for [`MutationPlan::handle`](super::MutationPlan::handle) or
/// [`InitiatePlan::handle`](super::InitiatePlan::handle).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum PlanEvent {
    /// The provider answered the request `id`.
    Answer {
        /// The request's id.
        id: RequestId,
        /// What it said.
        answer: ProviderAnswer,
    },
    /// The request `id` failed without an HTTP answer.
    TransportError {
        /// The request's id.
        id: RequestId,
        /// How: a connect timeout or offline means nothing was sent; a read
        /// timeout (or anything else) leaves the outcome unknown.
        kind: TransportErrorKind,
    },
}

/// The provider's answer, read. [`ProviderAnswer::from_http`] builds it from the status, the
/// `Retry-After` header and the body text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ProviderAnswer {
    /// `2xx` to a capture, cancel or refund: the operation response.
    Operation(OperationResponse),
    /// `2xx` to an initiate: where to send the shopper.
    Initiated(InitiateResponse),
    /// `2xx` to a details check: the whole history (boxed: it is large).
    Details(Box<PaymentDetails>),
    /// Any other status, with the error body if it could be read.
    Error {
        /// The HTTP status.
        status: u16,
        /// The provider's error body (any of its three shapes).
        body: Option<ErrorBody>,
        /// The `Retry-After` header, if present and readable.
        retry_after: Option<RetryAfter>,
    },
    /// A `2xx` whose body could not be read.
    Unreadable {
        /// The HTTP status.
        status: u16,
        /// What is wrong with the body, naming the field.
        reason: String,
    },
}

/// Which body a `2xx` answer carries, for [`ProviderAnswer::from_http`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Expected {
    /// An [`OperationResponse`].
    Operation,
    /// An [`InitiateResponse`].
    Initiated,
    /// A [`PaymentDetails`].
    Details,
}

impl ProviderAnswer {
    /// Reads an HTTP answer: a `2xx` body as `expected`, any other status
    /// as an error with its body (when it can be read) and `Retry-After`
    /// (when present and readable).
    ///
    /// ```
    /// use appswitch_core::merchant::mutation::{Expected, ProviderAnswer};
    /// use appswitch_core::providers::vipps_ecom::KnownErrorCode;
    ///
    /// let a = ProviderAnswer::from_http(Expected::Operation, 400, None,
    ///     r#"[{"errorGroup": "Payments", "errorCode": "61", "errorMessage": "Captured amount exceeds the reserved amount ordered"}]"#);
    /// assert_eq!(a.known_codes(), vec![KnownErrorCode::CaptureExceedsReserved]);
    /// ```
    pub fn from_http(
        expected: Expected,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
    ) -> ProviderAnswer {
        if !(200..=299).contains(&status) {
            return ProviderAnswer::Error {
                status,
                body: ErrorBody::parse_json(body).ok(),
                retry_after: retry_after.and_then(|v| RetryAfter::parse(v).ok()),
            };
        }
        let read = match expected {
            Expected::Operation => {
                OperationResponse::parse_json(body).map(ProviderAnswer::Operation)
            }
            Expected::Initiated => {
                InitiateResponse::parse_json(body).map(ProviderAnswer::Initiated)
            }
            Expected::Details => {
                PaymentDetails::parse_json(body).map(|d| ProviderAnswer::Details(Box::new(d)))
            }
        };
        read.unwrap_or_else(|e| ProviderAnswer::Unreadable {
            status,
            reason: e.to_string(),
        })
    }

    /// The known error codes of an error answer, in order.
    pub fn known_codes(&self) -> Vec<KnownErrorCode> {
        match self {
            ProviderAnswer::Error {
                body: Some(body), ..
            } => body.known_codes(),
            ProviderAnswer::Error { body: None, .. }
            | ProviderAnswer::Operation(_)
            | ProviderAnswer::Initiated(_)
            | ProviderAnswer::Details(_)
            | ProviderAnswer::Unreadable { .. } => Vec::new(),
        }
    }
}

/// What went wrong with a request, kept for the failure a plan reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Problem {
    /// No HTTP answer.
    Transport {
        /// How the request failed.
        error: TransportErrorKind,
    },
    /// An HTTP error answer.
    Http {
        /// The HTTP status.
        status: u16,
        /// The error body, if it could be read.
        body: Option<ErrorBody>,
        /// What the error model says to do about it.
        class: ErrorClass,
    },
    /// A `2xx` that could not be read, or that answers another question
    /// (a details response to a capture, another order's details).
    Unusable {
        /// The HTTP status.
        status: u16,
        /// Why.
        reason: String,
    },
}

impl Problem {
    /// The known error codes of an HTTP error, in order.
    pub fn known_codes(&self) -> Vec<KnownErrorCode> {
        match self {
            Problem::Http {
                body: Some(body), ..
            } => body.known_codes(),
            Problem::Http { body: None, .. }
            | Problem::Transport { .. }
            | Problem::Unusable { .. } => Vec::new(),
        }
    }

    /// What to do about it, by [`classify`] — never reclassified here. An
    /// unusable `2xx` leaves the outcome unknown:
    /// [`ErrorClass::CheckThenRetry`].
    pub fn class(&self) -> ErrorClass {
        match self {
            Problem::Transport { error } => classify(call_failure(*error)),
            Problem::Http { class, .. } => *class,
            Problem::Unusable { .. } => ErrorClass::CheckThenRetry,
        }
    }

    pub(crate) fn http(status: u16, body: Option<ErrorBody>) -> Problem {
        let class = classify(CallFailure::Http {
            status,
            body: body.as_ref(),
        });
        Problem::Http {
            status,
            body,
            class,
        }
    }
}

/// The error model's view of a transport error: nothing was sent
/// (connect timeout, offline) or the outcome is unknown (read timeout, and
/// anything else — a reset connection may have delivered the request).
pub(crate) fn call_failure(kind: TransportErrorKind) -> CallFailure<'static> {
    match kind {
        TransportErrorKind::ConnectTimeout | TransportErrorKind::Offline => {
            CallFailure::ConnectFailed
        }
        TransportErrorKind::ReadTimeout | TransportErrorKind::Other => CallFailure::ReadTimeout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_errors_follow_the_error_model() {
        let class = |error| Problem::Transport { error }.class();
        assert_eq!(
            class(TransportErrorKind::ConnectTimeout),
            ErrorClass::RetryLater
        );
        assert_eq!(class(TransportErrorKind::Offline), ErrorClass::RetryLater);
        assert_eq!(
            class(TransportErrorKind::ReadTimeout),
            ErrorClass::CheckThenRetry
        );
        assert_eq!(class(TransportErrorKind::Other), ErrorClass::CheckThenRetry);
        assert_eq!(Problem::http(503, None).class(), ErrorClass::CheckThenRetry);
        assert_eq!(Problem::http(429, None).class(), ErrorClass::RetryLater);
        assert_eq!(Problem::http(400, None).class(), ErrorClass::Final);
    }

    #[test]
    fn reads_http_answers() {
        let ok = ProviderAnswer::from_http(
            Expected::Operation,
            200,
            None,
            r#"{"orderId": "o-1", "transactionInfo": {"amount": 100, "status": "Captured"}}"#,
        );
        assert!(matches!(ok, ProviderAnswer::Operation(_)), "{ok:?}");
        let bad = ProviderAnswer::from_http(Expected::Details, 200, None, "{}");
        assert!(
            matches!(&bad, ProviderAnswer::Unreadable { reason, .. } if reason.contains("orderId")),
            "{bad:?}"
        );
        let limited = ProviderAnswer::from_http(Expected::Operation, 429, Some("7"), "");
        assert_eq!(
            limited,
            ProviderAnswer::Error {
                status: 429,
                body: None,
                retry_after: Some(RetryAfter::Delay(core::time::Duration::from_secs(7)))
            }
        );
        assert!(limited.known_codes().is_empty());
    }
}
