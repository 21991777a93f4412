//! The payment tracker object: the core's drain loop
//! ([`appswitch_core::drive::Driver`]) on the app's transport, store and
//! scheduler, with the app's lifecycle events fed in through its methods.
//!
//! `awaitSettled()` returns the one shared run of the loop: call it from
//! several coroutines or tasks and each gets the same outcome; cancel the
//! one awaiting it (the Activity went away) and the loop simply pauses
//! until somebody awaits again; call it after it returned and it returns
//! the same outcome at once. Lifecycle events (`handleReturn`,
//! `onForeground`, …) can come from any thread at any time, before
//! `awaitSettled()` too, and wake the loop at once.

use core::future::poll_fn;
use core::task::Poll;
use std::sync::Arc;

use appswitch_core::drive::{Driver, DriverHandle};
use appswitch_core::shopper::tracker::{Policy, TrackerConfig};
use futures_util::future::{BoxFuture, FutureExt, Shared};

use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::tracker::{Outcome, Progress as TrackerProgress};
use appswitch_core::shopper::url::{ReturnError, ShopperReturned};

use crate::convert::{random, timestamp};
use crate::errors::TrackerError;
use crate::host::{
    HostState, HttpTransport, KeyValueStore, MobileHost, StatusListener, TrackerScheduler,
};
use crate::policy::TrackingPolicy;
use crate::urls::ReturnExpectation;

/// One payment attempt, as the app knows it after the initiate call.
#[derive(Debug, uniffi::Record)]
pub struct PaymentAttempt {
    /// The merchant's order id.
    pub order_id: String,
    /// The merchant backend's status URL for this order.
    pub status_url: String,
    /// When the initiate answer arrived (ms since the epoch): the
    /// deadlines count from it.
    pub initiated_at_ms: i64,
    /// The initiate response's `url`, classified (`classifyDeeplink`). It
    /// is classified again from its `url` and `deadlines.receivedAt`.
    pub deeplink: Deeplink,
    /// From the fallback built for this attempt.
    pub expectation: Arc<ReturnExpectation>,
}

type Run = Shared<BoxFuture<'static, Result<Outcome, TrackerError>>>;

/// Tracks one payment until it settles; see the [module documentation](self).
#[derive(uniffi::Object)]
pub struct PaymentTracker {
    order_id: String,
    handle: DriverHandle,
    state: Arc<HostState>,
    run: Run,
}

impl core::fmt::Debug for PaymentTracker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PaymentTracker")
            .field("order_id", &self.order_id)
            .finish_non_exhaustive()
    }
}

impl PaymentTracker {
    pub(crate) fn assemble(
        driver: Driver<MobileHost>,
        state: Arc<HostState>,
    ) -> Arc<PaymentTracker> {
        let order_id = driver.pending().order_id.clone();
        let handle = driver.handle();
        state.set_latest(driver.tracker().progress());
        let watch = Arc::clone(&state);
        let mut run = driver.run().boxed();
        // The loop, ended early only by a failure it cannot carry on from
        // (the scheduler threw).
        let guarded = poll_fn(move |cx| match run.as_mut().poll(cx) {
            Poll::Ready(outcome) => Poll::Ready(Ok(outcome)),
            Poll::Pending => match watch.take_fatal() {
                Some(error) => Poll::Ready(Err(error)),
                None => Poll::Pending,
            },
        });
        Arc::new(PaymentTracker {
            order_id,
            handle,
            state,
            run: guarded.boxed().shared(),
        })
    }
}

pub(crate) fn host(
    transport: Arc<dyn HttpTransport>,
    store: Arc<dyn KeyValueStore>,
    scheduler: Arc<dyn TrackerScheduler>,
    listener: Option<Arc<dyn StatusListener>>,
) -> MobileHost {
    MobileHost {
        transport,
        store,
        scheduler,
        listener,
        state: Arc::default(),
    }
}

