//! After a timeout, a capture, cancel or refund plan checks the details
//! and decides whether its operation already happened — by the entry with
//! its `X-Request-Id`, or by the operation's effect where the history
//! carries no key (Vipps eCom API guide, "Exception handling"; eCom API
//! specification (OpenAPI): `cancelPaymentRequestUsingPUT` takes no
//! `X-Request-Id`, so a `VOID` never carries one, and the guide's history
//! example shows `"requestId": ""` wherever the merchant sent none).
//!
//! Histories here are shaped like the provider's: every entry has
//! `amount`, `operation`, `operationSuccess`, `transactionId`,
//! `transactionText` and (mostly) `timeStamp`; merchant captures and
//! refunds carry their key (the specification requires `X-Request-Id`
//! there) unless the provider left it out; a `VOID` never does.
#![cfg(feature = "raw-vipps")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::mutation::*;
use appswitch_core::providers::vipps_ecom::order_id::OrderId;
use appswitch_core::providers::vipps_ecom::{
    Attempt, Effect, HistoryMatch, MerchantSerialNumber, OperationError, PaymentDetails,
    SentOperation,
};
use appswitch_core::shopper::tracker::TransportErrorKind;
use appswitch_core::status::{CancelledBy, PaymentState, PaymentStatus};
use proptest::prelude::*;
use serde_json::{Value, json};

const ORDER: &str = "acme-shop-123-order123abc";
const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);
const SKEW: Duration = Duration::from_secs(60);

fn a(minor: u64) -> Amount {
    Amount::from_minor(minor)
}

fn key() -> IdempotencyKey {
    IdempotencyKey::from_random([5; 16])
}

fn msn() -> MerchantSerialNumber {
    MerchantSerialNumber::new("123456").unwrap()
}

fn order() -> OrderId {
    OrderId::new(ORDER).unwrap()
}

/// One history entry as the provider writes it; `request_id` `None` leaves
/// the field out, `at` `None` the `timeStamp`.
fn entry(
    operation: &str,
    ok: bool,
    amount: u64,
    request_id: Option<&str>,
    at: Option<Timestamp>,
    txn: usize,
) -> Value {
    let mut e = json!({"amount": amount, "operation": operation, "operationSuccess": ok,
        "transactionId": format!("{}", 5_001_420_000u64 + txn as u64),
        "transactionText": "One pair of Vipps socks"});
    if let Some(r) = request_id {
        e["requestId"] = json!(r);
    }
    if let Some(t) = at {
        e["timeStamp"] = json!(t.to_string());
    }
    e
}

fn reserved_history(amount: u64) -> Vec<Value> {
    let t = T0.saturating_sub(Duration::from_secs(600));
    vec![
        entry(
            "RESERVE",
            true,
            amount,
            Some(""),
            Some(t + Duration::from_secs(20)),
            1,
        ),
        entry("INITIATE", true, amount, Some(""), Some(t), 1),
    ]
}

fn body(history: Vec<Value>) -> String {
    json!({"orderId": ORDER, "transactionLogHistory": history}).to_string()
}

/// Polls through every `WaitUntil` until the plan hands something out.
fn next(plan: &mut MutationPlan, now: &mut Timestamp) -> MutationAction {
    for _ in 0..100 {
        match plan.poll(*now) {
            MutationAction::WaitUntil(t) => *now = t,
            other => return other,
        }
    }
    panic!("the plan never stopped waiting")
}

/// Sends the plan's first request at `T0` and times it out; returns the
/// details check that follows.
fn first_send_times_out(plan: &mut MutationPlan, now: &mut Timestamp) -> DetailsCheck {
    let MutationAction::Send(req) = next(plan, now) else {
        panic!("a send first")
    };
    let kind = TransportErrorKind::ReadTimeout;
    plan.handle(PlanEvent::TransportError { id: req.id, kind }, *now);
    match next(plan, now) {
        MutationAction::CheckDetails(c) => c,
        other => panic!("a details check after a timeout, got {other:?}"),
    }
}

