//! What a mutation plan hands out ([`MutationAction`]) and how it ends
//! ([`MutationDone`], [`MutationFailure`]).

use core::fmt;
use core::time::Duration;

use serde::{Deserialize, Serialize};

use super::answer::Problem;
use super::key::IdempotencyKey;
use crate::foundation::request::RequestId;
use crate::foundation::retry::ErrorClass;
use crate::foundation::time::{Timestamp, serde_millis};
use crate::providers::vipps_ecom::headers::X_REQUEST_ID;
use crate::providers::vipps_ecom::limits::RateLimitedApi;
use crate::providers::vipps_ecom::{
    ErrorBody, KnownErrorCode, LogEntry, OperationError, OperationRequest, endpoints,
};
use crate::status::PaymentStatus;

/// The merchant's operation on a reserved or captured payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MutationKind {
    /// `POST:/ecomm/v2/payments/{orderId}/capture`.
    Capture,
    /// `PUT:/ecomm/v2/payments/{orderId}/cancel`.
    Cancel,
    /// `POST:/ecomm/v2/payments/{orderId}/refund`.
    Refund,
}

impl MutationKind {
    /// `capture`, `cancel` or `refund`.
    pub fn as_str(self) -> &'static str {
        match self {
            MutationKind::Capture => "capture",
            MutationKind::Cancel => "cancel",
            MutationKind::Refund => "refund",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> HttpMethod {
        match self {
            MutationKind::Capture | MutationKind::Refund => HttpMethod::Post,
            MutationKind::Cancel => HttpMethod::Put,
        }
    }

    /// The path for `order_id`.
    pub fn path(self, order_id: &str) -> String {
        match self {
            MutationKind::Capture => endpoints::capture(order_id),
            MutationKind::Cancel => endpoints::cancel(order_id),
            MutationKind::Refund => endpoints::refund(order_id),
        }
    }

    /// Its row in the rate-limit table.
    pub fn api(self) -> RateLimitedApi {
        match self {
            MutationKind::Capture => RateLimitedApi::CapturePayment,
            MutationKind::Cancel => RateLimitedApi::CancelPayment,
            MutationKind::Refund => RateLimitedApi::RefundPayment,
        }
    }
}

impl fmt::Display for MutationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
}

impl HttpMethod {
    /// `GET`, `POST` or `PUT`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
        }
    }
}

/// Send the operation: `method` `path` with `body` as JSON and the
/// `X-Request-Id` header, then feed the outcome back with
/// [`PlanEvent`](super::PlanEvent) (or
/// [`MutationPlan::handle_http`](super::MutationPlan::handle_http)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MutationRequest {
    /// Echo this in the answer.
    pub id: RequestId,
    /// Which operation.
    pub kind: MutationKind,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path, after the provider's base URL.
    pub path: String,
    /// The `X-Request-Id` header: the same on every try.
    pub idempotency_key: IdempotencyKey,
    /// The JSON body: the same on every try ("Captured amount should be
    /// same in Idempotent retry", error 93).
    pub body: OperationRequest,
    /// Which try this is (1 for the first).
    pub attempt: u32,
    /// Give up connecting after this long.
    #[serde(with = "serde_millis")]
    pub connect_timeout: Duration,
    /// Give up waiting for the answer after this long.
    #[serde(with = "serde_millis")]
    pub read_timeout: Duration,
}

impl MutationRequest {
    /// The header this request adds to the usual ones (authorization,
    /// subscription key, `Vipps-System-*`): `X-Request-Id`.
    pub fn idempotency_header(&self) -> (&'static str, &str) {
        (X_REQUEST_ID, self.idempotency_key.as_str())
    }
}

/// `GET:/ecomm/v2/payments/{orderId}/details` first, to see whether the
/// last request went through; feed the answer back like any other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailsCheck {
    /// Echo this in the answer.
    pub id: RequestId,
    /// The order.
    pub order_id: String,
    /// The path, after the provider's base URL (the method is `GET`).
    pub path: String,
    /// Give up connecting after this long.
    #[serde(with = "serde_millis")]
    pub connect_timeout: Duration,
    /// Give up waiting for the answer after this long.
    #[serde(with = "serde_millis")]
    pub read_timeout: Duration,
}

/// What the caller does next; see the drain rule in the
/// [module documentation](super).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MutationAction {
    /// Send the operation (again, with the same key and body).
    Send(MutationRequest),
    /// Check the payment details before deciding.
    CheckDetails(DetailsCheck),
    /// Nothing to do before this instant (always later than `now`): a
    /// backoff, a `Retry-After`, the rate limit, or the request in flight's
    /// timeout. Poll again then, or as soon as an answer arrives.
    WaitUntil(Timestamp),
    /// The operation is done. Every later poll says the same.
    Done(MutationDone),
    /// The operation failed, or the plan gave up. Every later poll says
    /// the same.
    Failed(MutationFailure),
}

