//! The backend's shared state, and the two ways every handler changes an
//! order: [`App::change`] (a compare-and-swap on the stored state that
//! wakes the order's long polls here and on every other instance) and the
//! provider lease ([`App::try_lease`]), which lets one instance at a time
//! talk to the provider about an order.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use appswitch_core::merchant::mutation::OrderRates;
use appswitch_core::status::PaymentStatus;
use tokio::sync::Notify;

use crate::config::BackendConfig;
use crate::holds::DetailsHolds;
use crate::hub::Hub;
use crate::provider::VippsClient;
use crate::rate::Limiter;
use crate::rates::SharedRates;
use crate::store::{NewEvent, NextCheck, OrderState, Store, StoreError, StoredOrder};
use crate::util::wall_millis;

/// How often a compare-and-swap is tried before the change is given up
/// (each failure means another writer got there first: contention, not an
/// error).
const CAS_TRIES: usize = 32;

/// Counters of what the backend received, for tests and logs.
#[derive(Debug, Default)]
pub struct Stats {
    callbacks_accepted: AtomicU64,
    callbacks_refused: AtomicU64,
    webhooks_accepted: AtomicU64,
    webhooks_refused: AtomicU64,
}

impl Stats {
    pub(crate) fn callback_accepted(&self) {
        self.callbacks_accepted.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn callback_refused(&self) {
        self.callbacks_refused.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn webhook_accepted(&self) {
        self.webhooks_accepted.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn webhook_refused(&self) {
        self.webhooks_refused.fetch_add(1, Ordering::Relaxed);
    }
    /// ePayment webhooks accepted (authentic, and agreeing with the order).
    pub fn webhooks_accepted(&self) -> u64 {
        self.webhooks_accepted.load(Ordering::Relaxed)
    }
    /// ePayment webhooks refused (not signed with the registration's
    /// secret, stale, or disagreeing with the order).
    pub fn webhooks_refused(&self) -> u64 {
        self.webhooks_refused.load(Ordering::Relaxed)
    }
    /// Callbacks accepted (authorized, and agreeing with the order).
    pub fn callbacks_accepted(&self) -> u64 {
        self.callbacks_accepted.load(Ordering::Relaxed)
    }
    /// Callbacks refused (wrong `Authorization`, or an amount, currency or
    /// order that is not the order's).
    pub fn callbacks_refused(&self) -> u64 {
        self.callbacks_refused.load(Ordering::Relaxed)
    }
}

/// The backend's state, shared by its handlers and tasks.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) config: BackendConfig,
    pub(crate) client: VippsClient,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hub: Arc<Hub>,
    pub(crate) public_url: String,
    pub(crate) callback_prefix: String,
    pub(crate) stats: Arc<Stats>,
    /// This process's name in leases.
    pub(crate) instance: String,
    leases: AtomicU64,
    pub(crate) checkouts: Limiter<IpAddr>,
    pub(crate) status_requests: Limiter<(IpAddr, String)>,
    /// Wakes the watcher before its next round (a clean-up was queued).
    pub(crate) watcher_kick: Notify,
    /// Orders the provider asked us, with `Retry-After`, not to ask about
    /// yet.
    pub(crate) details_holds: DetailsHolds,
    /// Each order's calls in the provider's rate windows.
    pub(crate) rates: SharedRates,
}

/// The right to talk to the provider about one order, until it expires.
#[derive(Debug)]
pub(crate) struct Lease {
    pub(crate) order_id: String,
    owner: String,
}

/// What [`App::change`] did.
#[derive(Debug)]
pub(crate) struct Changed {
    /// The order after the change (or as it was, if nothing changed).
    pub(crate) order: StoredOrder,
}

impl App {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        config: BackendConfig,
        client: VippsClient,
        store: Arc<dyn Store>,
        public_url: String,
        callback_prefix: String,
        instance: String,
    ) -> App {
        let minute = Duration::from_secs(60);
        App {
            checkouts: Limiter::new(config.limits.checkouts_per_minute, minute),
            status_requests: Limiter::new(config.limits.status_requests_per_minute, minute),
            config,
            client,
            store,
            hub: Arc::new(Hub::default()),
            public_url,
            callback_prefix,
            stats: Arc::new(Stats::default()),
            instance,
            leases: AtomicU64::new(0),
            watcher_kick: Notify::new(),
            details_holds: DetailsHolds::default(),
            rates: SharedRates::default(),
        }
    }

    /// The order's calls in the provider's rate windows, for a plan to
    /// start from.
    pub(crate) fn order_rates(&self, order_id: &str) -> OrderRates {
        self.rates.of(order_id)
    }

    /// Keeps a plan's calls in the order's windows.
    pub(crate) fn keep_order_rates(&self, order_id: &str, rates: &OrderRates) {
        self.rates.keep(order_id, rates);
    }

    /// The order, if known.
    pub(crate) async fn order(&self, order_id: &str) -> Result<Option<StoredOrder>, StoreError> {
        self.store.order(order_id).await
    }

    /// Changes the order's state with `f` (which returns the event to
    /// record, if any), retrying on a concurrent change, and wakes its long
    /// polls when the status changed. `f` sees the latest stored state each
    /// time; a change that leaves the state as it was and records nothing
    /// writes nothing.
    pub(crate) async fn change(
        &self,
        order_id: &str,
        mut f: impl FnMut(&StoredOrder, &mut OrderState) -> Option<NewEvent>,
    ) -> Result<Option<Changed>, StoreError> {
        for _ in 0..CAS_TRIES {
            let Some(order) = self.store.order(order_id).await? else {
                return Ok(None);
            };
            let mut next = order.state.clone();
            let event = f(&order, &mut next);
            if next.status.is_final() && next.finished_at.is_none() {
                next.finished_at = Some(wall_millis());
            }
            if next == order.state && event.is_none() {
                return Ok(Some(Changed { order }));
            }
            let status_changed = next.status != order.state.status;
            let visible = status_changed || next.problem != order.state.problem;
            if self
                .store
                .update_order(order_id, order.version, &next, event.as_ref(), visible)
                .await?
            {
                if visible {
                    self.hub.wake(order_id);
                }
                let mut order = order;
                order.version += 1;
                order.state = next;
                return Ok(Some(Changed { order }));
            }
        }
        tracing::warn!("order {order_id}: gave up after {CAS_TRIES} concurrent changes");
        Ok(None)
    }

    /// Adds what `observed` proves to the order's facts (a join: order and
    /// repetition do not matter), recording `event` when that changed
    /// anything — or always, with `always`.
    pub(crate) async fn merge(
        &self,
        order_id: &str,
        observed: &PaymentStatus,
        event: NewEvent,
        always: bool,
    ) -> Result<Option<Changed>, StoreError> {
        self.change(order_id, |_, state| {
            let merged = state.status.clone().merge(observed);
            let changed = merged != state.status;
            state.status = merged;
            (changed || always).then(|| event.clone())
        })
        .await
    }

    /// Takes the order's provider lease for `ttl`, if nobody holds it (and,
    /// with `gap`, the provider was not asked within it).
    pub(crate) async fn try_lease(
        &self,
        order_id: &str,
        ttl: Duration,
        gap: Option<Duration>,
    ) -> Result<Option<Lease>, StoreError> {
        let owner = format!(
            "{}/{}",
            self.instance,
            self.leases.fetch_add(1, Ordering::Relaxed)
        );
        let now = wall_millis();
        let until = now.saturating_add(millis(ttl));
        let taken = self
            .store
            .try_lease(order_id, &owner, now, until, gap.map(millis))
            .await?;
        Ok(taken.then(|| Lease {
            order_id: order_id.to_string(),
            owner,
        }))
    }

    /// Waits up to `wait` for the order's lease (a capture that arrives
    /// while a check is out waits for the check).
    pub(crate) async fn lease_waiting(
        &self,
        order_id: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Option<Lease>, StoreError> {
        let until = tokio::time::Instant::now() + wait;
        loop {
            if let Some(lease) = self.try_lease(order_id, ttl, None).await? {
                return Ok(Some(lease));
            }
            if tokio::time::Instant::now() >= until {
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// A lease of the watcher's batch, under the owner name it was taken
    /// with.
    pub(crate) fn batch_owner(&self) -> String {
        format!(
            "{}/{}",
            self.instance,
            self.leases.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// A lease taken by [`Store::lease_due`] with `owner`.
    pub(crate) fn leased(order_id: String, owner: String) -> Lease {
        Lease { order_id, owner }
    }

    /// Gives a lease back: `checked` when the provider was asked.
    pub(crate) async fn release(&self, lease: Lease, checked: bool, next: NextCheck) {
        let now = wall_millis();
        if let Err(e) = self
            .store
            .release_lease(&lease.order_id, &lease.owner, now, checked, next)
            .await
        {
            // It expires by itself.
            tracing::warn!("order {}: giving back the lease: {e}", lease.order_id);
        }
    }
}

/// A duration in whole milliseconds.
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
