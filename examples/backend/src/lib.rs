//! # appswitch-merchant-backend
//!
//! The reference merchant backend: the only part that holds the provider's
//! keys and talks to the provider. Browsers and apps ask it — never the
//! provider — for the status of a payment; only the merchant, with the
//! merchant's key, moves money.
//!
//! It keeps its orders in a real database ([`store`]): SQLite by default
//! (embedded, nothing to start), PostgreSQL when several instances serve
//! the same orders. Orders, operations by idempotency key, the baskets'
//! checkout sessions, the event history and the watcher's queue are all
//! stored, so a `kill -9` loses nothing: once restarted on the same
//! database, the watcher asks the provider about every payment that was
//! in flight, and each one settles to its true outcome.
//!
//! ## Use it
//!
//! As a program: `appswitch-merchant-backend --database sqlite://shop.db`
//! (see its `--help`). In a Rust merchant's own axum app: open a
//! [`Store`], make a [`MerchantBackend`], mount its
//! [`router`](MerchantBackend::router) and [`spawn`](MerchantBackend::spawn)
//! its watcher:
//!
//! ```no_run
//! # async fn run(config: appswitch_merchant_backend::BackendConfig) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use appswitch_merchant_backend::{MerchantBackend, store::SqlStore};
//!
//! let store = Arc::new(SqlStore::open(&config.database).await?);
//! let backend = MerchantBackend::new(config, store, "https://shop.example".into()).await?;
//! let _tasks = backend.spawn().await?;         // the watcher, the evictor, LISTEN
//! let app = axum::Router::new().merge(backend.router());
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! appswitch_merchant_backend::serve(listener, app, Default::default()).await;
//! # Ok(()) }
//! ```
//!
//! ## The shopper's API (JSON; CORS only for [`BackendConfig::allowed_origins`])
//!
//! | request | body | answer |
//! |---|---|---|
//! | `POST /api/checkout` | [`CheckoutRequest`] (`application/json`) | [`CheckoutResponse`]: `orderId`, `url` (the link to open), `deeplink`, `initiatedAt`, `statusUrl`, `fallbackUrl`, `returnExpectation`; `429` + `Retry-After` past [`Limits::checkouts_per_minute`] |
//! | `GET /api/payments/{orderId}/status[?wait=N]` | | appswitch's [`StatusDocument`](appswitch_core::status::StatusDocument); held up to `N` s (max [`BackendConfig::long_poll_max`]) while undecided, woken by callbacks received by any instance; `404` + an `unknown` document for an unknown order; `429` + `Retry-After` past [`Limits::status_requests_per_minute`] |
//! | `GET /api/payments/{orderId}/return?attempt=NONCE` | | [`ReturnCheck`]: a return page with nothing stored (another browser) checks the return it was opened with; `403` `forged-return` |
//!
//! None of these answers carries a token of any kind except the link the
//! checkout's caller must open.
//!
//! ## The merchant's API (`Authorization: Bearer <merchant key>`, else `401`)
//!
//! | request | body | answer |
//! |---|---|---|
//! | `GET /api/orders/{orderId}` | | [`OrderInfo`]: basket, amount, link, status, history |
//! | `POST /api/orders/{orderId}/ship` | `{"amount"?, "text"?}`, header `Idempotency-Key`? | [`MutationAnswer`]: captures (all that remains, or `amount`) |
//! | `POST /api/orders/{orderId}/cancel` | `{"text"?}` | [`MutationAnswer`] |
//! | `POST /api/orders/{orderId}/refund` | `{"amount", "text"?}` | [`MutationAnswer`] |
//!
//! A body must be `application/json` (`415`). Errors are `{"error",
//! "code"?, "class"?, "providerStatus"?, "codes"?}` ([`ApiError`]): `400`
//! bad input (naming the field and rule), `404` unknown order, `409` an
//! amount rule of the core, `422` an `Idempotency-Key` reused for another
//! request, `502` the provider failed (with the core's classification).
//!
//! ## Endpoints the provider calls
//!
//! - `POST /vipps/callbacks/v2/payments/{orderId}`: the callback, its
//!   `Authorization` checked against the order's `authToken` in constant
//!   time, and its order, amount and currency against the order's; it
//!   wakes the order's long polls on every instance.
//! - `POST /vipps/callbacks/v2/payments/{orderId}/shippingDetails`
//!   (express with dynamic shipping): the shipping offered for the
//!   shopper's address, authenticated like the callback.
//! - `POST /vipps/webhooks/v1/epayment`: ePayment webhooks, verified by
//!   their HMAC-SHA256 signature with the registration's secret (`401`
//!   otherwise).
//! - `DELETE /vipps/consents/v2/consents/{userId}` (express).
//!
//! ## Pages
//!
//! `GET /` and `GET /return` (the fallback page) serve
//! [`BackendConfig::static_dir`] (`index.html`, `return.html`) or a
//! minimal built-in page; every other path is a file of that directory.

