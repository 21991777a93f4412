//! The status endpoint: long polls woken by callbacks, polling when the
//! callback is lost, the per-order cache under many pollers, and `429`s
//! in both directions.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use appswitch_core::status::StatusName;
use appswitch_simulator::{CallbackOutcome, Faults, ShopperChoice, SimConfig};
use serde_json::json;
use support::*;

#[tokio::test]
async fn a_callback_wakes_a_long_poll() {
    // The backend would not ask the provider again for a minute: only the
    // callback can end this long poll early.
    let shop = Arc::new(
        shop_with(SimConfig::default(), |c| {
            c.long_poll_interval = Duration::from_secs(60);
        })
        .await,
    );
    let c = shop.checkout("b-wake").await;
    let poller = {
        let shop = shop.clone();
        let id = c.order_id.clone();
        tokio::spawn(async move { shop.status(&id, Some(20)).await })
    };
    // Let the long poll start and make its one details call.
    while shop
        .sim
        .control()
        .order(&c.order_id)
        .unwrap()
        .record
        .calls
        .len()
        < 2
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let (code, doc) = tokio::time::timeout(Duration::from_secs(10), poller)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((code, doc.status), (200, StatusName::Reserved));
    assert_eq!(
        shop.details_calls(&c.order_id),
        1,
        "woken by the callback, not by a poll"
    );
}

#[tokio::test]
async fn a_lost_callback_is_made_up_for_by_polling() {
    let shop = Arc::new(
        shop_with(
            SimConfig {
                faults: Faults {
                    drop_callback: true,
                    ..Faults::default()
                },
                ..SimConfig::default()
            },
            |c| {
                c.long_poll_interval = Duration::from_millis(50);
                c.details_interval = Duration::from_millis(50);
            },
        )
        .await,
    );
    let c = shop.checkout("b-lost").await;
    let poller = {
        let shop = shop.clone();
        let id = c.order_id.clone();
        tokio::spawn(async move { shop.status(&id, Some(20)).await })
    };
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let (_, doc) = tokio::time::timeout(Duration::from_secs(10), poller)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.status, StatusName::Reserved);
    assert_eq!(shop.backend.stats().callbacks_accepted(), 0);
    let view = shop.sim.control().order(&c.order_id).unwrap();
    assert_eq!(view.record.callbacks[0].outcome, CallbackOutcome::Dropped);
    assert!(shop.details_calls(&c.order_id) >= 1);
}

/// After the payment window the details are read by the provider's rules
/// for what they leave undecided (Vipps eCom API guide, "Timeouts"): a
/// declined card not followed by another is failed, a payment nobody acted
/// on rejected — and that last check is made at once, whatever the
/// interval. With the callbacks lost, nothing else can tell the backend.
#[tokio::test]
async fn after_the_payment_window_a_lost_callback_no_longer_leaves_the_order_open() {
    let shop = shop_with(
        SimConfig {
            faults: Faults {
                drop_callback: true,
                ..Faults::default()
            },
            ..SimConfig::default()
        },
        |c| c.details_interval = Duration::from_secs(600),
    )
    .await;
    let declined = shop.checkout("b-window-declined").await;
    let idle = shop.checkout("b-window-idle").await;
    shop.sim
        .control()
        .shopper(&declined.order_id, ShopperChoice::Fail)
        .await
        .unwrap();
    // Inside the window a declined card is only a fact: the shopper may
    // still pay with another.
    for c in [&declined, &idle] {
        let (_, doc) = shop.status(&c.order_id, None).await;
        assert_eq!(doc.status, StatusName::Initiated, "{}", c.order_id);
    }
    let calls = shop.details_calls(&declined.order_id);
    shop.sim
        .control()
        .advance(Duration::from_secs(10 * 60 + 30))
        .await;
    let (_, doc) = shop.status(&declined.order_id, None).await;
    assert_eq!((doc.status, doc.is_final), (StatusName::Failed, true));
    assert_eq!(shop.details_calls(&declined.order_id), calls + 1);
    let (_, doc) = shop.status(&idle.order_id, None).await;
    assert_eq!((doc.status, doc.is_final), (StatusName::Rejected, true));
    assert_eq!(shop.backend.stats().callbacks_accepted(), 0);
}

