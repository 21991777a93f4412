//! One parser for anything the provider or the merchant's backend sends
//! back about a payment: [`StatusPayload::parse_json`] recognises what the
//! text is, reads it into its wire type, and [`StatusPayload::to_status`]
//! turns it into the provider-neutral [`PaymentStatus`].
//!
//! ```
//! use appswitch_core::providers::payload::StatusPayload;
//! use appswitch_core::status::PaymentState;
//!
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
//! # Ok::<(), appswitch_core::providers::payload::PayloadError>(())
//! ```
//!
//! ## What is recognised
//!
//! | the JSON object has | it is read as |
//! |---|---|
//! | `version` and `status` | [`StatusPayload::Document`] (appswitch's status document) |
//! | `transactionLogHistory` | [`StatusPayload::VippsDetails`] |
//! | `transactionInfo` / `transaction` with `status` `Captured`, `Cancelled` or `Refund` | [`StatusPayload::VippsOperation`] |
//! | `transactionInfo` with a callback status (`RESERVED`, `RESERVE_FAILED`, …) | [`StatusPayload::VippsCallback`] |
//! | `transactionInfo` with a deprecated status name (`REGISTER`, `VOID`, …) and no `merchantSerialNumber` | [`StatusPayload::VippsOrderStatus`] |
//!
//! Adding a provider means adding a variant, a row to this table (a test
//! in `sniff`), and its `to_status` arm; the compiler then points at every
//! `match` that must handle it.

use serde::{Deserialize, Serialize};

use crate::foundation::json::TextReader;
use crate::foundation::json_text::Value;
use crate::providers::vipps_ecom::{
    Callback, OperationResponse, OrderStatusResponse, PaymentDetails,
};
use crate::providers::vipps_epayment::{
    self as epayment, EpaymentKind, EventLog, GetPaymentResponse, ModificationResponse,
    WebhookEvent,
};
use crate::status::{DocumentError, PaymentStatus, StatusDocument};

/// A payload about one payment, recognised by its shape
/// ([`parse_json`](Self::parse_json)). Its `Deserialize` is untagged: the
/// first variant that reads wins, in the order listed, with less precise
/// errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        /// The object's keys (the first 12).
        keys: Vec<String>,
    },
    /// A JSON object of none of the provider's error-body shapes.
    #[error("not a provider error body (found keys: {}); expected an array of `{{errorGroup, errorCode, errorMessage}}`, a gateway `{{statusCode, message}}` or a token error `{{error, error_description}}`", if keys.is_empty() { "none".to_string() } else { keys.join(", ") })]
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
    /// A raw Vipps payload, which this build does not read: appswitch-core
    /// without its `raw-vipps` feature (the browser module's default
    /// entry) reads only appswitch's status document and Flutterwave
    /// answers.
    #[error(
        "the body is a raw Vipps {what}, which this build does not read (appswitch-core without `raw-vipps`): serve appswitch's status document"
    )]
    NotRead {
        /// What it is: `details response`, `recurring charge`, ….
        what: &'static str,
    },
}

impl StatusPayload {
    /// Recognises and reads `text` (see the [module documentation](self)
    /// for what is recognised).
    pub fn parse_json(text: &str) -> Result<StatusPayload, PayloadError> {
        let value =
            Value::parse(text).map_err(|e| crate::foundation::json::lite_error(text, &e))?;
        StatusPayload::read_with(crate::foundation::json::READER, &value, text)
    }