mod api;
mod app;
mod auth;
mod check;
mod config;
mod epayment;
mod holds;
mod hub;
mod pages;
mod plan_driver;
mod plans;
mod provider;
mod provider_api;
mod rate;
mod rates;
mod serve;
mod sessions;
pub mod store;
mod util;
mod watcher;

use std::net::SocketAddr;
use std::sync::Arc;

use appswitch_core::shopper::url::{UrlKind, check_local_callback_prefix, check_url};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{delete, get, post};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower::Layer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use api::checkout::{CheckoutRequest, CheckoutResponse, FallbackChoice};
pub use api::merchant::{MutationAnswer, MutationBody, OrderInfo};
pub use api::{ApiError, ECOM_MAX_AMOUNT, JS_SAFE_MAX};
pub use app::Stats;
/// A payment's currency (NOK, DKK, EUR), as appswitch-core's ePayment
/// types name it.
pub use appswitch_core::providers::vipps_epayment::Currency;
pub use appswitch_core::shopper::return_check::ReturnCheck;
pub use auth::{KeyError, MIN_KEY_LEN, MerchantKey};
pub use config::{
    BackendConfig, ClientIp, Clock, ConfigError, Limits, ProviderConfig, SystemClock, WatchPolicy,
    demo_system_headers,
};
pub use plans::MutationError;
pub use provider::{ProviderError, RawAnswer, VippsClient};
pub use provider_api::{ProviderApi, parse_currency};
pub use serve::serve;

use app::App;
use store::{DatabaseUrl, SqlStore, Store, StoreError};

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
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No randomness for the instance's name.
    #[error("no secure random source: {0}")]
    Random(String),
}

/// The backend as a library: its state, its [`Router`], and the tasks it
/// needs running beside it ([`spawn`](Self::spawn)).
#[derive(Clone, Debug)]
pub struct MerchantBackend {
    app: Arc<App>,
}

/// The backend's background tasks; dropping them stops them.
#[derive(Debug)]
pub struct BackgroundTasks {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for BackgroundTasks {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl MerchantBackend {
    /// A backend on `store`, reachable at `public_url` (its fallback page
    /// and status URLs are under it; the callback prefix too unless
    /// configured). Checks the callback prefix against the provider's rule.
    pub async fn new(
        config: BackendConfig,
        store: Arc<dyn Store>,
        public_url: String,
    ) -> Result<MerchantBackend, StartError> {
        let public_url = config
            .public_url
            .clone()
            .unwrap_or(public_url)
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
        if config.merchant_key.is_none() {
            tracing::warn!("no merchant key configured: nobody can capture, cancel or refund");
        }
        store.recover_after_restart().await?;
        let random = util::random_hex().map_err(|e| StartError::Random(e.to_string()))?;
        let instance = format!("backend-{}", random.get(..12).unwrap_or(&random));
        let app = App::new(config, client, store, public_url, callback_prefix, instance);
        Ok(MerchantBackend { app: Arc::new(app) })
    }

    /// Starts the watcher, the evictor and (PostgreSQL) the listener that
    /// wakes long polls for changes made by other instances.
    pub async fn spawn(&self) -> Result<BackgroundTasks, StartError> {
        let mut tasks = vec![
            tokio::spawn(watcher::run(self.app.clone())),
            tokio::spawn(watcher::evict(self.app.clone())),
        ];
        let hub = self.app.hub.clone();
        let wake: store::RemoteWake = Arc::new(move |order| match order {
            Some(id) => hub.wake(id),
            None => hub.wake_all(),
        });
        if let Some(listener) = self.app.store.listen(wake).await? {
            tasks.push(listener);
        }
        if self.app.config.provider_api == ProviderApi::Epayment {
            tasks.push(tokio::spawn(epayment::webhooks::register_until_done(
                self.app.clone(),
            )));
        }
        Ok(BackgroundTasks { tasks })
    }

    /// The backend's routes (API, provider endpoints, pages), for a
    /// merchant's own axum app. Serve it with [`serve`] (or anything that
    /// provides `ConnectInfo<SocketAddr>`).
    pub fn router(&self) -> Router {
        router(self.app.clone())
    }

    /// What it received.
    pub fn stats(&self) -> &Stats {
        &self.app.stats
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.app.store
    }

    /// The shop's URL.
    pub fn public_url(&self) -> &str {
        &self.app.public_url
    }
}

/// The merchant backend as a server.
#[derive(Debug)]
pub struct Backend;

impl Backend {
    /// Opens `config.database`, binds `config.addr` and serves until the
    /// returned handle is dropped. Needs a Tokio runtime.
    pub async fn start(config: BackendConfig) -> Result<RunningBackend, StartError> {
        let store: Arc<dyn Store> =
            Arc::new(SqlStore::open_with(&config.database, config.sqlite_sync).await?);
        Backend::start_on(config, store).await
    }

    /// [`start`](Self::start) on a store opened already.
    pub async fn start_on(
        config: BackendConfig,
        store: Arc<dyn Store>,
    ) -> Result<RunningBackend, StartError> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        Backend::serve_listener(config, store, listener).await
    }

