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
    shop.merchant_post(path, body, key).await
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
async fn a_capture_whose_answer_is_lost_is_confirmed_from_the_details() {
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
    // The read times out; the core's plan checks the details, finds the
    // capture made with its key, and is done — without a second capture.
    let (code, body) = call(&shop, &path, json!({}), Some("ship-b-stall-1")).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        (body["fromHistory"].as_bool(), body["amount"].as_u64()),
        (Some(true), Some(20000))
    );
    assert_eq!(body["status"]["status"], "captured");
    let view = shop.sim.control().order(&id).unwrap();
    assert_eq!(
        (
            view.record.captures,
            view.record.calls_to(Endpoint::Capture)
        ),
        (1, 1)
    );
    // The shop repeating the request with the same key changes nothing.
    let (code, body) = call(&shop, &path, json!({}), Some("ship-b-stall-1")).await;
    assert_eq!((code, body["fromHistory"].as_bool()), (200, Some(true)));
    let view = shop.sim.control().order(&id).unwrap();
    assert_eq!(view.record.calls_to(Endpoint::Capture), 1);
    let (code, body) = call(&shop, &path, json!({}), Some("not a key")).await;
    assert_eq!(code, 400, "{body}");
}

#[tokio::test]
async fn a_5xx_is_checked_then_retried_with_the_same_key() {
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
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["fromHistory"], false);
    let view = shop.sim.control().order(&id).unwrap();
    let captures: Vec<_> = view
        .record
        .calls
        .iter()
        .filter(|c| c.endpoint == Endpoint::Capture)
        .map(|c| (c.status, c.request_id.clone().unwrap()))
        .collect();
    assert_eq!(captures.len(), 2);
    assert_eq!((captures[0].0, captures[1].0), (500, 200));
    assert_eq!(captures[0].1, captures[1].1, "the same X-Request-Id");
    assert_eq!(view.record.captures, 1);
}

#[tokio::test]
async fn a_plan_that_gives_up_says_the_outcome_is_open() {
    let shop = shop().await;
    let id = reserved(&shop, "b-down").await;
    shop.sim
        .control()
        .set_order_faults(
            &id,
            serde_json::from_value(
                json!({"burst": {"status": 503, "count": 100, "endpoints": ["capture"]}}),
            )
            .unwrap(),
        )
        .unwrap();
    let (code, body) = call(&shop, &format!("/api/orders/{id}/ship"), json!({}), None).await;
    assert_eq!(code, 502, "{body}");
    assert_eq!(
        (body["class"].as_str(), body["providerStatus"].as_u64()),
        (Some("check-then-retry"), Some(503))
    );
    assert_eq!(body["codes"], json!(["99"]));
    let view = shop.sim.control().order(&id).unwrap();
    assert_eq!(
        view.record.calls_to(Endpoint::Capture),
        5,
        "the plan's max sends"
    );
    assert_eq!(view.record.captures, 0);
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
    let db = TempDb::new();
    let mut config = BackendConfig::new(provider(&sim), db.url());
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
    let db = TempDb::new();
    let mut config = BackendConfig::new(provider(&sim), db.url());
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
    let db = TempDb::new();
    let mut config = BackendConfig::new(provider(&sim), db.url());
    config.provider.base_url = "https://apitest.vipps.no".into();
    let e = Backend::start(config.clone()).await.unwrap_err();
    assert!(
        e.to_string().contains("callback prefix `http://127.0.0.1:"),
        "{e}"
    );
    config.callback_prefix = Some("https://shop.example.no/vipps/callbacks".into());
    assert!(Backend::start(config).await.is_ok());
}

