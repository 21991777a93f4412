//! The merchant's operations on a reserved payment: capture, cancel and
//! refund (Vipps eCom API guide, "Capture", "Cancel", "Refund").
//!
//! | call | request | response `status` |
//! |---|---|---|
//! | `POST:/ecomm/v2/payments/{orderId}/capture` | [`OperationRequest`] with an amount (`null`/`0`: all) | `"Captured"` in `transactionInfo` |
//! | `PUT:/ecomm/v2/payments/{orderId}/cancel` | [`OperationRequest`] without an amount | `"Cancelled"` in `transactionInfo` |
//! | `POST:/ecomm/v2/payments/{orderId}/refund` | [`OperationRequest`] with an amount | `"Refund"` in **`transaction`** |
//!
//! The refund response names its block `transaction` where the others say
//! `transactionInfo`; [`OperationResponse`] reads both and writes each the
//! way the provider does. Every mutating call should carry an `X-Request-Id`
//! idempotency key ([`super::headers::X_REQUEST_ID`]).

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::details::TransactionSummary;
use super::msn::MerchantSerialNumber;
use super::transaction_info::TransactionInfo;
use crate::foundation::lenient::{opt_or_none, opt_text_lenient, text_or_number};
use crate::foundation::money::Amount;

/// The body of a capture, cancel or refund request (eCom API
/// specification (OpenAPI), schemas `PaymentActionsRequest` and
/// `CancelPaymentActionRequest`).
///
/// Build it with [`OperationRequest::capture`],
/// [`OperationRequest::cancel`],
/// [`OperationRequest::cancel_releasing_remaining_funds`] or
/// [`OperationRequest::refund`], which check the amount rules against what
/// is known about the payment first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationRequest {
    /// `merchantInfo`.
    pub merchant_info: MerchantRef,
    /// `transaction`.
    pub transaction: OperationTransaction,
    /// `shouldReleaseRemainingFunds` (cancel only): "An opt-in field to
    /// instruct the release of remaining funds after a partial capture";
    /// absent means `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub should_release_remaining_funds: Option<bool>,
}

/// `merchantInfo` of an operation request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantRef {
    /// `merchantSerialNumber`.
    pub merchant_serial_number: MerchantSerialNumber,
}

/// `transaction` of an operation request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationTransaction {
    /// `amount` in øre. Capture: "To perform capture of the entire amount
    /// `amount` can be set to `null` or `0`". Refund: required. Cancel:
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// `transactionText`: "The transaction text is mandatory, and is
    /// displayed to end user in Vipps."
    pub transaction_text: String,
}

/// The response to a capture, cancel or refund (eCom API specification
/// (OpenAPI), schemas `TransactionResponse`, `CancelTransactionResponse`
/// and `RefundTransactionResponse`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationResponse {
    /// `orderId`.
    #[serde(deserialize_with = "text_or_number")]
    pub order_id: String,
    /// `transactionInfo` (capture, cancel) or `transaction` (refund).
    #[serde(alias = "transaction")]
    pub transaction_info: OperationInfo,
    /// `transactionSummary` (also read from the lowercase
    /// `transactionsummary`). For a cancel after a partial capture it says
    /// what stays captured (Vipps eCom API guide, "Cancelling a partially
    /// captured order").
    #[serde(
        default,
        alias = "transactionsummary",
        deserialize_with = "opt_or_none"
    )]
    pub transaction_summary: Option<TransactionSummary>,
    /// `paymentInstrument`: "Text which describes what instrument was used
    /// to complete the payment" (e.g. `Mastercard`), in capture and cancel
    /// responses; "Not included until a user has chosen and approved in the
    /// app."
    #[serde(default, deserialize_with = "opt_text_lenient")]
    pub payment_instrument: Option<String>,
}

impl Serialize for OperationResponse {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = 2
            + usize::from(self.transaction_summary.is_some())
            + usize::from(self.payment_instrument.is_some());
        let mut st = s.serialize_struct("OperationResponse", fields)?;
        if let Some(instrument) = &self.payment_instrument {
            st.serialize_field("paymentInstrument", instrument)?;
        }
        st.serialize_field("orderId", &self.order_id)?;
        match self.transaction_info.status {
            OperationStatus::Refund => st.serialize_field("transaction", &self.transaction_info)?,
            OperationStatus::Captured | OperationStatus::Cancelled => {
                st.serialize_field("transactionInfo", &self.transaction_info)?
            }
        }
        if let Some(summary) = &self.transaction_summary {
            st.serialize_field("transactionSummary", summary)?;
        }
        st.end()
    }
}

/// `transactionInfo` / `transaction` of an operation response; its
/// `amount` is what this operation moved (for a cancel, the payment's
/// amount).
pub type OperationInfo = TransactionInfo<OperationStatus>;

/// `status` of an operation response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperationStatus {
    /// `"Captured"`: the capture succeeded. "The capture is only
    /// successful when the response is `HTTP 200 OK`."
    Captured,
    /// `"Cancelled"`: the merchant's cancel succeeded.
    Cancelled,
    /// `"Refund"`: the refund succeeded.
    #[serde(alias = "Refunded")]
    Refund,
}

impl OperationStatus {
    /// Every status.
    pub const ALL: [OperationStatus; 3] = [
        OperationStatus::Captured,
        OperationStatus::Cancelled,
        OperationStatus::Refund,
    ];

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationStatus::Captured => "Captured",
            OperationStatus::Cancelled => "Cancelled",
            OperationStatus::Refund => "Refund",
        }
    }

    /// The status with this wire name (`Refunded` reads as `Refund`).
    pub fn from_name(name: &str) -> Option<OperationStatus> {
        match name {
            "Captured" => Some(OperationStatus::Captured),
            "Cancelled" => Some(OperationStatus::Cancelled),
            "Refund" | "Refunded" => Some(OperationStatus::Refund),
            _ => None,
        }
    }
}
