//! Capture, cancel and refund: the amount rules and error codes, the
//! states they move through, and idempotency by `X-Request-Id`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use appswitch_core::providers::vipps_ecom::{OperationResponse, OperationStatus, PaymentDetails};
use appswitch_core::status::{CancelledBy, PaymentState};
use appswitch_simulator::{RunningSimulator, ShopperChoice};
use support::*;

async fn reserved(sim: &RunningSimulator, m: &Merchant, order: &str) {
    assert_eq!(
        m.initiate(&initiate_body(order, "http://127.0.0.1:9/cb"))
            .await
            .status,
        200
    );
    sim.control()
        .shopper(order, ShopperChoice::Approve)
        .await
        .unwrap();
}

async fn state(m: &Merchant, order: &str) -> PaymentState {
    PaymentDetails::parse_json(&m.details(order).await.text)
        .unwrap()
        .to_status()
        .state()
}

#[tokio::test]
async fn partial_captures_then_refunds_follow_the_amount_rules() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    reserved(&sim, &m, "order-cap-1").await;

    let a = m.capture("order-cap-1", Some(15000), Some("cap-a")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let r = OperationResponse::parse_json(&a.text).unwrap();
    assert_eq!(r.transaction_info.status, OperationStatus::Captured);
    assert_eq!(r.transaction_info.amount.minor(), 15000);
    let s = r.transaction_summary.unwrap();
    assert_eq!(
        (
            s.captured_amount.minor(),
            s.remaining_amount_to_capture.minor()
        ),
        (15000, 5000)
    );
    assert_eq!(
        state(&m, "order-cap-1").await,
        PaymentState::Captured { full: false }
    );

    // "Captured amount exceeds the reserved amount ordered".
    assert_eq!(
        m.capture("order-cap-1", Some(5001), None).await.code(),
        "61"
    );
    // Without `shouldReleaseRemainingFunds`, "any request to cancel after
    // a partial or full capture has been performed will be rejected".
    assert_eq!(m.cancel("order-cap-1", None).await.code(), "51");
    // "Cannot refund more than captured amount".
    assert_eq!(m.refund("order-cap-1", 15001, None).await.code(), "71");
    // amount 0 captures the rest.
    let a = m.capture("order-cap-1", Some(0), Some("cap-b")).await;
    assert_eq!(
        OperationResponse::parse_json(&a.text)
            .unwrap()
            .transaction_info
            .amount
            .minor(),
        5000
    );
    assert_eq!(
        m.capture("order-cap-1", None, None).await.code(),
        "61",
        "nothing left"
    );

    let a = m.refund("order-cap-1", 5000, Some("ref-a")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(
        a.json().get("transaction").is_some(),
        "a refund answers under `transaction`"
    );
    let r = OperationResponse::parse_json(&a.text).unwrap();
    assert_eq!(r.transaction_info.status, OperationStatus::Refund);
    assert_eq!(
        state(&m, "order-cap-1").await,
        PaymentState::Refunded { full: false }
    );
    let raw = m.details("order-cap-1").await;
    // Field types as in the specification: `bankIdentificationNumber` and
    // the amounts are integers, ids and texts strings.
    let summary = &raw.json()["transactionSummary"];
    assert!(summary["bankIdentificationNumber"].is_u64(), "{summary}");
    assert!(summary["capturedAmount"].is_u64(), "{summary}");
    for e in raw.json()["transactionLogHistory"].as_array().unwrap() {
        assert!(
            e["amount"].is_u64() && e["operationSuccess"].is_boolean(),
            "{e}"
        );
        assert!(
            e["transactionId"].is_string() && e["requestId"].is_string(),
            "{e}"
        );
        assert!(
            e["timeStamp"].is_string() && e["transactionText"].is_string(),
            "{e}"
        );
    }
    let d = PaymentDetails::parse_json(&raw.text).unwrap();
    assert_eq!(d.entry_for_request("cap-a").unwrap().amount.minor(), 15000);
    assert_eq!(
        d.entry_for_request("ref-a").unwrap().operation.as_str(),
        "REFUND"
    );
    let view = sim.control().order("order-cap-1").unwrap();
    assert_eq!((view.record.captures, view.record.refunds), (2, 1));
}

#[tokio::test]
async fn refunds_need_a_capture_and_cancels_end_a_payment() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    reserved(&sim, &m, "order-void-1").await;
    // "Cannot refund for reserved order, please use Cancel API".
    assert_eq!(m.refund("order-void-1", 100, None).await.code(), "72");
    let a = m.cancel("order-void-1", Some("void-a")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        OperationResponse::parse_json(&a.text)
            .unwrap()
            .transaction_info
            .status,
        OperationStatus::Cancelled
    );
    let d = PaymentDetails::parse_json(&m.details("order-void-1").await.text).unwrap();
    assert_eq!(d.transaction_log_history[0].operation.as_str(), "VOID");
    // The cancel endpoint takes no `X-Request-Id`: the VOID has no key.
    assert_eq!(d.transaction_log_history[0].request_id.as_deref(), Some(""));
    assert_eq!(d.entry_for_request("void-a"), None);
    assert_eq!(
        d.to_status().state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
    // "Cannot refund on cancelled order"; capture: nothing reserved any more.
    assert_eq!(m.refund("order-void-1", 100, None).await.code(), "73");
    assert_eq!(m.capture("order-void-1", None, None).await.code(), "62");
    assert_eq!(m.cancel("order-void-1", None).await.code(), "92");
    // The same cancel again is answered from its record.
    assert_eq!(m.cancel("order-void-1", Some("void-a")).await.status, 200);

    // Cancelling a pending order: "CANCEL" in the history.
    m.initiate(&initiate_body("order-void-2", "http://127.0.0.1:9/cb"))
        .await;
    assert_eq!(
        m.capture("order-void-2", None, None).await.code(),
        "62",
        "not reserved yet"
    );
    assert_eq!(m.cancel("order-void-2", None).await.status, 200);
    let d = PaymentDetails::parse_json(&m.details("order-void-2").await.text).unwrap();
    assert_eq!(d.transaction_log_history[0].operation.as_str(), "CANCEL");
    assert_eq!(
        sim.control()
            .shopper("order-void-2", ShopperChoice::Approve)
            .await
            .unwrap_err()
            .to_string(),
        "order `order-void-2` is already decided"
    );
    assert_eq!(m.capture("nope", None, None).await.code(), "35");
    assert_eq!(
        m.refund("order-void-2", 0, None).await.code(),
        "transaction.amount"
    );
}

#[tokio::test]
async fn a_retry_with_the_same_request_id_changes_nothing() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    reserved(&sim, &m, "order-idem-1").await;
    let first = m.capture("order-idem-1", Some(5000), Some("key-1")).await;
    let again = m.capture("order-idem-1", Some(5000), Some("key-1")).await;
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(first.text, again.text, "the same answer");
    // "Captured amount should be same in Idempotent retry".
    let other = m.capture("order-idem-1", Some(6000), Some("key-1")).await;
    assert_eq!(other.code(), "93");
    let view = sim.control().order("order-idem-1").unwrap();
    assert_eq!(view.record.captures, 1);
    assert_eq!(view.record.idempotent_replays, 2);
    let d = PaymentDetails::parse_json(&m.details("order-idem-1").await.text).unwrap();
    assert_eq!(d.to_status().amounts().captured.minor(), 5000);
    // A refund keyed the same way is idempotent too.
    assert_eq!(
        m.refund("order-idem-1", 1000, Some("key-r")).await.status,
        200
    );
    assert_eq!(
        m.refund("order-idem-1", 1000, Some("key-r")).await.status,
        200
    );
    assert_eq!(
        m.refund("order-idem-1", 2000, Some("key-r")).await.code(),
        "93"
    );
    assert_eq!(
        sim.control().order("order-idem-1").unwrap().record.refunds,
        1
    );
}

