//! # appswitch-simulator
//!
//! A Vipps eCom v2 and Vipps MobilePay ePayment provider on 127.0.0.1
//! (with the Webhooks API; see [`epayment`]) that plays by the rules
//! appswitch-core enforces — the deterministic fake provider every test
//! and the demo use. Every body it reads and writes is one of the core's
//! wire types ([`appswitch_core::providers::vipps_ecom`]); every rule it applies is the
//! core's (the orderId format, the URL rules, the amount rules of capture,
//! cancel and refund, the rate-limit table, the 5 + 5 minute timeouts).
//!
//! ## The provider's API (Vipps eCom API guide)
//!
//! | endpoint | what it does |
//! |---|---|
//! | `POST /accesstoken/get` | `client_id`, `client_secret`, `Ocp-Apim-Subscription-Key` headers → the token, numbers as strings; lives [`SimConfig::token_lifetime`] |
//! | `POST /ecomm/v2/payments` | initiate: orderId unique (34), amount > 0, `fallBack` and `callbackPrefix` checked with `appswitch_core::shopper::url`, express needs its prefixes, `skipLandingPage` (38); answers the landing page URL, or `vippsMT://?token=…` for `isApp` |
//! | `GET /ecomm/v2/payments/{orderId}/details` | the whole history, newest first; `transactionSummary` only once the shopper reacted |
//! | `POST …/{orderId}/capture` | full (`amount` 0 or absent) or partial; 61, 62; idempotent by `X-Request-Id` (93 for another amount) |
//! | `PUT …/{orderId}/cancel` | pending → `CANCEL`, reserved → `VOID`; 51 after a capture; 92 when over |
//! | `POST …/{orderId}/refund` | partial or full; 71, 72, 73; idempotent by `X-Request-Id` |
//! | `POST /ecomm/v2/integration-test/payments/{orderId}/approve` | force approve (not express) |
//!
//! Every call but the token needs `Authorization: Bearer <token>` and the
//! subscription key (the gateway's `401` object otherwise). Rate limits
//! follow [`RATE_LIMITS`](appswitch_core::providers::vipps_ecom::limits::RATE_LIMITS):
//! `429` with `Retry-After`. Unknown orders: error 35 (`404`).
//!
//! ## The shopper
//!
//! The landing page ([`landing`] module docs:
//! `GET /dwo-api-application/v1/deeplink/vippsgateway?token=…`, or
//! `GET /deeplink?token=…` for an `isApp` deeplink) lets a person approve,
//! reject, have the card refused or close the app. The decision makes one
//! callback to `[callbackPrefix]/v2/payments/{orderId}` (regular or
//! express body, `Authorization: <authToken>`) and redirects to the
//! `fallBack` URL with the deprecated `status` appended.
//!
//! ## Time and faults
//!
//! The simulator reads its own [`SimClock`]: real time times
//! [`SimConfig::time_scale`], plus what the control surface advanced it
//! by. [`Faults`] (per run or per order) drop or delay the callback,
//! answer bursts of `429`/`5xx`, stall answers past the read timeout,
//! reserve late, or make the shopper close the app. See [`control`] for
//! the HTTP control API under `/_sim`.
//!
//! ## In a test
//!
//! ```no_run
//! # async fn t() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use appswitch_simulator::{SimConfig, Simulator};
//!
//! let sim = Simulator::start(SimConfig { time_scale: 0.0, ..SimConfig::default() }).await?;
//! println!("provider at {}", sim.base_url());
//! // … initiate through the merchant backend, then:
//! sim.control().advance(Duration::from_secs(600)).await; // every payment nobody approved is REJECTED
//! # Ok(()) }
//! ```

mod api;
pub mod cli;
mod clock;
mod config;
pub mod control;
pub mod epayment;
mod errors;
mod faults;
pub mod landing;
mod payment;
mod record;
mod shipping;
mod state;
mod util;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post, put};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use clock::SimClock;
pub use config::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MSN, DEMO_SUBSCRIPTION_KEY, Merchant, SimConfig,
};
pub use control::{ControlError, OrderView, ShopperChoice, ShopperOutcome, SimControl};
pub use epayment::{EpaymentRecord, EpaymentView, RegistrationView, WebhookOutcome, WebhookRecord};
pub use faults::{Burst, Endpoint, Faults, Stall};
pub use record::{CallbackOutcome, CallbackRecord, OrderRecord, RecordedCall};
pub use state::GlobalRecord;