    /// [`start`](Self::start) on a listener bound already (its address is
    /// known before the backend starts: the demo tells the simulator which
    /// origin its shop page has).
    pub async fn start_listening(
        config: BackendConfig,
        listener: TcpListener,
    ) -> Result<RunningBackend, StartError> {
        let store: Arc<dyn Store> =
            Arc::new(SqlStore::open_with(&config.database, config.sqlite_sync).await?);
        Backend::serve_listener(config, store, listener).await
    }

    async fn serve_listener(
        config: BackendConfig,
        store: Arc<dyn Store>,
        listener: TcpListener,
    ) -> Result<RunningBackend, StartError> {
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let limits = config.limits.clone();
        let backend = MerchantBackend::new(config, store, format!("http://{addr}")).await?;
        let background = backend.spawn().await?;
        let server = tokio::spawn(serve(listener, backend.router(), limits));
        Ok(RunningBackend {
            addr,
            backend,
            _background: background,
            server,
        })
    }
}

/// Whether `origin` is one of `allowed` (exactly, as a browser sends it:
/// scheme, host and port; no path).
fn origin_allowed(allowed: &[String], origin: &HeaderValue) -> bool {
    let Ok(o) = origin.to_str() else {
        return false;
    };
    allowed
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(o))
}

fn router(app: Arc<App>) -> Router {
    let allowed = app.config.allowed_origins.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin_allowed(&allowed, origin)
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::RETRY_AFTER]);
    let api = Router::new()
        .route("/api/checkout", post(api::checkout::checkout))
        .route("/api/payments/{order_id}/status", get(api::status::status))
        .route("/api/payments/{order_id}/return", get(api::returns::check))
        .route("/api/orders/{order_id}", get(api::merchant::order_info))
        .route(
            "/api/orders/{order_id}/{action}",
            post(api::merchant::order_action),
        )
        .layer(cors);
    // Provider notifications: eCom callbacks, ePayment webhooks.
    let provider = Router::new()
        .route(epayment::webhooks::ROUTE, post(epayment::webhooks::receive))
        .route(
            "/vipps/callbacks/v2/payments/{order_id}",
            post(api::callback::callback),
        )
        .route(
            "/vipps/callbacks/v2/payments/{order_id}/shippingDetails",
            post(api::shipping::shipping_details),
        )
        .route(
            "/vipps/consents/v2/consents/{user_id}",
            delete(api::callback::consent_removal),
        );
    let mut router = Router::new()
        .merge(api)
        .merge(provider)
        .route("/", get(pages::index))
        .route("/return", get(pages::return_page));
    if let Some(dir) = &app.config.static_dir {
        router = static_files(router, dir);
    }
    router.with_state(app)
}

/// The static directory as a browser should get it: the `.br` or `.gz`
/// written beside a file when the browser accepts it (`cargo xtask demo`
/// writes both). What is under `/v/` (a folder named by its content, as
/// `cargo xtask demo` stages the scripts and the browser module) may be
/// cached for good, so that a shopper coming back gets the return page's
/// module from the cache the checkout page filled; everything else is
/// checked with the server each time (`no-cache`).
fn static_files(router: Router<Arc<App>>, dir: &std::path::Path) -> Router<Arc<App>> {
    let serve = |dir: std::path::PathBuf, cache: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        )
        .layer(ServeDir::new(dir).precompressed_br().precompressed_gzip())
    };
    router
        .nest_service(
            "/v",
            serve(dir.join("v"), "public, max-age=31536000, immutable"),
        )
        .fallback_service(serve(dir.to_path_buf(), "no-cache"))
}

/// A running backend; dropping it stops it.
#[derive(Debug)]
pub struct RunningBackend {
    addr: SocketAddr,
    backend: MerchantBackend,
    _background: BackgroundTasks,
    server: JoinHandle<()>,
}

impl RunningBackend {
    /// The shop's URL, e.g. `http://127.0.0.1:41235`.
    pub fn base_url(&self) -> &str {
        self.backend.public_url()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it received.
    pub fn stats(&self) -> &Stats {
        self.backend.stats()
    }

    /// The library view of it.
    pub fn backend(&self) -> &MerchantBackend {
        &self.backend
    }
}

impl Drop for RunningBackend {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Opens the database named by `url` (`sqlite://PATH`, `postgres://…`).
pub async fn open_store(url: &DatabaseUrl) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::open(url).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_origins_get_cors() {
        let allowed = vec![
            "https://shop.example".to_string(),
            "http://127.0.0.1:5173/".to_string(),
        ];
        for ok in [
            "https://shop.example",
            "http://127.0.0.1:5173",
            "HTTPS://SHOP.EXAMPLE",
        ] {
            assert!(
                origin_allowed(&allowed, &HeaderValue::from_static(ok)),
                "{ok}"
            );
        }
        for bad in [
            "https://shop.example.evil.example",
            "http://shop.example",
            "https://shop.example:444",
            "http://127.0.0.1:5174",
            "null",
        ] {
            assert!(
                !origin_allowed(&allowed, &HeaderValue::from_static(bad)),
                "{bad}"
            );
        }
    }
}