#[tokio::test]
async fn a_second_reservation_for_a_shipped_basket_is_cancelled() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.long_poll_interval = Duration::from_millis(50);
        c.details_interval = Duration::from_millis(50);
    })
    .await;
    // Vipps eCom API "Exception handling" guide: the shopper approves, closes the app before coming back…
    let first = shop.checkout("b-twice").await;
    shop.sim
        .control()
        .set_order_faults(
            &first.order_id,
            Faults {
                user_closes_app: true,
                ..Faults::default()
            },
        )
        .unwrap();
    let out = shop
        .sim
        .control()
        .shopper(&first.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    assert_eq!(out.back, "appClosed");
    // … pays again for the same basket, and the goods ship for that one.
    let second = reserved(&shop, "b-twice").await;
    let (code, body) = call(
        &shop,
        &format!("/api/orders/{second}/ship"),
        json!({}),
        None,
    )
    .await;
    assert_eq!(code, 200, "{body}");
    // The first reservation is cancelled (by the watcher, from the clean-up
    // the basket's session stored), once; the shipped one is not.
    eventually("the first reservation to be cancelled", || async {
        shop.sim
            .control()
            .order(&first.order_id)
            .unwrap()
            .record
            .cancels
            > 0
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let first_view = shop.sim.control().order(&first.order_id).unwrap();
    assert_eq!(first_view.record.cancels, 1);
    assert_eq!(first_view.status, StatusName::Cancelled);
    let (_, doc) = shop.status(&first.order_id, None).await;
    assert_eq!(
        (doc.status, doc.cancelled_by),
        (StatusName::Cancelled, Some(CancelledBy::Merchant))
    );
    let second_view = shop.sim.control().order(&second).unwrap();
    assert_eq!(
        (second_view.record.cancels, second_view.status),
        (0, StatusName::Captured)
    );
}

#[tokio::test]
async fn a_late_reservation_after_the_goods_shipped_is_cancelled_when_it_comes() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.long_poll_interval = Duration::from_millis(50);
        c.details_interval = Duration::from_millis(50);
    })
    .await;
    let first = shop.checkout("b-late-dup").await;
    shop.sim
        .control()
        .set_order_faults(
            &first.order_id,
            Faults {
                reserve_late_ms: Some(60_000),
                ..Faults::default()
            },
        )
        .unwrap();
    shop.sim
        .control()
        .shopper(&first.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let second = reserved(&shop, "b-late-dup").await;
    let (code, _) = call(
        &shop,
        &format!("/api/orders/{second}/ship"),
        json!({}),
        None,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        shop.sim
            .control()
            .order(&first.order_id)
            .unwrap()
            .record
            .cancels,
        0
    );
    // A minute later the first one reserves: the session, still watching,
    // has it cancelled.
    shop.sim.control().advance(Duration::from_secs(60)).await;
    let mut cancels = 0;
    for _ in 0..200 {
        cancels = shop
            .sim
            .control()
            .order(&first.order_id)
            .unwrap()
            .record
            .cancels;
        if cancels > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(cancels, 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let view = shop.sim.control().order(&first.order_id).unwrap();
    assert_eq!(
        (view.record.cancels, view.status),
        (1, StatusName::Cancelled),
        "once"
    );
}

#[tokio::test]
async fn captures_share_the_orders_rate_window_across_requests() {
    // The provider allows five captures per order a minute (Vipps eCom API
    // guide, "Rate limiting"). Five partial captures in a row go through;
    // the sixth, a request of its own, waits for the window the five
    // filled instead of being sent into a 429.
    let shop = Arc::new(shop().await);
    let id = reserved(&shop, "b-six").await;
    for i in 0..5 {
        let (code, body) = call(
            &shop,
            &format!("/api/orders/{id}/ship"),
            json!({"amount": 1000}),
            Some(&format!("six-{i}")),
        )
        .await;
        assert_eq!(code, 200, "capture {i}: {body}");
    }
    let sixth = {
        let (shop, id) = (shop.clone(), id.clone());
        tokio::spawn(async move {
            call(
                &shop,
                &format!("/api/orders/{id}/ship"),
                json!({"amount": 1000}),
                Some("six-5"),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let view = shop.sim.control().order(&id).unwrap();
    let captures: Vec<_> = view
        .record
        .calls
        .iter()
        .filter(|c| c.endpoint == Endpoint::Capture)
        .collect();
    assert_eq!(captures.len(), 5, "the sixth waits: {captures:?}");
    assert!(captures.iter().all(|c| c.status == 200), "{captures:?}");
    assert!(!sixth.is_finished(), "still waiting for the window");
    sixth.abort();
}
