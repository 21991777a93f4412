//! The session itself: attempts in, actions out.

use core::time::Duration;
use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{
    CleanUpReason, LateApproval, SessionAction, SessionError, SlowPaymentPolicy, Watch,
    WatchReason, state_name,
};
use crate::foundation::time::{Timestamp, serde_millis};
use crate::providers::vipps_ecom::limits::{FINAL_CHECK_GRACE, PAYMENT_WINDOW};
use crate::status::{PaymentState, PaymentStatus};

/// One attempt (one `orderId`) of the basket, as the session knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRecord {
    /// The attempt's `orderId`.
    pub order_id: String,
    /// When it was initiated.
    pub initiated_at: Timestamp,
    /// Until when it is watched while undecided (initiation + payment
    /// window + grace).
    pub deadline: Timestamp,
    /// Everything learned about it, merged.
    pub status: PaymentStatus,
    /// When it was approved (the provider's time of the observation that
    /// first showed money held, or the time it was fed in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_at: Option<Timestamp>,
    /// When the merchant reported the goods issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_issued_at: Option<Timestamp>,
    /// The session asked to issue the goods for it.
    #[serde(default)]
    pub issue_asked: bool,
    /// The session asked to give its money back, and why (at most once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clean_up: Option<CleanUpReason>,
}

/// Money is held: reserved, captured, or not fully refunded.
fn holds_money(status: &PaymentStatus) -> bool {
    match status.state() {
        PaymentState::Reserved | PaymentState::Captured { .. } => true,
        PaymentState::Refunded { full } => !full,
        PaymentState::Initiated
        | PaymentState::Cancelled { .. }
        | PaymentState::Rejected
        | PaymentState::Failed { .. } => false,
    }
}

impl AttemptRecord {
    /// How long after initiation it was approved, if it was.
    pub fn approved_after(&self) -> Option<Duration> {
        self.approved_at
            .map(|at| at.saturating_since(self.initiated_at))
    }

    /// The money is back with the shopper (cancelled, or fully refunded).
    fn money_returned(&self) -> bool {
        matches!(
            self.status.state(),
            PaymentState::Cancelled { .. } | PaymentState::Refunded { full: true }
        )
    }

    /// Approved, money held, and the session has decided nothing that
    /// excludes issuing it.
    fn issuable(&self) -> bool {
        self.goods_issued_at.is_none() && self.clean_up.is_none() && holds_money(&self.status)
    }
}

/// All payment attempts for one basket; see the
/// [module documentation](super). Serialisable (camelCase JSON); time is
/// passed in. Every method is a quick, synchronous call: keep the session
/// behind a lock (or in a store) and call it from any request handler.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutSession {
    basket_id: String,
    policy: SlowPaymentPolicy,
    #[serde(with = "serde_millis")]
    watch_for: Duration,
    #[serde(default)]
    attempts: Vec<AttemptRecord>,
    #[serde(default)]
    queue: VecDeque<SessionAction>,
}

impl CheckoutSession {
    /// A session for `basket_id` with the merchant's slow-payment policy.
    /// Attempts are watched until initiation + the payment window + the
    /// final check's grace (10 min 30 s, as the tracker's default policy).
    pub fn new(basket_id: impl Into<String>, policy: SlowPaymentPolicy) -> CheckoutSession {
        CheckoutSession {
            basket_id: basket_id.into(),
            policy,
            watch_for: PAYMENT_WINDOW + FINAL_CHECK_GRACE,
            attempts: Vec::new(),
            queue: VecDeque::new(),
        }
    }

    /// The same session, watching undecided attempts for `watch_for` after
    /// their initiation (for attempts started from now on).
    #[must_use]
    pub fn with_watch_window(mut self, watch_for: Duration) -> CheckoutSession {
        self.watch_for = watch_for;
        self
    }

    /// The basket.
    pub fn basket_id(&self) -> &str {
        &self.basket_id
    }

    /// The slow-payment policy.
    pub fn policy(&self) -> &SlowPaymentPolicy {
        &self.policy
    }

    /// Every attempt, in the order they were started.
    pub fn attempts(&self) -> &[AttemptRecord] {
        &self.attempts
    }

    /// One attempt.
    pub fn attempt(&self, order_id: &str) -> Option<&AttemptRecord> {
        self.attempts.iter().find(|a| a.order_id == order_id)
    }

    fn attempt_mut(&mut self, order_id: &str) -> Result<&mut AttemptRecord, SessionError> {
        self.attempts
            .iter_mut()
            .find(|a| a.order_id == order_id)
            .ok_or_else(|| SessionError::UnknownAttempt {
                order_id: order_id.to_string(),
            })
    }

    /// A new attempt for the basket, initiated at `initiated_at` (also an
    /// `orderId` given up by an [`InitiatePlan`](crate::merchant::mutation::InitiatePlan)
    /// whose order exists: it may still be paid).
    pub fn start_attempt(
        &mut self,
        order_id: impl Into<String>,
        initiated_at: Timestamp,
    ) -> Result<(), SessionError> {
        let order_id = order_id.into();
        if order_id.trim().is_empty() {
            return Err(SessionError::EmptyOrderId);
        }
        if self.attempt(&order_id).is_some() {
            return Err(SessionError::DuplicateAttempt { order_id });
        }
        self.attempts.push(AttemptRecord {
            deadline: initiated_at + self.watch_for,
            order_id,
            initiated_at,
            status: PaymentStatus::initiated(),
            approved_at: None,
            goods_issued_at: None,
            issue_asked: false,
            clean_up: None,
        });
        Ok(())
    }

