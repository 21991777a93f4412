//! `GET:/ecomm/v2/payments/{orderId}/details`: the whole history of a
//! payment (Vipps eCom API guide, "Get payment details").
//!
//! "The response … always contain[s] _the entire history_ of payments for
//! the order, not just the current status." The status is derived from the
//! whole history (see [`PaymentDetails::to_status`]), never from the first
//! or last entry alone.

use core::fmt;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use super::express::{ShippingDetails, UserDetails};
use crate::foundation::lenient::{
    amount_lenient, flag_lenient, null_as_empty, opt_or_none, opt_text_lenient, rfc3339_lenient,
    text_or_number,
};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;

/// The details response (eCom API specification (OpenAPI), schema
/// `TransactionDetails`).
///
/// Read leniently, as every field of it has been seen: numbers sent as
/// text and text sent as numbers, `null` for absent, an odd optional block
/// skipped rather than refusing the body (`userDetails` of a payment whose
/// shared details have expired: "all customer information will be replaced
/// with `"[Expired]"`", Vipps eCom API guide, "Consent and GDPR"). Only what
/// the status is derived from can refuse it: an entry's `operation`,
/// `operationSuccess` and `amount` that are none of their known forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetails {
    /// `orderId`.
    #[serde(deserialize_with = "text_or_number")]
    pub order_id: String,
    /// `transactionSummary`: the running totals. "The `transactionSummary`
    /// will not be part of the response if the user not reacted to the
    /// Vipps landing page or app-switch."
    ///
    /// The lowercase key `transactionsummary` (seen in the eCom guide's partial
    /// capture example) is read as the same field; it is always written
    /// as `transactionSummary`. Both keys at once are refused as a
    /// duplicate.
    #[serde(
        default,
        alias = "transactionsummary",
        deserialize_with = "opt_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_summary: Option<TransactionSummary>,
    /// `transactionLogHistory`: every operation, "Sorted from newest to
    /// oldest" (the order is not relied on). The key is what makes a body a
    /// details response (every payment has at least its `INITIATE`); a
    /// `null` list reads as empty.
    #[serde(deserialize_with = "null_as_empty")]
    pub transaction_log_history: Vec<LogEntry>,
    /// `sub`: links the shopper to Vipps Login's userinfo, when the
    /// payment asked for a `scope`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub sub: Option<String>,
    /// `userDetails` (express, or a payment with a `scope`).
    #[serde(
        default,
        deserialize_with = "opt_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_details: Option<UserDetails>,
    /// `shippingDetails` (express).
    #[serde(
        default,
        deserialize_with = "opt_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_details: Option<ShippingDetails>,
}

impl PaymentDetails {
    /// The history entry made by the request with idempotency key
    /// `request_id` (`X-Request-Id`), if any. Not every entry carries its
    /// key (a `VOID` never does): to decide whether an operation already
    /// happened, use [`PaymentDetails::effect_of`], which also judges by
    /// the effect.
    pub fn entry_for_request(&self, request_id: &str) -> Option<&LogEntry> {
        if request_id.is_empty() {
            return None;
        }
        self.transaction_log_history
            .iter()
            .find(|e| e.request_id.as_deref() == Some(request_id))
    }
}

/// `transactionSummary`: totals in øre (eCom API specification (OpenAPI),
/// schema `TransactionSummary`). Missing (or `null`) amounts read as zero;
/// amounts sent as text are read too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionSummary {
    /// `capturedAmount`: captured in total.
    #[serde(default, deserialize_with = "amount_lenient")]
    pub captured_amount: Amount,
    /// `remainingAmountToCapture`: reserved and not yet captured.
    #[serde(default, deserialize_with = "amount_lenient")]
    pub remaining_amount_to_capture: Amount,
    /// `refundedAmount`: refunded in total.
    #[serde(default, deserialize_with = "amount_lenient")]
    pub refunded_amount: Amount,
    /// `remainingAmountToRefund`: captured and not yet refunded.
    #[serde(default, deserialize_with = "amount_lenient")]
    pub remaining_amount_to_refund: Amount,
    /// `bankIdentificationNumber`: the card's BIN ("only in the response
    /// of `GET:/ecomm/v2/payments/{orderId}/details`"), kept as text (an
    /// integer in the specification and the guide's example).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        serialize_with = "integer_if_digits",
        skip_serializing_if = "Option::is_none"
    )]
    pub bank_identification_number: Option<String>,
}

/// Writes digits as the integer the specification says the field is
/// (`"bankIdentificationNumber": 492560`), anything else as text.
fn integer_if_digits<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v.as_deref() {
        Some(t) => match t.parse::<u64>() {
            Ok(n) if t.bytes().all(|b| b.is_ascii_digit()) => s.serialize_u64(n),
            _ => s.serialize_str(t),
        },
        None => s.serialize_none(),
    }
}

