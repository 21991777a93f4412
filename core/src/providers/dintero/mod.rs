//! Dintero: card payments with a stored token, and what their failures mean
//! (Dintero "Error handling" guide, "Error handling").
//!
//! - "A 200 response will be returned if the pay request fail because of
//!   authorization error. The transaction will have status FAILED and more
//!   information about the cause can be found in the AUTHORIZE event":
//!   [`Transaction::outcome`] reads that into a [`CardFailure`].
//! - "Merchant is resposible for managing their retry policy for payments
//!   that fails, and not retry when payment fails with DO_NOT_RETRY error."
//!   A `DO_NOT_RETRY` failure is [`ErrorClass::Final`]; the
//!   card guard (`merchant::card_guard`, which reads these failures) blocks the card for good.
//! - `Dintero-Feature-Toggles: strict-merchant-reference` makes a reused
//!   `merchant_reference` a `400` with `"code": "DUPLICATE"`:
//!   [`DinteroError::DuplicateReference`].
//!
//! ```
//! use appswitch_core::providers::dintero::{PayAnswer, TransactionOutcome};
//! use appswitch_core::foundation::retry::ErrorClass;
//!
//! let body = r#"{"id": "T1", "status": "FAILED", "events": [
//!   {"event": "INITIALIZE", "success": true},
//!   {"event": "AUTHORIZE", "success": false, "error": {
//!     "type": "REJECTED_BY_ACQUIRER_POSSIBLE_FRAUD",
//!     "code": "payex:errorCode:REJECTED_BY_ACQUIRER_POSSIBLE_FRAUD",
//!     "message": "payex:errorDescription:Wrong card-no check digit response-code: 34",
//!     "result_code": "34"}}]}"#;
//! let PayAnswer::Transaction(tx) = PayAnswer::from_http(200, body) else { panic!() };
//! let TransactionOutcome::Failed(failure) = tx.outcome() else { panic!() };
//! assert!(!failure.do_not_retry);
//! assert_eq!(failure.result_code.as_deref(), Some("34"));
//! assert_eq!(failure.class(), ErrorClass::RetryLater);
//! ```

use core::fmt;
use core::time::Duration;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use crate::foundation::retry::ErrorClass;

/// The header that turns on Dintero's feature toggles.
pub const FEATURE_TOGGLES_HEADER: &str = "Dintero-Feature-Toggles";

/// "Including strict-merchant-reference value in the header will prevent
/// creating duplicate transaction as it will require the
/// merchant_reference to be unique within 24 hours" (Dintero "Error handling" guide).
pub const STRICT_MERCHANT_REFERENCE: &str = "strict-merchant-reference";

/// How long a `merchant_reference` must be unique with
/// [`STRICT_MERCHANT_REFERENCE`]: "within 24 hours" (Dintero "Error handling" guide).
pub const MERCHANT_REFERENCE_UNIQUE_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// The flag of a response "flagged as “Do Not Retry” in accordance to Visa
/// and MasterCard regulations" (Dintero "Error handling" guide).
pub const DO_NOT_RETRY: &str = "DO_NOT_RETRY";

/// A transaction, as the pay request answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// `id`: Dintero's transaction id.
    pub id: String,
    /// `status`.
    pub status: TransactionStatus,
    /// `events`: what happened, in order.
    #[serde(default)]
    pub events: Vec<TransactionEvent>,
}

/// `status` of a transaction. The seed shows `FAILED`; the others are
/// Dintero's documented transaction statuses. Read case-insensitively; a
/// status this crate does not know is kept as sent and decides nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TransactionStatus {
    /// `INITIATED` / `INITIALIZED`: the payment has started.
    Initiated,
    /// `ON_HOLD`: held for manual review.
    OnHold,
    /// `AUTHORIZED`: approved, not yet captured.
    Authorized,
    /// `PARTIALLY_CAPTURED`.
    PartiallyCaptured,
    /// `CAPTURED`.
    Captured,
    /// `PARTIALLY_CAPTURED_REFUNDED`.
    PartiallyCapturedRefunded,
    /// `PARTIALLY_REFUNDED`.
    PartiallyRefunded,
    /// `REFUNDED`.
    Refunded,
    /// `AUTHORIZATION_VOIDED`: authorized, then cancelled.
    AuthorizationVoided,
    /// `DECLINED`: declined (by the shopper or the issuer).
    Declined,
    /// `FAILED`: "The transaction will have status FAILED and more
    /// information about the cause can be found in the AUTHORIZE event".
    Failed,
    /// A status this crate does not know, as sent.
    Other(String),
}

