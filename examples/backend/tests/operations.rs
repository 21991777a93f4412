//! Shipping (capture), cancel and refund through the backend, idempotency
//! across a read timeout, and the access token's refresh.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::status::{CancelledBy, StatusName};
use appswitch_merchant_backend::{Backend, BackendConfig, MutationAnswer, SystemClock};
use appswitch_simulator::{Endpoint, Faults, ShopperChoice, SimConfig, Simulator, Stall};
use serde_json::{Value, json};
use support::*;

async fn reserved(shop: &Shop, basket: &str) -> String {
    let c = shop.checkout(basket).await;
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    c.order_id
}

async fn call(shop: &Shop, path: &str, body: Value, key: Option<&str>) -> (u16, Value) {
    let mut r = shop.http.post(shop.url(path)).json(&body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn shipping_captures_and_the_core_rules_guard_every_operation() {
    let shop = shop().await;
    let id = reserved(&shop, "b-ship").await;
    // A partial shipment, then the rest.
    let (code, body) = call(
        &shop,
        &format!("/api/orders/{id}/ship"),
        json!({"amount": 5000}),
        None,
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let answer: MutationAnswer = serde_json::from_value(body).unwrap();
    assert_eq!(
        (answer.status.status, answer.amount.minor()),
        (StatusName::Captured, 5000)
    );
    assert_eq!(answer.status.amounts.captured.minor(), 5000);
    // The core refuses a capture above what remains: no call is made.
    let (code, body) = call(
        &shop,
        &format!("/api/orders/{id}/ship"),
        json!({"amount": 15001}),
        None,
    )
    .await;
    assert_eq!(code, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("15000 øre that remain"),
        "{body}"
    );
    // And a cancel after a capture.
    let (code, _) = call(&shop, &format!("/api/orders/{id}/cancel"), json!({}), None).await;
    assert_eq!(code, 409);
    let (code, _) = call(&shop, &format!("/api/orders/{id}/ship"), json!({}), None).await;
    assert_eq!(code, 200);
    let (code, body) = call(
        &shop,
        &format!("/api/orders/{id}/refund"),
        json!({"amount": 2000, "text": "One sock was missing"}),
        None,
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["status"]["status"], "refunded");
    let view = shop.sim.control().order(&id).unwrap();
    assert_eq!(
        (
            view.record.captures,
            view.record.refunds,
            view.record.cancels
        ),
        (2, 1, 0)
    );
    assert_eq!(
        view.record.calls_to(Endpoint::Capture),
        2,
        "the refused ones never reached the provider"
    );

    // Cancel a reservation.
    let id = reserved(&shop, "b-cancel").await;
    let (code, body) = call(
        &shop,
        &format!("/api/orders/{id}/cancel"),
        Value::Null,
        None,
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let (_, doc) = shop.status(&id, None).await;
    assert_eq!(
        (doc.status, doc.cancelled_by),
        (StatusName::Cancelled, Some(CancelledBy::Merchant))
    );
    let (code, _) = call(&shop, "/api/orders/nope/ship", json!({}), None).await;
    assert_eq!(code, 404);
    let (code, body) = call(
        &shop,
        &format!("/api/orders/{id}/ship"),
        json!({"colour": 1}),
        None,
    )
    .await;
    assert_eq!(code, 400, "{body}");
}

#[tokio::test]
async fn a_capture_whose_answer_is_lost_is_repeated_safely_with_its_key() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.read_timeout = Duration::from_millis(300)
    })
    .await;
    let id = reserved(&shop, "b-stall").await;
    shop.sim
        .control()
        .set_order_faults(
            &id,
            Faults {
                stall: Some(Stall {
                    ms: 1000,
                    count: 1,
                    endpoints: vec![Endpoint::Capture],
                }),
                ..Faults::default()
            },
        )
        .unwrap();
    let path = format!("/api/orders/{id}/ship");
    let (code, body) = call(&shop, &path, json!({}), Some("ship-b-stall-1")).await;
    assert_eq!(code, 502, "{body}");
    assert_eq!(
        body["class"], "check-then-retry",
        "the outcome is unknown: {body}"
    );
    // The shop repeats the request with the same key: the details show the
    // capture made with it, so it is not sent again.
    let (code, body) = call(&shop, &path, json!({}), Some("ship-b-stall-1")).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        (body["idempotencyKey"].as_str(), body["repeated"].as_bool()),
        (Some("ship-b-stall-1"), Some(true))
    );
    assert_eq!(body["status"]["status"], "captured");
    assert_eq!(body["amount"], 20000);
    let view = shop.sim.control().order(&id).unwrap();
    assert_eq!(
        (
            view.record.captures,
            view.record.calls_to(Endpoint::Capture)
        ),
        (1, 1)
    );
    assert_eq!(
        view.record
            .calls
            .iter()
            .find(|c| c.endpoint == Endpoint::Capture)
            .unwrap()
            .request_id
            .as_deref(),
        Some("ship-b-stall-1")
    );

    // A repeat of a request that was answered is answered the same way.
    let id = reserved(&shop, "b-stall-2").await;
    let path = format!("/api/orders/{id}/ship");
    let (code, _) = call(&shop, &path, json!({"amount": 100}), Some("k2")).await;
    assert_eq!(code, 200);
    let (code, body) = call(&shop, &path, json!({"amount": 100}), Some("k2")).await;
    assert_eq!((code, body["repeated"].as_bool()), (200, Some(true)));
    assert_eq!(shop.sim.control().order(&id).unwrap().record.captures, 1);
}