#[uniffi::export]
impl PaymentTracker {
    /// Starts tracking a new attempt. The pending payment is saved in
    /// `store` at once, before the shopper leaves the app, so that a cold
    /// start can resume it (`resumePending`). `policy` defaults to
    /// `vippsPolicy()`.
    #[uniffi::constructor(default(listener = None, policy = None))]
    pub fn new(
        attempt: PaymentAttempt,
        transport: Arc<dyn HttpTransport>,
        store: Arc<dyn KeyValueStore>,
        scheduler: Arc<dyn TrackerScheduler>,
        listener: Option<Arc<dyn StatusListener>>,
        policy: Option<TrackingPolicy>,
    ) -> Result<Arc<PaymentTracker>, TrackerError> {
        let policy = match &policy {
            Some(p) => Policy::try_from(p)?,
            None => Policy::vipps(),
        };
        let config = TrackerConfig {
            order_id: attempt.order_id,
            status_url: attempt.status_url,
            initiated_at: timestamp("attempt.initiatedAtMs", attempt.initiated_at_ms)?,
            policy,
            jitter_seed: u64::from_le_bytes(random()),
        };
        let deeplink = Deeplink::classify(
            &attempt.deeplink.url,
            attempt.deeplink.deadlines.received_at,
        )
        .map_err(|e| TrackerError::InvalidArgument {
            field: "attempt.deeplink.url".into(),
            detail: format!("`attempt.deeplink.url`: {e}"),
        })?;
        let host = host(transport, store, scheduler, listener);
        let state = Arc::clone(&host.state);
        let driver = Driver::start(host, config, deeplink, attempt.expectation.0.clone())?;
        if let Some(error) = state.take_store_error() {
            return Err(error);
        }
        Ok(PaymentTracker::assemble(driver, state))
    }

    /// The order being tracked.
    pub fn order_id(&self) -> String {
        self.order_id.clone()
    }

    /// The shopper came back on `url` (`onNewIntent`, the iOS URL handler):
    /// checks that it is this attempt's return, then checks the status at
    /// once. A stale or forged return is refused and changes nothing.
    pub fn handle_return(&self, url: String) -> Result<ShopperReturned, ReturnError> {
        self.handle.returned(&url)
    }

    /// The app was resumed after the payment app closed, for an `INTENT`
    /// fallback (`onActivityResult`): checks the status at once.
    pub fn handle_app_resumed(&self) -> Result<ShopperReturned, ReturnError> {
        self.handle.app_resumed()
    }

    /// The payment app was opened: the first poll comes after
    /// `firstPollAfterMs`.
    pub fn on_switched_out(&self) {
        self.handle.switched_out();
    }

    /// The app is in the foreground (`onResume`, `sceneDidBecomeActive`);
    /// after the switch this checks the status at once.
    pub fn on_foreground(&self) {
        self.handle.visible();
    }

    /// The app went to the background (`onPause`): polls pause (see
    /// `whileHiddenIntervalMs`).
    pub fn on_background(&self) {
        self.handle.hidden();
    }

    /// The network is back: checks at once.
    pub fn on_online(&self) {
        self.handle.online();
    }

    /// The network is gone: no requests until `onOnline()`.
    pub fn on_offline(&self) {
        self.handle.offline();
    }

    /// Stops tracking: `awaitSettled()` returns what is known (`Unknown`
    /// with `Stopped` when nothing was decided).
    pub fn stop(&self) {
        self.handle.stop();
    }

    /// The latest status and phase.
    pub fn progress(&self) -> Option<TrackerProgress> {
        self.state.latest()
    }

    /// The outcome, once `awaitSettled()` has returned it.
    pub fn outcome(&self) -> Option<Outcome> {
        self.run.peek().and_then(|r| r.as_ref().ok().cloned())
    }

    /// Tracks the payment until it settles, waiting on the app's scheduler.
    /// Safe to call from several callers and again after it returned (the
    /// same outcome); cancelling a caller pauses tracking until the next
    /// call.
    pub async fn await_settled(&self) -> Result<Outcome, TrackerError> {
        self.run.clone().await
    }
}

#[cfg(test)]
mod tests;
