//! The deprecated get-order-status response: "**IMPORTANT: This endpoint is
//! deprecated. Use Get payment details.**" (seed 001, "Get payment
//! status"). Still read, because old backends pass it through.

use serde::{Deserialize, Serialize};

use super::details::Operation;
use super::transaction_info::TransactionInfo;

/// The deprecated order-status response: the latest status name only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusResponse {
    /// `orderId`.
    pub order_id: String,
    /// `transactionInfo`.
    pub transaction_info: OrderStatusInfo,
}

/// `transactionInfo` of the deprecated order-status response: its
/// `status` is one of the deprecated names (`INITIATE`, `REGISTER`,
/// `RESERVE`, `SALE`, `CAPTURE`, `REFUND`, `CANCEL`, `VOID`, `FAILED`,
/// `REJECTED`; seed 000 adds `USER_CANCEL`).
pub type OrderStatusInfo = TransactionInfo<Operation>;