/// One entry of `transactionLogHistory` (eCom API specification
/// (OpenAPI), schema `TransactionLogHistory`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// `operation`.
    pub operation: Operation,
    /// `operationSuccess`: "whether an operation was successful or not"
    /// (a boolean; `"true"`, `1`, `"Y"` and their opposites are read too).
    /// Required: an entry that does not say is not taken as a success or a
    /// failure.
    #[serde(deserialize_with = "flag_lenient")]
    pub operation_success: bool,
    /// `amount` in øre (0 if absent).
    #[serde(default, deserialize_with = "amount_lenient")]
    pub amount: Amount,
    /// `timeStamp` (an unreadable one reads as unknown).
    #[serde(
        default,
        with = "rfc3339_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_stamp: Option<Timestamp>,
    /// `transactionId`: the provider's id.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_id: Option<String>,
    /// `transactionText`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_text: Option<String>,
    /// `requestId`: "The idempotent request id provided by the merchant
    /// for the operation" — `""` for operations the merchant did not make,
    /// and not on every merchant operation either: the cancel endpoint
    /// takes no `X-Request-Id` (eCom API specification (OpenAPI),
    /// `cancelPaymentRequestUsingPUT`).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_id: Option<String>,
}

/// An operation in the details history — and a status name of the
/// deprecated get-order-status endpoint, which uses the same words.
///
/// The eCom guide's two tables ("Requests and responses" and "Get payment
/// status") and the knowledge base's "Exception handling" ("until either a `REJECT`, `USER_CANCEL`,
/// `RESERVE` or `SALE` status is received") name them all. A name this
/// crate does not know is kept as [`Other`](Self::Other) and proves
/// nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `INITIATE`: "Payment initiated, by merchant".
    Initiate,
    /// `REGISTER`: "Vipps registers payment for Reserve." (deprecated name)
    Register,
    /// `RESERVE`: "Payment reserved, by user accepting the payment in Vipps".
    Reserve,
    /// `SALE`: "Payment captured with direct capture, by merchant".
    Sale,
    /// `CAPTURE`: "Payment captured, by merchant (after `RESERVE`)".
    Capture,
    /// `REFUND`: "Payment refunded, by merchant (after `CAPTURE`)".
    Refund,
    /// `CANCEL`: "Payment canceled, by user in Vipps".
    Cancel,
    /// `USER_CANCEL` (Vipps knowledge base, "Exception handling"): the user cancelled.
    UserCancel,
    /// `VOID`: "Payment canceled, by merchant".
    Void,
    /// `FAILED`: "Payment failed failed because of no coverage, outdated
    /// card details or similar." (deprecated name)
    Failed,
    /// `REJECTED` (or the exception-handling guide's `REJECT`): "No user action in the Vipps
    /// app, i.e timeout."
    Rejected,
    /// A name this crate does not know, as sent.
    Other(String),
}

impl Operation {
    /// The operation with this wire name (`REJECT` reads as
    /// [`Rejected`](Self::Rejected)); unknown names give
    /// [`Other`](Self::Other).
    pub fn from_name(name: &str) -> Operation {
        match name {
            "INITIATE" => Operation::Initiate,
            "REGISTER" => Operation::Register,
            "RESERVE" => Operation::Reserve,
            "SALE" => Operation::Sale,
            "CAPTURE" => Operation::Capture,
            "REFUND" => Operation::Refund,
            "CANCEL" => Operation::Cancel,
            "USER_CANCEL" => Operation::UserCancel,
            "VOID" => Operation::Void,
            "FAILED" => Operation::Failed,
            "REJECTED" | "REJECT" => Operation::Rejected,
            other => Operation::Other(other.to_string()),
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Operation::Initiate => "INITIATE",
            Operation::Register => "REGISTER",
            Operation::Reserve => "RESERVE",
            Operation::Sale => "SALE",
            Operation::Capture => "CAPTURE",
            Operation::Refund => "REFUND",
            Operation::Cancel => "CANCEL",
            Operation::UserCancel => "USER_CANCEL",
            Operation::Void => "VOID",
            Operation::Failed => "FAILED",
            Operation::Rejected => "REJECTED",
            Operation::Other(name) => name,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Operation {
    /// Any text (or number) is read: a name this crate does not know is
    /// [`Operation::Other`] and proves nothing. Only a missing value, or
    /// one that is not text at all, is an error.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match opt_text_lenient(d)? {
            Some(name) => Ok(Operation::from_name(name.trim())),
            None => Err(serde::de::Error::custom("expected an operation name")),
        }
    }
}
