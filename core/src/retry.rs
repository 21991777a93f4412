//! What to do after a provider call failed — one classification shared by
//! the error model (which sorts every provider error code into a class) and
//! the retry plans (which act on the class).

use serde::{Deserialize, Serialize};

/// How a failed provider call may be retried.
///
/// Seed 000: "if/when the socket read timeout occurs, … call
/// `GET:/ecomm/v2/payments/{orderId}/details` and check status of last
/// transaction in transaction history prior to executing the service call
/// again", "using the same idempotency key".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// Nothing happened on the provider's side: retry later with the same
    /// idempotency key (rate limits, "too many concurrent requests").
    RetryLater,
    /// The outcome is unknown (timeout, 5xx, PSP trouble): check the payment
    /// details first; retry with the same idempotency key only if the
    /// operation is not in the history.
    CheckThenRetry,
    /// Retrying cannot help (a refused card, an amount rule, bad
    /// credentials): report it.
    Final,
    /// This `orderId` cannot be used again (it is taken, or its payment is
    /// over): start a new attempt with a new `orderId` — "The initiate call
    /// is not idempotent" (seed 001, "Payment retries").
    NewOrderId,
}

impl ErrorClass {
    /// The kebab-case name: `retry-later`, `check-then-retry`, `final`,
    /// `new-order-id`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::RetryLater => "retry-later",
            ErrorClass::CheckThenRetry => "check-then-retry",
            ErrorClass::Final => "final",
            ErrorClass::NewOrderId => "new-order-id",
        }
    }
}
