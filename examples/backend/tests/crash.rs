//! `kill -9` of the real backend binary in the middle of payments loses
//! nothing: restarted on the same SQLite database, it still knows every
//! order, its watcher asks the provider about the ones that changed while
//! it was down (their callbacks went nowhere), and every payment settles
//! to the outcome the provider has.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use appswitch_core::status::{StatusDocument, StatusName};
use appswitch_simulator::{RunningSimulator, ShopperChoice, SimConfig, Simulator};
use serde_json::json;
use support::*;

struct Process {
    child: Child,
    url: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_backend(sim: &RunningSimulator, port: u16, db: &TempDb) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_appswitch-merchant-backend"))
        .args(["--port", &port.to_string()])
        .args(["--database", &db.url_string()])
        .args(["--watch-max-interval-secs", "1"])
        .args(["--checkouts-per-minute", "100000"])
        .args(["--status-requests-per-minute", "100000"])
        .envs(provider(sim).env_vars())
        .env("APPSWITCH_MERCHANT_KEY", MERCHANT_KEY)
        .env("RUST_LOG", "warn")
        .env_remove("APPSWITCH_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Process { child, url }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn checkout(http: &reqwest::Client, url: &str, basket: &str) -> Option<String> {
    let r = http
        .post(format!("{url}/api/checkout"))
        .json(&json!({"basketId": basket, "amount": 20000}))
        .send()
        .await
        .ok()?;
    let body: serde_json::Value = r.json().await.ok()?;
    body["orderId"].as_str().map(str::to_string)
}

async fn status(
    http: &reqwest::Client,
    url: &str,
    order_id: &str,
) -> (u16, Option<StatusDocument>) {
    match http
        .get(format!("{url}/api/payments/{order_id}/status"))
        .send()
        .await
    {
        Ok(r) => (r.status().as_u16(), r.json().await.ok()),
        Err(_) => (0, None),
    }
}

#[tokio::test]
async fn a_killed_backend_restarted_on_its_database_settles_every_payment_truly() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let db = TempDb::new();
    let port = free_port();
    let http = client();
    let first = spawn_backend(&sim, port, &db);
    let url = first.url.clone();

    // Checkouts keep coming, four at a time, until the backend dies under
    // them.
    let answered: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut shoppers = Vec::new();
    for worker in 0..4 {
        let (http, url, answered) = (http.clone(), url.clone(), answered.clone());
        shoppers.push(tokio::spawn(async move {
            for i in 0.. {
                match checkout(&http, &url, &format!("basket-{worker}-{i}")).await {
                    Some(id) => answered.lock().unwrap().push(id),
                    None => return,
                }
            }
        }));
    }
    eventually("twelve checkouts", || async {
        answered.lock().unwrap().len() >= 12
    })
    .await;
    let early: Vec<String> = answered.lock().unwrap()[..12].to_vec();
    // Decided while the backend runs: approved, rejected, refused cards.
    for id in &early[0..3] {
        sim.control()
            .shopper(id, ShopperChoice::Approve)
            .await
            .unwrap();
    }
    sim.control()
        .shopper(&early[3], ShopperChoice::Reject)
        .await
        .unwrap();
    sim.control()
        .shopper(&early[4], ShopperChoice::Fail)
        .await
        .unwrap();
    let (code, body) = {
        let r = http
            .post(format!("{url}/api/orders/{}/ship", early[0]))
            .bearer_auth(MERCHANT_KEY)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(code, 200, "{body}");

    // kill -9, with checkouts in flight.
    drop(first);
    for s in shoppers {
        s.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();

    // While it is down: decisions whose callbacks go nowhere.
    for id in &early[5..8] {
        sim.control()
            .shopper(id, ShopperChoice::Approve)
            .await
            .unwrap();
    }
    sim.control()
        .shopper(&early[8], ShopperChoice::Reject)
        .await
        .unwrap();

    let second = spawn_backend(&sim, port, &db);
    // After the restart: one more approval (its callback arrives), and ten
    // minutes pass at the provider — every undecided payment times out.
    sim.control()
        .shopper(&early[9], ShopperChoice::Approve)
        .await
        .unwrap();
    sim.control().advance(Duration::from_secs(11 * 60)).await;

    let mut truth: BTreeMap<String, StatusName> = sim
        .control()
        .orders()
        .into_iter()
        .map(|o| (o.order_id, o.status))
        .collect();
    // The refused card: its callback said `RESERVE_FAILED`; the
    // simulator's own view is derived from its details history, where the
    // refusal is an unsuccessful `RESERVE` — a fact the core does not let
    // move the state — so it names it `initiated`. The callback is the
    // truth here.
    truth.insert(early[4].clone(), StatusName::Failed);
    for id in &answered {
        assert!(
            truth.contains_key(id),
            "{id} was answered but the provider never heard of it"
        );
    }
    assert!(truth.len() >= answered.len());
    // The watcher settles them, with nobody asking: read the database the
    // restarted backend writes (no status request has been made yet).
    let store = appswitch_merchant_backend::open_store(&db.url())
        .await
        .unwrap();
    let mut stored = BTreeMap::new();
    for _ in 0..120 {
        stored.clear();
        for id in truth.keys() {
            let state = store
                .order(id)
                .await
                .unwrap()
                .map(|o| o.state.status.state().name());
            stored.insert(id.clone(), state);
        }
        if truth.iter().all(|(id, want)| stored[id] == Some(*want)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let unsettled: Vec<_> = truth
        .iter()
        .filter(|(id, want)| stored[*id] != Some(**want))
        .map(|(id, want)| (id, want, &stored[id]))
        .collect();
    assert!(
        unsettled.is_empty(),
        "the watcher did not settle: {unsettled:?}"
    );
    eprintln!(
        "{} checkouts answered before the kill, {} payments at the provider, {} orders stored",
        answered.len(),
        truth.len(),
        store.count_orders().await.unwrap()
    );
    // And the status endpoint says so.
    let mut last = BTreeMap::new();
    for _ in 0..120 {
        last.clear();
        for (id, want) in &truth {
            let (code, doc) = status(&http, &second.url, id).await;
            last.insert(id.clone(), (code, doc.map(|d| d.status), *want));
        }
        if last
            .values()
            .all(|(code, got, want)| *code == 200 && *got == Some(*want))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let wrong: Vec<_> = last
        .iter()
        .filter(|(_, (code, got, want))| !(*code == 200 && *got == Some(*want)))
        .collect();
    if !wrong.is_empty() {
        for (id, _) in &wrong {
            let view: serde_json::Value = http
                .get(format!("{}/api/orders/{id}", second.url))
                .bearer_auth(MERCHANT_KEY)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let sim_view = sim.control().order(id).unwrap();
            eprintln!(
                "{id}: backend {view:#}\nprovider {:?} {:?}",
                sim_view.status, sim_view.record
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "not settled to the provider's outcome: {wrong:?}"
    );
    // The outcomes are the ones chosen, not all the same.
    assert_eq!(truth[&early[0]], StatusName::Captured);
    assert_eq!(truth[&early[5]], StatusName::Reserved);
    assert_eq!(truth[&early[8]], StatusName::Cancelled);
    assert_eq!(truth[&early[4]], StatusName::Failed);
    assert_eq!(truth[&early[11]], StatusName::Rejected);
    let callbacks = sim.control().order(&early[5]).unwrap().record.callbacks;
    assert_ne!(
        callbacks[0].outcome,
        appswitch_simulator::CallbackOutcome::Delivered,
        "its callback was lost with the backend"
    );
}