/// A long poll held across the close of the payment window answers what
/// the last check decides: the client counts it as its final check.
#[tokio::test]
async fn a_long_poll_held_across_the_window_answers_the_last_check() {
    let shop = Arc::new(
        shop_with(
            SimConfig {
                faults: Faults {
                    drop_callback: true,
                    ..Faults::default()
                },
                ..SimConfig::default()
            },
            |c| c.long_poll_interval = Duration::from_secs(60),
        )
        .await,
    );
    let c = shop.checkout("b-held-across").await;
    let poller = {
        let shop = shop.clone();
        let id = c.order_id.clone();
        tokio::spawn(async move { shop.status(&id, Some(1)).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    shop.sim
        .control()
        .advance(Duration::from_secs(10 * 60 + 30))
        .await;
    let (_, doc) = poller.await.unwrap();
    assert_eq!((doc.status, doc.is_final), (StatusName::Rejected, true));
}

/// The one last check after the payment window waits for a check that is
/// out (here a stalled one of a request that gave up) instead of answering
/// the undecided status it knew before.
#[tokio::test]
async fn the_last_check_waits_for_a_check_that_is_out() {
    let shop = shop_with(
        SimConfig {
            faults: Faults {
                drop_callback: true,
                ..Faults::default()
            },
            ..SimConfig::default()
        },
        |_| {},
    )
    .await;
    let c = shop.checkout("b-last-waits").await;
    shop.sim
        .control()
        .set_order_faults(
            &c.order_id,
            Faults {
                drop_callback: true,
                stall: Some(appswitch_simulator::Stall {
                    ms: 800,
                    count: 1,
                    endpoints: vec![appswitch_simulator::Endpoint::Details],
                }),
                ..Faults::default()
            },
        )
        .unwrap();
    shop.sim
        .control()
        .advance(Duration::from_secs(10 * 60 + 30))
        .await;
    let gave_up = shop
        .http
        .get(shop.url(&format!("/api/payments/{}/status", c.order_id)))
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(gave_up.is_err(), "the stalled check outlasts the client");
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!((doc.status, doc.is_final), (StatusName::Rejected, true));
}

/// A client that gives up while its status request asks the provider (its
/// handler is dropped mid-call) leaves no lease behind: the next request
/// asks the provider again at once, instead of waiting out the lease.
#[tokio::test]
async fn a_client_that_gives_up_mid_check_does_not_block_the_next_check() {
    let shop = shop_with(
        SimConfig {
            faults: Faults {
                drop_callback: true,
                stall: Some(appswitch_simulator::Stall {
                    ms: 800,
                    count: 1,
                    endpoints: vec![appswitch_simulator::Endpoint::Details],
                }),
                ..Faults::default()
            },
            ..SimConfig::default()
        },
        |c| c.details_interval = Duration::from_millis(50),
    )
    .await;
    let c = shop.checkout("b-gives-up").await;
    let gave_up = shop
        .http
        .get(shop.url(&format!("/api/payments/{}/status", c.order_id)))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(gave_up.is_err(), "the stalled check outlasts the client");
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    // The stalled answer arrives; its check ends and gives its lease back.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(doc.status, StatusName::Reserved);
    assert_eq!(shop.details_calls(&c.order_id), 2);
}

/// A checkout whose order has `faults` (and a lost callback), approved by
/// the shopper.
async fn approved_with_faults(
    shop: &Shop,
    basket: &str,
    mut faults: serde_json::Value,
) -> appswitch_merchant_backend::CheckoutResponse {
    faults["dropCallback"] = json!(true);
    let c = shop.checkout(basket).await;
    let control = shop.sim.control();
    control
        .set_order_faults(&c.order_id, serde_json::from_value(faults).unwrap())
        .unwrap();
    control
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    c
}

/// A payment the provider did not know a moment ago (error 35, "Requested
/// Order not found": its initiate still being processed, a read racing
/// the create) is asked about again, backing off, until it is known: the
/// order settles to its true outcome. The watcher is kept out of it (its
/// first check an hour away), so the status requests alone must do it.
#[tokio::test]
async fn an_order_the_provider_did_not_know_yet_is_asked_again_until_known() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.details_interval = Duration::from_millis(20);
        c.watch.first_check = Duration::from_secs(3600);
        c.watch.max_interval = Duration::from_millis(400);
    })
    .await;
    let c = approved_with_faults(&shop, "b-unknown", json!({"unknownDetails": 3})).await;
    let mut requests = 0;
    loop {
        let (_, doc) = shop.status(&c.order_id, None).await;
        requests += 1;
        if doc.status == StatusName::Reserved {
            break;
        }
        assert!(requests < 100, "never settled: {:?}", doc.status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(shop.backend.stats().callbacks_accepted(), 0);
    let calls = shop.sim.control().order(&c.order_id).unwrap().record.calls;
    let details: Vec<_> = calls
        .iter()
        .filter(|k| k.endpoint == appswitch_simulator::Endpoint::Details)
        .collect();
    let unknown = details
        .iter()
        .filter(|k| k.fault.as_deref() == Some("unknown"))
        .count();
    assert_eq!(unknown, 3, "{details:?}");
    // Backing off: far fewer provider calls than status requests.
    assert_eq!(details.len(), 4, "{details:?}");
    assert!(requests > details.len(), "{requests} requests");
}

/// A `429` with `Retry-After` on details holds that order: neither the
/// watcher nor a status request asks the provider again inside the span
/// (Vipps eCom API guide, "Rate limiting"), and after it the order is read
/// as usual. The simulator's `429` says `Retry-After: 1`.
#[tokio::test]
async fn retry_after_on_details_holds_every_check_of_the_order() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.details_interval = Duration::from_millis(20);
        c.watch.first_check = Duration::from_millis(50);
        c.watch.max_interval = Duration::from_millis(100);
    })
    .await;
    let burst = json!({"burst": {"status": 429, "count": 1, "endpoints": ["details"]}});
    let c = approved_with_faults(&shop, "b-retry-after", burst).await;
    eventually("the first details call", || async {
        shop.details_calls(&c.order_id) >= 1
    })
    .await;
    let answered = std::time::Instant::now();
    let calls = shop.sim.control().order(&c.order_id).unwrap().record.calls;
    let first = calls
        .iter()
        .find(|k| k.endpoint == appswitch_simulator::Endpoint::Details)
        .unwrap();
    assert_eq!((first.status, first.fault.as_deref()), (429, Some("burst")));
    // Status requests and the watcher's checks all through the span (less
    // the time it took to see the 429).
    while answered.elapsed() < Duration::from_millis(850) {
        let r = shop.http.get(&c.status_url).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            shop.details_calls(&c.order_id),
            1,
            "asked again {:?} after a Retry-After of 1 s",
            answered.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eventually("the order is read again after the span", || async {
        shop.status(&c.order_id, None).await.1.status == StatusName::Reserved
    })
    .await;
    assert!(shop.details_calls(&c.order_id) >= 2);
}

