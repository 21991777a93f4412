//! `transactionInfo`: the block every status-bearing response shares — a
//! callback, a capture/cancel/refund response (under `transaction` for a
//! refund), the deprecated order-status response. Only the vocabulary of
//! its `status` differs.

use serde::{Deserialize, Serialize};

use crate::foundation::lenient::{amount_lenient, opt_text_lenient, rfc3339_lenient};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;

/// `transactionInfo`, with `status` of type `S`
/// ([`CallbackStatus`](super::CallbackStatus),
/// [`OperationStatus`](super::OperationStatus) or
/// [`Operation`](super::Operation)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionInfo<S> {
    /// `amount` in øre: what the event or operation was for (an integer,
    /// or its text).
    #[serde(deserialize_with = "amount_lenient")]
    pub amount: Amount,
    /// `status`.
    pub status: S,
    /// `timeStamp`: when it happened (a missing zone reads as UTC, as in
    /// the guide's refund example; an unreadable one as unknown).
    #[serde(
        default,
        with = "rfc3339_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_stamp: Option<Timestamp>,
    /// `transactionId`: the provider's id (a string, or a number).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_id: Option<String>,
    /// `transactionText` (in capture/cancel/refund responses).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_text: Option<String>,
}
