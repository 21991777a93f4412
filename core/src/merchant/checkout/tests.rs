//! Scenarios of the checkout session with a fake clock, and its
//! properties for random inputs.

use core::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::status::CancelledBy;

const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);

fn s(secs: u64) -> Timestamp {
    T0 + Duration::from_secs(secs)
}

fn reserved() -> PaymentStatus {
    PaymentStatus::initiated().with_reserved(Amount::from_minor(20000))
}

fn drain(session: &mut CheckoutSession) -> Vec<SessionAction> {
    core::iter::from_fn(|| session.next_action()).collect()
}

fn issue(order_id: &str, late: bool) -> SessionAction {
    SessionAction::IssueGoods {
        order_id: order_id.into(),
        late,
    }
}

fn tickets() -> CheckoutSession {
    CheckoutSession::new(
        "basket-1",
        SlowPaymentPolicy::tickets(Duration::from_secs(60)),
    )
}

fn restaurant() -> CheckoutSession {
    CheckoutSession::new(
        "basket-1",
        SlowPaymentPolicy::restaurant(Duration::from_secs(60)),
    )
}

#[test]
fn a_second_attempt_reserving_after_the_first_was_issued_is_cancelled_once() {
    let mut session = tickets();
    session.start_attempt("a", s(0)).unwrap();
    session.observe("a", &reserved(), s(10)).unwrap();
    assert_eq!(drain(&mut session), vec![issue("a", false)]);
    session.goods_issued("a", s(11)).unwrap();
    session.start_attempt("b", s(20)).unwrap();
    session.observe("b", &reserved(), s(30)).unwrap();
    let actions = drain(&mut session);
    assert_eq!(actions.len(), 1, "{actions:?}");
    let SessionAction::CancelReservation {
        order_id,
        reason,
        status,
    } = &actions[0]
    else {
        panic!("{actions:?}")
    };
    assert_eq!(order_id, "b");
    assert_eq!(reason, &CleanUpReason::Duplicate { issued: "a".into() });
    assert_eq!(status.state(), PaymentState::Reserved);
    // The same news again, a callback and a poll: no second cancel.
    session.observe("b", &reserved(), s(31)).unwrap();
    session
        .observe("b", &reserved().with_updated_at(s(30)), s(32))
        .unwrap();
    assert!(drain(&mut session).is_empty());
    assert_eq!(
        session.watch(s(33)),
        vec![Watch {
            order_id: "b".into(),
            reason: WatchReason::CleanUpUnconfirmed
        }]
    );
    session
        .observe(
            "b",
            &reserved().with_cancelled(CancelledBy::Merchant),
            s(40),
        )
        .unwrap();
    assert!(session.is_complete(s(40)));
    // Goods cannot be issued for the attempt being cleaned up.
    assert!(matches!(
        session.goods_issued("b", s(41)),
        Err(SessionError::CleanUpRequested { .. })
    ));
}

#[test]
fn the_seeds_case_late_reservation_after_goods_were_issued_for_the_retry() {
    // Bank X is slow: the first attempt reserves after the shopper has
    // paid again and been given the goods (Vipps eCom API "Exception handling" guide, "Clean-up strategies").
    let mut session = tickets();
    session.start_attempt("first", s(0)).unwrap();
    session.start_attempt("second", s(40)).unwrap();
    let w = session.watch(s(41));
    assert_eq!(w.len(), 2, "both attempts are watched: {w:?}");
    session.observe("second", &reserved(), s(45)).unwrap();
    assert_eq!(drain(&mut session), vec![issue("second", false)]);
    session.goods_issued("second", s(46)).unwrap();
    assert_eq!(
        session.watch(s(50)),
        vec![Watch {
            order_id: "first".into(),
            reason: WatchReason::Pending {
                deadline: s(630),
                overdue: false,
                slow: false
            }
        }],
        "the first attempt is tracked to the end"
    );
    session.observe("first", &reserved(), s(120)).unwrap();
    let actions = drain(&mut session);
    assert!(
        matches!(&actions[..], [SessionAction::CancelReservation { order_id, .. }] if order_id == "first"),
        "{actions:?}"
    );
}

#[test]
fn a_captured_duplicate_is_refunded_not_cancelled() {
    let mut session = tickets();
    session.start_attempt("a", s(0)).unwrap();
    session.start_attempt("b", s(5)).unwrap();
    session.observe("a", &reserved(), s(10)).unwrap();
    session.goods_issued("a", s(11)).unwrap();
    let sale = reserved().with_captured(Amount::from_minor(20000));
    session.observe("b", &sale, s(12)).unwrap();
    let actions = drain(&mut session);
    assert!(
        matches!(&actions[..], [SessionAction::IssueGoods { .. }, SessionAction::RefundPayment { order_id, amount, .. }]
            if order_id == "b" && *amount == Amount::from_minor(20000)),
        "{actions:?}"
    );
}