impl TransactionStatus {
    /// The status with this name (case-insensitive).
    pub fn from_name(name: &str) -> TransactionStatus {
        match name.to_ascii_uppercase().as_str() {
            "INITIATED" | "INITIALIZED" => TransactionStatus::Initiated,
            "ON_HOLD" => TransactionStatus::OnHold,
            "AUTHORIZED" => TransactionStatus::Authorized,
            "PARTIALLY_CAPTURED" => TransactionStatus::PartiallyCaptured,
            "CAPTURED" => TransactionStatus::Captured,
            "PARTIALLY_CAPTURED_REFUNDED" => TransactionStatus::PartiallyCapturedRefunded,
            "PARTIALLY_REFUNDED" => TransactionStatus::PartiallyRefunded,
            "REFUNDED" => TransactionStatus::Refunded,
            "AUTHORIZATION_VOIDED" => TransactionStatus::AuthorizationVoided,
            "DECLINED" => TransactionStatus::Declined,
            "FAILED" => TransactionStatus::Failed,
            _ => TransactionStatus::Other(name.to_string()),
        }
    }

    /// The name as Dintero writes it.
    pub fn as_str(&self) -> &str {
        match self {
            TransactionStatus::Initiated => "INITIATED",
            TransactionStatus::OnHold => "ON_HOLD",
            TransactionStatus::Authorized => "AUTHORIZED",
            TransactionStatus::PartiallyCaptured => "PARTIALLY_CAPTURED",
            TransactionStatus::Captured => "CAPTURED",
            TransactionStatus::PartiallyCapturedRefunded => "PARTIALLY_CAPTURED_REFUNDED",
            TransactionStatus::PartiallyRefunded => "PARTIALLY_REFUNDED",
            TransactionStatus::Refunded => "REFUNDED",
            TransactionStatus::AuthorizationVoided => "AUTHORIZATION_VOIDED",
            TransactionStatus::Declined => "DECLINED",
            TransactionStatus::Failed => "FAILED",
            TransactionStatus::Other(name) => name,
        }
    }
}

impl fmt::Display for TransactionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TransactionStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TransactionStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| TransactionStatus::from_name(&s))
    }
}

/// One entry of `events`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionEvent {
    /// `event`: `INITIALIZE`, `AUTHORIZE`, ….
    pub event: String,
    /// `success`. An event that does not say is not taken as a success.
    #[serde(default)]
    pub success: bool,
    /// `error`: why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<EventError>,
}

/// `error` of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventError {
    /// `type`, e.g. `REJECTED_BY_ACQUIRER_POSSIBLE_FRAUD`.
    #[serde(rename = "type", default)]
    pub error_type: String,
    /// `code`, e.g. `payex:errorCode:REJECTED_BY_ACQUIRER_POSSIBLE_FRAUD`.
    #[serde(default)]
    pub code: String,
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `result_code`: the acquirer's response code, e.g. `"34"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
}

impl EventError {
    /// True if the scheme flagged it "Do Not Retry": `DO_NOT_RETRY` as the
    /// `type`, or as the last `:`-separated part of the `code` (the guide
    /// shows codes like `payex:errorCode:<TYPE>`; it names the flag, not
    /// the field that carries it, so both are read).
    pub fn is_do_not_retry(&self) -> bool {
        self.error_type.eq_ignore_ascii_case(DO_NOT_RETRY)
            || self
                .code
                .rsplit(':')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case(DO_NOT_RETRY))
    }
}

/// A failed card authorization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardFailure {
    /// Flagged "Do Not Retry": "the card will be blocked immediately and
    /// no further attempts are allowed" (Dintero "Error handling" guide).
    pub do_not_retry: bool,
    /// `error.type` of the `AUTHORIZE` event (empty if it had none).
    pub error_type: String,
    /// `error.code`.
    pub code: String,
    /// `error.message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `error.result_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
}

impl CardFailure {
    /// What to do: `DO_NOT_RETRY` is [`ErrorClass::Final`] — never retried;
    /// any other authorization failure is [`ErrorClass::RetryLater`]: a
    /// later attempt may succeed, within the card guard's limits.
    pub fn class(&self) -> ErrorClass {
        if self.do_not_retry {
            ErrorClass::Final
        } else {
            ErrorClass::RetryLater
        }
    }
}

/// What a transaction says about the card attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum TransactionOutcome {
    /// The card was authorized (any status from `AUTHORIZED` on, including
    /// captured, refunded and voided ones): "if a transaction goes through
    /// successfully, the quota will reset".
    Succeeded,
    /// `FAILED` or `DECLINED`: a failed attempt.
    Failed(CardFailure),
    /// Not decided yet (`INITIATED`, `ON_HOLD`, an unknown status).
    Pending,
}

