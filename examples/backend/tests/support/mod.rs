//! Test support: the simulator (stopped clock) and the backend in this
//! process, sharing the simulator's clock, and a browser-like client.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod proxy;

use std::sync::Arc;

use appswitch_core::status::StatusDocument;
use appswitch_merchant_backend::store::DatabaseUrl;
use appswitch_merchant_backend::{
    Backend, BackendConfig, CheckoutResponse, MerchantKey, ProviderConfig, RunningBackend,
    demo_system_headers,
};
use appswitch_simulator::{RunningSimulator, SimConfig, Simulator};
use serde_json::{Value, json};

/// The merchant's key in the tests.
pub const MERCHANT_KEY: &str = "test-merchant-key-0123456789abcdef";

pub struct Shop {
    pub sim: RunningSimulator,
    pub backend: RunningBackend,
    pub http: reqwest::Client,
    pub db: TempDb,
}

/// A SQLite file in the temp folder, deleted on drop.
pub struct TempDb {
    pub path: std::path::PathBuf,
}

impl TempDb {
    pub fn new() -> TempDb {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).unwrap();
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        TempDb {
            path: std::env::temp_dir().join(format!("appswitch-backend-test-{name}.db")),
        }
    }

    pub fn url(&self) -> DatabaseUrl {
        DatabaseUrl::sqlite_file(&self.path)
    }

    pub fn url_string(&self) -> String {
        format!("sqlite://{}", self.path.display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

pub fn provider(sim: &RunningSimulator) -> ProviderConfig {
    ProviderConfig {
        base_url: sim.base_url().to_string(),
        client_id: appswitch_simulator::DEMO_CLIENT_ID.into(),
        client_secret: appswitch_simulator::DEMO_CLIENT_SECRET.into(),
        subscription_key: appswitch_simulator::DEMO_SUBSCRIPTION_KEY.into(),
        msn: appswitch_simulator::DEMO_MSN.parse().unwrap(),
        system: demo_system_headers(),
    }
}

/// The simulator on a stopped clock, and a backend on the same clock.
pub async fn shop() -> Shop {
    shop_with(SimConfig::default(), |_| {}).await
}

pub async fn shop_with(sim: SimConfig, tweak: impl FnOnce(&mut BackendConfig)) -> Shop {
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        ..sim
    })
    .await
    .unwrap();
    let db = TempDb::new();
    let mut config = BackendConfig::new(provider(&sim), db.url());
    config.merchant_key = Some(MerchantKey::new(MERCHANT_KEY).unwrap());
    let clock = sim.clock();
    config.clock = Arc::new(move || clock.now());
    // Quick retries: a test does not wait seconds for a backoff.
    config.mutation_policy.backoff = appswitch_core::shopper::tracker::BackoffPolicy {
        base: std::time::Duration::from_millis(20),
        max: std::time::Duration::from_millis(100),
    };
    tweak(&mut config);
    let backend = Backend::start(config).await.unwrap();
    Shop {
        sim,
        backend,
        http: client(),
        db,
    }
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Shop {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.backend.base_url())
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A merchant request: with the merchant's key.
    pub async fn merchant_post(&self, path: &str, body: Value, key: Option<&str>) -> (u16, Value) {
        let mut r = self
            .http
            .post(self.url(path))
            .bearer_auth(MERCHANT_KEY)
            .json(&body);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The merchant's view of an order.
    pub async fn merchant_get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(MERCHANT_KEY)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn checkout(&self, basket: &str) -> CheckoutResponse {
        self.checkout_with(json!({"basketId": basket, "amount": 20000}))
            .await
    }

    pub async fn checkout_with(&self, body: Value) -> CheckoutResponse {
        let r = self.post("/api/checkout", body).await;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    pub async fn status(&self, order_id: &str, wait: Option<u64>) -> (u16, StatusDocument) {
        let mut url = self.url(&format!("/api/payments/{order_id}/status"));
        if let Some(w) = wait {
            url.push_str(&format!("?wait={w}"));
        }
        let r = self.http.get(url).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub fn details_calls(&self, order_id: &str) -> usize {
        self.sim
            .control()
            .order(order_id)
            .unwrap()
            .record
            .calls_to(appswitch_simulator::Endpoint::Details)
    }
}

/// Waits (up to 10 s) until `check` holds.
pub async fn eventually<F: std::future::Future<Output = bool>>(
    what: &str,
    mut check: impl FnMut() -> F,
) {
    for _ in 0..400 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}