#[test]
fn two_approvals_before_any_issue_ask_to_issue_one() {
    let mut session = tickets();
    session.start_attempt("a", s(0)).unwrap();
    session.start_attempt("b", s(5)).unwrap();
    session.observe("a", &reserved(), s(10)).unwrap();
    session.observe("b", &reserved(), s(11)).unwrap();
    assert_eq!(drain(&mut session), vec![issue("a", false)]);
    assert_eq!(
        session.watch(s(12)).len(),
        2,
        "both await the issue decision"
    );
    // The merchant issues b instead: a becomes the duplicate.
    session.goods_issued("b", s(13)).unwrap();
    let actions = drain(&mut session);
    assert!(
        matches!(&actions[..], [SessionAction::CancelReservation { order_id, .. }] if order_id == "a"),
        "{actions:?}"
    );
}

#[test]
fn a_queued_issue_is_withdrawn_when_its_attempt_becomes_a_duplicate() {
    let mut session = tickets();
    session.start_attempt("a", s(0)).unwrap();
    session.start_attempt("b", s(5)).unwrap();
    session.observe("a", &reserved(), s(10)).unwrap();
    // Not drained: "issue a" is queued. The merchant issues b anyway.
    session.observe("b", &reserved(), s(11)).unwrap();
    session.goods_issued("b", s(12)).unwrap();
    let actions = drain(&mut session);
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert!(
        matches!(&actions[0], SessionAction::CancelReservation { order_id, .. } if order_id == "a")
    );
}

#[test]
fn slow_payment_tickets_issue_anyway() {
    let mut session = tickets();
    session.start_attempt("a", s(0)).unwrap();
    assert!(matches!(
        session.watch(s(90))[0].reason,
        WatchReason::Pending { slow: true, .. }
    ));
    session.start_attempt("b", s(100)).unwrap(); // the shopper tried again
    session.observe("a", &reserved(), s(200)).unwrap();
    assert_eq!(drain(&mut session), vec![issue("a", true)]);
    session.goods_issued("a", s(201)).unwrap();
    // The retry reserving later is the duplicate.
    session.observe("b", &reserved(), s(210)).unwrap();
    assert!(
        matches!(&drain(&mut session)[..], [SessionAction::CancelReservation { order_id, .. }] if order_id == "b")
    );
}

#[test]
fn slow_payment_restaurant_cancels_a_late_approval_when_the_shopper_retried() {
    let mut session = restaurant();
    session.start_attempt("a", s(0)).unwrap();
    session.start_attempt("b", s(100)).unwrap();
    // The provider's own time of the reservation decides lateness.
    let late = reserved().with_updated_at(s(150));
    session.observe("a", &late, s(160)).unwrap();
    assert_eq!(
        drain(&mut session),
        vec![SessionAction::CancelReservation {
            order_id: "a".into(),
            reason: CleanUpReason::ApprovedTooLate {
                after: Duration::from_secs(150),
                retried_as: "b".into()
            },
            status: late.clone()
        }]
    );
    assert!(matches!(
        session.goods_issued("a", s(161)),
        Err(SessionError::CleanUpRequested { .. })
    ));
    session.observe("b", &reserved(), s(150)).unwrap();
    assert_eq!(drain(&mut session), vec![issue("b", false)]);

    // Late, but the shopper did not try again: issue it.
    let mut session = restaurant();
    session.start_attempt("a", s(0)).unwrap();
    session.observe("a", &reserved(), s(150)).unwrap();
    assert_eq!(drain(&mut session), vec![issue("a", true)]);

    // In time: issue it, retry or not.
    let mut session = restaurant();
    session.start_attempt("a", s(0)).unwrap();
    session.start_attempt("b", s(20)).unwrap();
    session.observe("a", &reserved(), s(30)).unwrap();
    assert_eq!(drain(&mut session), vec![issue("a", false)]);
}

#[test]
fn inputs_are_checked() {
    let mut session = tickets();
    assert_eq!(
        session.start_attempt(" ", s(0)),
        Err(SessionError::EmptyOrderId)
    );
    session.start_attempt("a", s(0)).unwrap();
    assert!(matches!(
        session.start_attempt("a", s(1)),
        Err(SessionError::DuplicateAttempt { .. })
    ));
    assert!(matches!(
        session.observe("x", &reserved(), s(1)),
        Err(SessionError::UnknownAttempt { .. })
    ));
    let e = session.goods_issued("a", s(1)).unwrap_err();
    assert_eq!(
        e,
        SessionError::NotPaid {
            order_id: "a".into(),
            state: "initiated"
        }
    );
    assert!(e.to_string().contains("initiated"), "{e}");
    // Rejected / failed attempts need no more watching.
    session
        .observe("a", &PaymentStatus::initiated().with_rejected(), s(700))
        .unwrap();
    assert!(session.is_complete(s(700)));
}

#[test]
fn overdue_attempts_say_so() {
    let mut session = tickets().with_watch_window(Duration::from_secs(100));
    session.start_attempt("a", s(0)).unwrap();
    assert_eq!(
        session.watch(s(100))[0].reason,
        WatchReason::Pending {
            deadline: s(100),
            overdue: true,
            slow: true
        }
    );
    assert!(!session.is_complete(s(100)));
}

