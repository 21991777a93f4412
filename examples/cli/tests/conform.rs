//! `appswitch conform` against the reference backend (which passes every
//! rule) and against backends that break the contract (which fail the
//! rules they break).

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use appswitch_merchant_backend::store::DatabaseUrl;
use appswitch_merchant_backend::{Backend, BackendConfig, ProviderConfig, demo_system_headers};
use appswitch_simulator::{SimConfig, Simulator};
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

/// Runs `appswitch ARGS` off the async runtime (it blocks on its own).
async fn conform(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_appswitch"))
            .arg("conform")
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn lines(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The rule's line: `PASS`, `FAIL` or `SKIP`.
fn verdict<'a>(text: &'a str, rule: &str) -> &'a str {
    text.lines()
        .find(|l| l.split_whitespace().nth(1) == Some(rule))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no line for `{rule}` in:\n{text}"))
}

const RULES: [&str; 8] = [
    "answers-json",
    "schema",
    "consistent",
    "answers-at-once",
    "long-poll-holds",
    "long-poll-woken",
    "rate-limit",
    "no-secrets",
];

#[tokio::test]
async fn the_reference_backend_keeps_the_contract() {
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let db = std::env::temp_dir().join(format!("appswitch-conform-{}.db", std::process::id()));
    let provider = ProviderConfig {
        base_url: sim.base_url().to_string(),
        client_id: appswitch_simulator::DEMO_CLIENT_ID.into(),
        client_secret: appswitch_simulator::DEMO_CLIENT_SECRET.into(),
        subscription_key: appswitch_simulator::DEMO_SUBSCRIPTION_KEY.into(),
        msn: appswitch_simulator::DEMO_MSN.parse().unwrap(),
        system: demo_system_headers(),
    };
    let mut config = BackendConfig::new(provider, DatabaseUrl::sqlite_file(&db));
    let clock = sim.clock();
    config.clock = Arc::new(move || clock.now());
    let backend = Backend::start(config).await.unwrap();
    let http = reqwest::Client::new();
    let checkout = |basket: &'static str| {
        let (http, url) = (http.clone(), backend.base_url().to_string());
        async move {
            let c: serde_json::Value = http
                .post(format!("{url}/api/checkout"))
                .json(&json!({"basketId": basket, "amount": 20000}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (
                c["statusUrl"].as_str().unwrap().to_string(),
                c["orderId"].as_str().unwrap().to_string(),
            )
        }
    };
    let (status_url, order_id) = checkout("b-conform").await;
    let wake = format!("{}/_sim/orders/{order_id}/shopper", sim.base_url());
    let out = conform(vec![
        status_url,
        "--wait".into(),
        "2".into(),
        "--wake-url".into(),
        wake,
        "--wake-body".into(),
        r#"{"choice": "approve"}"#.into(),
        "--secret".into(),
        appswitch_simulator::DEMO_CLIENT_SECRET.into(),
    ])
    .await;
    let text = lines(&out);
    eprintln!("{text}");
    for rule in RULES {
        assert_eq!(verdict(&text, rule), "PASS", "{rule}:\n{text}");
    }
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("8 passed, 0 failed, 0 skipped"), "{text}");

    // Without a wake hook the wake is not checked: skipped, exit 3.
    let (status_url, _) = checkout("b-conform-2").await;
    let out = conform(vec![status_url, "--wait".into(), "1".into()]).await;
    let text = lines(&out);
    assert_eq!(verdict(&text, "long-poll-woken"), "SKIP", "{text}");
    assert_eq!(verdict(&text, "long-poll-holds"), "PASS", "{text}");
    assert_eq!(out.status.code(), Some(3), "{text}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// A backend that answers at once, never says 429, and leaks a token.
async fn careless_backend(body: serde_json::Value) -> String {
    let body = Arc::new(body);
    let app = Router::new().route(
        "/status",
        get(move || {
            let body = body.clone();
            async move { axum::Json((*body).clone()).into_response() }
        }),
    );
    serve(app).await
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/status", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

#[tokio::test]
async fn a_backend_that_breaks_the_contract_fails_the_rules_it_breaks() {
    let url = careless_backend(json!({"version": 1, "orderId": "o-1", "provider": "vipps",
        "status": "initiated", "final": false, "authToken": "0123abcd",
        "landing": "https://pay.test/landing?token=eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"}))
    .await;
    let out = conform(vec![
        url,
        "--wait".into(),
        "1".into(),
        "--burst".into(),
        "50".into(),
    ])
    .await;
    let text = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(
        verdict(&text, "schema"),
        "PASS",
        "extra fields are allowed: {text}"
    );
    assert_eq!(verdict(&text, "long-poll-holds"), "FAIL", "{text}");
    assert!(text.contains("not held"), "{text}");
    assert_eq!(verdict(&text, "rate-limit"), "FAIL", "{text}");
    assert!(text.contains("no 429 after 50 requests"), "{text}");
    assert_eq!(verdict(&text, "no-secrets"), "FAIL", "{text}");
    assert!(text.contains("`/authToken` names a secret"), "{text}");
    assert!(
        text.contains("`/landing` holds a JWT-shaped value"),
        "{text}"
    );

    // A document the schema refuses, and one whose `final` contradicts it.
    let url = careless_backend(json!({"version": 1, "orderId": "o-1", "provider": "vipps",
        "status": "paid", "final": true}))
    .await;
    let text = lines(&conform(vec![url, "--burst".into(), "5".into()]).await);
    assert_eq!(verdict(&text, "schema"), "FAIL", "{text}");
    assert_eq!(verdict(&text, "consistent"), "FAIL", "{text}");
    let url = careless_backend(json!({"version": 1, "orderId": "o-1", "provider": "vipps",
        "status": "reserved", "final": false}))
    .await;
    let text = lines(&conform(vec![url, "--burst".into(), "5".into()]).await);
    assert_eq!(verdict(&text, "schema"), "FAIL", "{text}");
    assert_eq!(verdict(&text, "consistent"), "FAIL", "{text}");
}

#[tokio::test]
async fn a_429_needs_a_retry_after_and_a_long_poll_must_see_the_change() {
    // Holds the long poll until its time is up, whatever happens; says 429
    // without `Retry-After` from the fifth request on.
    let served = Arc::new(AtomicUsize::new(0));
    let app = Router::new().route(
        "/status",
        get({
            let served = served.clone();
            move |q: axum::extract::Query<std::collections::HashMap<String, String>>| {
                let served = served.clone();
                async move {
                    let n = served.fetch_add(1, Ordering::Relaxed);
                    if let Some(w) = q.get("wait").and_then(|w| w.parse::<u64>().ok()) {
                        tokio::time::sleep(Duration::from_secs(w)).await;
                    } else if n >= 4 {
                        return StatusCode::TOO_MANY_REQUESTS.into_response();
                    }
                    let mut r: Response = axum::Json(json!({"version": 1, "orderId": "o",
                        "provider": "vipps", "status": "initiated", "final": false}))
                    .into_response();
                    r.headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    r
                }
            }
        }),
    );
    let url = serve(app.clone()).await;
    let hook = {
        let hook = Router::new().route("/status", axum::routing::post(|| async { "ok" }));
        serve(hook).await
    };
    let out = conform(vec![
        url,
        "--wait".into(),
        "1".into(),
        "--wake-url".into(),
        hook,
    ])
    .await;
    let text = lines(&out);
    assert_eq!(verdict(&text, "long-poll-holds"), "PASS", "{text}");
    assert_eq!(verdict(&text, "long-poll-woken"), "FAIL", "{text}");
    assert!(text.contains("with the status unchanged"), "{text}");
    assert_eq!(verdict(&text, "rate-limit"), "FAIL", "{text}");
    assert!(text.contains("without `Retry-After`"), "{text}");
    assert_eq!(verdict(&text, "no-secrets"), "PASS", "{text}");
    assert_eq!(out.status.code(), Some(1));
}
