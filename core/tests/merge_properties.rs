//! Over random payments the provider could produce, every observation
//! (details polled at any moment, the callback, the merchant's own
//! capture/cancel/refund responses), in any order and any subset, merges
//! to a status that never moves backwards, never runs ahead of the truth,
//! and — with everything seen — is exactly right.
// Reads raw provider payloads: the crate as a backend builds it.
#![cfg(feature = "raw-vipps")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::status::{CancelledBy, PaymentState, PaymentStatus};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The forward order of states.
fn rank(s: &PaymentState) -> u8 {
    match s {
        PaymentState::Initiated => 0,
        PaymentState::Rejected => 1,
        PaymentState::Failed { .. } => 2,
        PaymentState::Reserved => 3,
        PaymentState::Cancelled { .. } => 4,
        PaymentState::Captured { .. } => 5,
        PaymentState::Refunded { .. } => 6,
    }
}

/// What the shopper did in the app.
#[derive(Clone, Debug)]
enum Shopper {
    /// Nothing yet.
    Pending,
    /// Cancelled in the app.
    Cancels,
    /// Did not act in time.
    TimesOut,
    /// The card was refused (`RESERVE_FAILED`), maybe after a refused try.
    Refused,
    /// Paid: reserved (or, with direct capture, a sale).
    Pays { direct_capture: bool, express: bool },
}

/// What the merchant did afterwards (only when the shopper paid).
#[derive(Clone, Debug)]
enum Merchant {
    /// Captures in parts (a failed attempt may come first), then refunds.
    Captures {
        parts: Vec<u64>,
        refunds: Vec<u64>,
        failed_capture_first: bool,
    },
    /// Cancels the reservation.
    Voids,
}

#[derive(Clone, Debug)]
struct Payment {
    amount: u64,
    shopper: Shopper,
    merchant: Merchant,
}

/// One entry of the provider's history: operation, success, amount.
type Entry = (&'static str, bool, u64);

impl Payment {
    /// The provider's history, oldest first, and the observations the
    /// merchant's backend can get along the way.
    fn history_and_observations(&self) -> (Vec<Entry>, Vec<Value>) {
        let mut h: Vec<Entry> = vec![("INITIATE", true, self.amount)];
        let mut obs: Vec<Value> = Vec::new();
        let snapshot = |h: &Vec<Entry>, obs: &mut Vec<Value>| obs.push(details(h));
        snapshot(&h, &mut obs);
        match &self.shopper {
            Shopper::Pending => {}
            Shopper::Cancels => {
                h.push(("CANCEL", true, self.amount));
                obs.push(callback("CANCELLED", self.amount, h.len()));
            }
            Shopper::TimesOut => obs.push(callback("REJECTED", self.amount, h.len())),
            Shopper::Refused => {
                h.push(("RESERVE", false, self.amount));
                obs.push(callback("RESERVE_FAILED", self.amount, h.len()));
            }
            Shopper::Pays {
                direct_capture,
                express,
            } => {
                let (op, status) = match (direct_capture, express) {
                    (true, _) => ("SALE", "SALE"),
                    (false, false) => ("RESERVE", "RESERVED"),
                    (false, true) => ("RESERVE", "RESERVE"),
                };
                h.push((op, true, self.amount));
                obs.push(callback(status, self.amount, h.len()));
            }
        }
        snapshot(&h, &mut obs);
        if let Shopper::Pays { direct_capture, .. } = self.shopper {
            let mut captured = if direct_capture { self.amount } else { 0 };
            let mut refunded = 0;
            match &self.merchant {
                Merchant::Voids if !direct_capture => {
                    h.push(("VOID", true, self.amount));
                    obs.push(response("Cancelled", self.amount, h.len(), None));
                    snapshot(&h, &mut obs);
                }
                Merchant::Voids => {}
                Merchant::Captures {
                    parts,
                    refunds,
                    failed_capture_first,
                } => {
                    if !direct_capture {
                        if *failed_capture_first {
                            h.push(("CAPTURE", false, self.amount));
                            snapshot(&h, &mut obs);
                        }
                        for &p in parts {
                            captured += p;
                            h.push(("CAPTURE", true, p));
                            let summary = (captured, self.amount - captured, refunded);
                            obs.push(response("Captured", p, h.len(), Some(summary)));
                            snapshot(&h, &mut obs);
                        }
                    }
                    for &r in refunds {
                        let r = r.min(captured - refunded);
                        if r == 0 {
                            continue;
                        }
                        refunded += r;
                        h.push(("REFUND", true, r));
                        let reserved = if direct_capture {
                            captured
                        } else {
                            self.amount
                        };
                        let summary = (captured, reserved - captured, refunded);
                        obs.push(response("Refund", r, h.len(), Some(summary)));
                        snapshot(&h, &mut obs);
                    }
                }
            }
        }
        (h, obs)
    }

    /// The state the whole story must give, worked out from the story
    /// itself (not from the code under test).
    fn expected(&self, h: &[Entry]) -> (PaymentState, u64, u64) {
        let sum = |op: &str| -> u64 {
            h.iter()
                .filter(|(o, ok, _)| *o == op && *ok)
                .map(|(_, _, a)| a)
                .sum()
        };
        let captured = sum("CAPTURE") + sum("SALE");
        let refunded = sum("REFUND");
        let state = match &self.shopper {
            Shopper::Pending => PaymentState::Initiated,
            Shopper::Cancels => PaymentState::Cancelled {
                by: CancelledBy::User,
            },
            Shopper::TimesOut => PaymentState::Rejected,
            Shopper::Refused => PaymentState::Failed {
                reason: "RESERVE_FAILED".into(),
            },
            Shopper::Pays { .. } if refunded > 0 => PaymentState::Refunded {
                full: refunded == captured,
            },
            Shopper::Pays { .. } if captured > 0 => PaymentState::Captured {
                full: captured == self.amount,
            },
            Shopper::Pays { .. } if sum("VOID") > 0 => PaymentState::Cancelled {
                by: CancelledBy::Merchant,
            },
            Shopper::Pays { .. } => PaymentState::Reserved,
        };
        (state, captured, refunded)
    }
}

fn at(step: usize) -> String {
    Timestamp::from_millis(1_700_000_000_000 + step as u64 * 1000).to_string()
}

/// A details response for the history so far, newest first as the
/// provider lists it, with a summary once the shopper has acted.
fn details(h: &[Entry]) -> Value {
    let entries: Vec<Value> = h
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (op, ok, amount))| {
            json!({"amount": amount, "operation": op, "operationSuccess": ok,
                   "timeStamp": at(i + 1), "transactionId": format!("t{i}"), "requestId": ""})
        })
        .collect();
    let mut d = json!({"orderId": "order123abc", "transactionLogHistory": entries});
    let ok_sum = |op: &str| -> u64 {
        h.iter()
            .filter(|(o, ok, _)| *o == op && *ok)
            .map(|(_, _, a)| a)
            .sum()
    };
    let captured = ok_sum("CAPTURE") + ok_sum("SALE");
    let refunded = ok_sum("REFUND");
    let reserved = ok_sum("RESERVE").max(ok_sum("SALE"));
    if h.len() > 1 {
        let remaining = if ok_sum("VOID") > 0 {
            0
        } else {
            reserved.saturating_sub(captured)
        };
        d["transactionSummary"] = json!({"capturedAmount": captured,
            "remainingAmountToCapture": remaining, "refundedAmount": refunded,
            "remainingAmountToRefund": captured - refunded});
    }
    d
}

