//! Two backend instances on one PostgreSQL serve the same orders: a
//! callback received by one wakes the long polls held by the other
//! (`LISTEN`/`NOTIFY`), both tell the same truth, and only one of them
//! asks the provider about a given order at a time.
//!
//! The server is a real PostgreSQL (`appswitch-test-postgres`: initdb in a
//! temp folder, `postgres -D … -p PORT -c listen_addresses=127.0.0.1`, as
//! the `postgres` user when the tests run as root); each test makes a
//! database of its own on it.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use appswitch_core::status::StatusName;
use appswitch_merchant_backend::store::DatabaseUrl;
use appswitch_merchant_backend::{Backend, BackendConfig, MerchantKey, RunningBackend};
use appswitch_simulator::{Faults, RunningSimulator, ShopperChoice, SimConfig, Simulator};
use appswitch_test_postgres::TempPostgres;
use support::*;

/// One server for the whole file (its watchdog stops it when the test
/// process ends); a database per test.
fn server() -> &'static TempPostgres {
    static PG: OnceLock<TempPostgres> = OnceLock::new();
    PG.get_or_init(|| TempPostgres::start().unwrap_or_else(|e| panic!("{e}")))
}

fn database(name: &str) -> DatabaseUrl {
    let url = server()
        .create_database(name)
        .unwrap_or_else(|e| panic!("{e}"));
    url.parse().unwrap()
}

async fn instance(
    sim: &RunningSimulator,
    provider_url: &str,
    db: &DatabaseUrl,
    tweak: impl FnOnce(&mut BackendConfig),
) -> RunningBackend {
    let mut config = BackendConfig::new(provider(sim), db.clone());
    config.provider.base_url = provider_url.to_string();
    config.merchant_key = Some(MerchantKey::new(MERCHANT_KEY).unwrap());
    let clock = sim.clock();
    config.clock = Arc::new(move || clock.now());
    config.limits.status_requests_per_minute = 1_000_000;
    tweak(&mut config);
    Backend::start(config).await.unwrap()
}

