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
    // "Partially captured reservations can not be cancelled."
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
    let d = PaymentDetails::parse_json(&m.details("order-cap-1").await.text).unwrap();
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