#[test]
fn a_cancel_confirmed_by_a_void_without_a_request_id_is_not_sent_again() {
    let mut now = T0;
    let status = PaymentStatus::initiated().with_reserved(a(20000));
    let mut plan =
        MutationPlan::cancel(&order(), &msn(), &status, "No socks for you!", key()).unwrap();
    let c = first_send_times_out(&mut plan, &mut now);
    let mut h = reserved_history(20000);
    // Vipps eCom API guide, "Cancel": reserved, then cancelled by the
    // merchant — `VOID`, and no `requestId`.
    h.insert(
        0,
        entry(
            "VOID",
            true,
            20000,
            None,
            Some(T0 + Duration::from_secs(1)),
            3,
        ),
    );
    plan.handle_http(c.id, 200, None, &body(h), now);
    let MutationAction::Done(done) = next(&mut plan, &mut now) else {
        panic!("done")
    };
    assert_eq!(done.sends, 1, "not sent again");
    let Confirmation::History { entry } = &done.confirmation else {
        panic!("{:?}", done.confirmation)
    };
    assert_eq!(entry.operation.as_str(), "VOID");
    assert_eq!(
        done.status.state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
}

#[test]
fn a_cancel_of_a_payment_already_cancelled_is_done_without_a_send() {
    for (status, history_op) in [
        (
            PaymentStatus::initiated()
                .with_reserved(a(20000))
                .with_cancelled(CancelledBy::Merchant),
            "VOID",
        ),
        (
            PaymentStatus::initiated().with_cancelled(CancelledBy::User),
            "CANCEL",
        ),
    ] {
        let mut now = T0;
        let mut plan = MutationPlan::cancel(&order(), &msn(), &status, "Duplicate", key()).unwrap();
        let MutationAction::CheckDetails(c) = next(&mut plan, &mut now) else {
            panic!("the details first, not a second cancel")
        };
        let mut h = reserved_history(20000);
        h.insert(0, entry(history_op, true, 20000, Some(""), Some(T0), 3));
        plan.handle_http(c.id, 200, None, &body(h), now);
        let MutationAction::Done(done) = next(&mut plan, &mut now) else {
            panic!("done")
        };
        assert_eq!(done.sends, 0, "{history_op}: never repeated");
    }
    // The caller says cancelled, the provider's history does not: nothing
    // is sent against what the caller knows.
    let mut now = T0;
    let status = PaymentStatus::initiated()
        .with_reserved(a(20000))
        .with_cancelled(CancelledBy::Merchant);
    let mut plan = MutationPlan::cancel(&order(), &msn(), &status, "Duplicate", key()).unwrap();
    let MutationAction::CheckDetails(c) = next(&mut plan, &mut now) else {
        panic!()
    };
    plan.handle_http(c.id, 200, None, &body(reserved_history(20000)), now);
    assert!(matches!(
        next(&mut plan, &mut now),
        MutationAction::Failed(MutationFailure::Refused {
            error: OperationError::AlreadyCancelled { .. },
            ..
        })
    ));
}

#[test]
fn a_full_capture_the_history_shows_is_done_not_nothing_left_to_capture() {
    let mut now = T0;
    let status = PaymentStatus::initiated().with_reserved(a(20000));
    let mut plan =
        MutationPlan::capture(&order(), &msn(), &status, None, "Socks shipped", key()).unwrap();
    let c = first_send_times_out(&mut plan, &mut now);
    let mut h = reserved_history(20000);
    // The provider logged the capture without echoing the key.
    h.insert(
        0,
        entry(
            "CAPTURE",
            true,
            20000,
            Some(""),
            Some(T0 + Duration::from_secs(2)),
            4,
        ),
    );
    plan.handle_http(c.id, 200, None, &body(h), now);
    let MutationAction::Done(done) = next(&mut plan, &mut now) else {
        panic!("done, not refused")
    };
    assert_eq!(done.sends, 1);
    assert_eq!(done.status.amounts().captured, a(20000));
}

#[test]
fn an_earlier_capture_or_another_requests_capture_is_not_this_one() {
    let status = PaymentStatus::initiated()
        .with_reserved(a(20000))
        .with_captured(a(5000));
    for (what, their) in [
        (
            "an earlier capture of the same amount, before this plan began",
            entry(
                "CAPTURE",
                true,
                5000,
                Some(""),
                Some(T0.saturating_sub(Duration::from_secs(3600))),
                4,
            ),
        ),
        (
            "another request's capture of the same amount, after it began",
            entry(
                "CAPTURE",
                true,
                5000,
                Some("someone-else"),
                Some(T0 + Duration::from_secs(1)),
                5,
            ),
        ),
    ] {
        let mut now = T0;
        let mut plan =
            MutationPlan::capture(&order(), &msn(), &status, Some(a(5000)), "Part 2", key())
                .unwrap();
        let c = first_send_times_out(&mut plan, &mut now);
        let mut h = reserved_history(20000);
        h.insert(0, their);
        plan.handle_http(c.id, 200, None, &body(h), now);
        assert!(
            matches!(next(&mut plan, &mut now), MutationAction::Send(_)),
            "{what}: sent again with the same key"
        );
    }
}

#[test]
fn cancel_after_a_partial_capture_releases_the_rest() {
    let mut now = T0;
    let status = PaymentStatus::initiated()
        .with_reserved(a(20000))
        .with_captured(a(10000));
    // A plain cancel is refused: "When `shouldReleaseRemainingFunds` is
    // set to `false`, any request to cancel after a partial or full
    // capture has been performed will be rejected."
    assert_eq!(
        MutationPlan::cancel(&order(), &msn(), &status, "No more socks", key()).unwrap_err(),
        OperationError::CancelAfterCapture {
            captured: a(10000),
            remaining: a(10000)
        }
    );
    let mut plan = MutationPlan::cancel_releasing_remaining_funds(
        &order(),
        &msn(),
        &status,
        "No socks for you!",
        key(),
    )
    .unwrap();
    let MutationAction::Send(req) = next(&mut plan, &mut now) else {
        panic!()
    };
    let sent = serde_json::to_value(&req.body).unwrap();
    assert_eq!(sent["shouldReleaseRemainingFunds"], true);
    // Vipps eCom API guide, "Cancelling a partially captured order":
    // the response.
    let response = r#"{"orderId": "acme-shop-123-order123abc",
        "transactionInfo": {"amount": 20000, "transactionText": "No socks for you!",
          "status": "Cancelled", "transactionId": "5001420063", "timeStamp": "2018-11-14T15:31:10.004Z"},
        "transactionSummary": {"capturedAmount": 10000, "remainingAmountToCapture": 0,
          "refundedAmount": 0, "remainingAmountToRefund": 10000}}"#;
    plan.handle_http(req.id, 200, None, response, now);
    let MutationAction::Done(done) = next(&mut plan, &mut now) else {
        panic!()
    };
    let s = done.status.clone().merge(&status);
    assert_eq!(s.amounts().captured, a(10000), "the capture is kept");
    assert_eq!(
        s.amounts().remaining_to_capture,
        Amount::ZERO,
        "the rest is released"
    );
    assert_eq!(s.amounts().remaining_to_refund, a(10000));
    assert_eq!(s.cancelled, Some(CancelledBy::Merchant));
    assert_eq!(s.state(), PaymentState::Captured { full: false });
    // The response alone says the same, without what the caller knew.
    assert_eq!(done.status.amounts().captured, a(10000));
    assert_eq!(done.status.amounts().remaining_to_capture, Amount::ZERO);
    assert_eq!(done.status.state(), PaymentState::Captured { full: false });
}