#[tokio::test]
async fn captures_are_limited_to_five_a_minute() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    reserved(&sim, &m, "order-cap-rate").await;
    for i in 0..5 {
        assert_eq!(
            m.capture("order-cap-rate", Some(100), None).await.status,
            200,
            "capture {i}"
        );
    }
    let a = m.capture("order-cap-rate", Some(100), None).await;
    assert_eq!(a.status, 429);
    assert!(a.headers.contains_key("retry-after"));
    sim.control()
        .advance(std::time::Duration::from_secs(60))
        .await;
    assert_eq!(
        m.capture("order-cap-rate", Some(100), None).await.status,
        200
    );
}

/// Vipps eCom API guide, "Cancelling a partially captured order" (eCom API
/// changelog, April 2022): a cancel with `shouldReleaseRemainingFunds`
/// after a partial capture releases the rest, and its response says what
/// stays captured.
#[tokio::test]
async fn a_cancel_after_a_partial_capture_releases_the_rest() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    reserved(&sim, &m, "order-rel-1").await;
    assert_eq!(
        m.capture("order-rel-1", Some(10000), Some("cap-1"))
            .await
            .status,
        200
    );
    let mut body = operation(None);
    body["shouldReleaseRemainingFunds"] = serde_json::json!(false);
    let path = appswitch_core::providers::vipps_ecom::endpoints::cancel("order-rel-1");
    assert_eq!(
        m.put(&path, &body, None).await.code(),
        "51",
        "false is the default"
    );
    body["shouldReleaseRemainingFunds"] = serde_json::json!(true);
    let a = m.put(&path, &body, None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let r = OperationResponse::parse_json(&a.text).unwrap();
    assert_eq!(r.transaction_info.status, OperationStatus::Cancelled);
    assert_eq!(r.transaction_info.amount.minor(), 20000);
    let summary = r.transaction_summary.clone().unwrap();
    assert_eq!(
        (
            summary.captured_amount.minor(),
            summary.remaining_amount_to_capture.minor(),
            summary.remaining_amount_to_refund.minor()
        ),
        (10000, 0, 10000)
    );
    assert_eq!(
        r.to_status().amounts().captured.minor(),
        10000,
        "not \"captured 0\""
    );
    let d = PaymentDetails::parse_json(&m.details("order-rel-1").await.text).unwrap();
    assert_eq!(d.transaction_log_history[0].operation.as_str(), "VOID");
    let s = d.to_status();
    assert_eq!(s.state(), PaymentState::Captured { full: false });
    assert_eq!(s.cancelled, Some(CancelledBy::Merchant));
    assert_eq!(s.amounts().remaining_to_capture.minor(), 0);
    // Nothing remains to capture; what was captured can be refunded.
    assert_eq!(m.capture("order-rel-1", None, None).await.code(), "62");
    assert_eq!(
        m.refund("order-rel-1", 10000, Some("ref-1")).await.status,
        200
    );
    // Once everything is captured there is nothing to release.
    reserved(&sim, &m, "order-rel-2").await;
    assert_eq!(
        m.capture("order-rel-2", None, Some("cap-2")).await.status,
        200
    );
    assert_eq!(
        m.put(&endpoints_cancel("order-rel-2"), &body, None)
            .await
            .code(),
        "51"
    );
}

