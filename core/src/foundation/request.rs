//! The ids and failure kinds every request carries, whoever makes it: the
//! tracker's status requests and the merchant's mutation plans.

use serde::{Deserialize, Serialize};

/// Correlates a request with its answer. Ids are never reused by a
/// tracker or plan (not even across a snapshot), so an answer to an old request is
/// recognised as one.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct RequestId(pub u64);

/// How a request failed before an HTTP answer arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TransportErrorKind {
    /// No connection within the connect timeout.
    ConnectTimeout,
    /// No answer within the read timeout.
    ReadTimeout,
    /// The device is offline (the request could not be sent).
    Offline,
    /// Anything else (TLS, DNS, reset connection, …).
    Other,
}
