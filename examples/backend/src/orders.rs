//! The backend's orders and the per-order status cache.
//!
//! Each order's status is the merge of everything observed — the details
//! responses, the callback, the backend's own capture/cancel/refund
//! answers — held in a `watch` channel so that a callback or a poll wakes
//! every long poll waiting on that order.
//!
//! The provider is asked about an order by one request at a time (the
//! others wait for its answer), at most once per
//! [`details_interval`](crate::BackendConfig::details_interval), and never
//! more than the provider's 120 details calls per minute
//! ([`RateLimitedApi::GetPaymentDetails`]): however many browsers and apps
//! poll one order, the provider sees one polite client.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::rate_budget::RateBudget;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::limits::{RateLimitedApi, rate_limit};
use appswitch_core::providers::vipps_ecom::{AuthToken, KnownErrorCode, PaymentDetails};
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::url::ReturnExpectation;
use appswitch_core::status::PaymentStatus;
use tokio::sync::watch;

use crate::provider::VippsClient;

/// A monotonic instant as a [`Timestamp`], for the backend's own rate
/// budgets (real time, whatever the provider's clock says).
#[derive(Debug)]
pub(crate) struct Monotonic(Instant);

impl Monotonic {
    pub(crate) fn new() -> Self {
        Monotonic(Instant::now())
    }

    pub(crate) fn now(&self) -> Timestamp {
        Timestamp::from_millis(u64::try_from(self.0.elapsed().as_millis()).unwrap_or(u64::MAX))
    }
}

/// What the backend knows of the provider's view of one order.
#[derive(Debug, Default)]
struct Fetch {
    /// When the provider was last asked.
    last: Option<Instant>,
    /// The last failure, if the last call failed.
    error: Option<String>,
    /// The provider does not know the order (error 35).
    unknown: bool,
}

/// One payment attempt.
#[derive(Debug)]
pub(crate) struct Order {
    pub(crate) order_id: String,
    pub(crate) basket_id: String,
    pub(crate) amount: Amount,
    pub(crate) auth_token: AuthToken,
    pub(crate) deeplink: Deeplink,
    pub(crate) expectation: ReturnExpectation,
    status: watch::Sender<PaymentStatus>,
    fetch: tokio::sync::Mutex<Fetch>,
    budget: Mutex<RateBudget>,
    clients: Mutex<HashMap<IpAddr, RateBudget>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Order {
    pub(crate) fn new(
        order_id: String,
        basket_id: String,
        amount: Amount,
        auth_token: AuthToken,
        deeplink: Deeplink,
        expectation: ReturnExpectation,
    ) -> Self {
        Order {
            order_id,
            basket_id,
            amount,
            auth_token,
            deeplink,
            expectation,
            status: watch::Sender::new(PaymentStatus::initiated()),
            fetch: tokio::sync::Mutex::new(Fetch::default()),
            budget: Mutex::new(rate_limit(RateLimitedApi::GetPaymentDetails).budget()),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// What is known now.
    pub(crate) fn status(&self) -> PaymentStatus {
        self.status.borrow().clone()
    }

    /// Adds what `observed` proves; wakes long polls if that changed
    /// anything. Returns whether it did.
    pub(crate) fn merge(&self, observed: &PaymentStatus) -> bool {
        self.status.send_if_modified(|known| {
            let merged = known.clone().merge(observed);
            let changed = merged != *known;
            *known = merged;
            changed
        })
    }

    /// A receiver that wakes on every change.
    pub(crate) fn subscribe(&self) -> watch::Receiver<PaymentStatus> {
        self.status.subscribe()
    }

    /// Counts a status request from `client` against its per-minute
    /// allowance; `Err` says how long to wait.
    pub(crate) fn admit_client(
        &self,
        client: IpAddr,
        per_minute: u32,
        now: Timestamp,
    ) -> Result<(), Duration> {
        lock(&self.clients)
            .entry(client)
            .or_insert_with(|| RateBudget::new(per_minute, Duration::from_secs(60)))
            .try_acquire(now)
            .map_err(|at| Duration::from_millis(at.as_millis().saturating_sub(now.as_millis())))
    }

    /// Asks the provider for the details, unless it was asked within
    /// `interval`, or the provider's per-order budget is spent (then what
    /// is known stands). One request at a time: callers that come while
    /// one is out wait for it and use its answer.
    pub(crate) async fn refresh(
        &self,
        client: &VippsClient,
        interval: Duration,
        clock: &Monotonic,
    ) -> Option<PaymentDetails> {
        let mut fetch = self.fetch.lock().await;
        if fetch.unknown || fetch.last.is_some_and(|t| t.elapsed() < interval) {
            return None;
        }
        if lock(&self.budget).try_acquire(clock.now()).is_err() {
            return None;
        }
        fetch.last = Some(Instant::now());
        match client.details(&self.order_id).await {
            Ok(details) => {
                fetch.error = None;
                self.merge(&details.to_status());
                Some(details)
            }
            Err(e) => {
                fetch.unknown = e.codes().contains(&KnownErrorCode::OrderNotFound);
                fetch.error = Some(e.to_string());
                None
            }
        }
    }

    /// Asks the provider now, whatever the cache interval — before a
    /// capture, cancel or refund, whose rules need the latest facts (still
    /// within the provider's budget). The details, if the call was made
    /// and answered.
    pub(crate) async fn refresh_now(
        &self,
        client: &VippsClient,
        clock: &Monotonic,
    ) -> Option<PaymentDetails> {
        self.refresh(client, Duration::ZERO, clock).await
    }

    /// Why the provider's view is not known, if it is not: the provider
    /// does not know the order, or the last call failed.
    pub(crate) async fn problem(&self) -> Option<String> {
        let fetch = self.fetch.lock().await;
        if fetch.unknown {
            Some("the provider does not know this order".to_string())
        } else {
            fetch.error.clone()
        }
    }
}

/// Every order, by `orderId`.
#[derive(Debug, Default)]
pub(crate) struct Orders {
    map: RwLock<HashMap<String, Arc<Order>>>,
}

impl Orders {
    pub(crate) fn insert(&self, order: Order) -> Arc<Order> {
        let order = Arc::new(order);
        self.map
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(order.order_id.clone(), order.clone());
        order
    }

    pub(crate) fn get(&self, order_id: &str) -> Option<Arc<Order>> {
        self.map
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(order_id)
            .cloned()
    }

    /// Every attempt for `basket_id`, oldest first.
    pub(crate) fn for_basket(&self, basket_id: &str) -> Vec<Arc<Order>> {
        let mut v: Vec<Arc<Order>> = self
            .map
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|o| o.basket_id == basket_id)
            .cloned()
            .collect();
        v.sort_by_key(|o| o.deeplink.deadlines.received_at);
        v
    }
}
