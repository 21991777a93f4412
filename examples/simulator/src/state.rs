//! The simulator's shared state: orders, access tokens, rate budgets — and
//! the passing of time (timeouts, late reservations, delayed callbacks).
//!
//! The lock is never held across an `await`: every handler decides under
//! the lock and does its I/O (callbacks, stalls) after releasing it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use appswitch_core::foundation::rate_budget::RateBudget;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::limits::{RateLimitedApi, rate_limit};
use appswitch_core::providers::vipps_ecom::{Callback, endpoints, headers};
use serde::Serialize;

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::errors::ProviderError;
use crate::faults::Faults;
use crate::payment::{Payment, Phase, Scheduled};
use crate::record::{CallbackOutcome, CallbackRecord};

/// Calls not tied to an order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalRecord {
    /// `POST /accesstoken/get` calls answered with a token.
    pub tokens_issued: u32,
    /// Calls refused for their credentials (`401`, `403`).
    pub unauthorized: u32,
    /// Calls for orders the simulator does not know (error 35).
    pub unknown_orders: u32,
}

/// The simulated world, everything behind the lock: payments, tokens, faults.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) orders: BTreeMap<String, Payment>,
    /// Landing-page token → orderId.
    pub(crate) landing: HashMap<String, String>,
    /// Access token → when it expires.
    pub(crate) access_tokens: HashMap<String, Timestamp>,
    /// Faults copied into new orders; its burst and stall also count down
    /// for the token and initiate endpoints.
    pub(crate) faults: Faults,
    rate: HashMap<(RateLimitedApi, String), RateBudget>,
    next_transaction_id: u64,
    pub(crate) record: GlobalRecord,
    /// The ePayment side.
    pub(crate) epayment: crate::epayment::EpState,
}

impl World {
    fn new(faults: Faults) -> Self {
        World {
            orders: BTreeMap::new(),
            landing: HashMap::new(),
            access_tokens: HashMap::new(),
            faults,
            rate: HashMap::new(),
            next_transaction_id: 5_001_420_000,
            record: GlobalRecord::default(),
            epayment: crate::epayment::EpState::default(),
        }
    }

    /// A new `transactionId`.
    pub(crate) fn transaction_id(&mut self) -> String {
        self.next_transaction_id += 1;
        self.next_transaction_id.to_string()
    }

    /// Counts a call of `api` for `order_id` against the provider's rate
    /// limit (Vipps eCom API guide, "Rate limiting"), or the `429` to answer.
    pub(crate) fn rate_limit(
        &mut self,
        api: RateLimitedApi,
        order_id: &str,
        now: Timestamp,
    ) -> Result<(), ProviderError> {
        self.rate
            .entry((api, order_id.to_string()))
            .or_insert_with(|| rate_limit(api).budget())
            .try_acquire(now)
            .map_err(|at| {
                let wait_ms = at.as_millis().saturating_sub(now.as_millis());
                ProviderError::rate_limited(wait_ms.div_ceil(1000).max(1))
            })
    }
}

/// The simulator's state, shared by every handler.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) clock: Arc<SimClock>,
    pub(crate) base_url: String,
    http: reqwest::Client,
    inner: Mutex<World>,
}

/// A callback to send now.
#[derive(Clone, Debug)]
pub(crate) struct Outgoing {
    url: String,
    auth: Option<String>,
    callback: Callback,
}