    /// What was learned about an attempt at `now` (merged with what was
    /// known: stale and reordered observations change nothing).
    pub fn observe(
        &mut self,
        order_id: &str,
        status: &PaymentStatus,
        now: Timestamp,
    ) -> Result<(), SessionError> {
        let a = self.attempt_mut(order_id)?;
        let held_before = holds_money(&a.status);
        a.status = a.status.clone().merge(status);
        if !held_before && a.approved_at.is_none() && holds_money(&a.status) {
            a.approved_at = Some(status.updated_at.map_or(now, |t| t.min(now)));
        }
        self.decide();
        Ok(())
    }

    /// The merchant issued the goods for an attempt at `now`. Refused for
    /// an attempt not known to hold money, and for one the session asked
    /// to clean up. Reporting it twice changes nothing.
    pub fn goods_issued(&mut self, order_id: &str, now: Timestamp) -> Result<(), SessionError> {
        let a = self.attempt_mut(order_id)?;
        if a.goods_issued_at.is_some() {
            return Ok(());
        }
        if let Some(reason) = &a.clean_up {
            return Err(SessionError::CleanUpRequested {
                order_id: order_id.to_string(),
                reason: reason.clone(),
            });
        }
        if !holds_money(&a.status) {
            return Err(SessionError::NotPaid {
                order_id: order_id.to_string(),
                state: state_name(&a.status.state()),
            });
        }
        a.goods_issued_at = Some(now);
        self.decide();
        Ok(())
    }

    /// The next thing to do, once; `None` when there is nothing. Drain it
    /// after every input.
    pub fn next_action(&mut self) -> Option<SessionAction> {
        self.queue.pop_front()
    }

    /// The actions not yet taken with [`next_action`](Self::next_action).
    pub fn pending_actions(&self) -> impl Iterator<Item = &SessionAction> {
        self.queue.iter()
    }

    /// The attempts that still need watching at `now`, and why.
    pub fn watch(&self, now: Timestamp) -> Vec<Watch> {
        self.attempts
            .iter()
            .filter_map(|a| {
                let reason = if a.clean_up.is_some() {
                    (!a.money_returned()).then_some(WatchReason::CleanUpUnconfirmed)?
                } else if a.goods_issued_at.is_some() {
                    return None;
                } else if holds_money(&a.status) {
                    WatchReason::AwaitingIssue
                } else if a.status.state() == PaymentState::Initiated {
                    WatchReason::Pending {
                        deadline: a.deadline,
                        overdue: now >= a.deadline,
                        slow: now.saturating_since(a.initiated_at) > self.policy.threshold,
                    }
                } else {
                    return None;
                };
                Some(Watch {
                    order_id: a.order_id.clone(),
                    reason,
                })
            })
            .collect()
    }

    /// Nothing left to do or watch at `now`: the session can be dropped.
    pub fn is_complete(&self, now: Timestamp) -> bool {
        self.queue.is_empty() && self.watch(now).is_empty()
    }

    /// Applies the rules to every attempt; each decision is taken once.
    fn decide(&mut self) {
        let issued = self
            .attempts
            .iter()
            .find(|a| a.goods_issued_at.is_some())
            .map(|a| a.order_id.clone());
        for i in 0..self.attempts.len() {
            let Some(a) = self.attempts.get(i) else {
                continue;
            };
            if !a.issuable() {
                continue;
            }
            let reason = match &issued {
                Some(issued) => Some(CleanUpReason::Duplicate {
                    issued: issued.clone(),
                }),
                None => self.too_late(a),
            };
            match reason {
                Some(reason) => self.clean_up(i, reason),
                None => self.ask_to_issue(i),
            }
        }
    }

    /// [`LateApproval::CancelIfRetried`]: approved late, and the shopper
    /// has started a newer attempt.
    fn too_late(&self, a: &AttemptRecord) -> Option<CleanUpReason> {
        let after = a.approved_after()?;
        if after <= self.policy.threshold {
            return None;
        }
        match self.policy.on_late_approval {
            LateApproval::IssueAnyway => None,
            LateApproval::CancelIfRetried => {
                let newer = self
                    .attempts
                    .iter()
                    .rev()
                    .find(|b| b.order_id != a.order_id && b.initiated_at > a.initiated_at)?;
                Some(CleanUpReason::ApprovedTooLate {
                    after,
                    retried_as: newer.order_id.clone(),
                })
            }
        }
    }

    fn clean_up(&mut self, i: usize, reason: CleanUpReason) {
        let Some(a) = self.attempts.get_mut(i) else {
            return;
        };
        a.clean_up = Some(reason.clone());
        let order_id = a.order_id.clone();
        let status = a.status.clone();
        // An earlier "issue" for it is void now.
        self.queue.retain(
            |q| !matches!(q, SessionAction::IssueGoods { order_id: o, .. } if *o == order_id),
        );
        let amounts = status.amounts();
        self.queue.push_back(if amounts.captured.is_zero() {
            SessionAction::CancelReservation {
                order_id,
                reason,
                status,
            }
        } else {
            SessionAction::RefundPayment {
                order_id,
                amount: amounts.remaining_to_refund,
                reason,
                status,
            }
        });
    }

    /// Asks to issue attempt `i`, unless an earlier ask for another
    /// attempt is still open (issuing that one makes this a duplicate).
    fn ask_to_issue(&mut self, i: usize) {
        let open_ask = self
            .attempts
            .iter()
            .enumerate()
            .any(|(j, b)| j != i && b.issue_asked && b.issuable());
        let threshold = self.policy.threshold;
        let Some(a) = self.attempts.get_mut(i) else {
            return;
        };
        if a.issue_asked || open_ask {
            return;
        }
        a.issue_asked = true;
        let late = a.approved_after().is_some_and(|d| d > threshold);
        self.queue.push_back(SessionAction::IssueGoods {
            order_id: a.order_id.clone(),
            late,
        });
    }
}
