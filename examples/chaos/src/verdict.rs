//! Each outcome against the simulator's ground truth, and the money.
//!
//! The truth of an attempt is what the provider's history shows of the
//! shopper's part (the first entry that decides it: a reservation or sale,
//! the shopper's cancel, a refused card) or the simulator's timeout, with
//! the simulated time it happened. The tracker must report exactly that:
//!
//! - `Success` only when money was reserved (or taken);
//! - `Cancelled { by: User }`, `Failed`, `Rejected` exactly when the
//!   provider says so; a reservation the merchant voided afterwards (the
//!   clean-up of a duplicate) may also be reported as cancelled by the
//!   merchant, when the tracker looked after the void;
//! - `Unknown` only where the truth could not be known by the tracker's
//!   deadline: decided within [`MARGIN`] of it, or no answer of the backend
//!   reached the app once the truth was knowable ([`judge`]). A timeout or
//!   a declined card whose callback was lost is knowable at the deadline:
//!   the details read after the payment window decide them
//!   (`to_status_after_payment_window`).
//!
//! Money, per order and per basket: no capture twice (or beyond the
//! reservation), no refund beyond what was captured, and once goods were
//! shipped for one attempt of a basket no other attempt still holding a
//! reservation or a capture.

use std::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::Operation;
use appswitch_core::providers::vipps_epayment::PaymentEventName;
use appswitch_core::shopper::tracker::Outcome;
use appswitch_core::status::{CancelledBy, StatusName};
use appswitch_simulator::{CallbackOutcome, Endpoint, EpaymentView, OrderView, RecordedCall};

use crate::payment::{AttemptResult, BasketResult};

/// How close to the tracker's deadline a decision may come for `Unknown`
/// to be an honest answer (simulated time: the backend's interval between
/// two details calls, a backoff, a long poll).
pub const MARGIN: Duration = Duration::from_secs(60);

/// What the provider decided for the shopper's part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Truth {
    /// Money reserved (or sold).
    Reserved,
    /// The shopper rejected it.
    CancelledByUser,
    /// The merchant ended it before authorization (ePayment's
    /// `TERMINATED`: the clean-up of a duplicate attempt).
    CancelledByMerchant,
    /// The card was refused.
    Failed,
    /// Nobody acted in time.
    Rejected {
        /// The `REJECTED` callback reached the backend (shown in a
        /// failure's note).
        told: bool,
    },
    /// Still undecided.
    Undecided,
}

/// An order's history, summed up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Money {
    /// Reserved (or sold).
    pub reserved: u64,
    /// Captured, in total.
    pub captured: u64,
    /// Refunded, in total.
    pub refunded: u64,
    /// Captures carried out.
    pub captures: u32,
    /// The reservation was voided.
    pub voided: bool,
}

impl Money {
    /// Whether the order still holds the shopper's money.
    pub fn holds(&self) -> bool {
        (self.reserved > 0 && !self.voided && self.captured == 0) || self.captured > self.refunded
    }
}

/// What the simulator knows of one order, whichever API made it: the
/// truth, when it was decided, the money, when the merchant's side could
/// first know it, and the backend's calls to read the payment.
#[derive(Clone, Debug)]
pub struct Ground {
    /// What the provider decided.
    pub truth: Truth,
    /// When.
    pub at: Timestamp,
    /// The order's money.
    pub money: Money,
    /// The decision was told to the backend (callback or webhook
    /// delivered), so it is knowable when it happened even if only the
    /// details after the window would decide it otherwise.
    told: bool,
    /// eCom only: a refused card or a timeout whose callback was lost is
    /// decided by the details read after the payment window.
    after_window_rule: bool,
    /// The backend's reads of the payment: (simulated ms, status, fault).
    reads: Vec<(u64, u16, Option<String>)>,
}

impl Ground {
    /// An eCom order: its history (the first entry that decides the
    /// shopper's part) or the simulator's timeout.
    pub fn ecom(view: &OrderView) -> Ground {
        let mut history = view.details.transaction_log_history.clone();
        // Served newest first.
        history.reverse();
        let mut money = Money::default();
        let mut decided: Option<(Truth, Timestamp)> = None;
        for e in &history {
            let at = e.time_stamp.unwrap_or(Timestamp::EPOCH);
            let minor = e.amount.minor();
            match (&e.operation, e.operation_success) {
                (Operation::Reserve | Operation::Sale, true) => {
                    money.reserved = minor;
                    if e.operation == Operation::Sale {
                        money.captured += minor;
                    }
                    decided.get_or_insert((Truth::Reserved, at));
                }
                (Operation::Reserve | Operation::Sale, false) => {
                    decided.get_or_insert((Truth::Failed, at));
                }
                (Operation::Cancel, true) => {
                    decided.get_or_insert((Truth::CancelledByUser, at));
                }
                (Operation::Capture, true) => {
                    money.captured += minor;
                    money.captures += 1;
                }
                (Operation::Refund, true) => money.refunded += minor,
                (Operation::Void, true) => money.voided = true,
                _ => {}
            }
        }
        let delivered = |statuses: &[&str]| {
            view.record.callbacks.iter().any(|c| {
                statuses.contains(&c.status.as_str()) && c.outcome == CallbackOutcome::Delivered
            })
        };
        let (truth, at) = decided.unwrap_or_else(|| {
            if view.status == StatusName::Rejected {
                (
                    Truth::Rejected {
                        told: delivered(&["REJECTED"]),
                    },
                    Timestamp::from_millis(view.deadline_ms),
                )
            } else {
                (Truth::Undecided, Timestamp::from_millis(u64::MAX))
            }
        });
        let told = match &truth {
            Truth::Failed => delivered(&["RESERVE_FAILED", "SALE_FAILED"]),
            Truth::Rejected { told } => *told,
            _ => true,
        };
        Ground {
            truth,
            at,
            money,
            told,
            after_window_rule: true,
            reads: reads(&view.record.calls),
        }
    }