/// A capture or refund whose effect may or may not be in a history of the
/// provider's shape, with what happened around it.
#[derive(Clone, Debug)]
struct Case {
    kind: Kind,
    reserved: u64,
    /// Captures before the plan began, each with its own key or none.
    prior: Vec<(u64, bool)>,
    /// The amount this plan sends.
    amount: u64,
    /// Whether the provider carried the operation out.
    happened: bool,
    /// How the provider logged it: with the key, `""`, or no field.
    logged_key: LoggedKey,
    /// Whether its entry has a `timeStamp`.
    timed: bool,
    /// Seconds after the first send it was logged.
    after: u64,
    /// Operations of other requests after the plan began (with their keys).
    later: Vec<u64>,
    /// Failed operations around it (a declined card, a failed capture).
    noise: Vec<(bool, u64)>,
    /// The order the entries come in.
    shuffle: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Capture,
    Refund,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LoggedKey {
    Key,
    Empty,
    Absent,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just(Kind::Capture), Just(Kind::Refund)],
        prop_oneof![Just(20000u64), Just(49900), Just(100)],
        proptest::collection::vec((1u64..=4, any::<bool>()), 0..3),
        1u64..=4,
        any::<bool>(),
        prop_oneof![
            Just(LoggedKey::Key),
            Just(LoggedKey::Empty),
            Just(LoggedKey::Absent)
        ],
        any::<bool>(),
        0u64..30,
        proptest::collection::vec(1u64..=4, 0..2),
        proptest::collection::vec((any::<bool>(), 1u64..=4), 0..3),
        proptest::collection::vec(any::<usize>(), 12),
    )
        .prop_map(
            |(
                kind,
                reserved,
                prior,
                amount,
                happened,
                logged_key,
                timed,
                after,
                later,
                noise,
                shuffle,
            )| {
                // Amounts are quarters of the reservation, so they repeat.
                let q = reserved / 4;
                Case {
                    kind,
                    reserved,
                    prior: prior.into_iter().map(|(n, k)| (n * q, k)).collect(),
                    amount: amount * q,
                    happened,
                    logged_key,
                    timed,
                    after,
                    later: later.into_iter().map(|n| n * q).collect(),
                    noise: noise.into_iter().map(|(b, n)| (b, n * q)).collect(),
                    shuffle,
                }
            },
        )
}

