//! One parser for anything the provider or the merchant's backend sends
//! back about a payment: [`StatusPayload::parse_json`] recognises what the
//! text is, reads it into its wire type, and [`StatusPayload::to_status`]
//! turns it into the provider-neutral [`PaymentStatus`].
//!
//! ```
//! use appswitch_core::providers::payload::StatusPayload;
//! use appswitch_core::status::PaymentState;
//!
//! # #[cfg(feature = "raw-vipps")] {
//! // A Vipps callback …
//! let callback = StatusPayload::parse_json(r#"{"merchantSerialNumber": 123456,
//!   "orderId": "order123abc", "transactionInfo": {"amount": 20000,
//!   "status": "RESERVED", "timeStamp": "2018-12-12T11:18:38.246Z",
//!   "transactionId": "5001420062"}}"#)?;
//! // … and the backend's own status document, in any order:
//! let polled = StatusPayload::parse_json(r#"{"version": 1, "orderId": "order123abc",
//!   "provider": "vipps", "status": "initiated", "final": false}"#)?;
//! let status = polled.to_status()?.merge(&callback.to_status()?);
//! assert_eq!(status.state(), PaymentState::Reserved);
//!
//! // What cannot be understood is an error that says why:
//! let e = StatusPayload::parse_json(r#"{"orderId": "o", "transactionLogHistory": [{"operation": "RESERVE"}]}"#)
//!     .unwrap_err();
//! assert_eq!(e.to_string(), "`transactionLogHistory[0]`: missing field `operationSuccess`");
//! # }
//! # Ok::<(), appswitch_core::providers::payload::PayloadError>(())
//! ```
//!
//! ## What is recognised
//!
//! The body is parsed once, into a JSON value; then each recogniser is
//! asked in turn, and the value is read as the type the first one names:
//!
//! | asked | the JSON object has | it is read as |
//! |---|---|---|
//! | [`StatusDocument::recognise`] | `version` and `status` | [`StatusPayload::Document`] (appswitch's status document) |
//! | the Vipps recogniser (`providers::vipps_ecom`) | `transactionLogHistory` | [`StatusPayload::VippsDetails`] |
//! | | `transactionInfo` / `transaction` with `status` `Captured`, `Cancelled` or `Refund` | [`StatusPayload::VippsOperation`] |
//! | | `transactionInfo` with a callback status (`RESERVED`, `RESERVE_FAILED`, …) | [`StatusPayload::VippsCallback`] |
//! | | `transactionInfo` with a deprecated status name (`REGISTER`, `VOID`, …) and no `merchantSerialNumber` | [`StatusPayload::VippsOrderStatus`] |
//!
//! Without the `raw-vipps` feature (the browser module) the Vipps bodies
//! are still recognised, and refused with [`PayloadError::NotRead`], which
//! says to serve the status document.
//!
//! Adding a provider means a recogniser in its folder, a variant here, a
//! row in this table (and a test of its recogniser), and its `to_status`
//! arm; the compiler then points at every `match` that must handle it.

use serde::{Deserialize, Serialize};

use crate::foundation::json::{self, JsonError, Value};
use crate::providers::vipps_ecom::recognise::{self as vipps, UnknownStatus};
use crate::providers::vipps_ecom::{
    Callback, OperationResponse, OrderStatusResponse, PaymentDetails,
};
use crate::providers::vipps_epayment::{
    self as epayment, EventLog, GetPaymentResponse, ModificationResponse, WebhookEvent,
};
use crate::status::{DocumentError, PaymentStatus, StatusDocument};

// Reading the raw Vipps bodies, or (without `raw-vipps`) refusing them.
#[cfg(feature = "raw-vipps")]
mod raw_vipps;
#[cfg(not(feature = "raw-vipps"))]
#[path = "raw_vipps_refused.rs"]
mod raw_vipps;

pub(crate) use raw_vipps::read_recurring_charge;