#[tokio::test]
async fn a_long_poll_that_sees_no_change_answers_when_its_time_is_up() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.long_poll_interval = Duration::from_millis(100);
        c.details_interval = Duration::from_millis(100);
    })
    .await;
    let c = shop.checkout("b-idle").await;
    let (code, doc) = shop.status(&c.order_id, Some(1)).await;
    assert_eq!((code, doc.status), (200, StatusName::Initiated));
    // It was held, asking the provider while it waited (every 100 ms for
    // a second), within the cache interval.
    let calls = shop.details_calls(&c.order_id);
    assert!((2..=12).contains(&calls), "{calls}");
}

/// Many browsers poll one order as fast as they can: the provider never
/// sees more than its 120 details calls a minute.
#[tokio::test]
async fn many_pollers_never_exceed_the_providers_details_limit() {
    let shop = Arc::new(
        shop_with(SimConfig::default(), |c| {
            // No cache interval: only the per-order budget protects the provider.
            c.details_interval = Duration::ZERO;
            c.limits.status_requests_per_minute = 1_000_000;
        })
        .await,
    );
    let c = shop.checkout("b-many").await;
    let served = Arc::new(AtomicUsize::new(0));
    let mut pollers = Vec::new();
    for _ in 0..40 {
        let (shop, id, served) = (shop.clone(), c.order_id.clone(), served.clone());
        pollers.push(tokio::spawn(async move {
            for _ in 0..10 {
                let (code, doc) = shop.status(&id, None).await;
                assert_eq!((code, doc.status), (200, StatusName::Initiated));
                served.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for p in pollers {
        p.await.unwrap();
    }
    assert_eq!(served.load(Ordering::Relaxed), 400);
    let calls = shop.details_calls(&c.order_id);
    assert!(
        calls <= 120,
        "{calls} details calls for 400 status requests"
    );
    assert!(calls >= 1);
    let view = shop.sim.control().order(&c.order_id).unwrap();
    assert!(
        view.record.calls.iter().all(|c| c.status != 429),
        "the provider never had to refuse"
    );

    // With the default cache interval, a burst of pollers costs one call.
    let shop = Arc::new(
        shop_with(SimConfig::default(), |c| {
            c.limits.status_requests_per_minute = 1_000_000
        })
        .await,
    );
    let c = shop.checkout("b-cached").await;
    let mut pollers = Vec::new();
    for _ in 0..20 {
        let (shop, id) = (shop.clone(), c.order_id.clone());
        pollers.push(tokio::spawn(async move {
            for _ in 0..5 {
                shop.status(&id, None).await;
            }
        }));
    }
    for p in pollers {
        p.await.unwrap();
    }
    let calls = shop.details_calls(&c.order_id);
    assert!(
        calls <= 3,
        "{calls} details calls for 100 requests within the cache interval"
    );
}

#[tokio::test]
async fn a_client_that_overdoes_it_gets_429_with_retry_after() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.limits.status_requests_per_minute = 3;
        c.allowed_origins = vec!["http://127.0.0.1:5173".into()];
    })
    .await;
    let c = shop.checkout("b-greedy").await;
    for _ in 0..3 {
        assert_eq!(shop.status(&c.order_id, None).await.0, 200);
    }
    let r = shop
        .http
        .get(&c.status_url)
        .header("Origin", "http://127.0.0.1:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://127.0.0.1:5173"
    );
    assert_eq!(
        r.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase(),
        "retry-after"
    );
    // Another order is another allowance.
    let other = shop.checkout("b-greedy").await;
    assert_eq!(shop.status(&other.order_id, None).await.0, 200);
}

#[tokio::test]
async fn a_429_storm_at_the_provider_leaves_the_known_status_standing() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.details_interval = Duration::ZERO;
        // The watcher kept out: the requests alone ask.
        c.watch.first_check = Duration::from_secs(3600);
    })
    .await;
    let c = shop.checkout("b-storm").await;
    shop.sim.control().set_order_faults(&c.order_id, serde_json::from_value(json!({"burst": {"status": 429, "count": 3, "endpoints": ["details"]}, "dropCallback": true})).unwrap()).unwrap();
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    // One details call per request, each after the `Retry-After: 1` of
    // the 429 before it: the known status stands through the storm.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1050)).await;
        let r = shop.http.get(&c.status_url).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(
            r.headers()["x-appswitch-provider-problem"]
                .to_str()
                .unwrap()
                .contains("429")
        );
        let doc: appswitch_core::status::StatusDocument = r.json().await.unwrap();
        assert_eq!(doc.status, StatusName::Initiated);
    }
    tokio::time::sleep(Duration::from_millis(1050)).await;
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(doc.status, StatusName::Reserved, "the storm passed");
    assert_eq!(shop.details_calls(&c.order_id), 4);
}

#[tokio::test]
async fn cors_is_for_the_configured_origins_only() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.allowed_origins = vec!["http://localhost:3000".into()];
    })
    .await;
    let r = shop
        .http
        .request(reqwest::Method::OPTIONS, shop.url("/api/checkout"))
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    for origin in [
        "https://evil.example",
        "http://localhost:3001",
        "http://127.0.0.1:3000",
    ] {
        let r = shop
            .http
            .request(reqwest::Method::OPTIONS, shop.url("/api/orders/x/refund"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
            .await
            .unwrap();
        assert!(
            r.headers().get("access-control-allow-origin").is_none(),
            "{origin}"
        );
    }
}