fn endpoints_cancel(order: &str) -> String {
    appswitch_core::providers::vipps_ecom::endpoints::cancel(order)
}

/// eCom API specification (OpenAPI), schema `Error`: `errorGroup` is one
/// of `Authentication`, `Payment`, `InvalidRequest`, `VippsError`, `User`,
/// `Merchant` — and the simulator's error bodies say so.
#[tokio::test]
async fn error_bodies_use_the_specifications_error_groups() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    reserved(&sim, &m, "order-grp-1").await;
    let specified = [
        "Authentication",
        "Payment",
        "InvalidRequest",
        "VippsError",
        "User",
        "Merchant",
    ];
    let answers = [
        m.capture("order-grp-1", Some(20001), None).await,
        m.refund("order-grp-1", 100, None).await,
        m.capture("nope", None, None).await,
        m.refund("order-grp-1", 0, None).await,
    ];
    for a in answers {
        for e in a.json().as_array().unwrap() {
            let group = e["errorGroup"].as_str().unwrap();
            assert!(specified.contains(&group), "{group}: {}", a.text);
            assert!(e["errorCode"].is_string(), "{}", a.text);
            assert!(e["errorMessage"].is_string(), "{}", a.text);
        }
    }
    assert_eq!(
        m.capture("order-grp-1", Some(20001), None).await.json()[0]["errorGroup"],
        "Payment"
    );
}
