//! The checkout session: every payment attempt for one basket, and the
//! clean-up of duplicate reservations (Vipps eCom API "Exception handling" guide,
//! "Clean-up strategies" and "Recommendations for handling very high
//! traffic").
//!
//! "The user has now two reservations and only received goods/services
//! once. It is the merchant's responsibility here to ensure the first
//! order, for which no goods/services were issued, should be cancelled to
//! remove the reservation from the customers account." (Vipps eCom API "Exception handling" guide)
//!
//! A [`CheckoutSession`] holds the attempts (`orderId`s) of one basket. It
//! is fed each attempt's [`PaymentStatus`]
//! as it learns it — from the tracker, the backend's polls, callbacks, in
//! any order (statuses are merged) — and "goods issued for attempt X". It
//! answers with [`SessionAction`]s, each handed out once:
//!
//! - [`IssueGoods`](SessionAction::IssueGoods): the first approved attempt
//!   while nothing is issued yet. Issue, then report it with
//!   [`goods_issued`](CheckoutSession::goods_issued).
//! - [`CancelReservation`](SessionAction::CancelReservation): once goods
//!   were issued for one attempt, any *other* attempt that reserves — now
//!   or later — is cancelled, **exactly once per attempt**, never the one
//!   whose goods were issued. (Run it with a cancel
//!   [`MutationPlan`](crate::merchant::mutation::MutationPlan).)
//! - [`RefundPayment`](SessionAction::RefundPayment): the same for a
//!   duplicate that was captured at once (a direct-capture sale cannot be
//!   cancelled; the Vipps eCom API "Exception handling" guide recommends "reserve capture" for this reason).
//!
//! Attempts still pending are tracked to the end:
//! [`watch`](CheckoutSession::watch) says which still need polling and
//! until when (each attempt's deadline), and which clean-ups are not yet
//! confirmed.
//!
//! # Slow payments
//!
//! "Consider if you should cancel or complete the payment if the payment
//! takes much longer than normal, so much that the user may give up"
//! (Vipps eCom API "Exception handling" guide). The merchant's [`SlowPaymentPolicy`] decides for an
//! attempt approved later than its threshold after initiation:
//!
//! - [`LateApproval::IssueAnyway`] ("If you sell a ticket: It may be good
//!   to always issue the ticket if the user has approved the payment, even
//!   if the processing of the payment takes much longer than normal and the
//!   user "gives up""): the late attempt is issued like any other
//!   (`IssueGoods { late: true }`), unless goods were already issued for
//!   another attempt — then it is a duplicate and cancelled.
//! - [`LateApproval::CancelIfRetried`] ("If you sell food at a restaurant:
//!   If the payment takes so long that the user gives up and tries to
//!   order again: It may be smart to cancel the previous order, even though
//!   the user did approve the payment"): a late approval is cancelled when
//!   the shopper has started a newer attempt for the basket; without one,
//!   it is issued.
//!
//! ```
//! use appswitch_core::merchant::checkout::*;
//! use appswitch_core::foundation::money::Amount;
//! use appswitch_core::status::PaymentStatus;
//! use appswitch_core::foundation::time::Timestamp;
//! use core::time::Duration;
//!
//! let t0 = Timestamp::from_millis(1_700_000_000_000);
//! let mut session = CheckoutSession::new("basket-17", SlowPaymentPolicy::tickets(Duration::from_secs(120)));
//! session.start_attempt("shop-17-a", t0).unwrap();
//! session.start_attempt("shop-17-b", t0 + Duration::from_secs(30)).unwrap(); // "pay" tapped again
//!
//! let reserved = PaymentStatus::initiated().with_reserved(Amount::from_minor(20000));
//! let now = t0 + Duration::from_secs(40);
//! session.observe("shop-17-b", &reserved, now).unwrap();
//! assert_eq!(session.next_action(), Some(SessionAction::IssueGoods { order_id: "shop-17-b".into(), late: false }));
//! session.goods_issued("shop-17-b", now).unwrap();
//!
//! // The first attempt reserves later: cancel it, once.
//! session.observe("shop-17-a", &reserved, now + Duration::from_secs(20)).unwrap();
//! let Some(SessionAction::CancelReservation { order_id, reason, .. }) = session.next_action() else { panic!() };
//! assert_eq!((order_id.as_str(), reason), ("shop-17-a", CleanUpReason::Duplicate { issued: "shop-17-b".into() }));
//! assert_eq!(session.next_action(), None);
//! ```

mod session;

pub use session::{AttemptRecord, CheckoutSession};

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::money::Amount;
use crate::foundation::time::{Timestamp, serde_millis};
use crate::status::{PaymentState, PaymentStatus};

/// What the merchant does with an attempt approved much later than normal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LateApproval {
    /// Tickets: issue once approved, however late.
    IssueAnyway,
    /// Restaurant: cancel a late approval if the shopper has tried again.
    CancelIfRetried,
}