/// How the plan knows the operation went through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "by")]
pub enum Confirmation {
    /// The provider answered the operation with `2xx` ("The capture is
    /// only successful when the response is `HTTP 200 OK`").
    Response,
    /// The details history shows the operation (Vipps knowledge base, "Exception handling": "check status of
    /// last transaction in transaction history prior to executing the
    /// service call again"): the entry with this plan's `X-Request-Id`, or
    /// — where the history carries no key, as on every `VOID` — the entry
    /// that shows its effect (the operation, its amount, after the plan
    /// first sent it; for a cancel, the payment's `VOID` or `CANCEL`). See
    /// [`PaymentDetails::effect_of`](crate::providers::vipps_ecom::PaymentDetails::effect_of).
    History {
        /// The history entry.
        entry: LogEntry,
    },
}

/// The operation went through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MutationDone {
    /// Which operation.
    pub kind: MutationKind,
    /// The order.
    pub order_id: String,
    /// The key it was made with.
    pub idempotency_key: IdempotencyKey,
    /// The facts the answer proves: the operation response's, or the
    /// whole history's. Merge them into what is known about the payment.
    pub status: PaymentStatus,
    /// How it is known.
    pub confirmation: Confirmation,
    /// How many times the operation was sent.
    pub sends: u32,
}

/// Why an operation did not go through (or is not known to have).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MutationFailure {
    /// The amount rules refuse the operation on what the latest details
    /// show (checked again before every retry): nothing is sent.
    #[error("the {kind} is refused before sending: {error}")]
    Refused {
        /// Which operation.
        kind: MutationKind,
        /// The rule it breaks.
        error: OperationError,
    },
    /// The provider refused it: an answer the error model classes as
    /// [`ErrorClass::Final`] (or [`ErrorClass::NewOrderId`]) — error 61,
    /// 71, 93, `401`, …. `during_check` is true when the details check
    /// itself was refused.
    #[error("the provider refused the {kind}{}: {problem}", if *during_check { " details check" } else { "" })]
    Provider {
        /// Which operation.
        kind: MutationKind,
        /// The answer.
        problem: Problem,
        /// True if the refused request was the details check.
        during_check: bool,
    },
    /// The details history shows the request with this key, logged as
    /// unsuccessful (`"operationSuccess": false`).
    #[error("the details history shows the {kind} with this X-Request-Id as unsuccessful")]
    UnsuccessfulInHistory {
        /// Which operation.
        kind: MutationKind,
        /// The history entry.
        entry: LogEntry,
    },
    /// The policy's number of sends or checks is used up and the outcome
    /// is still open. Nothing is lost: resume later with the same key
    /// (a new plan with [`MutationPlan::resume`](super::MutationPlan::resume))
    /// and it checks the details first.
    #[error(
        "gave up on the {kind} after {sends} sends and {checks} details checks; the outcome is unknown (last problem: {last})"
    )]
    GaveUp {
        /// Which operation.
        kind: MutationKind,
        /// The key to resume with.
        idempotency_key: IdempotencyKey,
        /// Requests of the operation made.
        sends: u32,
        /// Details checks made.
        checks: u32,
        /// The last thing that went wrong.
        last: Problem,
        /// True if a request whose outcome is unknown may have reached the
        /// provider (a read timeout, a `5xx` not yet resolved by a check).
        maybe_applied: bool,
    },
}

impl MutationFailure {
    /// The provider's error codes behind the failure, if it has any.
    pub fn known_codes(&self) -> Vec<KnownErrorCode> {
        match self {
            MutationFailure::Provider { problem, .. }
            | MutationFailure::GaveUp { last: problem, .. } => problem.known_codes(),
            MutationFailure::Refused { error, .. } => error.provider_code().into_iter().collect(),
            MutationFailure::UnsuccessfulInHistory { .. } => Vec::new(),
        }
    }

    /// The class of the failure: [`ErrorClass::Final`] for refusals and
    /// unsuccessful history entries, the provider answer's class for
    /// [`Provider`](Self::Provider), and
    /// [`ErrorClass::CheckThenRetry`] for [`GaveUp`](Self::GaveUp) (resume
    /// later: it checks first).
    pub fn class(&self) -> ErrorClass {
        match self {
            MutationFailure::Refused { .. } | MutationFailure::UnsuccessfulInHistory { .. } => {
                ErrorClass::Final
            }
            MutationFailure::Provider { problem, .. } => problem.class(),
            MutationFailure::GaveUp { .. } => ErrorClass::CheckThenRetry,
        }
    }

    /// The provider's error body, if the failure has one.
    pub fn error_body(&self) -> Option<&ErrorBody> {
        match self {
            MutationFailure::Provider {
                problem: Problem::Http { body, .. },
                ..
            }
            | MutationFailure::GaveUp {
                last: Problem::Http { body, .. },
                ..
            } => body.as_ref(),
            MutationFailure::Provider { .. }
            | MutationFailure::GaveUp { .. }
            | MutationFailure::Refused { .. }
            | MutationFailure::UnsuccessfulInHistory { .. } => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Transport { error } => write!(f, "transport error {error:?}"),
            Problem::Http {
                status,
                body,
                class,
            } => {
                write!(f, "HTTP {status}")?;
                let codes = body
                    .as_ref()
                    .map(ErrorBody::known_codes)
                    .unwrap_or_default();
                for code in codes {
                    write!(f, ", {code}")?;
                }
                write!(f, " ({})", class.as_str())
            }
            Problem::Unusable { status, reason } => {
                write!(f, "unusable HTTP {status} answer: {reason}")
            }
        }
    }
}