/// A payload about one payment, recognised by its shape
/// ([`parse_json`](Self::parse_json)). Its `Deserialize` goes through the
/// same recogniser; its `Serialize` writes the payload as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum StatusPayload {
    /// appswitch's own status document (what a merchant backend serves).
    Document(StatusDocument),
    /// A Vipps details response: the whole history.
    VippsDetails(PaymentDetails),
    /// A Vipps capture, cancel or refund response.
    VippsOperation(OperationResponse),
    /// A Vipps callback, regular or express.
    VippsCallback(Callback),
    /// The deprecated Vipps order-status response.
    VippsOrderStatus(OrderStatusResponse),
    /// A Vipps MobilePay ePayment get payment response.
    EpaymentPayment(GetPaymentResponse),
    /// An ePayment capture, cancel or refund response.
    EpaymentModification(ModificationResponse),
    /// An ePayment event log.
    EpaymentEventLog(EventLog),
    /// An ePayment webhook body.
    EpaymentWebhook(WebhookEvent),
}

/// Why a payload could not be understood. Every message names what was
/// wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not JSON, or a field has the wrong type, value or is missing.
    /// `path` is the field (`transactionLogHistory[2].amount`), empty for
    /// the top level.
    #[error("{}{message}", if path.is_empty() { String::new() } else { format!("`{path}`: ") })]
    Json {
        /// Where: a JSON path such as `transactionInfo.status`.
        path: String,
        /// What: serde_json's description.
        message: String,
    },
    /// The JSON is not an object.
    #[error("expected a JSON object, found {found}")]
    NotAnObject {
        /// What was found: `an array`, `a string`, ….
        found: &'static str,
    },
    /// A JSON object of no shape this crate knows.
    #[error("not a payment payload this crate knows (found keys: {}); expected a status document (`version`, `status`), a Vipps details response (`transactionLogHistory`), a callback / operation response (`transactionInfo` with a `status`), or an ePayment payment (`state`, `aggregate`) or webhook (`msn`, `name`, `success`)", if keys.is_empty() { "none".to_string() } else { keys.join(", ") })]
    Unrecognised {
        /// The object's keys (the first 12, sorted).
        keys: Vec<String>,
    },
    /// A JSON object of none of the provider's error-body shapes.
    #[error("not a provider error body (found keys: {}); expected an array of `{{errorGroup, errorCode, errorMessage}}`, a gateway `{{statusCode, message}}`, an API-management `{{responseInfo, result}}` or a token error `{{error, error_description}}`", if keys.is_empty() { "none".to_string() } else { keys.join(", ") })]
    UnrecognisedError {
        /// The object's keys (the first 12, sorted).
        keys: Vec<String>,
    },
    /// A `status` value that no known payload uses.
    #[error(
        "`{field}` is `{value}`, which is no known status: callbacks say RESERVED, RESERVE, SALE, RESERVE_FAILED, SALE_FAILED, CANCELLED or REJECTED; capture/cancel/refund responses say Captured, Cancelled or Refund"
    )]
    UnknownStatus {
        /// The field, e.g. `transactionInfo.status`.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// A status document that contradicts itself or is too new.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// A body this build recognises but does not read: appswitch-core
    /// without `raw-vipps` (or `flutterwave-answers`) — the browser
    /// module — reads only appswitch's status document.
    #[error(
        "the body is a {what}, which this build does not read (appswitch-core without `{feature}`): serve appswitch's status document"
    )]
    NotRead {
        /// What it is: `raw Vipps details response`, ….
        what: &'static str,
        /// The feature that reads it: `raw-vipps` or `flutterwave-answers`.
        feature: &'static str,
    },
}

impl From<JsonError> for PayloadError {
    fn from(e: JsonError) -> Self {
        PayloadError::Json {
            path: e.path,
            message: e.message,
        }
    }
}

impl From<UnknownStatus> for PayloadError {
    fn from(e: UnknownStatus) -> Self {
        PayloadError::UnknownStatus {
            field: e.field,
            value: e.value,
        }
    }
}

impl StatusPayload {
    /// Recognises and reads `text` (see the [module documentation](self)
    /// for what is recognised).
    pub fn parse_json(text: &str) -> Result<StatusPayload, PayloadError> {
        StatusPayload::from_value(&json::parse(text)?)
    }

