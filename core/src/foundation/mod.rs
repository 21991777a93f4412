//! The ground floor: what every rule above is built from — time as the
//! caller passes it in, money in minor units, request ids, the lenient
//! serde helpers for the shapes providers really send, rolling rate
//! windows, backoff with jitter, and what to do after a failed call
//! (`Retry-After`). Nothing here knows of a provider, a shopper or a
//! merchant.

pub mod backoff;
pub mod json;
pub mod lenient;
pub mod money;
pub mod rate_budget;
pub(crate) mod rate_window;
pub mod request;
pub mod retry;
pub mod time;
