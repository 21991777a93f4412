//! # appswitch-merchant-backend
//!
//! The demo shop's backend: the only part that holds the provider's keys
//! and talks to the provider. Browsers and apps ask it — never the
//! provider — for the status of a payment.
//!
//! ## API for the shop page and the apps (JSON; CORS for `127.0.0.1` and `localhost` origins)
//!
//! | request | body | answer |
//! |---|---|---|
//! | `POST /api/checkout` | [`CheckoutRequest`]: `{"basketId", "amount", "platform"?, "fallback"?, "isApp"?, "express"?, "transactionText"?, "mobileNumber"?}` | [`CheckoutResponse`]: `orderId`, `url` (landing page or deeplink), `deeplink` (classified, with deadlines), `initiatedAt`, `statusUrl`, `fallbackUrl`, `returnExpectation` |
//! | `GET /api/payments/{orderId}/status[?wait=N]` | | appswitch's [`StatusDocument`](appswitch_core::status::StatusDocument); held up to `N` s (max [`BackendConfig::long_poll_max`]) while undecided, woken by callbacks; `404` + an `unknown` document for an unknown order; `429` + `Retry-After` past [`BackendConfig::client_requests_per_minute`] |
//! | `GET /api/orders/{orderId}` | | [`OrderInfo`]: basket, amount, deeplink, return expectation, status |
//! | `POST /api/orders/{orderId}/ship` | `{"amount"?, "text"?}`, header `Idempotency-Key`? | [`MutationAnswer`]: captures (all that remains, or `amount`) |
//! | `POST /api/orders/{orderId}/cancel` | `{"text"?}` | [`MutationAnswer`] |
//! | `POST /api/orders/{orderId}/refund` | `{"amount", "text"?}` | [`MutationAnswer`] |
//!
//! Errors are `{"error", "class"?, "providerStatus"?, "codes"?}` ([`ApiError`]):
//! `400` bad input (naming the field and rule), `404` unknown order, `409`
//! an amount rule of the core, `502` the provider failed (with the core's
//! classification: `retry-later`, `check-then-retry`, `final`,
//! `new-order-id`).
//!
//! ## Endpoints the provider calls
//!
//! - `POST /vipps/callbacks/v2/payments/{orderId}`: the callback, its
//!   `Authorization` checked against the order's `authToken` with the
//!   core's constant-time check; it wakes the order's long polls.
//! - `DELETE /vipps/consents/v2/consents/{userId}` (express).
//!
//! ## Pages
//!
//! `GET /` and `GET /return` (the fallback page) serve
//! [`BackendConfig::static_dir`] (`index.html`, `return.html`) or a
//! minimal built-in page; every other path is a file of that directory.

mod api;
mod config;
mod orders;
mod pages;
mod plans;
mod provider;
mod util;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::checkout::{CheckoutSession, SessionAction};
use appswitch_core::shopper::url::{UrlKind, check_local_callback_prefix, check_url};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{delete, get, post};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

pub use api::{
    ApiError, CheckoutRequest, CheckoutResponse, FallbackChoice, MutationAnswer, MutationBody,
    OrderInfo,
};
pub use config::{
    BackendConfig, Clock, ConfigError, ProviderConfig, SystemClock, demo_system_headers,
};
pub use plans::MutationError;
pub use provider::{ProviderError, RawAnswer, VippsClient};

use orders::{Monotonic, Order, Orders};

/// Counters of what the backend received, for tests and logs.
#[derive(Debug, Default)]
pub struct Stats {
    callbacks_accepted: AtomicU64,
    callbacks_refused: AtomicU64,
}

impl Stats {
    fn callback_accepted(&self) {
        self.callbacks_accepted.fetch_add(1, Ordering::Relaxed);
    }
    fn callback_refused(&self) {
        self.callbacks_refused.fetch_add(1, Ordering::Relaxed);
    }
    /// Callbacks whose `Authorization` matched.
    pub fn callbacks_accepted(&self) -> u64 {
        self.callbacks_accepted.load(Ordering::Relaxed)
    }
    /// Callbacks refused for their `Authorization`.
    pub fn callbacks_refused(&self) -> u64 {
        self.callbacks_refused.load(Ordering::Relaxed)
    }
}

/// The backend's state.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) config: BackendConfig,
    pub(crate) client: VippsClient,
    pub(crate) orders: Orders,
    pub(crate) mono: Monotonic,
    pub(crate) public_url: String,
    pub(crate) callback_prefix: String,
    pub(crate) stats: Arc<Stats>,
    /// Basket → the core's checkout session of its attempts.
    sessions: Mutex<HashMap<String, CheckoutSession>>,
}