impl Shared {
    pub(crate) fn new(
        config: SimConfig,
        clock: Arc<SimClock>,
        base_url: String,
    ) -> Result<Self, reqwest::Error> {
        // reqwest is built without a default TLS provider: use ring's. An
        // error only says that one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // "Vipps will not follow to a `Location`" (Vipps eCom API guide).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.callback_timeout)
            .build()?;
        Ok(Shared {
            inner: Mutex::new(World::new(config.faults.clone())),
            config,
            clock,
            base_url,
            http,
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The HTTP client for callbacks and webhooks.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The webhook retry schedule of this run.
    pub(crate) fn webhook_retry(&self) -> crate::epayment::webhooks::RetrySchedule {
        crate::epayment::webhooks::RetrySchedule {
            first: self.config.webhook_retry_first,
            max_interval: self.config.webhook_retry_max_interval,
            window: self.config.webhook_retry_for,
        }
    }

    /// Lets simulated time act: times out payments nobody decided, makes
    /// late reservations, sends the callbacks that are due.
    pub(crate) async fn tick(&self) {
        let outgoing = {
            let now = self.now();
            let mut inner = self.lock();
            let mut out = Vec::new();
            let ids: Vec<String> = inner
                .orders
                .iter()
                .filter(|(_, p)| p.next_due().is_some_and(|at| at <= now))
                .map(|(id, _)| id.clone())
                .collect();
            for id in ids {
                out.extend(due_for(&mut inner, &id, now));
            }
            out
        };
        self.send_all(outgoing).await;
        crate::epayment::tick(self).await;
    }

    /// Sends callbacks one after the other and records what became of
    /// each.
    pub(crate) async fn send_all(&self, outgoing: Vec<Outgoing>) {
        for o in outgoing {
            let mut request = self.http.post(&o.url).json(&o.callback);
            if let Some(auth) = &o.auth {
                request = request.header(headers::AUTHORIZATION, auth);
            }
            let (outcome, http_status) = match request.send().await {
                Ok(r) if r.status().is_success() => {
                    (CallbackOutcome::Delivered, Some(r.status().as_u16()))
                }
                Ok(r) => (CallbackOutcome::Refused, Some(r.status().as_u16())),
                Err(_) => (CallbackOutcome::Unreachable, None),
            };
            let at_ms = self.now().as_millis();
            let mut inner = self.lock();
            if let Some(p) = inner.orders.get_mut(&o.callback.order_id) {
                p.record.callbacks.push(CallbackRecord {
                    at_ms,
                    status: o.callback.transaction_info.status.as_str().to_string(),
                    url: o.url,
                    outcome,
                    http_status,
                });
            }
        }
    }
}

/// The callbacks to send now for `callback`, as the order's faults allow:
/// dropped (recorded as such), scheduled for later, or now — twice with
/// `duplicateCallbacks`, and once more later with `replayCallbackMs`.
pub(crate) fn route_callback(
    payment: &mut Payment,
    callback: Callback,
    now: Timestamp,
    drop: bool,
) -> Vec<Outgoing> {
    let url = endpoints::callback_url(
        &payment.request.merchant_info.callback_prefix,
        payment.order_id(),
    );
    if drop || payment.faults.drop_callback {
        payment.record.callbacks.push(CallbackRecord {
            at_ms: now.as_millis(),
            status: callback.transaction_info.status.as_str().to_string(),
            url,
            outcome: CallbackOutcome::Dropped,
            http_status: None,
        });
        return Vec::new();
    }
    let copies = if payment.faults.duplicate_callbacks {
        2
    } else {
        1
    };
    if let Some(later) = payment.faults.replay_callback() {
        payment
            .scheduled
            .push(Scheduled::Callback(now + later, Box::new(callback.clone())));
    }
    if let Some(delay) = payment.faults.callback_delay() {
        for _ in 0..copies {
            payment
                .scheduled
                .push(Scheduled::Callback(now + delay, Box::new(callback.clone())));
        }
        return Vec::new();
    }
    vec![outgoing(payment, callback); copies]
}

fn outgoing(payment: &Payment, callback: Callback) -> Outgoing {
    Outgoing {
        url: endpoints::callback_url(
            &payment.request.merchant_info.callback_prefix,
            payment.order_id(),
        ),
        auth: payment
            .request
            .merchant_info
            .auth_token
            .as_ref()
            .map(|t| t.expose().to_string()),
        callback,
    }
}

/// What is due for order `id` at `now`, in time order.
fn due_for(inner: &mut World, id: &str, now: Timestamp) -> Vec<Outgoing> {
    let mut out = Vec::new();
    loop {
        let Some(at) = inner
            .orders
            .get(id)
            .and_then(Payment::next_due)
            .filter(|at| *at <= now)
        else {
            return out;
        };
        let txn = inner.transaction_id();
        let Some(p) = inner.orders.get_mut(id) else {
            return out;
        };
        let items = p.take_due(at);
        if items.is_empty() {
            // Nothing scheduled: the earliest time was the deadline.
            let callback = p.time_out(at, txn);
            out.extend(route_callback(p, callback, at, false));
            continue;
        }
        for item in items {
            match item {
                Scheduled::Callback(_, callback) => out.push(outgoing(p, *callback)),
                Scheduled::Reserve(when) if p.phase == Phase::ReservePending => {
                    let callback = p.reserve(when, txn.clone());
                    let closes = p.faults.user_closes_app;
                    out.extend(route_callback(p, callback, when, closes));
                }
                Scheduled::Reserve(_) => {}
            }
        }
    }
}
