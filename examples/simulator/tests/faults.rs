//! Fault injection, per order and per run, through the Rust handle and the
//! HTTP control API.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::{Duration, Instant};

use appswitch_core::providers::vipps_ecom::PaymentDetails;
use appswitch_core::status::PaymentState;
use appswitch_simulator::{CallbackOutcome, Faults, ShopperChoice, Stall};
use serde_json::json;
use support::*;

#[tokio::test]
async fn a_dropped_callback_is_recorded_but_never_sent() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    sim.control()
        .set_faults(Faults {
            drop_callback: true,
            ..Faults::default()
        })
        .unwrap();
    m.initiate(&initiate_body("order-drop-1", &cb.prefix)).await;
    let out = sim
        .control()
        .shopper("order-drop-1", ShopperChoice::Approve)
        .await
        .unwrap();
    assert!(out.redirect.is_some(), "the shopper still comes back");
    assert!(cb.all().is_empty());
    let view = sim.control().order("order-drop-1").unwrap();
    assert_eq!(view.record.callbacks.len(), 1);
    assert_eq!(view.record.callbacks[0].outcome, CallbackOutcome::Dropped);
    // The details still tell the truth.
    let d = PaymentDetails::parse_json(&m.details("order-drop-1").await.text).unwrap();
    assert_eq!(d.to_status().state(), PaymentState::Reserved);
}

#[tokio::test]
async fn a_delayed_callback_arrives_when_its_time_comes() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-delay-1", &cb.prefix))
        .await;
    sim.control()
        .set_order_faults(
            "order-delay-1",
            Faults {
                callback_delay_ms: Some(20_000),
                ..Faults::default()
            },
        )
        .unwrap();
    sim.control()
        .shopper("order-delay-1", ShopperChoice::Approve)
        .await
        .unwrap();
    assert!(cb.all().is_empty());
    sim.control().advance(Duration::from_secs(19)).await;
    assert!(cb.all().is_empty());
    sim.control().advance(Duration::from_secs(1)).await;
    assert_eq!(cb.all().len(), 1);
    assert_eq!(cb.all()[0].body["transactionInfo"]["status"], "RESERVED");
}

#[tokio::test]
async fn callbacks_come_twice_and_a_stale_copy_comes_again_later() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-twice-1", &cb.prefix))
        .await;
    sim.control()
        .set_order_faults(
            "order-twice-1",
            Faults {
                duplicate_callbacks: true,
                replay_callback_ms: Some(30_000),
                ..Faults::default()
            },
        )
        .unwrap();
    sim.control()
        .shopper("order-twice-1", ShopperChoice::Approve)
        .await
        .unwrap();
    assert_eq!(cb.all().len(), 2, "sent twice at once");
    // The merchant captures; then the stale RESERVED comes once more.
    assert_eq!(
        m.capture("order-twice-1", None, Some("cap-1")).await.status,
        200
    );
    sim.control().advance(Duration::from_secs(29)).await;
    assert_eq!(cb.all().len(), 2);
    sim.control().advance(Duration::from_secs(1)).await;
    let all = cb.all();
    assert_eq!(all.len(), 3);
    assert!(
        all.iter()
            .all(|c| c.body["transactionInfo"]["status"] == "RESERVED")
    );
    let view = sim.control().order("order-twice-1").unwrap();
    assert_eq!(view.record.callbacks_delivered(), 3);
}

