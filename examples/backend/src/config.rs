//! How the backend is set up: the provider it talks to (the simulator by
//! default, the real test environment through `VIPPS_*` variables), where
//! it listens, and its limits.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use appswitch_core::foundation::time::{Timestamp, duration_millis};
use appswitch_core::merchant::mutation::MutationPolicy;
use appswitch_core::providers::vipps_ecom::limits::{
    CONNECT_TIMEOUT, FIRST_POLL_AFTER, POLL_INTERVAL, READ_TIMEOUT, RateLimitedApi, rate_limit,
};
use appswitch_core::providers::vipps_ecom::{MerchantSerialNumber, MsnError, SystemHeaders};

use appswitch_core::providers::vipps_epayment::Currency;
use appswitch_core::providers::vipps_epayment::signature::DEFAULT_FRESHNESS_WINDOW;

use crate::auth::MerchantKey;
use crate::provider_api::ProviderApi;
use crate::store::{DatabaseUrl, SqliteSync};

/// The time the backend reads for everything it shares with the provider
/// (token expiry, when a payment was initiated). Any
/// `Fn() -> Timestamp` is one, so a test can hand in the simulator's
/// clock.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Timestamp;
}

impl<F: Fn() -> Timestamp + Send + Sync> Clock for F {
    fn now(&self) -> Timestamp {
        self()
    }
}

impl fmt::Debug for dyn Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(duration_millis)
            .unwrap_or(0);
        Timestamp::from_millis(ms)
    }
}

/// The provider's base URL and the merchant's credentials — secrets that
/// stay in the backend. `Debug` prints no secret.
#[derive(Clone)]
pub struct ProviderConfig {
    /// E.g. `https://apitest.vipps.no`, or the simulator's URL.
    pub base_url: String,
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// `Ocp-Apim-Subscription-Key`.
    pub subscription_key: String,
    /// The merchant serial number.
    pub msn: MerchantSerialNumber,
    /// The `Vipps-System-*` headers sent with every call.
    pub system: SystemHeaders,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("msn", &self.msn)
            .finish_non_exhaustive()
    }
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required environment variable is missing or empty.
    #[error("environment variable `{0}` is required when `VIPPS_BASE_URL` is set")]
    Missing(&'static str),
    /// `VIPPS_MSN` is not a merchant serial number.
    #[error("`VIPPS_MSN`: {0}")]
    Msn(#[from] MsnError),
    /// The provider API does not take the currency (eCom takes NOK only).
    #[error("currency {currency}: the {api} API takes NOK only; DKK and EUR need `epayment`")]
    Currency {
        /// The currency.
        currency: &'static str,
        /// The API.
        api: ProviderApi,
    },
    /// The callback prefix breaks the provider's rule.
    #[error("callback prefix `{url}`: {reason}")]
    CallbackPrefix {
        /// The prefix.
        url: String,
        /// The rule it breaks.
        reason: appswitch_core::shopper::url::UrlError,
    },
}

/// The `Vipps-System-*` headers of the demo shop.
pub fn demo_system_headers() -> SystemHeaders {
    SystemHeaders {
        system_name: Some("appswitch-demo-shop".into()),
        system_version: Some(env!("CARGO_PKG_VERSION").into()),
        plugin_name: Some("appswitch".into()),
        plugin_version: Some(env!("CARGO_PKG_VERSION").into()),
    }
}

impl ProviderConfig {
    /// The real provider from the environment: `VIPPS_BASE_URL` (e.g.
    /// `https://apitest.vipps.no`), `VIPPS_CLIENT_ID`,
    /// `VIPPS_CLIENT_SECRET`, `VIPPS_SUBSCRIPTION_KEY`, `VIPPS_MSN`.
    /// `Ok(None)` when `VIPPS_BASE_URL` is not set (use the simulator).
    pub fn from_env() -> Result<Option<ProviderConfig>, ConfigError> {
        ProviderConfig::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read by `var`.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ProviderConfig>, ConfigError> {
        let get = |name: &'static str| {
            var(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        let Ok(base_url) = get("VIPPS_BASE_URL") else {
            return Ok(None);
        };
        Ok(Some(ProviderConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            client_id: get("VIPPS_CLIENT_ID")?,
            client_secret: get("VIPPS_CLIENT_SECRET")?,
            subscription_key: get("VIPPS_SUBSCRIPTION_KEY")?,
            msn: MerchantSerialNumber::new(get("VIPPS_MSN")?.trim())?,
            system: demo_system_headers(),
        }))
    }

    /// The variables [`from_env`](Self::from_env) reads back into this
    /// configuration, for a backend started as a child process.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("VIPPS_BASE_URL", self.base_url.clone()),
            ("VIPPS_CLIENT_ID", self.client_id.clone()),
            ("VIPPS_CLIENT_SECRET", self.client_secret.clone()),
            ("VIPPS_SUBSCRIPTION_KEY", self.subscription_key.clone()),
            ("VIPPS_MSN", self.msn.as_str().to_string()),
        ]
    }

    /// Whether the provider runs on this machine (a simulator), which can
    /// call back to `http://127.0.0.1`.
    pub fn is_local(&self) -> bool {
        let rest = self
            .base_url
            .strip_prefix("http://")
            .or_else(|| self.base_url.strip_prefix("https://"))
            .unwrap_or("");
        rest.starts_with("127.") || rest.starts_with("[::1]") || rest.starts_with("localhost")
    }
}

