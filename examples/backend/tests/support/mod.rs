//! Test support: the simulator (stopped clock) and the backend in this
//! process, sharing the simulator's clock, and a browser-like client.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use appswitch_core::status::StatusDocument;
use appswitch_merchant_backend::{
    Backend, BackendConfig, CheckoutResponse, ProviderConfig, RunningBackend, demo_system_headers,
};
use appswitch_simulator::{RunningSimulator, SimConfig, Simulator};
use serde_json::{Value, json};

pub struct Shop {
    pub sim: RunningSimulator,
    pub backend: RunningBackend,
    pub http: reqwest::Client,
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
    let mut config = BackendConfig::new(provider(&sim));
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