#[test]
fn the_session_round_trips_through_json() {
    let mut session = tickets();
    session.start_attempt("a", s(0)).unwrap();
    session.start_attempt("b", s(1)).unwrap();
    session.observe("a", &reserved(), s(2)).unwrap();
    session.goods_issued("a", s(3)).unwrap();
    let json = serde_json::to_string(&session).unwrap();
    let mut back: CheckoutSession = serde_json::from_str(&json).unwrap();
    assert_eq!(back, session);
    // The restored session keeps its decisions: b reserving is cancelled.
    back.observe("b", &reserved(), s(4)).unwrap();
    let actions = drain(&mut back);
    assert!(
        matches!(actions.last(), Some(SessionAction::CancelReservation { order_id, .. }) if order_id == "b")
    );
}

#[derive(Clone, Debug)]
enum Input {
    Start,
    Observe(usize, u8),
    Issue(usize),
    Wait(u64),
    Drain,
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        2 => Just(Input::Start),
        6 => (0usize..5, 0u8..8).prop_map(|(i, s)| Input::Observe(i, s)),
        3 => (0usize..5).prop_map(Input::Issue),
        2 => (0u64..200).prop_map(Input::Wait),
        2 => Just(Input::Drain),
    ]
}

fn random_status(kind: u8) -> PaymentStatus {
    let p = PaymentStatus::initiated();
    match kind {
        0 => p,
        1 | 2 => p.with_reserved(Amount::from_minor(100)),
        3 => p
            .with_reserved(Amount::from_minor(100))
            .with_captured(Amount::from_minor(100)),
        4 => p.with_cancelled(CancelledBy::User),
        5 => p.with_rejected(),
        6 => p.with_failure("RESERVE_FAILED"),
        _ => p
            .with_reserved(Amount::from_minor(100))
            .with_cancelled(CancelledBy::Merchant),
    }
}

proptest! {
    /// For random attempts, statuses, issues and waits under both
    /// policies: the session never asks to give back the money of an
    /// attempt whose goods were issued, never asks twice for one attempt,
    /// never asks to issue an attempt it cleans up — and once goods were
    /// issued, every other attempt holding money has had its clean-up
    /// asked for.
    #[test]
    fn the_session_never_cleans_up_the_issued_attempt_and_never_twice(
        inputs in proptest::collection::vec(input(), 1..80),
        restaurant_policy in any::<bool>(),
    ) {
        let policy = if restaurant_policy {
            SlowPaymentPolicy::restaurant(Duration::from_secs(60))
        } else {
            SlowPaymentPolicy::tickets(Duration::from_secs(60))
        };
        let mut session = CheckoutSession::new("b", policy);
        let mut now = T0;
        let mut started: Vec<String> = Vec::new();
        let mut actions: Vec<SessionAction> = Vec::new();
        for i in inputs {
            match i {
                Input::Start => {
                    let id = format!("o-{}", started.len());
                    session.start_attempt(id.clone(), now).unwrap();
                    started.push(id);
                }
                Input::Observe(i, kind) => {
                    if let Some(id) = started.get(i) {
                        session.observe(id, &random_status(kind), now).unwrap();
                    }
                }
                Input::Issue(i) => {
                    if let Some(id) = started.get(i) {
                        // Refusals are fine; they leave no trace.
                        let _ = session.goods_issued(id, now);
                    }
                }
                Input::Wait(secs) => now = now + Duration::from_secs(secs),
                Input::Drain => actions.extend(core::iter::from_fn(|| session.next_action())),
            }
        }
        actions.extend(core::iter::from_fn(|| session.next_action()));

        let cleaned: Vec<&str> = actions
            .iter()
            .filter(|a| !matches!(a, SessionAction::IssueGoods { .. }))
            .map(SessionAction::order_id)
            .collect();
        for (i, id) in cleaned.iter().enumerate() {
            prop_assert!(!cleaned[..i].contains(id), "clean-up of {} asked twice", id);
            let a = session.attempt(id).unwrap();
            prop_assert!(a.goods_issued_at.is_none(), "clean-up of {} whose goods were issued", id);
        }
        let issued: Vec<&AttemptRecord> = session.attempts().iter().filter(|a| a.goods_issued_at.is_some()).collect();
        for a in session.attempts() {
            prop_assert!(!(a.goods_issued_at.is_some() && a.clean_up.is_some()));
            let asked_issue = actions.iter().any(|x| matches!(x, SessionAction::IssueGoods { order_id, .. } if *order_id == a.order_id));
            prop_assert!(asked_issue <= a.issue_asked);
            if !issued.is_empty() && a.goods_issued_at.is_none() && holds(&a.status) {
                prop_assert!(cleaned.contains(&a.order_id.as_str()), "{} holds money and was not cleaned up", a.order_id);
            }
        }
        // The clean-ups handed out are exactly the attempts marked for it.
        let marked = session.attempts().iter().filter(|a| a.clean_up.is_some()).count();
        prop_assert_eq!(marked, cleaned.len());
    }
}

fn holds(status: &PaymentStatus) -> bool {
    matches!(
        status.state(),
        PaymentState::Reserved
            | PaymentState::Captured { .. }
            | PaymentState::Refunded { full: false }
    )
}