fn callback(status: &str, amount: u64, step: usize) -> Value {
    json!({"merchantSerialNumber": 123456, "orderId": "order123abc",
           "transactionInfo": {"amount": amount, "status": status,
                               "timeStamp": at(step), "transactionId": "5001420062"}})
}

/// A capture/cancel/refund response; `summary` is (captured, remaining to
/// capture, refunded).
fn response(status: &str, amount: u64, step: usize, summary: Option<(u64, u64, u64)>) -> Value {
    let info = json!({"amount": amount, "status": status, "timeStamp": at(step),
                      "transactionId": format!("t{step}"), "transactionText": "socks"});
    let key = if status == "Refund" {
        "transaction"
    } else {
        "transactionInfo"
    };
    let mut r = json!({"orderId": "order123abc"});
    r[key] = info;
    if let Some((c, rc, rf)) = summary {
        r["transactionSummary"] = json!({"capturedAmount": c, "remainingAmountToCapture": rc,
            "refundedAmount": rf, "remainingAmountToRefund": c - rf});
    }
    r
}

fn to_status(v: &Value) -> PaymentStatus {
    StatusPayload::parse_json(&v.to_string())
        .unwrap()
        .to_status()
        .unwrap()
}

fn payment() -> impl Strategy<Value = Payment> {
    (1u64..100_000).prop_flat_map(|amount| {
        let shopper = prop_oneof![
            Just(Shopper::Pending),
            Just(Shopper::Cancels),
            Just(Shopper::TimesOut),
            Just(Shopper::Refused),
            (any::<bool>(), any::<bool>()).prop_map(|(direct_capture, express)| Shopper::Pays {
                direct_capture,
                express
            }),
            (any::<bool>(), any::<bool>()).prop_map(|(direct_capture, express)| Shopper::Pays {
                direct_capture,
                express
            }),
        ];
        // Up to three parts that never exceed the amount.
        let parts = prop::collection::vec(1u64..=amount, 0..4).prop_map(move |ps| {
            let mut left = amount;
            ps.into_iter()
                .filter_map(|p| {
                    let p = p.min(left);
                    left -= p;
                    (p > 0).then_some(p)
                })
                .collect::<Vec<_>>()
        });
        let merchant = prop_oneof![
            (
                parts,
                prop::collection::vec(1u64..=amount, 0..3),
                any::<bool>()
            )
                .prop_map(|(parts, refunds, failed_capture_first)| {
                    Merchant::Captures {
                        parts,
                        refunds,
                        failed_capture_first,
                    }
                }),
            Just(Merchant::Voids),
        ];
        (Just(amount), shopper, merchant).prop_map(|(amount, shopper, merchant)| Payment {
            amount,
            shopper,
            merchant,
        })
    })
}