    /// An ePayment payment: its event log (ePayment API guide, "Payment
    /// states"). The API has no failed state — a refused card may be
    /// followed by another — and it writes its own `EXPIRED` and
    /// `ABORTED`, so every truth is knowable when it happened (whether its
    /// webhook arrived or not: `told` is not asked).
    pub fn epayment(view: &EpaymentView) -> Ground {
        let mut money = Money::default();
        let mut decided: Option<(Truth, Timestamp)> = None;
        for e in view.events.iter().filter(|e| e.success) {
            let at = e.timestamp.unwrap_or(Timestamp::EPOCH);
            let minor = e.amount.value.minor();
            match e.name {
                PaymentEventName::Authorized => {
                    money.reserved = minor;
                    decided.get_or_insert((Truth::Reserved, at));
                }
                PaymentEventName::Aborted => {
                    decided.get_or_insert((Truth::CancelledByUser, at));
                }
                PaymentEventName::Expired => {
                    decided.get_or_insert((Truth::Rejected { told: true }, at));
                }
                PaymentEventName::Terminated => {
                    decided.get_or_insert((Truth::CancelledByMerchant, at));
                }
                PaymentEventName::Captured => {
                    money.captured += minor;
                    money.captures += 1;
                }
                PaymentEventName::Refunded => money.refunded += minor,
                PaymentEventName::Cancelled => money.voided = true,
                PaymentEventName::Created | PaymentEventName::Other(_) => {}
            }
        }
        let (truth, at) = decided.unwrap_or((Truth::Undecided, Timestamp::from_millis(u64::MAX)));
        Ground {
            truth,
            at,
            money,
            told: true,
            after_window_rule: false,
            reads: reads(&view.record.calls),
        }
    }

    /// When the merchant's side could first know the truth: when it
    /// happened, or — on eCom, for a declined card or a timeout whose
    /// callback was lost — when the payment window closed and the details
    /// decide it (the tracker's deadline).
    fn knowable_at(&self, deadline: Timestamp) -> Timestamp {
        let by_window = matches!(self.truth, Truth::Failed | Truth::Rejected { .. });
        if self.after_window_rule && by_window && !self.told {
            deadline
        } else {
            self.at
        }
    }
}

/// The backend's reads of a payment (eCom details, ePayment get payment).
fn reads(calls: &[RecordedCall]) -> Vec<(u64, u16, Option<String>)> {
    calls
        .iter()
        .filter(|c| c.endpoint == Endpoint::Details)
        .map(|c| (c.at_ms, c.status, c.fault.clone()))
        .collect()
}

