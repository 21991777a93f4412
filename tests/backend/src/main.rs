//! A scripted merchant backend for the binding tests.
//!
//! The browser (wasm-bindgen-test) and JVM (Kotlin) suites need a real HTTP
//! server on 127.0.0.1 whose answers they control exactly: a status document
//! after three polls, a `429` with `Retry-After`, a `503`, an answer slower
//! than the read timeout, a held long poll. A test posts a *script* for an
//! order, points the tracker at `/status/{order}`, and afterwards reads back
//! what the server saw.
//!
//! ```text
//! PUT  /script/{order}     body: [{"status":200,"body":{…},"delayMs":0,"headers":{"Retry-After":"1"}}, …]
//! GET  /status/{order}     the next step of the script (the last one repeats)
//! GET  /requests/{order}   [{"atMs":…, "wait":…, "answered":…}, …] what the server saw
//! POST /fallback/{order}   body: {"base": "…", "params": {"name": "value"}, "kind": "web"|"app"}
//!                          → {"url", "isApp", "expectation", "warnings"}: the
//!                          fallback a merchant backend builds with the core
//!                          (`kind` defaults to `web`); its attempt nonce is
//!                          the return token the backend issued, kept for the
//!                          return check (a new fallback makes the last stale)
//! GET  /return/{order}?attempt=NONCE
//!                          the return check (`appswitch_core::shopper::return_check`):
//!                          200 {"orderId", "statusUrl", "returnExpectation",
//!                          "initiatedAt"} for the nonce of the order's latest
//!                          fallback, else 403 {"code": "forged-return"}
//!                          (an unknown order answers alike)
//! GET  /checks/{order}     how many return checks were asked for the order
//! ```
//!
//! `answered` turns true when the answer was sent; it stays false for a
//! request the client gave up on before its `delayMs` was over (the
//! connection closed, so the server dropped the request).
//!
//! Every answer carries CORS headers (the browser tests run on another
//! port). The server binds `127.0.0.1:0` (or the port given as the first
//! argument) and prints `listening on http://127.0.0.1:PORT` as its first
//! line on stdout.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::return_check::ReturnCheck;
use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget, ReturnExpectation};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};

/// One scripted answer.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    /// HTTP status code.
    #[serde(default = "ok")]
    status: u16,
    /// The JSON body (omitted: empty body).
    #[serde(default)]
    body: Option<serde_json::Value>,
    /// A raw text body, used instead of `body` (for malformed answers).
    #[serde(default)]
    raw: Option<String>,
    /// How long to wait before answering.
    #[serde(default)]
    delay_ms: u64,
    /// Extra response headers.
    #[serde(default)]
    headers: HashMap<String, String>,
}

fn ok() -> u16 {
    200
}

/// What the server saw.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Seen {
    at_ms: u64,
    wait: Option<String>,
    answered: bool,
}

#[derive(Default)]
struct Order {
    script: Vec<Step>,
    next: usize,
    seen: Vec<Seen>,
    /// The latest fallback's expectation and when it was built: what the
    /// return check vouches for.
    issued: Option<(ReturnExpectation, u64)>,
    /// Return checks asked.
    checks: u32,
}

type Orders = Arc<Mutex<HashMap<String, Order>>>;

/// The orders, and the server's own base URL (for the status URLs the
/// return check names).
#[derive(Clone, Default)]
struct Shared {
    orders: Orders,
    base: Arc<String>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn cors(headers: &mut HeaderMap) {
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    headers.insert(
        "access-control-allow-methods",
        HeaderValue::from_static("GET, PUT, POST, OPTIONS"),
    );
    headers.insert(
        "access-control-allow-headers",
        HeaderValue::from_static("*"),
    );
    headers.insert(
        "access-control-expose-headers",
        HeaderValue::from_static("retry-after"),
    );
}

fn with_cors(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    cors(r.headers_mut());
    r
}

async fn set_script(
    State(Shared { orders, .. }): State<Shared>,
    Path(order): Path<String>,
    body: String,
) -> Response {
    match serde_json::from_str::<Vec<Step>>(&body) {
        Ok(script) if !script.is_empty() => {
            let mut map = orders.lock().unwrap_or_else(|p| p.into_inner());
            let o = map.entry(order).or_default();
            (o.script, o.next, o.seen) = (script, 0, Vec::new());
            with_cors(StatusCode::NO_CONTENT, String::new())
        }
        Ok(_) => with_cors(
            StatusCode::BAD_REQUEST,
            "script must have at least one step".into(),
        ),
        Err(e) => with_cors(StatusCode::BAD_REQUEST, format!("bad script: {e}")),
    }
}

async fn status(
    State(Shared { orders, .. }): State<Shared>,
    Path(order): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (step, index) = {
        let mut map = orders.lock().unwrap_or_else(|p| p.into_inner());
        let Some(o) = map.get_mut(&order).filter(|o| !o.script.is_empty()) else {
            return with_cors(
                StatusCode::NOT_FOUND,
                format!("no script for order {order}"),
            );
        };
        o.seen.push(Seen {
            at_ms: now_ms(),
            wait: q.get("wait").cloned(),
            answered: false,
        });
        let i = o.next.min(o.script.len() - 1);
        o.next += 1;
        (o.script[i].clone(), o.seen.len() - 1)
    };
    if step.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(step.delay_ms)).await;
    }
    // Not reached when the client closed the connection during the delay:
    // the server drops this future, and `answered` stays false.
    if let Some(seen) = orders
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_mut(&order)
        .and_then(|o| o.seen.get_mut(index))
    {
        seen.answered = true;
    }
    let body = step
        .raw
        .clone()
        .or_else(|| step.body.as_ref().map(|b| b.to_string()))
        .unwrap_or_default();
    let code = StatusCode::from_u16(step.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = (code, body).into_response();
    let h = r.headers_mut();
    if step.body.is_some() {
        h.insert("content-type", HeaderValue::from_static("application/json"));
    }
    for (k, v) in &step.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::try_from(k.as_str()),
            HeaderValue::try_from(v.as_str()),
        ) {
            h.insert(k, v);
        }
    }
    cors(h);
    r
}

