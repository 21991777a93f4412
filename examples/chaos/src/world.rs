//! The world a chaos run happens in: the provider simulator and the
//! reference merchant backend in this process, on 127.0.0.1 ephemeral
//! ports, sharing the simulator's clock, which runs `scale` times as fast
//! as real time. The backend's own schedules (its polls of the provider,
//! long-poll holds, the watcher) run on real time, so they are scaled down
//! by the same factor; where the backend keeps a floor of its own (the
//! provider's 500 ms between two details calls for one order) it keeps it.

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::tracker::BackoffPolicy;
use appswitch_merchant_backend::store::DatabaseUrl;
use appswitch_merchant_backend::{
    Backend, BackendConfig, CheckoutResponse, MerchantKey, ProviderApi, ProviderConfig,
    RunningBackend, demo_system_headers,
};

use crate::verdict::Ground;
use appswitch_simulator::{RunningSimulator, SimConfig, SimControl, Simulator};
use serde_json::{Value, json};

/// The merchant's key in the run.
const MERCHANT_KEY: &str = "chaos-merchant-key-0123456789abcdef";

/// How the world is set up.
#[derive(Clone, Copy, Debug)]
pub struct WorldConfig {
    /// Simulated time per real time.
    pub scale: f64,
}

/// A SQLite file in the temp folder, deleted on drop.
#[derive(Debug)]
struct TempDb {
    path: std::path::PathBuf,
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// The simulator, the backends (one on eCom, one on ePayment, each with
/// its own database), and a client for all.
#[derive(Debug)]
pub struct World {
    /// The simulator.
    pub sim: RunningSimulator,
    /// The backend on eCom.
    pub backend: RunningBackend,
    /// The backend on ePayment (signed webhooks).
    pub epayment: RunningBackend,
    /// The shopper's and the merchant's HTTP client.
    pub http: reqwest::Client,
    /// Simulated time per real time.
    pub scale: f64,
    _dbs: (TempDb, TempDb),
}

/// A SQLite file of its own in the temp folder.
fn temp_db(what: &str) -> Result<TempDb, String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(TempDb {
        path: std::env::temp_dir().join(format!("appswitch-chaos-{what}-{name}.db")),
    })
}

/// A real span for a simulated one.
pub fn real(scale: f64, sim: Duration) -> Duration {
    Duration::from_secs_f64(sim.as_secs_f64() / scale)
}