/// The merchant's slow-payment policy: what "much longer than normal"
/// means, and what to do then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlowPaymentPolicy {
    /// An attempt approved later than this after its initiation is late.
    #[serde(with = "serde_millis")]
    pub threshold: Duration,
    /// What to do with a late approval.
    pub on_late_approval: LateApproval,
}

impl SlowPaymentPolicy {
    /// Issue once approved, however late (the Vipps eCom API "Exception handling" guide's ticket example).
    pub fn tickets(threshold: Duration) -> SlowPaymentPolicy {
        SlowPaymentPolicy {
            threshold,
            on_late_approval: LateApproval::IssueAnyway,
        }
    }

    /// Cancel a late approval when the shopper has tried again (the Vipps eCom API "Exception handling" guide's
    /// restaurant example).
    pub fn restaurant(threshold: Duration) -> SlowPaymentPolicy {
        SlowPaymentPolicy {
            threshold,
            on_late_approval: LateApproval::CancelIfRetried,
        }
    }
}

/// Why an attempt's money is to be given back.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum CleanUpReason {
    /// Goods were issued for another attempt of the basket: this one is a
    /// duplicate (Vipps eCom API "Exception handling" guide, "Clean-up strategies").
    Duplicate {
        /// The attempt whose goods were issued.
        issued: String,
    },
    /// Approved after the slow-payment threshold while the shopper had
    /// already tried again ([`LateApproval::CancelIfRetried`]).
    ApprovedTooLate {
        /// How long after initiation it was approved.
        #[serde(with = "serde_millis")]
        after: Duration,
        /// The newer attempt the shopper started.
        retried_as: String,
    },
}

/// What the session asks the merchant to do. Each is handed out once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum SessionAction {
    /// Issue the goods for this approved attempt, then report it with
    /// [`CheckoutSession::goods_issued`].
    IssueGoods {
        /// The attempt.
        order_id: String,
        /// Approved later than the slow-payment threshold (and the policy
        /// says issue anyway).
        late: bool,
    },
    /// Cancel this reservation (nothing is captured).
    CancelReservation {
        /// The attempt.
        order_id: String,
        /// Why.
        reason: CleanUpReason,
        /// What is known about it, for the cancel's amount rules.
        status: PaymentStatus,
    },
    /// Refund this payment: it was captured (a direct-capture sale), so it
    /// cannot be cancelled.
    RefundPayment {
        /// The attempt.
        order_id: String,
        /// What remains to refund.
        amount: Amount,
        /// Why.
        reason: CleanUpReason,
        /// What is known about it.
        status: PaymentStatus,
    },
}

impl SessionAction {
    /// The attempt the action is about.
    pub fn order_id(&self) -> &str {
        match self {
            SessionAction::IssueGoods { order_id, .. }
            | SessionAction::CancelReservation { order_id, .. }
            | SessionAction::RefundPayment { order_id, .. } => order_id,
        }
    }
}

/// Why an attempt still needs watching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum WatchReason {
    /// Undecided: keep polling until the deadline, then make one final
    /// check. It may still reserve — and then be cleaned up.
    Pending {
        /// Initiation + payment window + grace.
        deadline: Timestamp,
        /// The deadline has passed: one final check is due.
        overdue: bool,
        /// Older than the slow-payment threshold.
        slow: bool,
    },
    /// Approved; the session asked for (or awaits) the goods to be issued.
    AwaitingIssue,
    /// A clean-up was asked for and the status does not show it done yet.
    CleanUpUnconfirmed,
}

/// An attempt that still needs watching.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Watch {
    /// The attempt.
    pub order_id: String,
    /// Why.
    pub reason: WatchReason,
}

/// Why the session cannot take an input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The attempt was never started in this session.
    #[error("attempt `{order_id}` is not part of this checkout session")]
    UnknownAttempt {
        /// The attempt.
        order_id: String,
    },
    /// The attempt was started already.
    #[error("attempt `{order_id}` was already started in this checkout session")]
    DuplicateAttempt {
        /// The attempt.
        order_id: String,
    },
    /// The order id is empty.
    #[error("attempt `orderId` is empty")]
    EmptyOrderId,
    /// Goods reported issued for an attempt that is not known to be paid:
    /// feed its status first.
    #[error(
        "goods cannot be issued for `{order_id}`: it is {state} (only a reserved or captured payment can be issued)"
    )]
    NotPaid {
        /// The attempt.
        order_id: String,
        /// Its state's name.
        state: &'static str,
    },
    /// Goods reported issued for an attempt the session asked to clean up.
    #[error(
        "goods must not be issued for `{order_id}`: the session asked to give its money back ({reason:?})"
    )]
    CleanUpRequested {
        /// The attempt.
        order_id: String,
        /// Why it is being cleaned up.
        reason: CleanUpReason,
    },
}

/// The state name of a status, for [`SessionError::NotPaid`].
fn state_name(state: &PaymentState) -> &'static str {
    state.name().as_str()
}

#[cfg(test)]
mod tests;