async fn requests(
    State(Shared { orders, .. }): State<Shared>,
    Path(order): Path<String>,
) -> Response {
    let map = orders.lock().unwrap_or_else(|p| p.into_inner());
    let seen = map.get(&order).map(|o| o.seen.clone()).unwrap_or_default();
    let mut r = with_cors(
        StatusCode::OK,
        serde_json::to_string(&seen).unwrap_or_else(|_| "[]".into()),
    );
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

/// What a page or app asks `/fallback/{order}` for.
#[derive(Debug, Deserialize)]
struct FallbackAsk {
    base: String,
    #[serde(default)]
    params: std::collections::BTreeMap<String, String>,
    /// `web` (the default) or `app`.
    #[serde(default)]
    kind: Option<String>,
}

/// Builds the fallback of `order` as a merchant backend does: with the
/// core, where the payment is initiated (never in the browser); keeps its
/// expectation for the return check.
async fn fallback(
    State(Shared { orders, .. }): State<Shared>,
    Path(order): Path<String>,
    body: String,
) -> Response {
    let ask: FallbackAsk = match serde_json::from_str(&body) {
        Ok(ask) => ask,
        Err(e) => return with_cors(StatusCode::BAD_REQUEST, format!("bad fallback ask: {e}")),
    };
    let (platform, target) = match ask.kind.as_deref() {
        None | Some("web") => (Platform::MobileWeb, FallbackTarget::Web { base: ask.base }),
        Some("app") => (Platform::Android, FallbackTarget::App { base: ask.base }),
        Some(other) => {
            return with_cors(
                StatusCode::BAD_REQUEST,
                format!("bad fallback kind `{other}` (web or app)"),
            );
        }
    };
    let mut spec = FallbackSpec::new(platform, target, order.clone());
    for (name, value) in ask.params {
        spec = spec.with_param(name, value);
    }
    let mut random = [0u8; AttemptNonce::RANDOM_BYTES];
    if let Err(e) = getrandom::fill(&mut random) {
        return with_cors(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("no randomness: {e}"),
        );
    }
    match spec.build(AttemptNonce::from_random(random)) {
        Ok(built) => {
            let mut map = orders.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(order).or_default().issued = Some((built.expectation.clone(), now_ms()));
            with_cors(
                StatusCode::OK,
                serde_json::to_string(&built).unwrap_or_default(),
            )
        }
        Err(e) => with_cors(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

/// `?attempt=NONCE`.
#[derive(Debug, Deserialize)]
struct AttemptQuery {
    #[serde(default)]
    attempt: Option<String>,
}

/// The return check: vouches for the nonce of the order's latest fallback
/// (compared in constant time), refuses anything else alike.
async fn return_check(
    State(Shared { orders, base }): State<Shared>,
    Path(order): Path<String>,
    Query(q): Query<AttemptQuery>,
) -> Response {
    let issued = {
        let mut map = orders.lock().unwrap_or_else(|p| p.into_inner());
        let o = map.entry(order.clone()).or_default();
        o.checks += 1;
        o.issued.clone()
    };
    let attempt = q.attempt.unwrap_or_default();
    let Some((expectation, built_at)) = issued.filter(|(e, _)| e.nonce.matches(&attempt)) else {
        let body = r#"{"error":"this return does not belong to a payment attempt of this shop","code":"forged-return"}"#;
        return with_cors(StatusCode::FORBIDDEN, body.into());
    };
    let check = ReturnCheck {
        status_url: format!("{base}/status/{order}"),
        order_id: order,
        return_expectation: expectation,
        initiated_at: Some(Timestamp::from_millis(built_at)),
        status: None,
    };
    let mut r = with_cors(
        StatusCode::OK,
        serde_json::to_string(&check).unwrap_or_default(),
    );
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

async fn checks(
    State(Shared { orders, .. }): State<Shared>,
    Path(order): Path<String>,
) -> Response {
    let map = orders.lock().unwrap_or_else(|p| p.into_inner());
    let n = map.get(&order).map_or(0, |o| o.checks);
    with_cors(StatusCode::OK, n.to_string())
}

async fn preflight(method: Method) -> Response {
    let _ = method;
    with_cors(StatusCode::NO_CONTENT, String::new())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let shared = Shared {
        orders: Orders::default(),
        base: Arc::new(format!("http://{}", listener.local_addr()?)),
    };
    let app = Router::new()
        .route(
            "/script/{order}",
            put(set_script).post(set_script).options(preflight),
        )
        .route("/status/{order}", get(status).options(preflight))
        .route("/requests/{order}", get(requests).options(preflight))
        .route(
            "/fallback/{order}",
            axum::routing::post(fallback).options(preflight),
        )
        .route("/return/{order}", get(return_check).options(preflight))
        .route("/checks/{order}", get(checks).options(preflight))
        .with_state(shared);
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