impl App {
    /// Refreshes `order` from the provider as the cache allows.
    pub(crate) async fn refresh(&self, order: &Order) {
        let interval = if order.status().is_final() {
            self.config.settled_details_interval
        } else {
            self.config.details_interval
        };
        order.refresh(&self.client, interval, &self.mono).await;
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, CheckoutSession>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new attempt for `basket_id`.
    pub(crate) fn start_attempt(&self, basket_id: &str, order_id: &str, at: Timestamp) {
        let mut sessions = self.sessions();
        let session = sessions
            .entry(basket_id.to_string())
            .or_insert_with(|| plans::new_session(basket_id));
        // An orderId is new for every attempt: this cannot be a duplicate.
        let _ = session.start_attempt(order_id, at);
    }

    /// Tells the basket's session what is known of each attempt; the
    /// actions it hands out.
    pub(crate) fn observe_basket(&self, basket_id: &str) -> Vec<SessionAction> {
        let now = self.config.clock.now();
        let attempts = self.orders.for_basket(basket_id);
        let mut sessions = self.sessions();
        let Some(session) = sessions.get_mut(basket_id) else {
            return Vec::new();
        };
        for order in attempts {
            let _ = session.observe(&order.order_id, &order.status(), now);
        }
        std::iter::from_fn(|| session.next_action()).collect()
    }

    /// The goods of `order_id` were issued (shipped): the session learns
    /// its latest facts first, then that.
    pub(crate) fn observe_basket_and_issue(&self, basket_id: &str, order_id: &str) {
        let now = self.config.clock.now();
        let status = self.orders.get(order_id).map(|o| o.status());
        if let (Some(session), Some(status)) = (self.sessions().get_mut(basket_id), status) {
            let _ = session.observe(order_id, &status, now);
            let _ = session.goods_issued(order_id, now);
        }
    }

    /// The baskets whose sessions still watch an attempt.
    pub(crate) fn watched_baskets(&self) -> Vec<String> {
        let now = self.config.clock.now();
        self.sessions()
            .iter()
            .filter(|(_, s)| !s.watch(now).is_empty())
            .map(|(basket, _)| basket.clone())
            .collect()
    }

    /// The attempts of `basket_id` its session still watches.
    pub(crate) fn watched_in(&self, basket_id: &str) -> Vec<String> {
        let now = self.config.clock.now();
        self.sessions()
            .get(basket_id)
            .map(|s| s.watch(now).into_iter().map(|w| w.order_id).collect())
            .unwrap_or_default()
    }
}

/// Why the backend could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be made.
    #[error("cannot make the provider client: {0}")]
    Http(#[from] reqwest::Error),
}

/// The merchant backend.
#[derive(Debug)]
pub struct Backend;

impl Backend {
    /// Binds `config.addr` and serves until the returned handle is
    /// dropped. Needs a Tokio runtime.
    pub async fn start(config: BackendConfig) -> Result<RunningBackend, StartError> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_string();
        let callback_prefix = config
            .callback_prefix
            .clone()
            .unwrap_or_else(|| format!("{public_url}/vipps/callbacks"));
        let checked = if config.provider.is_local() {
            check_local_callback_prefix(&callback_prefix)
        } else {
            check_url(UrlKind::Callback, &callback_prefix)
        };
        checked.map_err(|reason| ConfigError::CallbackPrefix {
            url: callback_prefix.clone(),
            reason,
        })?;
        let client = VippsClient::new(
            config.provider.clone(),
            config.clock.clone(),
            config.connect_timeout,
            config.read_timeout,
        )?;
        let stats = Arc::new(Stats::default());
        let app = Arc::new(App {
            client,
            orders: Orders::default(),
            mono: Monotonic::new(),
            public_url: public_url.clone(),
            callback_prefix,
            stats: stats.clone(),
            sessions: Mutex::new(HashMap::new()),
            config,
        });
        let watcher = tokio::spawn(plans::watch(app.clone(), app.config.long_poll_interval));
        let router = router(app);
        let server = tokio::spawn(async move {
            // Serving ends only when the task is aborted.
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        Ok(RunningBackend {
            addr,
            base_url: public_url,
            stats,
            tasks: [server, watcher],
        })
    }
}

/// Whether a browser origin is on this machine: `http(s)://127.0.0.1[:port]`
/// or `http(s)://localhost[:port]`.
fn is_local_origin(origin: &HeaderValue) -> bool {
    let Ok(o) = origin.to_str() else {
        return false;
    };
    let Some(rest) = o
        .strip_prefix("http://")
        .or_else(|| o.strip_prefix("https://"))
    else {
        return false;
    };
    let host = rest.split(':').next().unwrap_or("");
    let port_ok = rest
        .split_once(':')
        .is_none_or(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    (host == "127.0.0.1" || host == "localhost") && port_ok
}

fn router(app: Arc<App>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin, _| is_local_origin(origin)))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::RETRY_AFTER]);
    let api = Router::new()
        .route("/api/checkout", post(api::checkout))
        .route("/api/payments/{order_id}/status", get(api::status))
        .route("/api/orders/{order_id}", get(api::order_info))
        .route("/api/orders/{order_id}/{action}", post(api::order_action))
        .layer(cors);
    let mut router = Router::new()
        .merge(api)
        .route(
            "/vipps/callbacks/v2/payments/{order_id}",
            post(api::callback),
        )
        .route(
            "/vipps/consents/v2/consents/{user_id}",
            delete(api::consent_removal),
        )
        .route("/", get(pages::index))
        .route("/return", get(pages::return_page));
    if let Some(dir) = &app.config.static_dir {
        router = router.fallback_service(ServeDir::new(dir));
    }
    router.with_state(app)
}

/// A running backend; dropping it stops it.
#[derive(Debug)]
pub struct RunningBackend {
    addr: SocketAddr,
    base_url: String,
    stats: Arc<Stats>,
    tasks: [JoinHandle<()>; 2],
}

impl RunningBackend {
    /// The shop's URL, e.g. `http://127.0.0.1:41235`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it received.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

impl Drop for RunningBackend {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_origins_get_cors() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "https://127.0.0.1",
        ] {
            assert!(is_local_origin(&HeaderValue::from_static(ok)), "{ok}");
        }
        for bad in [
            "http://127.0.0.1.evil.example",
            "https://shop.example",
            "http://localhost:",
            "http://localhost:80x",
            "null",
        ] {
            assert!(!is_local_origin(&HeaderValue::from_static(bad)), "{bad}");
        }
    }
}