async fn status_of(
    http: &reqwest::Client,
    backend: &RunningBackend,
    order_id: &str,
    wait: u64,
) -> appswitch_core::status::StatusDocument {
    http.get(format!(
        "{}/api/payments/{order_id}/status?wait={wait}",
        backend.base_url()
    ))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

async fn checkout(http: &reqwest::Client, backend: &RunningBackend, basket: &str) -> String {
    let r = http
        .post(format!("{}/api/checkout", backend.base_url()))
        .json(&serde_json::json!({"basketId": basket, "amount": 20000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    body["orderId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_callback_received_by_one_instance_wakes_a_long_poll_held_by_the_other() {
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let db = database("wake");
    // Neither instance asks the provider while a long poll is held, nor
    // does its watcher: only a notification can end the long poll early.
    let quiet = |c: &mut BackendConfig| {
        c.long_poll_interval = Duration::from_secs(60);
        c.watch.first_check = Duration::from_secs(600);
    };
    let a = instance(&sim, sim.base_url(), &db, quiet).await;
    let b = instance(&sim, sim.base_url(), &db, quiet).await;
    let http = client();
    let id = checkout(&http, &a, "b-wake").await;
    let poller = {
        let (http, url) = (http.clone(), b.base_url().to_string());
        let id = id.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let doc: appswitch_core::status::StatusDocument = http
                .get(format!("{url}/api/payments/{id}/status?wait=20"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (doc, started.elapsed())
        })
    };
    // The long poll on B has started (its one details call is made).
    eventually("B's long poll to start", || async {
        sim.control()
            .order(&id)
            .unwrap()
            .record
            .calls_to(appswitch_simulator::Endpoint::Details)
            >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let approved = Instant::now();
    sim.control()
        .shopper(&id, ShopperChoice::Approve)
        .await
        .unwrap();
    assert_eq!(a.stats().callbacks_accepted(), 1, "A got the callback");
    assert_eq!(b.stats().callbacks_accepted(), 0, "B did not");
    let (doc, held) = tokio::time::timeout(Duration::from_secs(10), poller)
        .await
        .unwrap()
        .unwrap();
    let woken_after = approved.elapsed();
    assert_eq!(doc.status, StatusName::Reserved);
    assert!(
        held < Duration::from_secs(15),
        "woken, not timed out: {held:?}"
    );
    assert!(woken_after < Duration::from_secs(5), "{woken_after:?}");
    assert_eq!(
        sim.control()
            .order(&id)
            .unwrap()
            .record
            .calls_to(appswitch_simulator::Endpoint::Details),
        1,
        "woken by the notification, not by asking the provider"
    );
    // The same truth from both.
    let from_a = status_of(&http, &a, &id, 0).await;
    let from_b = status_of(&http, &b, &id, 0).await;
    assert_eq!(from_a, from_b);
}

#[tokio::test]
async fn only_one_instance_asks_the_provider_about_an_order_at_a_time() {
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        faults: Faults {
            drop_callback: true,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // Each details call takes 300 ms at the provider.
    let proxy = proxy::start(sim.base_url(), Duration::from_millis(300)).await;
    let db = database("lease");
    // As eager as configuration allows: no per-order interval, the watcher
    // checking every 100 ms.
    let eager = |c: &mut BackendConfig| {
        c.details_interval = Duration::ZERO;
        c.settled_details_interval = Duration::ZERO;
        c.long_poll_interval = Duration::from_millis(20);
        c.watch.first_check = Duration::from_millis(100);
        c.watch.max_interval = Duration::from_millis(100);
    };
    let a = Arc::new(instance(&sim, &proxy.url, &db, eager).await);
    let b = Arc::new(instance(&sim, &proxy.url, &db, eager).await);
    let http = client();
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(checkout(&http, if i % 2 == 0 { &a } else { &b }, &format!("b-{i}")).await);
    }
    // Twenty pollers per order, half on each instance, for three seconds.
    let served = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(3);
    let mut pollers = Vec::new();
    for id in &ids {
        for p in 0..20 {
            let backend = if p % 2 == 0 { a.clone() } else { b.clone() };
            let (http, id, served) = (http.clone(), id.clone(), served.clone());
            pollers.push(tokio::spawn(async move {
                while Instant::now() < until {
                    status_of(&http, &backend, &id, 1).await;
                    served.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
    }
    // Meanwhile one payment is approved (its callback is dropped): the
    // instances find it by asking.
    sim.control()
        .shopper(&ids[0], ShopperChoice::Approve)
        .await
        .unwrap();
    for p in pollers {
        p.await.unwrap();
    }
    let counts = proxy.counts();
    for id in &ids {
        let c = counts.get(id).copied().unwrap_or_default();
        assert_eq!(
            c.max_in_flight, 1,
            "{id}: two details calls at once ({c:?})"
        );
        assert!(c.total >= 2, "{id}: asked {} times", c.total);
        // Never sooner than 500 ms after the last answer: the provider's
        // 120 details calls a minute per order, kept across instances.
        let gap = c.min_gap.unwrap();
        assert!(
            gap >= Duration::from_millis(490),
            "{id}: asked again {gap:?} after an answer"
        );
    }
    assert!(
        served.load(Ordering::Relaxed) >= 60,
        "the pollers were served"
    );
    let from_a = status_of(&http, &a, &ids[0], 0).await;
    let from_b = status_of(&http, &b, &ids[0], 0).await;
    assert_eq!(from_a.status, StatusName::Reserved);
    assert_eq!(from_a, from_b, "the same truth from both");
}

#[tokio::test]
async fn two_watchers_share_the_queue_and_settle_every_order_once_at_a_time() {
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        faults: Faults {
            drop_callback: true,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let proxy = proxy::start(sim.base_url(), Duration::from_millis(50)).await;
    let db = database("watchers");
    let fast = |c: &mut BackendConfig| {
        c.watch.first_check = Duration::from_millis(100);
        c.watch.max_interval = Duration::from_millis(300);
        c.watch.idle_poll = Duration::from_millis(50);
        c.limits.checkouts_per_minute = 1000;
    };
    let a = instance(&sim, &proxy.url, &db, fast).await;
    let b = instance(&sim, &proxy.url, &db, fast).await;
    let http = client();
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(checkout(&http, if i % 2 == 0 { &a } else { &b }, &format!("w-{i}")).await);
    }
    for (i, id) in ids.iter().enumerate() {
        let choice = if i % 3 == 0 {
            ShopperChoice::Reject
        } else {
            ShopperChoice::Approve
        };
        sim.control().shopper(id, choice).await.unwrap();
    }
    // Nobody polls: the watchers find every outcome (the callbacks were
    // dropped).
    let store = appswitch_merchant_backend::open_store(&db).await.unwrap();
    eventually("every order settled", || async {
        for id in &ids {
            let o = store.order(id).await.unwrap().unwrap();
            if !o.state.status.is_final() {
                return false;
            }
        }
        true
    })
    .await;
    for (i, id) in ids.iter().enumerate() {
        let want = if i % 3 == 0 {
            StatusName::Cancelled
        } else {
            StatusName::Reserved
        };
        assert_eq!(status_of(&http, &a, id, 0).await.status, want, "{id}");
        assert_eq!(status_of(&http, &b, id, 0).await.status, want, "{id}");
        let c = proxy.counts().get(id).copied().unwrap_or_default();
        assert_eq!(c.max_in_flight, 1, "{id}: {c:?}");
    }
}