#[tokio::test]
async fn provider_errors_come_back_classified() {
    let shop = shop().await;
    let id = reserved(&shop, "b-err").await;
    shop.sim
        .control()
        .set_order_faults(
            &id,
            serde_json::from_value(
                json!({"burst": {"status": 500, "count": 1, "endpoints": ["capture"]}}),
            )
            .unwrap(),
        )
        .unwrap();
    let (code, body) = call(&shop, &format!("/api/orders/{id}/ship"), json!({}), None).await;
    assert_eq!(code, 502);
    assert_eq!(
        (body["class"].as_str(), body["providerStatus"].as_u64()),
        (Some("check-then-retry"), Some(500))
    );
    assert_eq!(body["codes"], json!(["99"]));
}

#[tokio::test]
async fn the_token_is_refreshed_before_it_expires() {
    let shop = shop().await;
    let first = shop.checkout("b-token").await;
    assert_eq!(shop.sim.control().record().tokens_issued, 1);
    shop.status(&first.order_id, None).await;
    assert_eq!(shop.sim.control().record().tokens_issued, 1, "cached");
    // 59 minutes later the core's needs_refresh (one minute's margin) says: fetch anew.
    shop.sim
        .control()
        .advance(Duration::from_secs(59 * 60))
        .await;
    shop.checkout("b-token").await;
    let record = shop.sim.control().record();
    assert_eq!(
        (record.tokens_issued, record.unauthorized),
        (2, 0),
        "refreshed before any 401"
    );
}

#[tokio::test]
async fn a_token_the_provider_refuses_is_fetched_again_once() {
    // The backend's clock does not move with the simulator's: it cannot
    // know the token expired, and learns it from the 401.
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut config = BackendConfig::new(provider(&sim));
    config.clock = Arc::new(SystemClock);
    let backend = Backend::start(config).await.unwrap();
    let http = client();
    let checkout = |basket: &'static str| {
        let http = http.clone();
        let url = format!("{}/api/checkout", backend.base_url());
        async move {
            http.post(url)
                .json(&json!({"basketId": basket, "amount": 100}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(checkout("b-1").await, 200);
    sim.control().advance(Duration::from_secs(2 * 3600)).await;
    assert_eq!(checkout("b-2").await, 200);
    let record = sim.control().record();
    assert_eq!((record.tokens_issued, record.unauthorized), (2, 1));
}

#[tokio::test]
async fn an_unreachable_provider_is_a_retry_later() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let mut config = BackendConfig::new(provider(&sim));
    config.provider.base_url = "http://127.0.0.1:1".into();
    config.callback_prefix = Some(format!("http://127.0.0.1:{}/cb", 8080));
    let backend = Backend::start(config).await.unwrap();
    let r = client()
        .post(format!("{}/api/checkout", backend.base_url()))
        .json(&json!({"basketId": "b", "amount": 100}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 502);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["class"], "retry-later", "{body}");
}

#[tokio::test]
async fn a_real_provider_needs_a_public_https_callback_prefix() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let mut config = BackendConfig::new(provider(&sim));
    config.provider.base_url = "https://apitest.vipps.no".into();
    let e = Backend::start(config.clone()).await.unwrap_err();
    assert!(
        e.to_string().contains("callback prefix `http://127.0.0.1:"),
        "{e}"
    );
    config.callback_prefix = Some("https://shop.example.no/vipps/callbacks".into());
    assert!(Backend::start(config).await.is_ok());
}
