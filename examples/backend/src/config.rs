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
use appswitch_core::providers::vipps_ecom::limits::{CONNECT_TIMEOUT, POLL_INTERVAL, READ_TIMEOUT};
use appswitch_core::providers::vipps_ecom::{MerchantSerialNumber, MsnError, SystemHeaders};

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

/// The backend's configuration.
#[derive(Clone)]
pub struct BackendConfig {
    /// Where to listen (default `127.0.0.1:0`).
    pub addr: SocketAddr,
    /// The provider.
    pub provider: ProviderConfig,
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
    /// "no less than 1 second socket connection timeout" (seed 000).
    pub connect_timeout: Duration,
    /// "5 seconds socket read timeout" (seed 000).
    pub read_timeout: Duration,
    /// The least time between two details calls for one order while it is
    /// undecided (the per-order cache).
    pub details_interval: Duration,
    /// The least time between two details calls once the order is decided.
    pub settled_details_interval: Duration,
    /// How often a held long poll asks the provider.
    pub long_poll_interval: Duration,
    /// The longest a long poll is held, whatever `?wait=` asks.
    pub long_poll_max: Duration,
    /// Status requests one client (IP address) may make per minute for
    /// one order before it gets `429`.
    pub client_requests_per_minute: u32,
    /// `transactionText` when the checkout gives none.
    pub transaction_text: String,
    /// The retry numbers of capture, cancel and refund (the core's plan;
    /// its timeouts are replaced by `connect_timeout` and `read_timeout`).
    pub mutation_policy: MutationPolicy,
}

impl fmt::Debug for BackendConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendConfig")
            .field("addr", &self.addr)
            .field("provider", &self.provider)
            .field("public_url", &self.public_url)
            .field("callback_prefix", &self.callback_prefix)
            .field("static_dir", &self.static_dir)
            .finish_non_exhaustive()
    }
}

impl BackendConfig {
    /// Defaults around `provider`.
    pub fn new(provider: ProviderConfig) -> Self {
        BackendConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            provider,
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
            client_requests_per_minute: 120,
            transaction_text: "appswitch demo shop".into(),
            mutation_policy: MutationPolicy::vipps(),
        }
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