impl Case {
    fn op(&self) -> &'static str {
        match self.kind {
            Kind::Capture => "CAPTURE",
            Kind::Refund => "REFUND",
        }
    }

    /// The history, in a shuffled order, and the transaction id of this
    /// plan's entry if there is one.
    fn history(&self, key: &str) -> (Vec<Value>, Option<String>) {
        let op = self.op();
        let mut h = reserved_history(self.reserved);
        let long_ago =
            |i: usize| Some(T0.saturating_sub(Duration::from_secs(3000 - 10 * i as u64)));
        for (i, (amount, keyed)) in self.prior.iter().enumerate() {
            let rid = if *keyed {
                format!("earlier-{i}")
            } else {
                String::new()
            };
            if self.kind == Kind::Refund {
                // A refund needs a capture first.
                h.push(entry(
                    "CAPTURE",
                    true,
                    *amount,
                    Some(&format!("c-{i}")),
                    long_ago(i),
                    10 + i,
                ));
            }
            h.push(entry(
                op,
                true,
                *amount,
                Some(&rid),
                long_ago(i + 1),
                20 + i,
            ));
        }
        for (i, amount) in self.later.iter().enumerate() {
            let at = Some(T0 + Duration::from_secs(5 + i as u64));
            h.push(entry(
                op,
                true,
                *amount,
                Some(&format!("later-{i}")),
                at,
                30 + i,
            ));
        }
        for (i, (before, amount)) in self.noise.iter().enumerate() {
            let at = if *before {
                long_ago(9)
            } else {
                Some(T0 + Duration::from_secs(2))
            };
            h.push(entry(op, false, *amount, Some(""), at, 40 + i));
        }
        let mut ours = None;
        if self.happened {
            let rid = match self.logged_key {
                LoggedKey::Key => Some(key),
                LoggedKey::Empty => Some(""),
                LoggedKey::Absent => None,
            };
            let at = self.timed.then(|| T0 + Duration::from_secs(self.after));
            h.push(entry(op, true, self.amount, rid, at, 99));
            ours = Some(format!("{}", 5_001_420_000u64 + 99));
        }
        for (i, j) in self.shuffle.iter().enumerate() {
            let n = h.len();
            h.swap(i % n, j % n);
        }
        (h, ours)
    }

    fn before(&self) -> (Amount, Amount) {
        let sum: u64 = self.prior.iter().map(|(a, _)| a).sum();
        match self.kind {
            Kind::Capture => (a(sum), Amount::ZERO),
            Kind::Refund => (a(sum), a(sum)),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The rule: the history shows this attempt's capture or refund iff the
    /// provider carried it out — whether or not the entry carries the key,
    /// whatever else (earlier operations of the same amount, other
    /// requests' operations after it, failed entries) the history holds,
    /// in any order.
    #[test]
    fn a_capture_or_refund_is_found_iff_it_happened(c in case()) {
        let k = key();
        let (history, ours) = c.history(k.as_str());
        let details = PaymentDetails::parse_json(&body(history)).unwrap();
        let (captured_before, refunded_before) = c.before();
        let operation = match c.kind {
            Kind::Capture => SentOperation::Capture { amount: a(c.amount) },
            Kind::Refund => SentOperation::Refund { amount: a(c.amount) },
        };
        let attempt = Attempt {
            operation,
            request_id: k.as_str(),
            began_at: Some(T0),
            clock_skew: SKEW,
            captured_before,
            refunded_before,
        };
        match details.effect_of(&attempt) {
            Effect::Applied { entry, matched } => {
                prop_assert!(c.happened, "found a capture that did not happen");
                prop_assert_eq!(entry.transaction_id.clone(), ours, "found another entry");
                prop_assert_eq!(
                    matched == HistoryMatch::RequestId,
                    c.logged_key == LoggedKey::Key
                );
            }
            Effect::Unsuccessful { entry } => prop_assert!(false, "{entry:?}"),
            Effect::NotApplied => prop_assert!(!c.happened, "missed it: {:?}", c),
        }
    }

    /// The same rule through the plan: after a timeout it is done, without
    /// a second send, iff the history shows its capture; otherwise it sends
    /// again with the same key (or the amount rules now refuse it).
    #[test]
    fn a_capture_plan_after_a_timeout_is_done_iff_the_history_shows_it(c in case()) {
        let mut c = c;
        c.kind = Kind::Capture;
        // Within the reservation: earlier captures leave room for this one.
        while c.before().0.minor() + c.amount > c.reserved {
            c.prior.pop();
        }
        let (captured_before, _) = c.before();
        let status = PaymentStatus::initiated()
            .with_reserved(a(c.reserved))
            .with_captured(captured_before);
        let k = key();
        let mut plan = MutationPlan::capture(&order(), &msn(), &status, Some(a(c.amount)), "Part", k.clone()).unwrap();
        let mut now = T0;
        let check = first_send_times_out(&mut plan, &mut now);
        let (history, _) = c.history(k.as_str());
        plan.handle_http(check.id, 200, None, &body(history), now);
        match next(&mut plan, &mut now) {
            MutationAction::Done(done) => {
                prop_assert!(c.happened, "done, but it did not happen");
                prop_assert_eq!(done.sends, 1);
            }
            MutationAction::Send(again) => {
                prop_assert!(!c.happened, "sent again, but it happened");
                prop_assert_eq!(again.idempotency_key, k);
            }
            MutationAction::Failed(MutationFailure::Refused { .. }) => {
                prop_assert!(!c.happened, "refused, but it happened");
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }

    /// A cancel is done iff the payment is cancelled at all — by this
    /// cancel, an earlier one, or the shopper — and a `VOID` never carries a
    /// key.
    #[test]
    fn a_cancel_is_found_iff_the_payment_is_cancelled(
        ours in any::<bool>(),
        earlier in prop_oneof![Just(None), Just(Some("VOID")), Just(Some("CANCEL"))],
        failed_void in any::<bool>(),
        captures in proptest::collection::vec((1u64..=3, any::<bool>()), 0..3),
        shuffle in proptest::collection::vec(any::<usize>(), 8),
    ) {
        let mut h = reserved_history(20000);
        for (i, (n, keyed)) in captures.iter().enumerate() {
            let rid = if *keyed { format!("c-{i}") } else { String::new() };
            h.push(entry("CAPTURE", true, n * 5000, Some(&rid), Some(T0.saturating_sub(Duration::from_secs(100))), 10 + i));
        }
        if let Some(op) = earlier {
            h.push(entry(op, true, 20000, None, Some(T0.saturating_sub(Duration::from_secs(50))), 20));
        }
        if failed_void {
            h.push(entry("VOID", false, 20000, None, Some(T0 + Duration::from_secs(1)), 21));
        }
        if ours {
            h.push(entry("VOID", true, 20000, None, Some(T0 + Duration::from_secs(2)), 22));
        }
        for (i, j) in shuffle.iter().enumerate() {
            let n = h.len();
            h.swap(i % n, j % n);
        }
        let details = PaymentDetails::parse_json(&body(h)).unwrap();
        let k = key();
        let attempt = Attempt {
            operation: SentOperation::Cancel,
            request_id: k.as_str(),
            began_at: Some(T0),
            clock_skew: SKEW,
            captured_before: Amount::ZERO,
            refunded_before: Amount::ZERO,
        };
        let found = matches!(details.effect_of(&attempt), Effect::Applied { .. });
        prop_assert_eq!(found, ours || earlier.is_some());
    }
}

fn initiate_request() -> appswitch_core::providers::vipps_ecom::InitiateRequest {
    appswitch_core::providers::vipps_ecom::InitiateRequest::builder()
        .merchant_serial_number("123456")
        .order_id(ORDER)
        .amount(a(20000))
        .transaction_text("One pair of Vipps socks")
        .callback_prefix("https://example.com/vipps/callbacks-for-payment-update-from-vipps")
        .fallback("https://example.com/vipps/fallback-result-page-for-both-success-and-failure/acme-shop-123-order123abc")
        .build()
        .unwrap()
}

/// The initiate plan, after a read timeout, judges the order the details
/// show by its effect too: it is this plan's payment only if its
/// `INITIATE` is for this amount and was logged after the plan first sent
/// it — otherwise the `orderId` belonged to another payment, which must be
/// neither tracked nor cancelled on this one's behalf.
#[test]
fn an_initiate_whose_answer_was_lost_is_recognised_by_its_initiate_entry() {
    let cases = [
        (
            "this amount, just after the send",
            20000,
            Some(T0 + Duration::from_secs(1)),
            true,
        ),
        (
            "this amount, within the clock skew",
            20000,
            Some(T0.saturating_sub(Duration::from_secs(30))),
            true,
        ),
        ("this amount, no time", 20000, None, true),
        (
            "another amount",
            10000,
            Some(T0 + Duration::from_secs(1)),
            false,
        ),
        (
            "an hour before the send",
            20000,
            Some(T0.saturating_sub(Duration::from_secs(3600))),
            false,
        ),
    ];
    for (what, amount, at, ours) in cases {
        let mut now = T0;
        let mut plan = InitiatePlan::new(initiate_request(), 7);
        let InitiateAction::Send(send) = plan.poll(now) else {
            panic!()
        };
        let kind = TransportErrorKind::ReadTimeout;
        plan.handle(PlanEvent::TransportError { id: send.id, kind }, now);
        let check = loop {
            match plan.poll(now) {
                InitiateAction::CheckDetails(c) => break c,
                InitiateAction::WaitUntil(t) => now = t,
                other => panic!("{other:?}"),
            }
        };
        let history = vec![entry("INITIATE", true, amount, Some(""), at, 1)];
        plan.handle_http(check.id, 200, None, &body(history), now);
        let InitiateAction::NewOrderId(n) = plan.poll(now) else {
            panic!("{what}")
        };
        assert_eq!(
            matches!(n.found, PreviousOrder::Exists { .. }),
            ours,
            "{what}: {:?}",
            n.found
        );
        assert_eq!(
            matches!(n.found, PreviousOrder::Foreign { .. }),
            !ours,
            "{what}"
        );
    }
}