/// Why an attempt's outcome is wrong, if it is.
///
/// `Unknown` is honest when the truth was decided within [`MARGIN`] of the
/// deadline, when no answer of the backend reached the app after the
/// truth could be known (the backend's own lag, [`MARGIN`], allowed for
/// what happened before the deadline): lost to the network, to injected
/// faults, or to a backend too slow to answer — or, for a truth only the
/// details after the window decide, when the backend read no details after
/// the deadline before its last answer reached the app (the provider failed
/// them, or that answer was a long poll the backend answered just before
/// the window closed, which the tracker counts as its final check).
pub fn judge(a: &AttemptResult, ground: &Ground) -> Option<String> {
    let (truth, at, money) = (&ground.truth, ground.at, &ground.money);
    let outcome = a.outcome.as_ref()?;
    let knowable = ground.knowable_at(a.deadline);
    let lag = if knowable >= a.deadline {
        Duration::ZERO
    } else {
        MARGIN
    };
    let late = at + MARGIN > a.deadline;
    let unheard = a.last_answer.is_none_or(|t| t < knowable + lag);
    // Decided only by the details read after the window: the provider
    // failed the backend's details calls around it (a stall that outlasted
    // the deadline, a burst), and none after it answered before the app's
    // last answer.
    let deadline_ms = a.deadline.as_millis();
    let heard_ms = a.last_answer.map_or(0, |t| t.as_millis());
    let around: Vec<_> = ground
        .reads
        .iter()
        .filter(|(at_ms, _, _)| {
            at_ms + MARGIN.as_millis() as u64 >= deadline_ms && *at_ms <= heard_ms
        })
        .collect();
    let answered_after = around
        .iter()
        .any(|(at_ms, status, fault)| *at_ms >= deadline_ms && *status == 200 && fault.is_none());
    // The backend never read the details after the window before its last
    // answer reached the app: the provider failed those calls, or the app's
    // last request was a long poll answered before the window closed (the
    // tracker counts the request in flight at its deadline as its final
    // check).
    let never_decided = knowable >= a.deadline && !answered_after;
    let ok = match (outcome, truth) {
        (Outcome::Success { .. }, Truth::Reserved) => true,
        (
            Outcome::Cancelled {
                by: CancelledBy::User,
            },
            Truth::CancelledByUser,
        ) => true,
        (
            Outcome::Cancelled {
                by: CancelledBy::Merchant,
            },
            Truth::Reserved,
        ) => money.voided,
        (
            Outcome::Cancelled {
                by: CancelledBy::Merchant,
            },
            Truth::CancelledByMerchant,
        ) => true,
        (Outcome::Failed { .. }, Truth::Failed) => true,
        (Outcome::Rejected, Truth::Rejected { .. }) => true,
        (Outcome::Unknown { .. }, Truth::Undecided) => true,
        (Outcome::Unknown { .. }, _) => late || unheard || never_decided,
        _ => false,
    };
    (!ok).then(|| {
        format!(
            "tracker said {outcome:?}; the provider: {truth:?} at {} ms before the deadline; last answer {} ms before it; details calls around it: {:?}",
            a.deadline.as_millis() as i128 - at.as_millis() as i128,
            a.last_answer.map_or(i128::MIN, |t| a.deadline.as_millis() as i128 - t.as_millis() as i128),
            around
                .iter()
                .map(|(at_ms, status, fault)| (*at_ms as i128 - deadline_ms as i128, *status, fault.clone()))
                .collect::<Vec<_>>()
        )
    })
}

/// The run's counts.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Payments (baskets).
    pub payments: usize,
    /// Attempts a tracker followed.
    pub tracked: usize,
    /// Outcomes that are not the provider's.
    pub wrong: usize,
    /// Orders captured twice or beyond the reservation.
    pub double_captures: usize,
    /// Attempts holding money beside the one shipped.
    pub uncancelled: usize,
    /// Orders refunded beyond their capture.
    pub over_refunds: usize,
    /// `Unknown` outcomes.
    pub unknown: usize,
    /// Checkouts the backend did not answer.
    pub checkout_failures: usize,
    /// One line per problem, for the report.
    pub notes: Vec<String>,
}

/// Counts what is wrong with one basket.
pub fn tally_basket(t: &mut Tally, b: &BasketResult, ground: impl Fn(&str) -> Option<Ground>) {
    t.payments += 1;
    let mut holding = Vec::new();
    for a in &b.attempts {
        for p in &a.problems {
            t.wrong += 1;
            t.notes.push(format!("payment {}: {p}", b.plan.index));
        }
        let Some(id) = &a.order_id else {
            t.checkout_failures += 1;
            continue;
        };
        let Some(g) = ground(id) else {
            // The checkout answered, so the provider has it.
            t.wrong += 1;
            t.notes.push(format!(
                "payment {}: {id} unknown to the provider",
                b.plan.index
            ));
            continue;
        };
        t.tracked += 1;
        if matches!(a.outcome, Some(Outcome::Unknown { .. })) {
            t.unknown += 1;
        }
        if let Some(why) = judge(a, &g) {
            t.wrong += 1;
            t.notes
                .push(format!("payment {} ({id}): {why}", b.plan.index));
        }
        let money = &g.money;
        if money.captures > 1 || money.captured > money.reserved {
            t.double_captures += 1;
            t.notes.push(format!(
                "payment {} ({id}): captured {money:?}",
                b.plan.index
            ));
        }
        if money.refunded > money.captured {
            t.over_refunds += 1;
            t.notes.push(format!(
                "payment {} ({id}): refunded {money:?}",
                b.plan.index
            ));
        }
        if money.holds() {
            holding.push(id.clone());
        }
    }
    let duplicates = match &b.shipped {
        Some(s) => holding.iter().filter(|id| *id != s).count(),
        None => holding.len().saturating_sub(1),
    };
    if duplicates > 0 {
        t.uncancelled += duplicates;
        t.notes.push(format!(
            "payment {} (basket {}): {duplicates} duplicate(s) still holding money beside {:?}: {holding:?}",
            b.plan.index, b.basket_id, b.shipped
        ));
    }
}
