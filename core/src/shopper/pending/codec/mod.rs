//! The stored form of the pending payments: compact JSON, written and read
//! here by hand, once for every platform.
//!
//! Every shopper's browser downloads the code that reads this, so it is
//! small: a value is an array whose elements come in a fixed order (no
//! field names to match), an optional value is `null`, an enum is its name.
//! The store is `{"version":2,"payments":[payment, …]}`:
//!
//! ```text
//! payment     [orderId, deeplink, expectation, snapshot, savedAt]
//! deeplink    [url, kind, environment, receivedAt, linkValidUntil, paymentDeadline]
//! expectation [orderId, nonce, target]
//! target      ["web", scheme, host, port, path] | ["app", scheme, host|null, path] | ["androidIntent"]
//! snapshot    [version, config, status, switchedOutAt|null, deeplinkChecked,
//!              lastFetchStarted|null, nextRequestId, [rateWindow…], backoffFailures,
//!              backoffUntil|null, retryAfterUntil|null, jitterState, badAnswers,
//!              ping|null, verifyPending, finalCheck, outcome|null]
//! config      [orderId, statusUrl, initiatedAt, policy, jitterSeed]
//! policy      [firstPollAfter, pollInterval, whileHidden, connectTimeout, readTimeout,
//!              longPoll|null, rateCap, rateWindow, backoffBase, backoffMax,
//!              deeplinkValidity, paymentWindow, grace, returnDebounce, maxBadAnswers]
//! whileHidden null (pause) | interval
//! status      [reserved|null, captured|null, refunded|null, cancelledBy|null, rejected,
//!              [failure…], [[operation, amount, at|null, transactionId|null]…],
//!              updatedAt|null, capturedAt|null]
//! ping        [url, notBefore]
//! outcome     ["success", status] | ["cancelled", by] | ["rejected"]
//!             | ["failed", reason] | ["unknown", reason]
//! ```
//!
//! Times are milliseconds since the epoch, spans milliseconds, amounts
//! øre: all whole numbers, read back exactly (this reader is not
//! JavaScript's; a `u64` stays a `u64`). A change to any of this bumps
//! [`PENDING_VERSION`](super::PENDING_VERSION); a store of another version
//! reads as empty.

mod read;
#[cfg(test)]
mod tests;
mod write;

use crate::foundation::json_text::JsonError;
use crate::shopper::deeplink::{Environment, LinkKind};
use crate::shopper::tracker::UnknownReason;
use crate::status::CancelledBy;

pub(in crate::shopper::pending) use read::read_store;
pub(crate) use read::snapshot_from_text;
pub(crate) use write::snapshot_to_text;
pub(in crate::shopper::pending) use write::write_store;

type Res<T> = Result<T, JsonError>;

/// The stored names of the enums without data (a round-trip test checks
/// that every variant is here).
const LINK_KINDS: [(LinkKind, &str); 2] = [
    (LinkKind::LandingPage, "landingPage"),
    (LinkKind::App, "app"),
];
const ENVIRONMENTS: [(Environment, &str); 4] = [
    (Environment::Production, "production"),
    (Environment::Test, "test"),
    (Environment::Local, "local"),
    (Environment::Unrecognised, "unrecognised"),
];
const CANCELLED_BY: [(CancelledBy, &str); 2] = [
    (CancelledBy::User, "user"),
    (CancelledBy::Merchant, "merchant"),
];
const UNKNOWN_REASONS: [(UnknownReason, &str); 4] = [
    (UnknownReason::DeadlinePassed, "deadlinePassed"),
    (UnknownReason::BackendUnreachable, "backendUnreachable"),
    (UnknownReason::TooManyErrors, "tooManyErrors"),
    (UnknownReason::Stopped, "stopped"),
];

fn name<T: PartialEq>(table: &[(T, &'static str)], value: T) -> &'static str {
    table
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("", |(_, n)| n)
}