/// Limits that keep one client (or many) from taking the backend down.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Checkouts one client (IP address, see [`ClientIp`]) may start per
    /// minute before it gets `429`.
    pub checkouts_per_minute: u32,
    /// Status requests one client may make per minute for one order.
    pub status_requests_per_minute: u32,
    /// A request's head must arrive within this. The clock starts when the
    /// connection is ready for a request, so it is also how long an idle
    /// keep-alive connection is kept open.
    pub header_timeout: Duration,
    /// A request's body must arrive within this (`408` otherwise).
    pub body_timeout: Duration,
    /// The largest request body (`413` above it).
    pub max_body_bytes: usize,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            checkouts_per_minute: 30,
            status_requests_per_minute: 120,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_body_bytes: 64 * 1024,
            max_connections: 10_000,
        }
    }
}

/// Which address a request counts against in the per-client limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientIp {
    /// The TCP peer (the backend faces the internet itself).
    #[default]
    Peer,
    /// The last address in `X-Forwarded-For`, which the load balancer in
    /// front of the backend appends (use only behind one that does).
    LastForwardedFor,
}

/// How the watcher asks the provider about orders nobody is waiting on:
/// the fallback for a lost callback (Vipps eCom API "Exception handling" guide: "callbacks are never
/// retried"), and the way a restarted backend finds out what happened
/// while it was down.
#[derive(Clone, Debug)]
pub struct WatchPolicy {
    /// The first check after the checkout: "Start after 5 seconds"
    /// (Vipps eCom API guide, "Polling guidelines").
    pub first_check: Duration,
    /// Checks of an undecided order back off (doubling) up to this.
    pub max_interval: Duration,
    /// How long one instance holds an order's provider lease for a check
    /// or a clean-up the watcher carries out (longer than a capture, cancel
    /// or refund plan's retries take; an instance that dies holding it
    /// blocks that order this long on PostgreSQL).
    pub check_lease: Duration,
    /// … and for a capture, cancel or refund (whose plan retries).
    pub operation_lease: Duration,
    /// Orders leased per round.
    pub batch: u32,
    /// Provider checks at once.
    pub concurrency: usize,
    /// How often the watcher looks at its queue when nothing is due.
    pub idle_poll: Duration,
}

impl Default for WatchPolicy {
    fn default() -> Self {
        WatchPolicy {
            first_check: FIRST_POLL_AFTER,
            max_interval: Duration::from_secs(60),
            check_lease: Duration::from_secs(60),
            operation_lease: Duration::from_secs(120),
            batch: 64,
            concurrency: 16,
            idle_poll: Duration::from_secs(1),
        }
    }
}