    /// [`parse_json`](Self::parse_json) of a body already parsed: asks each
    /// recogniser in turn, then reads the value as the type it names.
    pub fn from_value(value: &Value) -> Result<StatusPayload, PayloadError> {
        // An ePayment event log is the one body that is an array.
        if let Some(kind) = epayment::recognise(value) {
            return raw_vipps::read_epayment(kind, value);
        }
        let Value::Object(object) = value else {
            return Err(PayloadError::NotAnObject {
                found: json::kind(value),
            });
        };
        if StatusDocument::recognise(object) {
            let doc: StatusDocument = json::from_value(value)?;
            doc.to_status()?;
            return Ok(StatusPayload::Document(doc));
        }
        if let Some(body) = vipps::recognise(object) {
            return raw_vipps::read(body?, value);
        }
        Err(PayloadError::Unrecognised {
            keys: object.keys().take(12).cloned().collect(),
        })
    }

    /// The facts this payload proves. Fails only for a status document
    /// that contradicts itself.
    pub fn to_status(&self) -> Result<PaymentStatus, PayloadError> {
        Ok(match self {
            StatusPayload::Document(d) => d.to_status()?,
            StatusPayload::VippsDetails(d) => d.to_status(),
            StatusPayload::VippsOperation(r) => r.to_status(),
            StatusPayload::VippsCallback(c) => c.to_status(),
            StatusPayload::VippsOrderStatus(s) => s.to_status(),
            StatusPayload::EpaymentPayment(p) => p.to_status(),
            StatusPayload::EpaymentModification(m) => m.to_status(),
            StatusPayload::EpaymentEventLog(log) => log.to_status(),
            StatusPayload::EpaymentWebhook(w) => w.to_status(),
        })
    }

    /// The merchant's `orderId` the payload is about.
    pub fn order_id(&self) -> &str {
        match self {
            StatusPayload::Document(d) => &d.order_id,
            StatusPayload::VippsDetails(d) => &d.order_id,
            StatusPayload::VippsOperation(r) => &r.order_id,
            StatusPayload::VippsCallback(c) => &c.order_id,
            StatusPayload::VippsOrderStatus(s) => &s.order_id,
            StatusPayload::EpaymentPayment(p) => &p.reference,
            StatusPayload::EpaymentModification(m) => &m.reference,
            StatusPayload::EpaymentEventLog(log) => log.reference().unwrap_or(""),
            StatusPayload::EpaymentWebhook(w) => &w.reference,
        }
    }

    /// The provider: the document's `provider`, `vipps` (eCom) or
    /// `vipps-epayment`.
    pub fn provider(&self) -> &str {
        match self {
            StatusPayload::Document(d) => &d.provider,
            StatusPayload::VippsDetails(_)
            | StatusPayload::VippsOperation(_)
            | StatusPayload::VippsCallback(_)
            | StatusPayload::VippsOrderStatus(_) => "vipps",
            StatusPayload::EpaymentPayment(_)
            | StatusPayload::EpaymentModification(_)
            | StatusPayload::EpaymentEventLog(_)
            | StatusPayload::EpaymentWebhook(_) => epayment::PROVIDER_NAME,
        }
    }

    /// A short name for what the payload is: `status-document`,
    /// `vipps-details`, `vipps-operation`, `vipps-callback`,
    /// `vipps-order-status`, `epayment-payment`, `epayment-modification`,
    /// `epayment-event-log`, `epayment-webhook`.
    pub fn kind(&self) -> &'static str {
        match self {
            StatusPayload::Document(_) => "status-document",
            StatusPayload::VippsDetails(_) => "vipps-details",
            StatusPayload::VippsOperation(_) => "vipps-operation",
            StatusPayload::VippsCallback(_) => "vipps-callback",
            StatusPayload::VippsOrderStatus(_) => "vipps-order-status",
            StatusPayload::EpaymentPayment(_) => "epayment-payment",
            StatusPayload::EpaymentModification(_) => "epayment-modification",
            StatusPayload::EpaymentEventLog(_) => "epayment-event-log",
            StatusPayload::EpaymentWebhook(_) => "epayment-webhook",
        }
    }
}

/// Reads through the recogniser: serde readers (`serde_json::from_value`,
/// reqwest's `.json()`) and [`StatusPayload::parse_json`] agree on every
/// body.
impl<'de> Deserialize<'de> for StatusPayload {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        StatusPayload::from_value(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
