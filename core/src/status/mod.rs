//! The provider-neutral payment status, and why it only moves forward.
//!
//! Every observation of a payment — a details response, a callback, a
//! capture response, the backend's status document — is turned into a
//! [`PaymentStatus`]: the *facts* that observation proves (was money
//! reserved? how much was captured? did somebody cancel?). Facts are only
//! ever added, so [`PaymentStatus::merge`] is a join: it is commutative,
//! associative and idempotent. Combining a callback and a poll in any order
//! gives the same answer, and a stale observation (which proves a subset of
//! what is already known) changes nothing.
//!
//! The [`PaymentState`] is *derived* from the facts. Money beats words: once
//! a successful reserve, sale or capture has been seen, no later report of
//! failure, rejection or timeout can hide it (a reservation nobody knows
//! about is a reservation nobody cancels — Vipps eCom API "Exception handling" guide, "Clean-up strategies").
//! The order, strongest first:
//!
//! | facts | state |
//! |---|---|
//! | a refund succeeded | [`Refunded`](PaymentState::Refunded) |
//! | a capture or direct-capture sale succeeded | [`Captured`](PaymentState::Captured) |
//! | the payment was cancelled (by the user in the app, or voided by the merchant) | [`Cancelled`](PaymentState::Cancelled) |
//! | a reservation succeeded | [`Reserved`](PaymentState::Reserved) |
//! | the provider reported the payment failed (`RESERVE_FAILED`, `SALE_FAILED`, `FAILED`) | [`Failed`](PaymentState::Failed) |
//! | the shopper did not act in time (`REJECTED`) | [`Rejected`](PaymentState::Rejected) |
//! | nothing yet | [`Initiated`](PaymentState::Initiated) |
//!
//! Vipps eCom API guide ("Payment states"): a capture is only possible after a reserve,
//! and a refund only after a capture. A cancel after a partial capture
//! (allowed since April 2022, eCom API changelog; the eCom guide of 2021 predates it)
//! releases the rest: the payment stays captured — money moved — and
//! nothing remains to capture. So in any history the provider can produce,
//! this order is the order in which things happen, and "the latest
//! successful operation decides" gives the same answer.
//!
//! ```
//! use appswitch_core::foundation::money::Amount;
//! use appswitch_core::status::{PaymentState, PaymentStatus};
//!
//! let polled = PaymentStatus::initiated(); // a poll that saw nothing yet
//! let callback = PaymentStatus::initiated().with_reserved(Amount::from_minor(20000));
//! // Either order, the same truth:
//! assert_eq!(polled.clone().merge(&callback), callback.clone().merge(&polled));
//! assert_eq!(callback.merge(&polled).state(), PaymentState::Reserved);
//! ```

mod document;
mod set;

pub use document::{
    DocumentAmounts, DocumentError, STATUS_DOCUMENT_VERSION, StatusDocument, StatusName,
};
pub use set::FactSet;

use serde::{Deserialize, Serialize};

use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;

/// Who cancelled a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum CancelledBy {
    /// The shopper cancelled in the payment app (operation `CANCEL`).
    User,
    /// The merchant cancelled (operation `VOID`, or the merchant's own
    /// cancel call answered `"Cancelled"`).
    Merchant,
}

impl CancelledBy {
    /// Both.
    pub const ALL: [CancelledBy; 2] = [CancelledBy::User, CancelledBy::Merchant];

    /// `user` or `merchant`, as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelledBy::User => "user",
            CancelledBy::Merchant => "merchant",
        }
    }
}

/// The state of a payment, derived from what has been observed.
///
/// Only [`Reserved`](Self::Reserved), [`Captured`](Self::Captured) and
/// [`Refunded`](Self::Refunded) mean that money moved, and they are only
/// ever derived from a *successful* reserve, sale or capture.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum PaymentState {
    /// Initiated; the shopper has not finished in the payment app.
    Initiated,
    /// The amount is reserved on the shopper's account.
    Reserved,
    /// Money was captured: `full` when the whole reservation was captured
    /// (or a direct-capture sale), partial otherwise. A partial capture
    /// whose rest the merchant released (a cancel after the capture,
    /// allowed since April 2022: eCom API changelog) stays partial, with
    /// [`PaymentStatus::cancelled`] set and nothing left to capture.
    Captured {
        /// True when the captured total reaches the reservation.
        full: bool,
    },
    /// Money was refunded: `full` when everything captured was refunded.
    Refunded {
        /// True when nothing captured remains to refund.
        full: bool,
    },
    /// Cancelled before any capture (a cancel after a partial capture
    /// leaves the payment [`Captured`](Self::Captured)).
    Cancelled {
        /// Who cancelled.
        by: CancelledBy,
    },
    /// The shopper did not act in time (callback `REJECTED`, status
    /// `REJECTED`: "No user action in the Vipps app, i.e timeout").
    Rejected,
    /// The provider reported a failure ("insufficient funds, invalid card,
    /// or similar").
    Failed {
        /// The provider's reason, as it gave it.
        reason: String,
    },
}