impl Transaction {
    /// What the transaction says about the attempt. A failure's details come
    /// from the failed `AUTHORIZE` event (or, without one, the last failed
    /// event with an error); a failure without any error is a plain failure.
    pub fn outcome(&self) -> TransactionOutcome {
        match self.status {
            TransactionStatus::Authorized
            | TransactionStatus::PartiallyCaptured
            | TransactionStatus::Captured
            | TransactionStatus::PartiallyCapturedRefunded
            | TransactionStatus::PartiallyRefunded
            | TransactionStatus::Refunded
            | TransactionStatus::AuthorizationVoided => TransactionOutcome::Succeeded,
            TransactionStatus::Failed | TransactionStatus::Declined => {
                TransactionOutcome::Failed(self.failure())
            }
            TransactionStatus::Initiated
            | TransactionStatus::OnHold
            | TransactionStatus::Other(_) => TransactionOutcome::Pending,
        }
    }

    fn failure(&self) -> CardFailure {
        let failed = |e: &&TransactionEvent| !e.success && e.error.is_some();
        let event = self
            .events
            .iter()
            .filter(failed)
            .find(|e| e.event.eq_ignore_ascii_case("AUTHORIZE"))
            .or_else(|| self.events.iter().rev().find(failed));
        match event.and_then(|e| e.error.as_ref()) {
            Some(error) => CardFailure {
                do_not_retry: error.is_do_not_retry(),
                error_type: error.error_type.clone(),
                code: error.code.clone(),
                message: error.message.clone(),
                result_code: error.result_code.clone(),
            },
            None => CardFailure {
                do_not_retry: false,
                error_type: String::new(),
                code: String::new(),
                message: None,
                result_code: None,
            },
        }
    }
}

/// A Dintero error body: `{"session_id": …, "error": {"message", "code"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// `session_id`, when the error concerns a session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// `error`.
    pub error: ErrorDetail,
}

/// `error` of an error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// `code`, e.g. `DUPLICATE`.
    #[serde(default)]
    pub code: String,
    /// `message`: for `DUPLICATE`, the field that is taken
    /// (`session.order.merchant_reference`).
    #[serde(default)]
    pub message: String,
}

/// A refused Dintero request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DinteroError {
    /// `400` `DUPLICATE`: with `strict-merchant-reference`, the reference
    /// is taken ("require the merchant_reference to be unique within 24
    /// hours"). Nothing new was created: check the existing session, or
    /// pay with a new reference.
    #[error("`{field}` is taken: with `strict-merchant-reference` it must be unique within 24 hours (existing session: {})", session_id.as_deref().unwrap_or("not given"))]
    DuplicateReference {
        /// The field the provider names (`error.message`).
        field: String,
        /// The session that already uses it.
        session_id: Option<String>,
    },
    /// Any other error answer.
    #[error("Dintero answered HTTP {status}: {code} {message}")]
    Other {
        /// The HTTP status.
        status: u16,
        /// `error.code`.
        code: String,
        /// `error.message`.
        message: String,
    },
}

impl DinteroError {
    /// The typed error for an error answer.
    pub fn from_response(status: u16, body: &ErrorResponse) -> DinteroError {
        if status == 400 && body.error.code.eq_ignore_ascii_case("DUPLICATE") {
            DinteroError::DuplicateReference {
                field: body.error.message.clone(),
                session_id: body.session_id.clone(),
            }
        } else {
            DinteroError::Other {
                status,
                code: body.error.code.clone(),
                message: body.error.message.clone(),
            }
        }
    }
}

/// The answer to a pay request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayAnswer {
    /// `2xx` with the transaction (which may say `FAILED`: Dintero "Error handling" guide).
    Transaction(Transaction),
    /// An error answer.
    Refused(DinteroError),
    /// A body that could not be read.
    Unreadable {
        /// The HTTP status.
        status: u16,
        /// Why, naming the field.
        reason: String,
    },
}

impl PayAnswer {
    /// Reads an HTTP answer to a pay request.
    pub fn from_http(status: u16, body: &str) -> PayAnswer {
        let unreadable = |e: crate::foundation::json::JsonError| PayAnswer::Unreadable {
            status,
            reason: e.to_string(),
        };
        if (200..=299).contains(&status) {
            crate::foundation::json::from_str::<Transaction>(body)
                .map_or_else(unreadable, PayAnswer::Transaction)
        } else {
            crate::foundation::json::from_str::<ErrorResponse>(body).map_or_else(unreadable, |e| {
                PayAnswer::Refused(DinteroError::from_response(status, &e))
            })
        }
    }
}

#[cfg(test)]
mod tests;