#[tokio::test]
async fn bursts_answer_errors_before_anything_happens() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-burst-1", "http://127.0.0.1:9/cb"))
        .await;
    sim.control()
        .shopper("order-burst-1", ShopperChoice::Approve)
        .await
        .unwrap();
    let faults: Faults = serde_json::from_value(json!({
        "burst": {"status": 503, "count": 2, "endpoints": ["capture"]}
    }))
    .unwrap();
    sim.control()
        .set_order_faults("order-burst-1", faults)
        .unwrap();
    for _ in 0..2 {
        let a = m.capture("order-burst-1", None, Some("k")).await;
        assert_eq!(a.status, 503);
        assert_eq!(a.code(), "99", "VippsError 99: an internal problem");
    }
    assert_eq!(
        m.details("order-burst-1").await.status,
        200,
        "other endpoints are not hit"
    );
    assert_eq!(
        m.capture("order-burst-1", None, Some("k")).await.status,
        200
    );
    let view = sim.control().order("order-burst-1").unwrap();
    assert_eq!(view.record.captures, 1, "the errors changed nothing");
    assert_eq!(
        view.record
            .calls
            .iter()
            .filter(|c| c.fault.as_deref() == Some("burst"))
            .count(),
        2
    );

    // A 429 burst carries Retry-After.
    sim.control()
        .set_order_faults(
            "order-burst-1",
            serde_json::from_value(json!({"burst": {"status": 429, "count": 1}})).unwrap(),
        )
        .unwrap();
    let a = m.details("order-burst-1").await;
    assert_eq!(a.status, 429);
    assert_eq!(a.headers["retry-after"], "1");
    // Token and initiate bursts come from the run's faults.
    sim.control()
        .set_faults(
            serde_json::from_value(
                json!({"burst": {"status": 500, "count": 1, "endpoints": ["initiate"]}}),
            )
            .unwrap(),
        )
        .unwrap();
    assert_eq!(
        m.initiate(&initiate_body("order-burst-2", "http://127.0.0.1:9/cb"))
            .await
            .status,
        500
    );
    assert_eq!(
        m.initiate(&initiate_body("order-burst-2", "http://127.0.0.1:9/cb"))
            .await
            .status,
        200
    );
    assert!(
        sim.control()
            .set_faults(
                serde_json::from_value(json!({"burst": {"status": 404, "count": 1}})).unwrap()
            )
            .is_err()
    );
}

#[tokio::test]
async fn a_stalled_answer_comes_late_but_the_operation_happened() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-stall-1", "http://127.0.0.1:9/cb"))
        .await;
    sim.control()
        .shopper("order-stall-1", ShopperChoice::Approve)
        .await
        .unwrap();
    sim.control()
        .set_order_faults(
            "order-stall-1",
            Faults {
                stall: Some(Stall {
                    ms: 1500,
                    count: 1,
                    endpoints: vec![appswitch_simulator::Endpoint::Capture],
                }),
                ..Faults::default()
            },
        )
        .unwrap();
    // A client with a short read timeout gives up…
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let r = impatient
        .post(format!(
            "{}/ecomm/v2/payments/order-stall-1/capture",
            sim.base_url()
        ))
        .header("Authorization", format!("Bearer {}", m.token))
        .header(
            "Ocp-Apim-Subscription-Key",
            appswitch_simulator::DEMO_SUBSCRIPTION_KEY,
        )
        .header("X-Request-Id", "stalled-1")
        .json(&operation(None))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
    // … but the capture happened: the details say so, with its request id.
    let d = PaymentDetails::parse_json(&m.details("order-stall-1").await.text).unwrap();
    assert!(d.entry_for_request("stalled-1").is_some());
    // The retry with the same key is answered from the record, at once.
    let started = Instant::now();
    assert_eq!(
        m.capture("order-stall-1", None, Some("stalled-1"))
            .await
            .status,
        200
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
    let view = sim.control().order("order-stall-1").unwrap();
    assert_eq!(
        (view.record.captures, view.record.idempotent_replays),
        (1, 1)
    );
}

#[tokio::test]
async fn a_late_reservation_comes_after_the_shopper_is_back() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    sim.control()
        .set_faults(Faults {
            reserve_late_ms: Some(30_000),
            ..Faults::default()
        })
        .unwrap();
    m.initiate(&initiate_body("order-lateres-1", &cb.prefix))
        .await;
    let out = sim
        .control()
        .shopper("order-lateres-1", ShopperChoice::Approve)
        .await
        .unwrap();
    assert!(out.redirect.is_some(), "redirected first");
    assert!(cb.all().is_empty());
    let d = PaymentDetails::parse_json(&m.details("order-lateres-1").await.text).unwrap();
    assert_eq!(d.to_status().state(), PaymentState::Initiated);
    assert_eq!(
        sim.control().order("order-lateres-1").unwrap().phase,
        "reservePending"
    );
    // Not timed out at the deadline: the shopper decided.
    sim.control().advance(Duration::from_secs(30)).await;
    assert_eq!(cb.all()[0].body["transactionInfo"]["status"], "RESERVED");
    let d = PaymentDetails::parse_json(&m.details("order-lateres-1").await.text).unwrap();
    assert_eq!(d.to_status().state(), PaymentState::Reserved);
}

