//! Test support: a simulator on a stopped clock, a merchant's raw client
//! of the provider's API, and a merchant callback receiver.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use appswitch_core::providers::vipps_ecom::{AccessTokenResponse, ErrorBody, endpoints, headers};
use appswitch_simulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SUBSCRIPTION_KEY, RunningSimulator, SimConfig,
    Simulator,
};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::{Value, json};

/// A simulator with a stopped clock.
pub async fn sim() -> RunningSimulator {
    sim_with(SimConfig::default()).await
}

pub async fn sim_with(config: SimConfig) -> RunningSimulator {
    Simulator::start(SimConfig {
        time_scale: 0.0,
        ..config
    })
    .await
    .unwrap()
}

/// An HTTP client that does not follow redirects.
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// One answer: status, headers, body as JSON (or `Value::Null`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
    pub fn error(&self) -> ErrorBody {
        ErrorBody::parse_json(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }
    /// The first error code of an eCom error array.
    pub fn code(&self) -> String {
        match self.error() {
            ErrorBody::Ecom(errors) => errors[0].error_code.clone(),
            other => panic!("not an eCom error: {other:?}"),
        }
    }
}

async fn answer(r: reqwest::RequestBuilder) -> Answer {
    let r = r.send().await.unwrap();
    Answer {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        text: r.text().await.unwrap(),
    }
}

/// A merchant talking to the simulator directly.
pub struct Merchant {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Merchant {
    pub async fn new(sim: &RunningSimulator) -> Merchant {
        let http = http();
        let base = sim.base_url().to_string();
        let a = token_request(
            &http,
            &base,
            DEMO_CLIENT_ID,
            DEMO_CLIENT_SECRET,
            DEMO_SUBSCRIPTION_KEY,
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.text);
        let token = AccessTokenResponse::parse_json(&a.text)
            .unwrap()
            .access_token;
        Merchant { http, base, token }
    }

    fn auth(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        r.header(headers::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(headers::SUBSCRIPTION_KEY, DEMO_SUBSCRIPTION_KEY)
    }

    pub async fn post(&self, path: &str, body: &Value, request_id: Option<&str>) -> Answer {
        let mut r = self
            .auth(self.http.post(format!("{}{path}", self.base)))
            .json(body);
        if let Some(id) = request_id {
            r = r.header(headers::X_REQUEST_ID, id);
        }
        answer(r).await
    }

    pub async fn put(&self, path: &str, body: &Value, request_id: Option<&str>) -> Answer {
        let mut r = self
            .auth(self.http.put(format!("{}{path}", self.base)))
            .json(body);
        if let Some(id) = request_id {
            r = r.header(headers::X_REQUEST_ID, id);
        }
        answer(r).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        answer(self.auth(self.http.get(format!("{}{path}", self.base)))).await
    }

    pub async fn initiate(&self, body: &Value) -> Answer {
        self.post(endpoints::INITIATE, body, None).await
    }

    pub async fn details(&self, order_id: &str) -> Answer {
        self.get(&endpoints::details(order_id)).await
    }

    pub async fn capture(&self, order_id: &str, amount: Option<u64>, key: Option<&str>) -> Answer {
        self.post(&endpoints::capture(order_id), &operation(amount), key)
            .await
    }

    pub async fn refund(&self, order_id: &str, amount: u64, key: Option<&str>) -> Answer {
        self.post(&endpoints::refund(order_id), &operation(Some(amount)), key)
            .await
    }

    pub async fn cancel(&self, order_id: &str, key: Option<&str>) -> Answer {
        self.put(&endpoints::cancel(order_id), &operation(None), key)
            .await
    }
}

pub fn operation(amount: Option<u64>) -> Value {
    let mut t = json!({"transactionText": "Socks on the way"});
    if let Some(a) = amount {
        t["amount"] = json!(a);
    }
    json!({"merchantInfo": {"merchantSerialNumber": "123456"}, "transaction": t})
}

pub async fn token_request(
    http: &reqwest::Client,
    base: &str,
    id: &str,
    secret: &str,
    key: &str,
) -> Answer {
    answer(
        http.post(format!("{base}{}", endpoints::ACCESS_TOKEN))
            .header(headers::CLIENT_ID, id)
            .header(headers::CLIENT_SECRET, secret)
            .header(headers::SUBSCRIPTION_KEY, key),
    )
    .await
}

/// A regular initiate body.
pub fn initiate_body(order_id: &str, callback_prefix: &str) -> Value {
    json!({
        "customerInfo": {},
        "merchantInfo": {
            "merchantSerialNumber": "123456",
            "callbackPrefix": callback_prefix,
            "fallBack": "http://127.0.0.1:9/return?orderId=x",
            "authToken": "secret-auth-token"
        },
        "transaction": {"orderId": order_id, "amount": 20000, "transactionText": "One pair of socks"}
    })
}

/// A callback the merchant received.
#[derive(Clone, Debug)]
pub struct Received {
    pub order_id: String,
    pub authorization: Option<String>,
    pub body: Value,
}

/// A merchant's callback endpoint on 127.0.0.1.
pub struct Receiver {
    pub prefix: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        let received = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route(
                "/cb/v2/payments/{order_id}",
                post(
                    |State(r): State<Arc<Mutex<Vec<Received>>>>,
                     Path(order_id): Path<String>,
                     h: HeaderMap,
                     body: String| async move {
                        r.lock().unwrap().push(Received {
                            order_id,
                            authorization: h
                                .get("authorization")
                                .map(|v| v.to_str().unwrap().to_string()),
                            body: serde_json::from_str(&body).unwrap(),
                        });
                        "ok"
                    },
                ),
            )
            .with_state(received.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            prefix: format!("http://{addr}/cb"),
            received,
            task,
        }
    }

    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

pub mod epayment;
