//! appswitch's own status document: what the merchant backend answers the
//! browser module and the mobile apps on its status endpoint.
//!
//! ```json
//! {"version": 1, "orderId": "shop-1042", "provider": "vipps", "status": "reserved",
//!  "final": true, "amounts": {"reserved": 20000, "captured": 0, "refunded": 0},
//!  "updatedAt": "2018-12-12T11:18:38.246Z"}
//! ```
//!
//! The backend builds it with [`StatusDocument::from_status`]; the clients
//! read it back with [`StatusDocument::to_status`]. Both sides share these
//! serde types, so they cannot disagree on a field name; the tracker's
//! answer reader recognises a document by its `version` and `status`
//! ([`StatusDocument::recognise`]).

use serde::{Deserialize, Serialize};

use super::{CancelledBy, PaymentState, PaymentStatus};
use crate::foundation::json::Object;
use crate::foundation::lenient::null_as_default;
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;

/// The version of the status document this crate writes and reads.
pub const STATUS_DOCUMENT_VERSION: u32 = 1;

/// The `status` field: a [`PaymentState`]'s name, or `unknown` when the
/// backend itself could not find out (provider unreachable, order unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(
        description = "The payment's state, or `unknown` when the backend itself could not find out (provider unreachable, order unknown)."
    )
)]
pub enum StatusName {
    /// See [`PaymentState::Initiated`].
    Initiated,
    /// See [`PaymentState::Reserved`].
    Reserved,
    /// See [`PaymentState::Captured`].
    Captured,
    /// See [`PaymentState::Refunded`].
    Refunded,
    /// See [`PaymentState::Cancelled`].
    Cancelled,
    /// See [`PaymentState::Rejected`].
    Rejected,
    /// See [`PaymentState::Failed`].
    Failed,
    /// The backend does not know (yet): no facts, not final.
    Unknown,
}

impl StatusName {
    /// Every status name.
    pub const ALL: [StatusName; 8] = [
        StatusName::Initiated,
        StatusName::Reserved,
        StatusName::Captured,
        StatusName::Refunded,
        StatusName::Cancelled,
        StatusName::Rejected,
        StatusName::Failed,
        StatusName::Unknown,
    ];

    /// The lowercase name as it appears in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusName::Initiated => "initiated",
            StatusName::Reserved => "reserved",
            StatusName::Captured => "captured",
            StatusName::Refunded => "refunded",
            StatusName::Cancelled => "cancelled",
            StatusName::Rejected => "rejected",
            StatusName::Failed => "failed",
            StatusName::Unknown => "unknown",
        }
    }
}

/// The `amounts` object, in øre. Missing (or `null`) fields read as zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct DocumentAmounts {
    /// Reserved on the shopper's account.
    #[serde(deserialize_with = "null_as_default")]
    pub reserved: Amount,
    /// Captured in total.
    #[serde(deserialize_with = "null_as_default")]
    pub captured: Amount,
    /// Refunded in total.
    #[serde(deserialize_with = "null_as_default")]
    pub refunded: Amount,
}

/// The status document (version [`STATUS_DOCUMENT_VERSION`]), written and
/// read by serde. A missing `amounts` member reads as zero, missing
/// optional fields as absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "appswitch status document, version 1",
        description = "What a merchant backend answers on its status endpoint (`GET <statusUrl>[?wait=N]`) to the browser module and the apps. `final` is false exactly when `status` is `initiated` or `unknown`.",
        extend(
            "if" = {"properties": {"status": {"enum": ["initiated", "unknown"]}}},
            "then" = {"properties": {"final": {"const": false}}},
            "else" = {"properties": {"final": {"const": true}}}
        )
    )
)]
#[serde(rename_all = "camelCase")]
pub struct StatusDocument {
    /// Schema version; readers refuse versions they do not know.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 1)))]
    pub version: u32,
    /// The merchant's order id.
    pub order_id: String,
    /// The provider, e.g. `vipps`.
    pub provider: String,
    /// The payment's state, or `unknown`.
    pub status: StatusName,
    /// True once the shopper's part is decided (see [`PaymentState::is_final`]).
    #[serde(rename = "final")]
    #[cfg_attr(
        feature = "schema",
        schemars(
            description = "True once the shopper's part is decided: anything but `initiated` and `unknown`."
        )
    )]
    pub is_final: bool,
    /// The amounts, in øre (absent or `null`: zero).
    #[serde(default, deserialize_with = "null_as_default")]
    pub amounts: DocumentAmounts,
    /// Who cancelled, when `status` is `cancelled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_by: Option<CancelledBy>,
    /// The provider's failure reason (`failed`), or why the status is
    /// `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The provider's newest timestamp for this payment (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub updated_at: Option<String>,
}

