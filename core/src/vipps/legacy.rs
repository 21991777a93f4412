//! The deprecated get-order-status response: "**IMPORTANT: This endpoint is
//! deprecated. Use Get payment details.**" (seed 001, "Get payment
//! status"). Still read, because old backends pass it through.

use serde::{Deserialize, Serialize};

use super::details::Operation;
use super::wire::{opt_text_or_number, rfc3339_opt};
use crate::money::Amount;
use crate::time::Timestamp;

/// The deprecated order-status response: the latest status name only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusResponse {
    /// `orderId`.
    pub order_id: String,
    /// `transactionInfo`.
    pub transaction_info: OrderStatusInfo,
}

/// `transactionInfo` of the deprecated order-status response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusInfo {
    /// `amount` in øre.
    #[serde(default)]
    pub amount: Amount,
    /// `status`: one of the deprecated names (`INITIATE`, `REGISTER`,
    /// `RESERVE`, `SALE`, `CAPTURE`, `REFUND`, `CANCEL`, `VOID`, `FAILED`,
    /// `REJECTED`; seed 000 adds `USER_CANCEL`).
    pub status: Operation,
    /// `timeStamp`.
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    pub time_stamp: Option<Timestamp>,
    /// `transactionId`.
    #[serde(
        default,
        deserialize_with = "opt_text_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_id: Option<String>,
}