#[tokio::test]
async fn a_shopper_who_closes_the_app_is_reserved_without_return_or_callback() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    sim.control()
        .set_faults(Faults {
            user_closes_app: true,
            ..Faults::default()
        })
        .unwrap();
    m.initiate(&initiate_body("order-closed-1", &cb.prefix))
        .await;
    let out = sim
        .control()
        .shopper("order-closed-1", ShopperChoice::Approve)
        .await
        .unwrap();
    assert_eq!((out.back, out.redirect), ("appClosed", None));
    sim.control().advance(Duration::from_secs(900)).await;
    assert!(cb.all().is_empty());
    let view = sim.control().order("order-closed-1").unwrap();
    assert_eq!(view.record.callbacks[0].outcome, CallbackOutcome::Dropped);
    let d = PaymentDetails::parse_json(&m.details("order-closed-1").await.text).unwrap();
    assert_eq!(
        d.to_status().state(),
        PaymentState::Reserved,
        "a reservation nobody heard of"
    );
}

#[tokio::test]
async fn the_http_control_api_does_what_the_handle_does() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    let http = http();
    let base = sim.base_url();
    m.initiate(&initiate_body("order-ctl-1", &cb.prefix)).await;
    let r = http
        .post(format!("{base}/_sim/orders/order-ctl-1/faults"))
        .json(&json!({"dropCallback": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = http
        .post(format!("{base}/_sim/orders/order-ctl-1/shopper"))
        .json(&json!({"choice": "approve"}))
        .send()
        .await
        .unwrap();
    let out: serde_json::Value = r.json().await.unwrap();
    assert_eq!(out["back"], "redirect");
    let view: serde_json::Value = http
        .get(format!("{base}/_sim/orders/order-ctl-1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "reserved");
    assert_eq!(view["record"]["callbacks"][0]["outcome"], "dropped");
    assert_eq!(
        view["details"]["transactionLogHistory"][0]["operation"],
        "RESERVE"
    );

    let before: serde_json::Value = http
        .get(format!("{base}/_sim/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after: serde_json::Value = http
        .post(format!("{base}/_sim/clock/advance"))
        .json(&json!({"ms": 60000}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        after["nowMs"].as_u64().unwrap() - before["nowMs"].as_u64().unwrap(),
        60000
    );
    assert_eq!(after["timeScale"], 0.0);

    let r = http
        .post(format!("{base}/_sim/faults"))
        .json(&json!({"burst": {"status": 418, "count": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = http
        .get(format!("{base}/_sim/orders/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let list: Vec<serde_json::Value> = http
        .get(format!("{base}/_sim/orders"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let record: serde_json::Value = http
        .get(format!("{base}/_sim/record"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(record["tokensIssued"], 1);
    assert_eq!(
        http.post(format!("{base}/_sim/reset"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        204
    );
    assert!(sim.control().orders().is_empty());
    assert_eq!(
        m.details("order-ctl-1").await.status,
        401,
        "tokens are forgotten too"
    );
}

#[tokio::test]
async fn a_fast_clock_times_payments_out_by_itself() {
    let sim = appswitch_simulator::Simulator::start(appswitch_simulator::SimConfig {
        time_scale: 6000.0,
        ..Default::default()
    })
    .await
    .unwrap();
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-fast-1", &cb.prefix)).await;
    // Five simulated minutes pass in 50 real milliseconds.
    let started = Instant::now();
    while cb.all().is_empty() && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(cb.all()[0].body["transactionInfo"]["status"], "REJECTED");
}