/// The backend's configuration.
#[derive(Clone)]
pub struct BackendConfig {
    /// Where to listen (default `127.0.0.1:0`).
    pub addr: SocketAddr,
    /// The provider.
    pub provider: ProviderConfig,
    /// The API new checkouts go through (`--provider-api`,
    /// `APPSWITCH_PROVIDER_API`; default eCom). Orders keep the API they
    /// were made with.
    pub provider_api: ProviderApi,
    /// The currency of a checkout that names none (default NOK). eCom
    /// takes NOK only.
    pub currency: Currency,
    /// ePayment: the URL the provider posts webhooks to, registered at
    /// start (`VIPPS_WEBHOOK_URL`). Default
    /// `<public_url>/vipps/webhooks/v1/epayment`, the route that serves
    /// them; a public URL in front of it (a proxy) may have another path:
    /// the signature is checked against the registered URL's path and
    /// host, as the provider signs them.
    pub webhook_url: Option<String>,
    /// ePayment: how far a webhook's `x-ms-date` may be from the backend's
    /// clock (the core's default, 15 minutes, unless set).
    pub webhook_freshness: Duration,
    /// Where the orders are kept (`--database`, `APPSWITCH_DATABASE_URL`).
    pub database: DatabaseUrl,
    /// How a SQLite database waits for the disk on a commit.
    pub sqlite_sync: SqliteSync,
    /// The merchant's bearer key for capture, cancel, refund and the
    /// merchant's view of an order. `None`: nobody may do them.
    pub merchant_key: Option<MerchantKey>,
    /// Browser origins (`https://shop.example`) allowed to call the API
    /// from another origin (CORS). The backend's own pages need none.
    pub allowed_origins: Vec<String>,
    /// The backend's own URL as browsers and the provider reach it
    /// (default `http://<bound address>`): the fallback page and the
    /// status URL are under it.
    pub public_url: Option<String>,
    /// `merchantInfo.callbackPrefix` (default `<public_url>/vipps/callbacks`;
    /// `VIPPS_CALLBACK_PREFIX` in real mode). Checked with the provider's
    /// rule — the simulator's when the provider is on this machine.
    pub callback_prefix: Option<String>,
    /// Static files (the shop page) served at `/`; without it, a minimal
    /// built-in page.
    pub static_dir: Option<PathBuf>,
    /// The clock shared with the provider's view of time.
    pub clock: Arc<dyn Clock>,
    /// "no less than 1 second socket connection timeout" (Vipps eCom API "Exception handling" guide).
    pub connect_timeout: Duration,
    /// "5 seconds socket read timeout" (Vipps eCom API "Exception handling" guide).
    pub read_timeout: Duration,
    /// The least time between two details calls for one order while it is
    /// undecided (shared by every instance through the database; never
    /// less than the provider's rate limit allows, 60 s / 120 calls).
    pub details_interval: Duration,
    /// The least time between two details calls once the order is decided.
    pub settled_details_interval: Duration,
    /// How often a held long poll asks the provider.
    pub long_poll_interval: Duration,
    /// The longest a long poll is held, whatever `?wait=` asks.
    pub long_poll_max: Duration,
    /// `transactionText` when the checkout gives none.
    pub transaction_text: String,
    /// The retry numbers of capture, cancel and refund (the core's plan;
    /// its timeouts are replaced by `connect_timeout` and `read_timeout`).
    pub mutation_policy: MutationPolicy,
    /// Per-client limits, timeouts and the connection cap.
    pub limits: Limits,
    /// Whose address the per-client limits count.
    pub client_ip: ClientIp,
    /// The watcher's schedule.
    pub watch: WatchPolicy,
    /// How long a finished order is kept before it is evicted.
    pub retention: Duration,
    /// How often finished orders past their retention are evicted.
    pub eviction_interval: Duration,
}

