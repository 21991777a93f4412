//! A counting proxy in front of the simulator: every call passes through,
//! and the details calls are held a while and counted per order — how
//! many at once at most, and how many in all — so a test can see whether
//! two instances ever asked about one order at the same time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::response::Response;

/// Details calls of one order.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub in_flight: usize,
    pub max_in_flight: usize,
    pub total: usize,
    /// When the last call's answer went back.
    pub last_end: Option<std::time::Instant>,
    /// The shortest time from one call's answer to the next call.
    pub min_gap: Option<Duration>,
}

#[derive(Clone)]
struct Proxy {
    target: String,
    hold: Duration,
    http: reqwest::Client,
    counts: Arc<Mutex<HashMap<String, Counts>>>,
}

pub struct RunningProxy {
    pub url: String,
    counts: Arc<Mutex<HashMap<String, Counts>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningProxy {
    pub fn counts(&self) -> HashMap<String, Counts> {
        self.counts.lock().unwrap().clone()
    }
}

impl Drop for RunningProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn details_order(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/ecomm/v2/payments/")?;
    let (order, tail) = rest.split_once('/')?;
    (tail == "details").then(|| order.to_string())
}

async fn forward(State(p): State<Proxy>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_default();
    let order = details_order(&path);
    if let Some(o) = &order {
        let mut c = p.counts.lock().unwrap();
        let e = c.entry(o.clone()).or_default();
        e.in_flight += 1;
        e.total += 1;
        e.max_in_flight = e.max_in_flight.max(e.in_flight);
        if let Some(end) = e.last_end {
            let gap = end.elapsed();
            e.min_gap = Some(e.min_gap.map_or(gap, |g| g.min(gap)));
        }
    }
    if order.is_some() {
        tokio::time::sleep(p.hold).await;
    }
    let method = req.method().clone();
    let headers = req.headers().clone();
    let body = to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
    let mut out = p
        .http
        .request(method, format!("{}{path_and_query}", p.target))
        .body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            out = out.header(name, value);
        }
    }
    let answer = out.send().await;
    if let Some(o) = &order {
        let mut c = p.counts.lock().unwrap();
        let e = c.get_mut(o).unwrap();
        e.in_flight -= 1;
        e.last_end = Some(std::time::Instant::now());
    }
    let answer = answer.unwrap();
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(answer.bytes().await.unwrap_or_default()))
        .unwrap()
}

/// A proxy to `target` that holds every details call for `hold`.
pub async fn start(target: &str, hold: Duration) -> RunningProxy {
    let counts = Arc::new(Mutex::new(HashMap::new()));
    let state = Proxy {
        target: target.trim_end_matches('/').to_string(),
        hold,
        http: super::client(),
        counts: counts.clone(),
    };
    let app = Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    RunningProxy { url, counts, task }
}