impl PaymentState {
    /// True once the shopper's part is decided: anything but
    /// [`Initiated`](Self::Initiated).
    pub fn is_final(&self) -> bool {
        !matches!(self, PaymentState::Initiated)
    }

    /// True if money is (or was) held or taken: reserved, captured or
    /// refunded — the only states the tracker reports as success.
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            PaymentState::Reserved | PaymentState::Captured { .. } | PaymentState::Refunded { .. }
        )
    }

    /// The lowercase name used by the status document.
    pub fn name(&self) -> StatusName {
        match self {
            PaymentState::Initiated => StatusName::Initiated,
            PaymentState::Reserved => StatusName::Reserved,
            PaymentState::Captured { .. } => StatusName::Captured,
            PaymentState::Refunded { .. } => StatusName::Refunded,
            PaymentState::Cancelled { .. } => StatusName::Cancelled,
            PaymentState::Rejected => StatusName::Rejected,
            PaymentState::Failed { .. } => StatusName::Failed,
        }
    }
}

/// An operation the provider reports as unsuccessful
/// (`"operationSuccess": false`). Kept as a fact; it does not move the state.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct FailedOperation {
    /// The operation name as the provider sent it (`RESERVE`, `CAPTURE`, …).
    pub operation: String,
    /// The amount the operation was for.
    pub amount: Amount,
    /// When the provider logged it, if it said.
    pub at: Option<Timestamp>,
    /// The provider's id for the operation, if any.
    pub transaction_id: Option<String>,
}

/// Everything known about one payment: the facts, from which the
/// [`PaymentState`] and the amounts are derived.
///
/// For each money step, `Some(amount)` means the step was reached and at
/// least `amount` was moved (`Some(Amount::ZERO)`: reached, amount not
/// told); `None` means it was not seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PaymentStatus {
    /// Reserved (successful `RESERVE` / `RESERVED` / `RESERVE`), and how much.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved: Option<Amount>,
    /// Captured in total (successful `CAPTURE`, or a direct-capture `SALE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<Amount>,
    /// Refunded in total (successful `REFUND`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded: Option<Amount>,
    /// Cancelled, and by whom (merchant wins when reports disagree: the
    /// merchant knows it cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<CancelledBy>,
    /// The shopper did not act in time.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rejected: bool,
    /// The provider reported the payment failed, with its reasons.
    #[serde(default, skip_serializing_if = "FactSet::is_empty")]
    pub failures: FactSet<String>,
    /// Operations the provider logged as unsuccessful (facts only).
    #[serde(default, skip_serializing_if = "FactSet::is_empty")]
    pub failed_operations: FactSet<FailedOperation>,
    /// The newest provider timestamp seen in any observation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// When money was first captured (successful `CAPTURE` or `SALE`), if
    /// an observation said. Merged by taking the earliest: "Refunds can be
    /// made up to 365 days after capture" (Vipps eCom API guide) is then measured from
    /// the first capture, so a refund is never let through late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<Timestamp>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The derived state, for Kotlin and Swift (`status.state()`): a record
/// has no methods there but the ones exported.
#[cfg(feature = "uniffi")]
#[uniffi::export]
impl PaymentStatus {
    /// The state the facts prove (see [`PaymentStatus::state`]).
    #[uniffi::method(name = "state")]
    pub fn derived_state(&self) -> PaymentState {
        self.state()
    }
}

/// The amounts of a payment, derived from its facts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Amounts {
    /// Reserved on the shopper's account (0 when not told).
    pub reserved: Amount,
    /// Captured in total.
    pub captured: Amount,
    /// Refunded in total.
    pub refunded: Amount,
    /// What can still be captured: reserved − captured, and zero once the
    /// payment is cancelled — before any capture, or after a partial one
    /// ("Once this operation has been performed, there will be zero funds
    /// remaining to capture", Vipps eCom API guide, "Cancelling a partially
    /// captured order").
    pub remaining_to_capture: Amount,
    /// What can still be refunded: captured − refunded.
    pub remaining_to_refund: Amount,
}

