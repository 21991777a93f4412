//! Test support for the ePayment side: the merchant's ePayment calls, and
//! a webhook receiver that verifies every delivery with appswitch-core.

use std::sync::{Arc, Mutex};

use appswitch_core::providers::vipps_epayment::signature::{WebhookRequest, verify};
use appswitch_core::providers::vipps_epayment::{
    EventType, PaymentEventName, RegisterWebhookResponse, WebhookEvent, WebhookSecret, endpoints,
};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Answer, Merchant, answer};

impl Merchant {
    /// An ePayment `POST` with an `Idempotency-Key`.
    pub async fn ep_post(&self, path: &str, body: &Value, key: Option<&str>) -> Answer {
        let mut r = self
            .auth(self.http.post(format!("{}{path}", self.base)))
            .json(body);
        if let Some(k) = key {
            r = r.header(endpoints::IDEMPOTENCY_KEY, k);
        }
        answer(r).await
    }

    pub async fn ep_create(&self, body: &Value, key: &str) -> Answer {
        self.ep_post(endpoints::PAYMENTS, body, Some(key)).await
    }

    pub async fn ep_get(&self, reference: &str) -> Answer {
        self.get(&endpoints::payment(reference)).await
    }

    pub async fn ep_events(&self, reference: &str) -> Answer {
        self.get(&endpoints::events(reference)).await
    }

    pub async fn ep_capture(&self, reference: &str, value: u64, key: &str) -> Answer {
        self.ep_post(
            &endpoints::capture(reference),
            &modification(value),
            Some(key),
        )
        .await
    }

    pub async fn ep_refund(&self, reference: &str, value: u64, key: &str) -> Answer {
        self.ep_post(
            &endpoints::refund(reference),
            &modification(value),
            Some(key),
        )
        .await
    }

    pub async fn ep_cancel(&self, reference: &str, key: &str) -> Answer {
        self.ep_post(&endpoints::cancel(reference), &json!({}), Some(key))
            .await
    }

    /// Registers `url` for every ePayment event; the answer's id and secret.
    pub async fn ep_register(&self, url: &str) -> RegisterWebhookResponse {
        let events: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
        let a = self
            .ep_post(
                endpoints::WEBHOOKS,
                &json!({"url": url, "events": events}),
                None,
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.text);
        RegisterWebhookResponse::parse_json(&a.text).unwrap()
    }
}

pub fn modification(value: u64) -> Value {
    json!({"modificationAmount": {"currency": "NOK", "value": value}})
}

/// A create body for `userFlow` `WEB_REDIRECT`.
pub fn create_body(reference: &str, currency: &str, value: u64) -> Value {
    json!({
        "amount": {"currency": currency, "value": value},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "returnUrl": format!("http://127.0.0.1:9/return?reference={reference}"),
        "userFlow": "WEB_REDIRECT",
        "paymentDescription": "One pair of socks"
    })
}

/// A delivery the receiver got, and whether it verified.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub authentic: Result<(), String>,
    pub event: WebhookEvent,
    pub body: String,
    pub date: String,
}

impl Delivered {
    pub fn name(&self) -> PaymentEventName {
        self.event.name.clone()
    }
}

#[derive(Default)]
struct ReceiverState {
    secret: Option<WebhookSecret>,
    now: Option<Arc<appswitch_simulator::SimClock>>,
    delivered: Vec<Delivered>,
    /// Statuses to answer, first to last; `200` when empty.
    answers: Vec<u16>,
}

/// A merchant's webhook endpoint on 127.0.0.1 that checks every request
/// with appswitch-core's verifier (freshness against the simulator's
/// clock) and answers as told.
#[derive(Clone)]
pub struct WebhookReceiver {
    pub url: String,
    inner: Arc<Mutex<ReceiverState>>,
    _task: Arc<TaskGuard>,
}

struct TaskGuard(tokio::task::JoinHandle<()>);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn receive(
    State(inner): State<Arc<Mutex<ReceiverState>>>,
    uri: Uri,
    h: HeaderMap,
    body: String,
) -> StatusCode {
    let header = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut inner = inner.lock().unwrap();
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let (date, hash, auth, host) = (
        header("x-ms-date"),
        header("x-ms-content-sha256"),
        header("authorization"),
        header("host"),
    );
    let freshness = inner
        .now
        .as_ref()
        .map(|c| appswitch_core::providers::vipps_epayment::signature::Freshness::at(c.now()));
    let authentic = match &inner.secret {
        None => Err("no secret yet".to_string()),
        Some(secret) => verify(
            secret,
            &WebhookRequest {
                method: "POST",
                path_and_query: &path,
                host: &host,
                date: &date,
                content_sha256: &hash,
                authorization: &auth,
            },
            body.as_bytes(),
            freshness,
        )
        .map_err(|e| e.to_string()),
    };
    let event = WebhookEvent::parse_json(&body).unwrap();
    inner.delivered.push(Delivered {
        authentic,
        event,
        body,
        date,
    });
    let status = if inner.answers.is_empty() {
        200
    } else {
        inner.answers.remove(0)
    };
    StatusCode::from_u16(status).unwrap()
}

impl WebhookReceiver {
    pub async fn start() -> WebhookReceiver {
        let inner = Arc::new(Mutex::new(ReceiverState::default()));
        let app = Router::new()
            .route("/hooks/vipps", post(receive))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        WebhookReceiver {
            url: format!("http://{addr}/hooks/vipps?shop=1"),
            inner,
            _task: Arc::new(TaskGuard(task)),
        }
    }

    /// Registers with the simulator and keeps the secret.
    pub async fn register(&self, m: &Merchant, sim: &appswitch_simulator::RunningSimulator) {
        let r = m.ep_register(&self.url).await;
        let mut inner = self.inner.lock().unwrap();
        inner.secret = Some(r.secret);
        inner.now = Some(sim.clock());
    }

    /// The next deliveries are answered with these statuses.
    pub fn answer_with(&self, statuses: &[u16]) {
        self.inner
            .lock()
            .unwrap()
            .answers
            .extend_from_slice(statuses);
    }

    pub fn delivered(&self) -> Vec<Delivered> {
        self.inner.lock().unwrap().delivered.clone()
    }

    /// The delivered events' names, in order.
    pub fn names(&self) -> Vec<String> {
        self.delivered()
            .iter()
            .map(|d| d.name().as_str().to_string())
            .collect()
    }
}
