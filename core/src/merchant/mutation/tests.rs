//! Scenario tests of the plans, with a fake clock and scripted answers.

use core::time::Duration;

use super::*;
use crate::foundation::money::Amount;
use crate::foundation::request::TransportErrorKind;
use crate::foundation::retry::ErrorClass;
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::order_id::OrderId;
use crate::providers::vipps_ecom::{
    InitiateRequest, KnownErrorCode, MerchantSerialNumber, OperationError,
};
use crate::status::{CancelledBy, PaymentStatus};

const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);
const ORDER: &str = "shop-1042-a";

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn order() -> OrderId {
    OrderId::new(ORDER).unwrap()
}

fn msn() -> MerchantSerialNumber {
    MerchantSerialNumber::new("123456").unwrap()
}

fn reserved(minor: u64) -> PaymentStatus {
    PaymentStatus::initiated().with_reserved(Amount::from_minor(minor))
}

fn key() -> IdempotencyKey {
    IdempotencyKey::from_random([9; 16])
}

fn capture_plan() -> MutationPlan {
    MutationPlan::capture(&order(), &msn(), &reserved(20000), None, "Socks", key()).unwrap()
}

/// A details body with `(operation, success, amount, requestId)` entries.
fn details(entries: &[(&str, bool, u64, &str)]) -> String {
    let list: Vec<String> = entries
        .iter()
        .map(|(op, ok, amount, rid)| {
            format!(
                r#"{{"operation": "{op}", "operationSuccess": {ok}, "amount": {amount}, "requestId": "{rid}", "transactionId": "50014200{amount}"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"orderId": "{ORDER}", "transactionLogHistory": [{}]}}"#,
        list.join(",")
    )
}

fn operation(status: &str, amount: u64) -> String {
    let block = if status == "Refund" {
        "transaction"
    } else {
        "transactionInfo"
    };
    format!(r#"{{"orderId": "{ORDER}", "{block}": {{"amount": {amount}, "status": "{status}"}}}}"#)
}

fn ecom_error(code: &str) -> String {
    format!(r#"[{{"errorGroup": "Payments", "errorCode": "{code}", "errorMessage": "…"}}]"#)
}

/// Polls, sleeping through every `WaitUntil`, until the plan hands out a
/// request or finishes.
fn next(plan: &mut MutationPlan, now: &mut Timestamp) -> MutationAction {
    for _ in 0..100 {
        match plan.poll(*now) {
            MutationAction::WaitUntil(t) => {
                assert!(t > *now, "WaitUntil({t}) is not after now ({now})");
                *now = t;
            }
            other => return other,
        }
    }
    panic!("the plan never stopped waiting")
}

fn send(plan: &mut MutationPlan, now: &mut Timestamp) -> MutationRequest {
    match next(plan, now) {
        MutationAction::Send(req) => req,
        other => panic!("expected a send, got {other:?}"),
    }
}

fn check(plan: &mut MutationPlan, now: &mut Timestamp) -> DetailsCheck {
    match next(plan, now) {
        MutationAction::CheckDetails(c) => c,
        other => panic!("expected a details check, got {other:?}"),
    }
}

/// Answers the plan's next details check with these history entries.
fn check_answered(
    plan: &mut MutationPlan,
    now: &mut Timestamp,
    entries: &[(&str, bool, u64, &str)],
) -> DetailsCheck {
    let c = check(plan, now);
    plan.handle_http(c.id, 200, None, &details(entries), *now);
    c
}

fn timeout(plan: &mut MutationPlan, id: crate::foundation::request::RequestId, now: Timestamp) {
    let kind = TransportErrorKind::ReadTimeout;
    plan.handle(PlanEvent::TransportError { id, kind }, now);
}

#[test]
fn capture_timeout_then_history_shows_the_key_is_done_without_a_second_capture() {
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    assert_eq!(first.method, HttpMethod::Post);
    assert_eq!(first.path, "/ecomm/v2/payments/shop-1042-a/capture");
    assert_eq!(first.attempt, 1);
    timeout(&mut plan, first.id, now);
    let c = check(&mut plan, &mut now);
    assert_eq!(now, T0, "the check is made at once");
    assert_eq!(c.path, "/ecomm/v2/payments/shop-1042-a/details");
    let k = key();
    let body = details(&[
        ("CAPTURE", true, 20000, k.as_str()),
        ("RESERVE", true, 20000, ""),
    ]);
    plan.handle_http(c.id, 200, None, &body, now);
    let MutationAction::Done(done) = next(&mut plan, &mut now) else {
        panic!()
    };
    assert_eq!(done.sends, 1, "no second capture");
    assert!(
        matches!(done.confirmation, Confirmation::History { ref entry } if entry.request_id.as_deref() == Some(k.as_str()))
    );
    assert_eq!(done.status.amounts().captured, Amount::from_minor(20000));
    assert_eq!(
        plan.rates().count(
            crate::providers::vipps_ecom::limits::RateLimitedApi::CapturePayment,
            now
        ),
        1
    );
    // Over: the same answer every time, and events are ignored.
    timeout(&mut plan, first.id, now);
    assert!(matches!(plan.poll(now + secs(60)), MutationAction::Done(_)));
    assert!(plan.snapshot().is_none());
}

#[test]
fn capture_timeout_then_history_without_the_key_retries_with_the_same_key_and_body() {
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    timeout(&mut plan, first.id, now);
    // A capture by someone else (another key) does not count as ours.
    check_answered(&mut plan, &mut now, &[("RESERVE", true, 20000, "")]);
    let second = send(&mut plan, &mut now);
    assert!(now > T0, "the retry waits out a backoff");
    assert!(now <= T0 + secs(2), "at most the first backoff step");
    assert_eq!(second.idempotency_key, first.idempotency_key);
    assert_eq!(second.body, first.body);
    assert_eq!(second.attempt, 2);
    assert_ne!(second.id, first.id);
    plan.handle_http(second.id, 200, None, &operation("Captured", 20000), now);
    let MutationAction::Done(done) = plan.poll(now) else {
        panic!()
    };
    assert_eq!((done.sends, done.confirmation), (2, Confirmation::Response));
}

#[test]
fn a_5xx_or_an_unreadable_2xx_also_checks_first() {
    for (status, body) in [(500, "oops"), (502, ""), (200, "{\"orderId\": 1}")] {
        let mut now = T0;
        let mut plan = capture_plan();
        let first = send(&mut plan, &mut now);
        plan.handle_http(first.id, status, None, body, now);
        check(&mut plan, &mut now);
    }
    // Error 63 says so itself: "please use Get Payment Details API".
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    plan.handle_http(first.id, 400, None, &ecom_error("63"), now);
    check(&mut plan, &mut now);
}

#[test]
fn rate_limited_waits_for_retry_after_without_a_check() {
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    plan.handle_http(first.id, 429, Some("7"), "", now);
    assert_eq!(plan.poll(now), MutationAction::WaitUntil(T0 + secs(7)));
    let second = send(&mut plan, &mut now);
    assert_eq!(now, T0 + secs(7));
    assert_eq!(second.idempotency_key, first.idempotency_key);
    // Without the header: a jittered backoff.
    plan.handle_http(second.id, 429, None, "", now);
    let before = now;
    send(&mut plan, &mut now);
    let waited = now.saturating_since(before);
    assert!(waited > Duration::ZERO && waited <= secs(4), "{waited:?}");
    // Error 98 "Too many concurrent requests" is the same.
    let mut plan = capture_plan();
    let mut now = T0;
    let first = send(&mut plan, &mut now);
    let body = r#"[{"errorGroup": "VippsError", "errorCode": "98", "errorMessage": "Too many concurrent requests"}]"#;
    plan.handle_http(first.id, 400, None, body, now);
    send(&mut plan, &mut now);
}

#[test]
fn final_errors_end_the_plan_with_the_code_and_class() {
    let cases = [
        ("61", KnownErrorCode::CaptureExceedsReserved),
        ("71", KnownErrorCode::RefundExceedsCaptured),
        ("93", KnownErrorCode::IdempotentAmountMismatch),
    ];
    for (code, known) in cases {
        let mut now = T0;
        let mut plan = capture_plan();
        let first = send(&mut plan, &mut now);
        plan.handle_http(first.id, 400, None, &ecom_error(code), now);
        let MutationAction::Failed(failure) = plan.poll(now + secs(3600)) else {
            panic!("{code}")
        };
        assert_eq!(failure.known_codes(), vec![known]);
        assert_eq!(failure.class(), ErrorClass::Final);
        assert!(matches!(
            failure,
            MutationFailure::Provider {
                during_check: false,
                ..
            }
        ));
        assert!(failure.to_string().contains(code), "{failure}");
        assert!(failure.error_body().is_some());
        assert_eq!(plan.rates().starts(MutationKind::Capture.api()).len(), 1);
    }
    // 401: bad credentials.
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    plan.handle_http(
        first.id,
        401,
        None,
        r#"{"statusCode": 401, "message": "Access denied"}"#,
        now,
    );
    assert!(matches!(
        plan.poll(now),
        MutationAction::Failed(MutationFailure::Provider { .. })
    ));
}

#[test]
fn five_captures_a_minute_are_never_exceeded() {
    let policy = MutationPolicy {
        max_sends: 12,
        max_checks: 20,
        backoff: crate::foundation::backoff::BackoffPolicy {
            base: Duration::from_millis(100),
            max: Duration::from_millis(200),
        },
        ..MutationPolicy::vipps()
    };
    let mut plan = capture_plan().with_policy(policy).unwrap();
    let mut now = T0;
    let mut starts = Vec::new();
    let gave_up = loop {
        match next(&mut plan, &mut now) {
            MutationAction::Send(req) => {
                starts.push(now);
                plan.handle_http(req.id, 503, None, "", now);
            }
            MutationAction::CheckDetails(c) => {
                plan.handle_http(
                    c.id,
                    200,
                    None,
                    &details(&[("RESERVE", true, 20000, "")]),
                    now,
                );
            }
            MutationAction::Failed(f) => break f,
            MutationAction::Done(d) => panic!("{d:?}"),
            MutationAction::WaitUntil(_) => unreachable!(),
        }
    };
    assert_eq!(starts.len(), 12);
    for (i, s) in starts.iter().enumerate() {
        let in_window = starts[..=i]
            .iter()
            .filter(|t| s.saturating_since(**t) < secs(60))
            .count();
        assert!(in_window <= 5, "send {i} at {s}: {in_window} in a minute");
    }
    assert_eq!(
        starts[5],
        starts[0] + secs(60),
        "the 6th waits for the 1st to leave the minute"
    );
    match gave_up {
        MutationFailure::GaveUp {
            sends,
            maybe_applied,
            ref last,
            ..
        } => {
            assert_eq!(sends, 12);
            assert!(
                !maybe_applied,
                "the check after the last 503 showed no capture with the key"
            );
            assert_eq!(last.class(), ErrorClass::CheckThenRetry);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unsuccessful_history_entry_and_rule_refusals_end_the_plan() {
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    timeout(&mut plan, first.id, now);
    check_answered(
        &mut plan,
        &mut now,
        &[("CAPTURE", false, 20000, key().as_str())],
    );
    assert!(matches!(
        plan.poll(now),
        MutationAction::Failed(MutationFailure::UnsuccessfulInHistory { .. })
    ));

    // The details show the shopper's payment was cancelled meanwhile: no
    // retry (the provider would refuse it).
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    timeout(&mut plan, first.id, now);
    let c = check(&mut plan, &mut now);
    let body = details(&[("RESERVE", true, 20000, ""), ("VOID", true, 20000, "")]);
    plan.handle_http(c.id, 200, None, &body, now);
    let MutationAction::Failed(f) = plan.poll(now) else {
        panic!()
    };
    assert_eq!(
        f,
        MutationFailure::Refused {
            kind: MutationKind::Capture,
            error: OperationError::Cancelled {
                operation: "capture"
            }
        }
    );
    assert_eq!(f.class(), ErrorClass::Final);
    assert_eq!(plan.status().cancelled, Some(CancelledBy::Merchant));
}

#[test]
fn the_amount_rules_apply_before_the_first_request() {
    let status = reserved(20000).with_captured(Amount::from_minor(5000));
    let refused = MutationPlan::capture(
        &order(),
        &msn(),
        &status,
        Some(Amount::from_minor(15001)),
        "x",
        key(),
    );
    assert_eq!(
        refused.unwrap_err(),
        OperationError::CaptureExceedsReserved {
            requested: Amount::from_minor(15001),
            remaining: Amount::from_minor(15000)
        }
    );
    assert!(MutationPlan::cancel(&order(), &msn(), &status, "x", key()).is_err());
    assert!(
        MutationPlan::refund(
            &order(),
            &msn(),
            &reserved(1),
            Amount::from_minor(1),
            "x",
            key(),
            T0
        )
        .is_err()
    );
}

#[test]
fn cancel_and_refund_use_their_method_path_and_status() {
    let mut now = T0;
    let mut cancel =
        MutationPlan::cancel(&order(), &msn(), &reserved(100), "Duplicate", key()).unwrap();
    let req = send(&mut cancel, &mut now);
    assert_eq!(
        (req.method, req.path.as_str()),
        (HttpMethod::Put, "/ecomm/v2/payments/shop-1042-a/cancel")
    );
    // A "Captured" answer to a cancel is not a confirmation: check. The
    // history's `VOID` carries no `requestId` (the cancel endpoint takes no
    // `X-Request-Id`): the cancel is confirmed by its effect.
    cancel.handle_http(req.id, 200, None, &operation("Captured", 100), now);
    check_answered(
        &mut cancel,
        &mut now,
        &[("VOID", true, 100, ""), ("RESERVE", true, 100, "")],
    );
    let MutationAction::Done(done) = cancel.poll(now) else {
        panic!()
    };
    assert_eq!(done.status.cancelled, Some(CancelledBy::Merchant));

    let captured = reserved(100).with_captured(Amount::from_minor(100));
    let mut refund = MutationPlan::refund(
        &order(),
        &msn(),
        &captured,
        Amount::from_minor(40),
        "Sorry",
        key(),
        T0,
    )
    .unwrap();
    let req = send(&mut refund, &mut now);
    assert_eq!(req.path, "/ecomm/v2/payments/shop-1042-a/refund");
    assert_eq!(req.body.transaction.amount, Some(Amount::from_minor(40)));
    refund.handle_http(req.id, 200, None, &operation("Refund", 40), now);
    let MutationAction::Done(done) = refund.poll(now) else {
        panic!()
    };
    assert_eq!(done.status.amounts().refunded, Amount::from_minor(40));
}

#[test]
fn an_answer_that_never_comes_counts_as_a_read_timeout() {
    let mut plan = capture_plan();
    let first = match plan.poll(T0) {
        MutationAction::Send(r) => r,
        other => panic!("{other:?}"),
    };
    let expires = T0 + secs(6);
    assert_eq!(plan.poll(T0 + secs(1)), MutationAction::WaitUntil(expires));
    let MutationAction::CheckDetails(c) = plan.poll(expires) else {
        panic!()
    };
    // The late answer to the first send still proves the capture.
    plan.handle_http(first.id, 200, None, &operation("Captured", 20000), expires);
    assert!(matches!(
        plan.poll(expires),
        MutationAction::Done(MutationDone {
            confirmation: Confirmation::Response,
            ..
        })
    ));
    let _ = c;
}

#[test]
fn error_92_already_processed_is_confirmed_by_the_history() {
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    let body = r#"[{"errorGroup": "VippsError", "errorCode": "92", "errorMessage": "Transaction already processed"}]"#;
    plan.handle_http(first.id, 400, None, body, now);
    check_answered(
        &mut plan,
        &mut now,
        &[("CAPTURE", true, 20000, key().as_str())],
    );
    assert!(matches!(plan.poll(now), MutationAction::Done(_)));
}

#[test]
fn a_failing_check_is_retried_with_backoff_and_gives_up_keeping_the_key() {
    let policy = MutationPolicy {
        max_checks: 3,
        ..MutationPolicy::vipps()
    };
    let mut plan = capture_plan().with_policy(policy).unwrap();
    let mut now = T0;
    let first = send(&mut plan, &mut now);
    timeout(&mut plan, first.id, now);
    let mut check_times = Vec::new();
    let failure = loop {
        match next(&mut plan, &mut now) {
            MutationAction::CheckDetails(c) => {
                check_times.push(now);
                plan.handle_http(c.id, 503, None, "", now);
            }
            MutationAction::Failed(f) => break f,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(check_times.len(), 3);
    assert!(
        check_times.windows(2).all(|w| w[1] > w[0]),
        "checks back off"
    );
    let MutationFailure::GaveUp {
        ref idempotency_key,
        maybe_applied,
        checks,
        ..
    } = failure
    else {
        panic!("{failure:?}")
    };
    assert_eq!((idempotency_key, maybe_applied, checks), (&key(), true, 3));
    // Resume: details first, then the same key.
    plan.resume();
    check_answered(&mut plan, &mut now, &[("RESERVE", true, 20000, "")]);
    let again = send(&mut plan, &mut now);
    assert_eq!(again.idempotency_key, key());
}

#[test]
fn a_snapshot_keeps_the_key_and_an_in_flight_send_is_checked_after_restore() {
    let mut now = T0;
    let mut plan = capture_plan();
    let first = send(&mut plan, &mut now);
    // The backend dies with the capture in flight.
    let json = serde_json::to_string(&plan.snapshot().unwrap()).unwrap();
    assert!(json.contains(key().as_str()), "{json}");
    let snapshot: MutationSnapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(snapshot.idempotency_key(), &key());
    let mut restored = MutationPlan::restore(snapshot).unwrap();
    check_answered(&mut restored, &mut now, &[("RESERVE", true, 20000, "")]);
    let again = send(&mut restored, &mut now);
    assert_eq!(
        (again.idempotency_key, again.body),
        (first.idempotency_key, first.body)
    );
    assert_eq!(
        restored.rates().starts(MutationKind::Capture.api()).len(),
        2,
        "the rate window survived"
    );

    let mut wrong = serde_json::to_value(capture_plan().snapshot().unwrap()).unwrap();
    wrong["version"] = serde_json::json!(99);
    let err = MutationPlan::restore(serde_json::from_value(wrong).unwrap()).unwrap_err();
    assert!(err.to_string().contains("version"), "{err}");
}

#[test]
fn rates_carry_over_to_the_next_plan_on_the_order() {
    let mut now = T0;
    let mut first = MutationPlan::capture(
        &order(),
        &msn(),
        &reserved(20000),
        Some(Amount::from_minor(100)),
        "1",
        key(),
    )
    .unwrap();
    let mut rates = OrderRates::new();
    for i in 0..5u8 {
        let mut plan = MutationPlan::capture(
            &order(),
            &msn(),
            &reserved(20000),
            Some(Amount::from_minor(100)),
            "part",
            IdempotencyKey::from_random([i; 16]),
        )
        .unwrap()
        .with_rates(rates.clone());
        let req = send(&mut plan, &mut now);
        plan.handle_http(req.id, 200, None, &operation("Captured", 100), now);
        rates = plan.rates().clone();
    }
    assert_eq!(now, T0);
    first = first.with_rates(rates);
    send(&mut first, &mut now);
    assert_eq!(now, T0 + secs(60), "a sixth capture on the order waits");
}

fn initiate_request() -> InitiateRequest {
    InitiateRequest::builder()
        .merchant_serial_number("123456")
        .order_id(ORDER)
        .amount(Amount::from_minor(20000))
        .transaction_text("Socks")
        .callback_prefix("https://shop.example/vipps")
        .fallback("https://shop.example/back")
        .build()
        .unwrap()
}

fn initiate_next(plan: &mut InitiatePlan, now: &mut Timestamp) -> InitiateAction {
    for _ in 0..100 {
        match plan.poll(*now) {
            InitiateAction::WaitUntil(t) => {
                assert!(t > *now);
                *now = t;
            }
            other => return other,
        }
    }
    panic!("never stopped waiting")
}

const INITIATED: &str = r#"{"orderId": "shop-1042-a", "url": "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=eyJraWQiOiJqd3RrZXkiLC"}"#;

#[test]
fn initiate_succeeds_and_retries_only_when_nothing_happened() {
    let mut now = T0;
    let mut plan = InitiatePlan::new(initiate_request(), 1);
    let InitiateAction::Send(first) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    assert_eq!(first.path, "/ecomm/v2/payments");
    let kind = TransportErrorKind::ConnectTimeout;
    plan.handle(PlanEvent::TransportError { id: first.id, kind }, now);
    let InitiateAction::Send(second) = initiate_next(&mut plan, &mut now) else {
        panic!("a connection never made: the same request again")
    };
    assert_eq!(second.body, first.body);
    plan.handle_http(second.id, 429, Some("30"), "", now);
    // Two a minute: the third try waits for the first to leave the minute.
    let InitiateAction::Send(third) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    assert_eq!(now, T0 + secs(60));
    plan.handle_http(third.id, 200, None, INITIATED, now);
    let InitiateAction::Initiated(resp) = plan.poll(now) else {
        panic!()
    };
    assert!(resp.url.starts_with("https://"));
    assert!(plan.snapshot().is_none());
}

#[test]
fn initiate_with_unknown_outcome_never_reuses_the_order_id() {
    // The details show the order: it exists, its URL is lost.
    let mut now = T0;
    let mut plan = InitiatePlan::new(initiate_request(), 1);
    let InitiateAction::Send(first) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    plan.handle(
        PlanEvent::TransportError {
            id: first.id,
            kind: TransportErrorKind::ReadTimeout,
        },
        now,
    );
    let InitiateAction::CheckDetails(c) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    plan.handle_http(
        c.id,
        200,
        None,
        &details(&[("INITIATE", true, 20000, "")]),
        now,
    );
    let InitiateAction::NewOrderId(n) = plan.poll(now) else {
        panic!()
    };
    assert_eq!(n.previous, ORDER);
    assert!(matches!(n.found, PreviousOrder::Exists { .. }));
    assert_eq!(n.because.class(), ErrorClass::CheckThenRetry);

    // A 5xx, then the details say 404: not found (yet).
    let mut now = T0;
    let mut plan = InitiatePlan::new(initiate_request(), 1);
    let InitiateAction::Send(first) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    plan.handle_http(first.id, 500, None, "", now);
    let InitiateAction::CheckDetails(c) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    plan.handle_http(c.id, 404, None, "", now);
    assert!(matches!(
        plan.poll(now),
        InitiateAction::NewOrderId(NewOrderId {
            found: PreviousOrder::NotFound,
            ..
        })
    ));

    // Error 34: taken, no check needed.
    let mut now = T0;
    let mut plan = InitiatePlan::new(initiate_request(), 1);
    let InitiateAction::Send(first) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    let body = r#"[{"errorGroup": "Merchant", "errorCode": "34", "errorMessage": "Unique constraint violation of the order id"}]"#;
    plan.handle_http(first.id, 400, None, body, now);
    let InitiateAction::NewOrderId(n) = plan.poll(now) else {
        panic!()
    };
    assert_eq!(n.found, PreviousOrder::Taken);
    assert_eq!(
        n.because.known_codes(),
        vec![KnownErrorCode::DuplicateOrderId]
    );
    assert_eq!(n.because.class(), ErrorClass::NewOrderId);
}

#[test]
fn initiate_final_errors_fail_and_a_restored_in_flight_initiate_is_checked() {
    let mut now = T0;
    let mut plan = InitiatePlan::new(initiate_request(), 1);
    let InitiateAction::Send(first) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    let body = r#"[{"errorGroup": "Merchant", "errorCode": "37", "errorMessage": "Merchant not available, deactivated or blocked"}]"#;
    plan.handle_http(first.id, 400, None, body, now);
    let InitiateAction::Failed(InitiateFailure::Provider { problem }) = plan.poll(now) else {
        panic!()
    };
    assert_eq!(
        problem.known_codes(),
        vec![KnownErrorCode::MerchantNotAvailable]
    );

    let mut plan = InitiatePlan::new(initiate_request(), 1);
    let InitiateAction::Send(_) = initiate_next(&mut plan, &mut now) else {
        panic!()
    };
    let json = serde_json::to_string(&plan.snapshot().unwrap()).unwrap();
    let snapshot: InitiateSnapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(snapshot.order_id(), ORDER);
    let mut restored = InitiatePlan::restore(snapshot).unwrap();
    assert!(matches!(
        initiate_next(&mut restored, &mut now),
        InitiateAction::CheckDetails(_)
    ));
}