/// A payment and its observations in a random order.
fn shuffled() -> impl Strategy<Value = (Payment, Vec<Entry>, Vec<Value>)> {
    payment().prop_flat_map(|p| {
        let (h, obs) = p.history_and_observations();
        (Just(p), Just(h), Just(obs).prop_shuffle())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_order_never_moves_back_and_ends_right((p, h, obs) in shuffled()) {
        let mut s = PaymentStatus::initiated();
        for o in &obs {
            let before = s.clone();
            s = s.merge(&to_status(o));
            prop_assert!(rank(&s.state()) >= rank(&before.state()), "{:?} then {:?}", before.state(), s.state());
            prop_assert!(s.amounts().captured >= before.amounts().captured);
            prop_assert!(s.amounts().refunded >= before.amounts().refunded);
            prop_assert!(s.updated_at >= before.updated_at);
        }
        let (state, captured, refunded) = p.expected(&h);
        prop_assert_eq!(s.state(), state.clone());
        let am = s.amounts();
        prop_assert_eq!(am.captured, Amount::from_minor(captured));
        prop_assert_eq!(am.refunded, Amount::from_minor(refunded));
        if captured > 0 {
            prop_assert!(s.captured_at.is_some());
        }
        // Success exactly when the shopper paid and the merchant did not
        // cancel the reservation.
        let paid = matches!(p.shopper, Shopper::Pays { .. });
        let voided = matches!(state, PaymentState::Cancelled { by: CancelledBy::Merchant });
        prop_assert_eq!(s.is_success(), paid && !voided);
        if paid {
            prop_assert_eq!(am.reserved, Amount::from_minor(p.amount));
        }
    }

    #[test]
    fn any_subset_never_runs_ahead_of_the_truth(
        (p, h, obs) in shuffled(),
        mask in prop::collection::vec(any::<bool>(), 64),
    ) {
        let (state, captured, refunded) = p.expected(&h);
        let s = obs
            .iter()
            .zip(mask.iter().cycle())
            .filter(|(_, keep)| **keep)
            .fold(PaymentStatus::initiated(), |s, (o, _)| s.merge(&to_status(o)));
        prop_assert!(rank(&s.state()) <= rank(&state), "{:?} is ahead of {:?}", s.state(), state);
        prop_assert!(s.amounts().captured <= Amount::from_minor(captured));
        prop_assert!(s.amounts().refunded <= Amount::from_minor(refunded));
        if s.is_success() {
            prop_assert!(matches!(p.shopper, Shopper::Pays { .. }), "success without a payment");
        }
    }

    #[test]
    fn two_orders_give_the_same_facts((_, _, obs) in shuffled(), seed in any::<u64>()) {
        let forward = obs.iter().fold(PaymentStatus::initiated(), |s, o| s.merge(&to_status(o)));
        // A second order: rotate by a random amount and reverse.
        let mut other = obs.clone();
        if !other.is_empty() {
            let k = (seed % other.len() as u64) as usize;
            other.rotate_left(k);
        }
        other.reverse();
        let backward = other.iter().fold(PaymentStatus::initiated(), |s, o| s.merge(&to_status(o)));
        prop_assert_eq!(forward, backward);
    }

    #[test]
    fn the_latest_details_alone_tell_the_money((p, h, obs) in shuffled()) {
        // The complete history (the newest details snapshot) proves every
        // money step by itself; callbacks only add what details cannot show
        // (a timeout, a refusal).
        let newest = details(&h);
        let s = to_status(&newest);
        let (state, captured, refunded) = p.expected(&h);
        prop_assert_eq!(s.amounts().captured, Amount::from_minor(captured));
        prop_assert_eq!(s.amounts().refunded, Amount::from_minor(refunded));
        if matches!(p.shopper, Shopper::Pays { .. } | Shopper::Cancels | Shopper::Pending) {
            prop_assert_eq!(s.state(), state);
        }
        prop_assert!(obs.contains(&newest));
    }
}