use state::Shared;

/// How often simulated time is looked at (real time) for timeouts and
/// scheduled events, when nothing else happens.
const TICK: Duration = Duration::from_millis(50);

/// Why the simulator could not start.
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
    /// The faults of the configuration are not valid.
    #[error("invalid faults: {0}")]
    Faults(String),
    /// The HTTP client for callbacks could not be made.
    #[error("cannot make the callback client: {0}")]
    Http(#[from] reqwest::Error),
}

/// The provider simulator.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Binds `config.addr` and serves until the returned handle is
    /// dropped. Needs a Tokio runtime.
    pub async fn start(config: SimConfig) -> Result<RunningSimulator, StartError> {
        config.faults.validate().map_err(StartError::Faults)?;
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
        let base_url = format!("http://{addr}");
        let clock = Arc::new(SimClock::new(config.time_scale));
        let shared = Arc::new(Shared::new(config, clock, base_url.clone())?);
        let control = SimControl {
            shared: shared.clone(),
        };
        let app = router(shared.clone(), control.clone());
        let server = tokio::spawn(async move {
            // Serving ends only when the task is aborted.
            let _ = axum::serve(listener, app).await;
        });
        let ticker = tokio::spawn(async move {
            let mut interval = tokio::time::interval(TICK);
            loop {
                interval.tick().await;
                shared.tick().await;
            }
        });
        Ok(RunningSimulator {
            addr,
            base_url,
            control,
            tasks: [server, ticker],
        })
    }
}

/// CORS for the control API: exactly the configured origins.
fn control_cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderValue, Method, header};
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim().trim_end_matches('/')).ok())
        .collect();
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
}

fn router(shared: Arc<Shared>, control: SimControl) -> Router {
    let control_handle = control.clone();
    let origins = shared.config.control_origins.clone();
    use appswitch_core::providers::vipps_ecom::endpoints;
    let provider = Router::new()
        .route(endpoints::ACCESS_TOKEN, post(api::access_token))
        .route(endpoints::INITIATE, post(api::initiate))
        .route("/ecomm/v2/payments/{order_id}/details", get(api::details))
        .route("/ecomm/v2/payments/{order_id}/capture", post(api::capture))
        .route("/ecomm/v2/payments/{order_id}/cancel", put(api::cancel))
        .route("/ecomm/v2/payments/{order_id}/refund", post(api::refund))
        .route(
            "/ecomm/v2/integration-test/payments/{order_id}/approve",
            post(api::force_approve),
        )
        .route(
            "/dwo-api-application/v1/deeplink/vippsgateway",
            get(landing::page),
        )
        .route("/deeplink", get(landing::page))
        .route("/landing/decide", post(landing::decide))
        .with_state(shared.clone())
        .merge(epayment::router(shared));
    let control = Router::new()
        .route("/_sim/clock", get(control::get_clock))
        .route("/_sim/clock/advance", post(control::advance))
        .route(
            "/_sim/faults",
            get(control::get_faults).post(control::set_faults),
        )
        .route("/_sim/orders", get(control::list_orders))
        .route("/_sim/orders/{order_id}", get(control::get_order))
        .route(
            "/_sim/orders/{order_id}/faults",
            post(control::set_order_faults),
        )
        .route("/_sim/orders/{order_id}/shopper", post(control::shopper))
        .route("/_sim/record", get(control::record))
        .route("/_sim/reset", post(control::reset))
        .with_state(control)
        // The demo shop (another origin on this machine) sets faults for
        // the next payment from the page: that origin only, no credentials.
        .layer(control_cors(&origins));
    provider
        .merge(control)
        .merge(epayment::control_router(control_handle).layer(control_cors(&origins)))
}

/// A running simulator; dropping it stops it.
#[derive(Debug)]
pub struct RunningSimulator {
    addr: SocketAddr,
    base_url: String,
    control: SimControl,
    tasks: [JoinHandle<()>; 2],
}

impl RunningSimulator {
    /// The provider's base URL, e.g. `http://127.0.0.1:41234` (what a
    /// merchant backend uses as `VIPPS_BASE_URL`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The control surface.
    pub fn control(&self) -> &SimControl {
        &self.control
    }

    /// The simulator's clock (to share with a backend in the same process).
    pub fn clock(&self) -> Arc<SimClock> {
        self.control.shared.clock.clone()
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
