//! The checkout's initiate through appswitch-core's initiate plan: "The
//! initiate call is not idempotent" (Vipps eCom API guide, "Payment
//! retries"), so an `orderId` whose initiate may have gone through is never
//! sent again — the plan checks the order first, the shopper gets a new
//! `orderId`, and the backend follows (or gives up) the old one.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::Duration;

use appswitch_core::status::StatusName;
use appswitch_simulator::{Burst, Endpoint, Faults, ShopperChoice, SimConfig, Stall};
use serde_json::Value;
use support::*;

fn with_faults(faults: Faults) -> SimConfig {
    SimConfig {
        faults,
        ..SimConfig::default()
    }
}

/// The backend's history of an order, as the merchant reads it.
async fn history(shop: &Shop, order_id: &str) -> Vec<Value> {
    let (code, info) = shop.merchant_get(&format!("/api/orders/{order_id}")).await;
    assert_eq!(code, 200, "{info}");
    info["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_initiate_whose_answer_was_lost_is_followed_and_the_shopper_gets_a_new_order_id() {
    // The provider makes the payment but answers after the read timeout.
    let faults = Faults {
        stall: Some(Stall {
            ms: 1_500,
            count: 1,
            endpoints: vec![Endpoint::Initiate],
        }),
        ..Faults::default()
    };
    let shop = shop_with(with_faults(faults), |c| {
        c.read_timeout = Duration::from_millis(300);
        c.watch.first_check = Duration::from_millis(100);
    })
    .await;
    let c = shop.checkout("b-lost-answer").await;
    let at_provider: Vec<String> = shop
        .sim
        .control()
        .orders()
        .into_iter()
        .map(|o| o.order_id)
        .collect();
    assert_eq!(
        at_provider.len(),
        2,
        "the lost one and the new one: {at_provider:?}"
    );
    assert_eq!(
        at_provider.iter().filter(|id| **id == c.order_id).count(),
        1
    );
    let first = at_provider.iter().find(|id| **id != c.order_id).unwrap();
    // Each orderId was initiated once: the first was checked, not resent.
    for id in &at_provider {
        let view = shop.sim.control().order(id).unwrap();
        assert_eq!(view.record.calls_to(Endpoint::Initiate), 1, "{id}");
    }
    assert!(shop.details_calls(first) >= 1, "the plan checked it");
    let events = history(&shop, first).await;
    assert!(
        events.iter().any(|e| e["detail"]
            .as_str()
            .unwrap_or("")
            .contains("answer was lost")),
        "{events:?}"
    );
    // Somebody pays the lost one after all (a prefilled landing page): the
    // backend follows it and finds out.
    shop.sim
        .control()
        .shopper(first, ShopperChoice::Approve)
        .await
        .unwrap();
    let mut reserved = false;
    for _ in 0..200 {
        let (_, doc) = shop.status(first, None).await;
        if doc.status == StatusName::Reserved {
            reserved = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reserved, "the lost attempt's payment is known");
}

#[tokio::test]
async fn a_429_on_initiate_is_sent_again_with_the_same_order_id() {
    // 429 proves nothing was made: the same request again, after a backoff
    // (a second send within the minute the provider's limit allows: two
    // initiates per orderId a minute).
    let faults = Faults {
        burst: Some(Burst {
            status: 429,
            count: 1,
            endpoints: vec![Endpoint::Initiate],
        }),
        ..Faults::default()
    };
    let shop = shop_with(with_faults(faults), |_| {}).await;
    let c = shop.checkout("b-429").await;
    let orders = shop.sim.control().orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].order_id, c.order_id);
    let left = shop.sim.control().faults().burst.map_or(0, |b| b.count);
    assert_eq!(left, 0, "the 429 was answered");
    let attempts = shop
        .backend
        .backend()
        .store()
        .basket_orders("b-429")
        .await
        .unwrap();
    assert_eq!(attempts.len(), 1, "one orderId, sent again");
}

#[tokio::test]
async fn a_5xx_on_initiate_is_checked_then_a_new_order_id_goes_out() {
    // A 500 may or may not have made the payment: the plan checks the
    // order (here the provider has none) before giving its orderId up.
    let faults = Faults {
        burst: Some(Burst {
            status: 500,
            count: 1,
            endpoints: vec![Endpoint::Initiate],
        }),
        ..Faults::default()
    };
    let shop = shop_with(with_faults(faults), |_| {}).await;
    let c = shop.checkout("b-500").await;
    let orders = shop.sim.control().orders();
    assert_eq!(orders.len(), 1, "only the second orderId was made");
    assert_eq!(orders[0].order_id, c.order_id);
    // The first attempt is kept, its outcome open until its window ends:
    // a request still on its way could yet create it.
    let attempts = shop
        .backend
        .backend()
        .store()
        .basket_orders("b-500")
        .await
        .unwrap();
    assert_eq!(attempts.len(), 2);
    let first = &attempts[0];
    assert_ne!(first.order.order_id, c.order_id);
    assert!(!first.state.status.is_final(), "still followed");
    assert!(
        shop.sim.control().record().unknown_orders >= 1,
        "the plan checked the first"
    );
    let events = history(&shop, &first.order.order_id).await;
    assert!(
        events.iter().any(|e| e["detail"]
            .as_str()
            .unwrap_or("")
            .contains("outcome is unknown")),
        "{events:?}"
    );
}
