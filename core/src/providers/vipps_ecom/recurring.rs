//! Vipps Recurring API charges: only the status, which is what the tracker
//! needs (Vipps technical update 2022-01, "Recurring API: The
//! "PROCESSING" status").
//!
//! "The status of a charge will be PROCESSING while Vipps MobilePay is
//! taking care of business, from the due date until the charge has
//! succeeded, or until the retryDays have passed without a successful
//! charge. The final status will be CHARGED or FAILED." And: "Even if one
//! charge attempt fails, the charge itself has not failed until all the
//! attempts are completed" — so a `PROCESSING` charge with a
//! `failureReason` is still pending.
//!
//! ```
//! use appswitch_core::providers::vipps_ecom::recurring::Charge;
//! use appswitch_core::status::PaymentState;
//!
//! let processing: Charge = serde_json::from_str(
//!     r#"{"id":"chr-1","status":"PROCESSING","amount":19900,"failureReason":"insufficient_funds"}"#,
//! ).unwrap();
//! assert_eq!(processing.observation(), None, "not final until CHARGED or FAILED");
//! let charged: Charge = serde_json::from_str(r#"{"id":"chr-1","status":"CHARGED","amount":19900}"#).unwrap();
//! assert_eq!(charged.observation().unwrap().state(), PaymentState::Captured { full: true });
//! ```

use serde::{Deserialize, Serialize};

use crate::foundation::money::Amount;
use crate::status::{CancelledBy, PaymentStatus};

/// The status of a recurring charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChargeStatus {
    /// Created, not yet due.
    Pending,
    /// Due; Vipps will attempt it.
    Due,
    /// "while Vipps MobilePay is taking care of business" (Vipps technical update 2022-01): not
    /// final, whatever `failureReason` says.
    Processing,
    /// Reserved (a reserve-capture charge).
    Reserved,
    /// Final: the money was taken.
    Charged,
    /// Part of a reservation was captured.
    PartiallyCaptured,
    /// Final: every attempt failed.
    Failed,
    /// Cancelled by the merchant.
    Cancelled,
    /// Part of the charge was refunded.
    PartiallyRefunded,
    /// The charge was refunded.
    Refunded,
}

/// What the charge's `summary` says was moved, in øre.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChargeSummary {
    /// Captured in total.
    pub captured: Amount,
    /// Refunded in total.
    pub refunded: Amount,
}

/// A recurring charge, as far as its status goes. Other fields are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Charge {
    /// The charge id (`chr-…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The status.
    pub status: ChargeStatus,
    /// The amount, in øre.
    #[serde(default)]
    pub amount: Amount,
    /// Why an attempt failed (informational while `PROCESSING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// A longer description of the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_description: Option<String>,
    /// The amounts moved so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ChargeSummary>,
}

impl Charge {
    /// What this charge proves, or `None` while it is not decided
    /// (`PENDING`, `DUE`, `PROCESSING`).
    pub fn observation(&self) -> Option<PaymentStatus> {
        let s = PaymentStatus::initiated();
        let summary = self.summary.unwrap_or_default();
        let captured = summary.captured.max(self.amount);
        match self.status {
            ChargeStatus::Pending | ChargeStatus::Due | ChargeStatus::Processing => None,
            ChargeStatus::Reserved => Some(s.with_reserved(self.amount)),
            ChargeStatus::Charged => Some(s.with_reserved(self.amount).with_captured(captured)),
            ChargeStatus::PartiallyCaptured => {
                Some(s.with_reserved(self.amount).with_captured(summary.captured))
            }
            ChargeStatus::Failed => Some(
                s.with_failure(
                    self.failure_reason
                        .clone()
                        .or_else(|| self.failure_description.clone())
                        .unwrap_or_else(|| "FAILED".to_string()),
                ),
            ),
            ChargeStatus::Cancelled => Some(s.with_cancelled(CancelledBy::Merchant)),
            ChargeStatus::PartiallyRefunded | ChargeStatus::Refunded => Some(
                s.with_reserved(self.amount)
                    .with_captured(captured)
                    .with_refunded(summary.refunded),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::PaymentState;

    fn charge(json: &str) -> Charge {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn processing_is_not_final_even_after_a_failed_attempt() {
        for status in ["PENDING", "DUE", "PROCESSING"] {
            let c = charge(&format!(
                r#"{{"status":"{status}","amount":100,"failureReason":"insufficient_funds"}}"#
            ));
            assert_eq!(c.observation(), None, "{status}");
        }
    }

    #[test]
    fn charged_and_failed_are_final() {
        let c = charge(r#"{"status":"CHARGED","amount":19900}"#);
        let s = c.observation().unwrap();
        assert!(s.is_success());
        assert_eq!(s.amounts().captured, Amount::from_minor(19900));
        let f =
            charge(r#"{"status":"FAILED","amount":19900,"failureReason":"user_action_required"}"#);
        assert_eq!(
            f.observation().unwrap().state(),
            PaymentState::Failed {
                reason: "user_action_required".into()
            }
        );
        let r = charge(
            r#"{"status":"REFUNDED","amount":100,"summary":{"captured":100,"refunded":100}}"#,
        );
        assert_eq!(
            r.observation().unwrap().state(),
            PaymentState::Refunded { full: true }
        );
    }

    #[test]
    fn an_unknown_status_is_an_error_naming_it() {
        let err = serde_json::from_str::<Charge>(r#"{"status":"SOMETHING"}"#).unwrap_err();
        assert!(err.to_string().contains("SOMETHING"), "{err}");
    }
}