impl fmt::Debug for BackendConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendConfig")
            .field("addr", &self.addr)
            .field("provider", &self.provider)
            .field("provider_api", &self.provider_api)
            .field("currency", &self.currency)
            .field("webhook_url", &self.webhook_url)
            .field("database", &self.database)
            .field("allowed_origins", &self.allowed_origins)
            .field("public_url", &self.public_url)
            .field("callback_prefix", &self.callback_prefix)
            .field("static_dir", &self.static_dir)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl BackendConfig {
    /// Defaults around `provider`, keeping the orders in `database`.
    pub fn new(provider: ProviderConfig, database: DatabaseUrl) -> Self {
        BackendConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            provider,
            provider_api: ProviderApi::default(),
            currency: Currency::Nok,
            webhook_url: None,
            webhook_freshness: DEFAULT_FRESHNESS_WINDOW,
            database,
            sqlite_sync: SqliteSync::default(),
            merchant_key: None,
            allowed_origins: Vec::new(),
            public_url: None,
            callback_prefix: None,
            static_dir: None,
            clock: Arc::new(SystemClock),
            connect_timeout: CONNECT_TIMEOUT,
            read_timeout: READ_TIMEOUT,
            details_interval: Duration::from_secs(1),
            settled_details_interval: Duration::from_secs(30),
            long_poll_interval: POLL_INTERVAL,
            long_poll_max: Duration::from_secs(25),
            transaction_text: "appswitch demo shop".into(),
            mutation_policy: MutationPolicy::vipps(),
            limits: Limits::default(),
            client_ip: ClientIp::default(),
            watch: WatchPolicy::default(),
            retention: Duration::from_secs(30 * 24 * 3600),
            eviction_interval: Duration::from_secs(60),
        }
    }

    /// Sets the API of new checkouts and their default currency, refusing
    /// a currency the API does not take.
    pub fn set_provider_api(
        &mut self,
        api: ProviderApi,
        currency: Currency,
    ) -> Result<(), ConfigError> {
        if !api.takes(currency) {
            return Err(ConfigError::Currency {
                currency: currency.code(),
                api,
            });
        }
        self.provider_api = api;
        self.currency = currency;
        Ok(())
    }

    /// The least time between two details calls for one order, across
    /// every instance: the configured interval, but never below the
    /// provider's own limit of 120 calls a minute per order (Vipps eCom API guide,
    /// "Rate limiting").
    pub(crate) fn details_gap(&self, settled: bool) -> Duration {
        let limit = rate_limit(RateLimitedApi::GetPaymentDetails);
        let floor = limit.per / limit.calls.max(1);
        let configured = if settled {
            self.settled_details_interval
        } else {
            self.details_interval
        };
        configured.max(floor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_selects_the_real_provider() {
        let none = ProviderConfig::from_vars(|_| None).unwrap();
        assert!(none.is_none());
        let vars = |name: &str| {
            Some(
                match name {
                    "VIPPS_BASE_URL" => "https://apitest.vipps.no/",
                    "VIPPS_MSN" => "123456",
                    "VIPPS_CLIENT_SECRET" => "very-secret",
                    _ => "x",
                }
                .to_string(),
            )
        };
        let p = ProviderConfig::from_vars(vars).unwrap().unwrap();
        assert_eq!(p.base_url, "https://apitest.vipps.no");
        let env = p.env_vars();
        let back = ProviderConfig::from_vars(|name| {
            env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
        })
        .unwrap()
        .unwrap();
        assert_eq!(
            (back.base_url, back.client_secret, back.msn),
            (p.base_url.clone(), p.client_secret.clone(), p.msn.clone())
        );
        assert!(!p.is_local());
        assert!(!format!("{p:?}").contains("very-secret"));
        let missing = ProviderConfig::from_vars(|name| {
            (name == "VIPPS_BASE_URL").then(|| "https://apitest.vipps.no".to_string())
        })
        .unwrap_err();
        assert_eq!(
            missing.to_string(),
            "environment variable `VIPPS_CLIENT_ID` is required when `VIPPS_BASE_URL` is set"
        );
        let bad_msn = ProviderConfig::from_vars(|name| {
            Some(
                if name == "VIPPS_MSN" {
                    "12a"
                } else {
                    "http://127.0.0.1:1"
                }
                .to_string(),
            )
        })
        .unwrap_err();
        assert!(bad_msn.to_string().starts_with("`VIPPS_MSN`:"), "{bad_msn}");
    }
}
