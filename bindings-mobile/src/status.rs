//! What the tracker tells the app: the payment's state and amounts, what
//! the tracker is doing, and how it ended. Amounts are øre, times are
//! milliseconds since the epoch, both as `Long` / `Int64`.

use appswitch_core::shopper::tracker::{self as core_tracker, FetchReason, Phase, UnknownReason};
use appswitch_core::status::{self as core_status, CancelledBy, PaymentState};

use crate::convert::{millis, ore};

/// Who cancelled a payment.
#[uniffi::remote(Enum)]
pub enum CancelledBy {
    /// The shopper, in the payment app.
    User,
    /// The merchant.
    Merchant,
}

/// The payment's state, derived from everything observed. Only `Reserved`,
/// `Captured` and `Refunded` mean money moved.
#[uniffi::remote(Enum)]
pub enum PaymentState {
    /// Initiated; the shopper has not finished.
    Initiated,
    /// The amount is reserved on the shopper's account.
    Reserved,
    /// Money was captured (`full`: nothing remains to capture).
    Captured {
        /// True when nothing remains to capture.
        full: bool,
    },
    /// Money was refunded (`full`: everything captured was refunded).
    Refunded {
        /// True when nothing captured remains to refund.
        full: bool,
    },
    /// Cancelled before any capture.
    Cancelled {
        /// Who cancelled.
        by: CancelledBy,
    },
    /// The shopper did not act in time.
    Rejected,
    /// The provider reported a failure.
    Failed {
        /// The provider's reason.
        reason: String,
    },
}

/// What the tracker is doing.
#[uniffi::remote(Enum)]
pub enum Phase {
    /// Waiting for the shopper to be sent to the payment app.
    AwaitingSwitch,
    /// Polling on schedule.
    Polling,
    /// In the background: polls paused.
    Paused,
    /// Offline: waiting for the network.
    Offline,
    /// Errors or `429`: waiting before the next try.
    BackingOff,
    /// A Flutterwave long request.
    LongRequest,
    /// Re-querying once to confirm.
    Verifying,
    /// The deadline passed: the one final check.
    FinalCheck,
    /// Done.
    Settled,
}

/// Why the outcome is not known.
#[uniffi::remote(Enum)]
pub enum UnknownReason {
    /// The deadline passed and the final check still said "pending".
    DeadlinePassed,
    /// The final check got no usable answer.
    BackendUnreachable,
    /// Too many unusable answers in a row.
    TooManyErrors,
    /// `stop()` was called before anything was decided.
    Stopped,
}

/// Why a request is made now (for logs).
#[uniffi::remote(Enum)]
pub enum FetchReason {
    /// The regular schedule.
    Poll,
    /// The shopper came back (or the app came to the foreground).
    Return,
    /// The deeplink expired before the shopper switched out.
    DeeplinkExpired,
    /// Polling a Flutterwave ping URL.
    Ping,
    /// The one re-query after a completed ping.
    Verify,
    /// The final check after the deadline.
    FinalCheck,
}

/// Everything known about the payment. Amounts in øre; `null` means the
/// step was not seen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentStatus {
    /// The state derived from the facts.
    pub state: PaymentState,
    /// Reserved, in øre.
    pub reserved: Option<i64>,
    /// Captured in total, in øre.
    pub captured: Option<i64>,
    /// Refunded in total, in øre.
    pub refunded: Option<i64>,
    /// Cancelled, and by whom.
    pub cancelled_by: Option<CancelledBy>,
    /// The shopper did not act in time.
    pub rejected: bool,
    /// The provider's failure reasons.
    pub failures: Vec<String>,
    /// The provider's newest timestamp (ms since the epoch).
    pub updated_at_ms: Option<i64>,
}

impl From<&core_status::PaymentStatus> for PaymentStatus {
    fn from(s: &core_status::PaymentStatus) -> Self {
        PaymentStatus {
            state: s.state(),
            reserved: s.reserved.map(ore),
            captured: s.captured.map(ore),
            refunded: s.refunded.map(ore),
            cancelled_by: s.cancelled,
            rejected: s.rejected,
            failures: s.failures.iter().cloned().collect(),
            updated_at_ms: s.updated_at.map(millis),
        }
    }
}

/// A status or phase change, for the UI.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TrackerProgress {
    /// Everything known about the payment.
    pub status: PaymentStatus,
    /// What the tracker is doing.
    pub phase: Phase,
    /// When the final check is made at the latest (ms since the epoch).
    pub deadline_ms: i64,
}

impl From<&core_tracker::Progress> for TrackerProgress {
    fn from(p: &core_tracker::Progress) -> Self {
        TrackerProgress {
            status: PaymentStatus::from(&p.status),
            phase: p.phase,
            deadline_ms: millis(p.deadline),
        }
    }
}

/// How the payment ended, as far as the tracker can tell — never a guess.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Outcome {
    /// Money was reserved or taken.
    Success {
        /// The facts (state, amounts).
        status: PaymentStatus,
    },
    /// The payment was cancelled.
    Cancelled {
        /// By whom.
        by: CancelledBy,
    },
    /// The shopper did not act in time.
    Rejected,
    /// The provider reported the payment failed.
    Failed {
        /// The provider's reason.
        reason: String,
    },
    /// Undecided when the tracker had to stop.
    Unknown {
        /// Why.
        reason: UnknownReason,
    },
}

impl From<&core_tracker::Outcome> for Outcome {
    fn from(o: &core_tracker::Outcome) -> Self {
        use core_tracker::Outcome as O;
        match o {
            O::Success { status } => Outcome::Success {
                status: status.into(),
            },
            O::Cancelled { by } => Outcome::Cancelled { by: *by },
            O::Rejected => Outcome::Rejected,
            O::Failed { reason } => Outcome::Failed {
                reason: reason.clone(),
            },
            O::Unknown { reason } => Outcome::Unknown { reason: *reason },
        }
    }
}