impl World {
    /// Starts both.
    pub async fn start(config: WorldConfig) -> Result<World, String> {
        let scale = config.scale;
        let sim = Simulator::start(SimConfig {
            time_scale: scale,
            // Webhook retries and callbacks answered in the backend's time.
            callback_timeout: Duration::from_secs(5),
            ..SimConfig::default()
        })
        .await
        .map_err(|e| format!("simulator: {e}"))?;
        let dbs = (temp_db("ecom")?, temp_db("epayment")?);
        let provider = ProviderConfig {
            base_url: sim.base_url().to_string(),
            client_id: appswitch_simulator::DEMO_CLIENT_ID.into(),
            client_secret: appswitch_simulator::DEMO_CLIENT_SECRET.into(),
            subscription_key: appswitch_simulator::DEMO_SUBSCRIPTION_KEY.into(),
            msn: appswitch_simulator::DEMO_MSN
                .parse()
                .map_err(|e| format!("{e}"))?,
            system: demo_system_headers(),
        };
        let mut c = BackendConfig::new(provider, DatabaseUrl::sqlite_file(&dbs.0.path));
        c.merchant_key = Some(MerchantKey::new(MERCHANT_KEY).map_err(|e| e.to_string())?);
        let clock = sim.clock();
        c.clock = Arc::new(move || clock.now());
        let r = |s: Duration| real(scale, s);
        c.details_interval = r(c.details_interval);
        c.settled_details_interval = r(c.settled_details_interval);
        c.long_poll_interval = r(c.long_poll_interval);
        c.long_poll_max = r(c.long_poll_max);
        // The provider's answers: a stalled one is held longer than this.
        c.read_timeout = Duration::from_secs(1);
        c.mutation_policy.backoff = BackoffPolicy {
            base: Duration::from_millis(20),
            max: Duration::from_millis(200),
        };
        c.watch.first_check = r(c.watch.first_check);
        c.watch.max_interval = r(c.watch.max_interval);
        c.watch.idle_poll = r(c.watch.idle_poll);
        c.watch.concurrency = 64;
        // Every shopper of the run comes from 127.0.0.1: the per-client
        // limits would count them as one. The per-order status limit is the
        // provider's 120 a (simulated) minute.
        c.limits.checkouts_per_minute = u32::MAX;
        c.limits.status_requests_per_minute = (120.0 * scale).ceil() as u32;
        let mut ep = c.clone();
        ep.provider_api = ProviderApi::Epayment;
        ep.database = DatabaseUrl::sqlite_file(&dbs.1.path);
        let backend = Backend::start(c)
            .await
            .map_err(|e| format!("backend: {e}"))?;
        let epayment = Backend::start(ep)
            .await
            .map_err(|e| format!("ePayment backend: {e}"))?;
        // It registers its webhook as it starts.
        for _ in 0..200 {
            if !sim.control().webhook_registrations().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if sim.control().webhook_registrations().is_empty() {
            return Err("the ePayment backend registered no webhook".into());
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(256)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(World {
            sim,
            backend,
            epayment,
            http,
            scale,
            _dbs: dbs,
        })
    }

    /// The simulator's control surface.
    pub fn control(&self) -> &SimControl {
        self.sim.control()
    }

    /// Simulated time now.
    pub fn now(&self) -> Timestamp {
        self.control().now()
    }

    /// Sleeps until the simulated instant `at`.
    pub async fn sleep_until(&self, at: Timestamp) {
        let left = at.saturating_since(self.now());
        tokio::time::sleep(real(self.scale, left)).await;
    }

    /// Sleeps a simulated span.
    pub async fn sleep(&self, span: Duration) {
        tokio::time::sleep(real(self.scale, span)).await;
    }

    fn url(&self, api: ProviderApi, path: &str) -> String {
        let backend = match api {
            ProviderApi::Ecom => &self.backend,
            ProviderApi::Epayment => &self.epayment,
        };
        format!("{}{path}", backend.base_url())
    }

    /// What the simulator knows of an order made through `api`.
    pub fn ground(&self, api: ProviderApi, order_id: &str) -> Option<Ground> {
        match api {
            ProviderApi::Ecom => self.control().order(order_id).map(|v| Ground::ecom(&v)),
            ProviderApi::Epayment => self
                .control()
                .epayment(order_id)
                .map(|v| Ground::epayment(&v)),
        }
    }

    /// `POST /api/checkout` for a basket, through the backend on `api`.
    pub async fn checkout(
        &self,
        api: ProviderApi,
        basket: &str,
        amount: u64,
    ) -> Result<CheckoutResponse, String> {
        let r = self
            .http
            .post(self.url(api, "/api/checkout"))
            .json(&json!({"basketId": basket, "amount": amount}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = r.status().as_u16();
        let text = r.text().await.map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!("checkout: {status} {text}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("checkout answer: {e}: {text}"))
    }

    /// A merchant request (with the merchant's key): the status and body.
    pub async fn merchant(
        &self,
        api: ProviderApi,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Result<(u16, Value), String> {
        let mut r = self
            .http
            .request(method, self.url(api, path))
            .bearer_auth(MERCHANT_KEY);
        if let Some(b) = body {
            r = r.json(&b);
        }
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        let r = r.send().await.map_err(|e| e.to_string())?;
        let status = r.status().as_u16();
        let text = r.text().await.map_err(|e| e.to_string())?;
        Ok((
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ))
    }
}
