//! The deprecated get-order-status response: "**IMPORTANT: This endpoint is
//! deprecated. Use Get payment details.**" (Vipps eCom API guide, "Get payment
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
/// `REJECTED`; Vipps knowledge base, "Exception handling" adds `USER_CANCEL`).
pub type OrderStatusInfo = TransactionInfo<Operation>;