/// Why a status document cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The document's `version` is newer than this reader.
    #[error(
        "status document `version` {found} is not supported (this client reads version {supported})"
    )]
    UnsupportedVersion {
        /// The version in the document.
        found: u32,
        /// The version this crate reads.
        supported: u32,
    },
    /// `final` contradicts `status`.
    #[error("status document field `final` is {found} but status `{status}` is {}final", if *found { "not " } else { "" })]
    FinalMismatch {
        /// The `final` flag in the document.
        found: bool,
        /// The `status` in the document.
        status: &'static str,
    },
    /// `updatedAt` is not an RFC 3339 timestamp.
    #[error("status document field `updatedAt`: {0}")]
    UpdatedAt(#[from] crate::foundation::time::TimestampError),
}

impl StatusDocument {
    /// Whether a JSON object is a status document: it has a `version` and a
    /// `status` (neither `null`). The one place that says so.
    pub fn recognise(object: &Object) -> bool {
        let has = |key| object.get(key).is_some_and(|v| !v.is_null());
        has("version") && has("status")
    }

    /// The document for `status`, as the backend serves it.
    pub fn from_status(
        order_id: impl Into<String>,
        provider: impl Into<String>,
        status: &PaymentStatus,
    ) -> Self {
        let state = status.state();
        let a = status.amounts();
        StatusDocument {
            version: STATUS_DOCUMENT_VERSION,
            order_id: order_id.into(),
            provider: provider.into(),
            status: state.name(),
            is_final: state.is_final(),
            amounts: DocumentAmounts {
                reserved: a.reserved,
                captured: a.captured,
                refunded: a.refunded,
            },
            cancelled_by: match state {
                PaymentState::Cancelled { by } => Some(by),
                _ => None,
            },
            reason: match state {
                PaymentState::Failed { reason } => Some(reason),
                _ => None,
            },
            updated_at: status.updated_at.map(|t| t.to_string()),
        }
    }

    /// A document saying the backend does not know, and why.
    pub fn unknown(
        order_id: impl Into<String>,
        provider: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        StatusDocument {
            version: STATUS_DOCUMENT_VERSION,
            order_id: order_id.into(),
            provider: provider.into(),
            status: StatusName::Unknown,
            is_final: false,
            amounts: DocumentAmounts::default(),
            cancelled_by: None,
            reason: Some(reason.into()),
            updated_at: None,
        }
    }

    /// The facts this document proves. `unknown` proves nothing (an
    /// initiated payment); a document whose `final` flag contradicts its
    /// `status`, or whose version is newer than this crate, is refused.
    pub fn to_status(&self) -> Result<PaymentStatus, DocumentError> {
        if self.version > STATUS_DOCUMENT_VERSION || self.version == 0 {
            return Err(DocumentError::UnsupportedVersion {
                found: self.version,
                supported: STATUS_DOCUMENT_VERSION,
            });
        }
        let expect_final = !matches!(self.status, StatusName::Initiated | StatusName::Unknown);
        if self.is_final != expect_final {
            return Err(DocumentError::FinalMismatch {
                found: self.is_final,
                status: self.status.as_str(),
            });
        }
        let a = self.amounts;
        let mut s = PaymentStatus::initiated();
        s = match self.status {
            StatusName::Initiated | StatusName::Unknown => s,
            StatusName::Reserved => s.with_reserved(a.reserved),
            StatusName::Captured => s.with_reserved(a.reserved).with_captured(a.captured),
            StatusName::Refunded => s
                .with_reserved(a.reserved)
                .with_captured(a.captured)
                .with_refunded(a.refunded),
            StatusName::Cancelled => {
                let s = s.with_cancelled(self.cancelled_by.unwrap_or(CancelledBy::User));
                if a.reserved.is_zero() {
                    s
                } else {
                    s.with_reserved(a.reserved)
                }
            }
            StatusName::Rejected => s.with_rejected(),
            StatusName::Failed => {
                s.with_failure(self.reason.clone().unwrap_or_else(|| "failed".to_string()))
            }
        };
        if let Some(at) = &self.updated_at {
            s = s.with_updated_at(Timestamp::parse_rfc3339(at)?);
        }
        Ok(s)
    }
}
