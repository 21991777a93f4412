//! How a simulator run is set up.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::faults::Faults;

/// The simulated merchant's serial number, unless configured otherwise.
pub const DEMO_MSN: &str = "123456";
/// The simulated merchant's `client_id`.
pub const DEMO_CLIENT_ID: &str = "appswitch-demo-client";
/// The simulated merchant's `client_secret`.
pub const DEMO_CLIENT_SECRET: &str = "appswitch-demo-secret";
/// The simulated merchant's `Ocp-Apim-Subscription-Key`.
pub const DEMO_SUBSCRIPTION_KEY: &str = "appswitch-demo-subscription-key";

/// The credentials of the one merchant the simulator serves. "All headers
/// are unique per `merchantSerialNumber`" (Vipps eCom API guide, "Access token").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merchant {
    /// `merchantSerialNumber`.
    pub msn: String,
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// `Ocp-Apim-Subscription-Key`.
    pub subscription_key: String,
}

impl Default for Merchant {
    fn default() -> Self {
        Merchant {
            msn: DEMO_MSN.into(),
            client_id: DEMO_CLIENT_ID.into(),
            client_secret: DEMO_CLIENT_SECRET.into(),
            subscription_key: DEMO_SUBSCRIPTION_KEY.into(),
        }
    }
}

/// A simulator run.
///
/// ```
/// use appswitch_simulator::SimConfig;
///
/// // Tests: a stopped clock that only the control API moves.
/// let config = SimConfig { time_scale: 0.0, ..SimConfig::default() };
/// assert_eq!(config.merchant.msn, "123456");
/// ```
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Where to listen (default `127.0.0.1:0`: a free port).
    pub addr: SocketAddr,
    /// The merchant and its credentials.
    pub merchant: Merchant,
    /// Simulated time per real time: `1` real time, `60` a minute per
    /// second, `0` a stopped clock (moved only by the control API).
    pub time_scale: f64,
    /// The access token's lifetime: "valid for 1 hour in MT (Merchant
    /// Test)" (Vipps eCom API guide).
    pub token_lifetime: Duration,
    /// Faults for every new order (and the token and initiate endpoints).
    pub faults: Faults,
    /// Direct capture: every approval is captured at once (`SALE`).
    pub direct_capture: bool,
    /// Refuse callback prefixes on this machine, exactly as the real
    /// provider does. Off by default: the simulator, unlike the provider,
    /// can reach `http://127.0.0.1` (see
    /// [`check_local_callback_prefix`](appswitch_core::shopper::url::check_local_callback_prefix)).
    pub strict_callbacks: bool,
    /// Whether the sale unit may use `skipLandingPage` (error 38 if not).
    pub skip_landing_page_allowed: bool,
    /// How long a callback may take before the merchant counts as
    /// unreachable (real time).
    pub callback_timeout: Duration,
    /// ePayment webhooks: the wait before the first retry (simulated);
    /// each further wait doubles. The Webhooks API guide ("Retries")
    /// publishes "an exponential backoff" but not its intervals.
    pub webhook_retry_first: Duration,
    /// ePayment webhooks: the longest wait between two attempts.
    pub webhook_retry_max_interval: Duration,
    /// ePayment webhooks: how long a failing delivery is retried — "for up
    /// to 7 days. After all retries are exhausted, the notification is
    /// never sent again."
    pub webhook_retry_for: Duration,
    /// The browser origins allowed to call the control API under `/_sim`
    /// (the demo's own shop page, which sets faults for the next payment).
    /// Empty: no page may (the control API answers no CORS request).
    pub control_origins: Vec<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            merchant: Merchant::default(),
            time_scale: 1.0,
            token_lifetime: Duration::from_secs(3600),
            faults: Faults::default(),
            direct_capture: false,
            strict_callbacks: false,
            skip_landing_page_allowed: false,
            callback_timeout: Duration::from_secs(3),
            webhook_retry_first: Duration::from_secs(5),
            webhook_retry_max_interval: Duration::from_secs(3600),
            webhook_retry_for: Duration::from_secs(7 * 24 * 3600),
            control_origins: Vec::new(),
        }
    }
}