    /// [`parse_json`](Self::parse_json) of a body already parsed (`text`
    /// is its text: a raw Vipps payload is read from it with `reader`).
    pub(crate) fn read_with(
        reader: impl TextReader,
        value: &Value,
        text: &str,
    ) -> Result<StatusPayload, PayloadError> {
        // Each provider recognises its own bodies; eCom's are sniffed below.
        if let Some(kind) = epayment::recognise(value) {
            return read_epayment(reader, kind, text);
        }
        Ok(match sniff::classify(value)? {
            sniff::Kind::Document => {
                let doc = StatusDocument::from_json(value).map_err(|e| PayloadError::Json {
                    path: e.field,
                    message: e.problem,
                })?;
                doc.to_status()?;
                StatusPayload::Document(doc)
            }
            #[cfg(feature = "raw-vipps")]
            sniff::Kind::Details => StatusPayload::VippsDetails(reader.read(text)?),
            #[cfg(feature = "raw-vipps")]
            sniff::Kind::Operation => StatusPayload::VippsOperation(reader.read(text)?),
            #[cfg(feature = "raw-vipps")]
            sniff::Kind::Callback => StatusPayload::VippsCallback(reader.read(text)?),
            #[cfg(feature = "raw-vipps")]
            sniff::Kind::OrderStatus => StatusPayload::VippsOrderStatus(reader.read(text)?),
            #[cfg(not(feature = "raw-vipps"))]
            kind @ (sniff::Kind::Details
            | sniff::Kind::Operation
            | sniff::Kind::Callback
            | sniff::Kind::OrderStatus) => {
                let _ = (reader, text);
                return Err(PayloadError::NotRead { what: kind.what() });
            }
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

/// Reads an ePayment body the ePayment recogniser named (raw provider
/// payloads: only with `raw-vipps`).
fn read_epayment(
    reader: impl TextReader,
    kind: EpaymentKind,
    text: &str,
) -> Result<StatusPayload, PayloadError> {
    #[cfg(feature = "raw-vipps")]
    return Ok(match kind {
        EpaymentKind::Payment => StatusPayload::EpaymentPayment(reader.read(text)?),
        EpaymentKind::Modification => StatusPayload::EpaymentModification(reader.read(text)?),
        EpaymentKind::EventLog => StatusPayload::EpaymentEventLog(reader.read(text)?),
        EpaymentKind::Webhook => StatusPayload::EpaymentWebhook(reader.read(text)?),
    });
    #[cfg(not(feature = "raw-vipps"))]
    {
        let _ = (reader, text);
        Err(PayloadError::NotRead { what: kind.what() })
    }
}

/// Recognising a payload from its keys.
mod sniff {
    use super::PayloadError;
    use crate::foundation::json_text::Value;
    use crate::providers::vipps_ecom::{CallbackStatus, Operation, OperationStatus};

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Kind {
        Document,
        Details,
        Operation,
        Callback,
        OrderStatus,
    }

    impl Kind {
        /// What a payload of this kind is, for messages.
        #[cfg_attr(feature = "raw-vipps", allow(dead_code))]
        pub(super) fn what(self) -> &'static str {
            match self {
                Kind::Document => "status document",
                Kind::Details => "details response",
                Kind::Operation => "capture, cancel or refund response",
                Kind::Callback => "callback",
                Kind::OrderStatus => "order status response",
            }
        }
    }

    /// What a body is, by the keys of its object (a key whose value is
    /// `null` counts as absent).
    pub(super) fn classify(value: &Value) -> Result<Kind, PayloadError> {
        let Value::Object(members) = value else {
            return Err(PayloadError::NotAnObject {
                found: value.kind(),
            });
        };
        let has = |key: &str| value.get(key).is_some_and(|v| *v != Value::Null);
        if has("version") && has("status") {
            return Ok(Kind::Document);
        }
        if has("transactionLogHistory") {
            return Ok(Kind::Details);
        }
        // `transactionInfo.status` / `transaction.status`, and which block.
        let block = |name: &'static str| {
            let block = value.get(name).filter(|b| b.is_object())?;
            Some((name, block.get("status").and_then(Value::as_str)))
        };
        let info = block("transactionInfo").or_else(|| block("transaction"));
        let msn = has("merchantSerialNumber");
        match info {
            Some((name, Some(status))) => {
                let field = if name == "transaction" {
                    "transaction.status"
                } else {
                    "transactionInfo.status"
                };
                if OperationStatus::from_name(status).is_some() {
                    Ok(Kind::Operation)
                } else if CallbackStatus::from_name(status).is_some()
                    && (msn || matches!(Operation::from_name(status), Operation::Other(_)))
                {
                    Ok(Kind::Callback)
                } else if !matches!(Operation::from_name(status), Operation::Other(_)) {
                    Ok(Kind::OrderStatus)
                } else {
                    Err(PayloadError::UnknownStatus {
                        field,
                        value: status.to_string(),
                    })
                }
            }
            // A block without a readable status: read it as a callback (with
            // an MSN) or an operation response, whose errors name the field.
            Some((_, None)) if msn => Ok(Kind::Callback),
            Some((_, None)) => Ok(Kind::Operation),
            None => Err(PayloadError::Unrecognised {
                keys: members.iter().take(12).map(|(k, _)| k.clone()).collect(),
            }),
        }
    }

    /// The shape of a JSON text.
    #[cfg(all(test, feature = "json"))]
    pub(super) fn kind(text: &str) -> Result<Kind, PayloadError> {
        let value =
            Value::parse(text).map_err(|e| crate::foundation::json::lite_error(text, &e))?;
        classify(&value)
    }

    #[cfg(test)]
    #[cfg(feature = "json")]
    mod tests {
        use super::*;

        #[test]
        fn recognises_each_shape() {
            let cases = [
                (r#"{"version":1,"status":"x"}"#, Kind::Document),
                (r#"{"transactionLogHistory":[]}"#, Kind::Details),
                (r#"{"transaction":{"status":"Refund"}}"#, Kind::Operation),
                (
                    r#"{"transactionInfo":{"status":"Captured"}}"#,
                    Kind::Operation,
                ),
                (
                    r#"{"merchantSerialNumber":1,"transactionInfo":{"status":"RESERVE"}}"#,
                    Kind::Callback,
                ),
                (
                    r#"{"transactionInfo":{"status":"RESERVED"}}"#,
                    Kind::Callback,
                ),
                (
                    r#"{"transactionInfo":{"status":"RESERVE"}}"#,
                    Kind::OrderStatus,
                ),
                (
                    r#"{"transactionInfo":{"status":"VOID"}}"#,
                    Kind::OrderStatus,
                ),
                (r#"{"transactionInfo":{"status":5}}"#, Kind::Operation),
            ];
            for (text, want) in cases {
                assert_eq!(kind(text).unwrap(), want, "{text}");
            }
        }

        #[test]
        fn explains_what_it_cannot_recognise() {
            assert_eq!(
                kind("[1]").unwrap_err(),
                PayloadError::NotAnObject { found: "an array" }
            );
            assert_eq!(
                kind(r#"{"a":1,"b":{"c":2}}"#).unwrap_err(),
                PayloadError::Unrecognised {
                    keys: vec!["a".into(), "b".into()]
                }
            );
            assert_eq!(
                kind(r#"{"transactionInfo":{"status":"PENDING"}}"#).unwrap_err(),
                PayloadError::UnknownStatus {
                    field: "transactionInfo.status",
                    value: "PENDING".into()
                }
            );
            assert!(matches!(
                kind(r#"{"a":1} x"#).unwrap_err(),
                PayloadError::Json { .. }
            ));
        }
    }
}