fn max_opt(a: Option<Amount>, b: Option<Amount>) -> Option<Amount> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The earlier of two optional times; `None` is "not known", not "never".
fn min_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl PaymentStatus {
    /// A payment that was initiated and nothing more is known.
    pub fn initiated() -> Self {
        PaymentStatus::default()
    }

    /// Adds the fact that `amount` was reserved.
    #[must_use]
    pub fn with_reserved(mut self, amount: Amount) -> Self {
        self.reserved = max_opt(self.reserved, Some(amount));
        self
    }

    /// Adds the fact that `total` was captured in all (implies reserved).
    #[must_use]
    pub fn with_captured(mut self, total: Amount) -> Self {
        self.captured = max_opt(self.captured, Some(total));
        self
    }

    /// Adds the fact that `total` was refunded in all (implies captured).
    #[must_use]
    pub fn with_refunded(mut self, total: Amount) -> Self {
        self.refunded = max_opt(self.refunded, Some(total));
        self
    }

    /// Adds the fact that the payment was cancelled by `by`.
    #[must_use]
    pub fn with_cancelled(mut self, by: CancelledBy) -> Self {
        self.cancelled = self.cancelled.max(Some(by));
        self
    }

    /// Adds the fact that the shopper did not act in time.
    #[must_use]
    pub fn with_rejected(mut self) -> Self {
        self.rejected = true;
        self
    }

    /// Adds the fact that the provider reported the payment failed.
    #[must_use]
    pub fn with_failure(mut self, reason: impl Into<String>) -> Self {
        self.failures.insert(reason.into());
        self
    }

    /// Adds an operation the provider logged as unsuccessful.
    #[must_use]
    pub fn with_failed_operation(mut self, op: FailedOperation) -> Self {
        self.failed_operations.insert(op);
        self
    }

    /// Records the provider's timestamp of this observation.
    #[must_use]
    pub fn with_updated_at(mut self, at: Timestamp) -> Self {
        self.updated_at = self.updated_at.max(Some(at));
        self
    }

    /// Records when a capture (or direct-capture sale) happened; the
    /// earliest one is kept.
    #[must_use]
    pub fn with_captured_at(mut self, at: Timestamp) -> Self {
        self.captured_at = min_opt(self.captured_at, Some(at));
        self
    }

    /// Combines two observations of the same payment: the union of their
    /// facts. Commutative, associative and idempotent, so the order in which
    /// callbacks, polls and pushes arrive never matters, and
    /// `a.merge(b).state()` is never behind `a.state()` in the order given in
    /// the [module documentation](self).
    #[must_use]
    pub fn merge(mut self, other: &PaymentStatus) -> PaymentStatus {
        self.reserved = max_opt(self.reserved, other.reserved);
        self.captured = max_opt(self.captured, other.captured);
        self.refunded = max_opt(self.refunded, other.refunded);
        self.cancelled = self.cancelled.max(other.cancelled);
        self.rejected |= other.rejected;
        self.failures.union(&other.failures);
        self.failed_operations.union(&other.failed_operations);
        self.updated_at = self.updated_at.max(other.updated_at);
        self.captured_at = min_opt(self.captured_at, other.captured_at);
        self
    }

    /// The state these facts prove (see the table in the
    /// [module documentation](self)).
    pub fn state(&self) -> PaymentState {
        let amounts = self.amounts();
        if self.refunded.is_some() {
            return PaymentState::Refunded {
                full: amounts.remaining_to_refund.is_zero(),
            };
        }
        if self.captured.is_some() {
            let full =
                self.reserved.is_none_or(Amount::is_zero) || amounts.captured >= amounts.reserved;
            return PaymentState::Captured { full };
        }
        if let Some(by) = self.cancelled {
            return PaymentState::Cancelled { by };
        }
        if self.reserved.is_some() {
            return PaymentState::Reserved;
        }
        if !self.failures.is_empty() {
            let reason = self.failures.iter().cloned().collect::<Vec<_>>().join("; ");
            return PaymentState::Failed { reason };
        }
        if self.rejected {
            return PaymentState::Rejected;
        }
        PaymentState::Initiated
    }

    /// The amounts these facts prove. A refund implies the capture, and a
    /// capture the reservation, so the totals are consistent even when an
    /// observation told only the later step.
    pub fn amounts(&self) -> Amounts {
        let refunded = self.refunded.unwrap_or_default();
        let captured = self.captured.unwrap_or_default().max(refunded);
        let reserved = self.reserved.unwrap_or_default().max(captured);
        Amounts {
            reserved,
            captured,
            refunded,
            remaining_to_capture: if self.cancelled.is_some() {
                Amount::ZERO
            } else {
                reserved.saturating_sub(captured)
            },
            remaining_to_refund: captured.saturating_sub(refunded),
        }
    }

    /// True when the facts include a successful reserve, sale or capture.
    pub fn is_success(&self) -> bool {
        self.state().is_success()
    }

    /// True once the shopper's part is decided.
    pub fn is_final(&self) -> bool {
        self.state().is_final()
    }
}

#[cfg(test)]
mod tests;
