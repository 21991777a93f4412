//! The drain loop, written once for every platform.
//!
//! The [`tracker`](crate::shopper::tracker) decides; something has to do what it
//! says — start requests, sleep, save what it knows, show progress — and
//! feed back what happened. That loop is the same in a browser, an Android
//! app and an iOS app, so it lives here, generic over a [`Host`] that
//! provides the platform's own clock, HTTP stack, timers and storage.
//! Nothing here reads a clock or touches the network itself, and nothing
//! needs an async runtime: [`Driver::run`] is a plain future that the
//! browser's microtask queue, Kotlin's coroutines or Swift's tasks poll.
//!
//! While [`Driver::run`] waits, the host reports what happens to the page
//! or app through a [`DriverHandle`] (`returned`, `visible`, `hidden`,
//! `online`, …), from any thread; the loop wakes at once.
//!
//! What the loop does, in order, until the tracker settles:
//! 1. hands queued events to the tracker;
//! 2. drains [`Tracker::poll`]: starts each
//!    [`FetchStatus`](crate::shopper::tracker::Action::FetchStatus) with
//!    [`Host::fetch`], passes each [`Notify`](crate::shopper::tracker::Action::Notify)
//!    to [`Host::notify`], and stops at `WaitUntil` or `Settled`;
//! 3. saves the [`PendingPayment`] in the [`PendingStore`] (its text read
//!    with [`Host::load`] and written with [`Host::store`]) when the
//!    tracker's snapshot changed;
//! 4. waits for whichever comes first: a request finishing, an event, or
//!    the `WaitUntil` instant ([`Host::sleep_until`]).
//!
//! On `Settled`, the pending payment is saved with its outcome (so that a
//! reload shows the same truth without asking again) and `run` returns the
//! [`Outcome`].

use core::future::{Future, poll_fn};
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::foundation::time::Timestamp;
use crate::shopper::deeplink::Deeplink;
use crate::shopper::pending::{PendingError, PendingPayment, PendingStore};
use crate::shopper::tracker::{
    Action, ConfigError, Event, FetchRequest, Outcome, Progress, RequestId, SnapshotError, Tracker,
    TrackerConfig, TransportErrorKind, interpret_http,
};
use crate::shopper::url::{ReturnError, ReturnExpectation, ShopperReturned};

/// How a request the tracker asked for ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    /// An HTTP answer arrived (any status code).
    Answered {
        /// The HTTP status code.
        status: u16,
        /// The raw `Retry-After` header, if any.
        retry_after: Option<String>,
        /// The body text.
        body: String,
    },
    /// No HTTP answer: a timeout, no network, or another transport error.
    Failed(TransportErrorKind),
}

/// What the platform provides: its clock, HTTP stack, timers, storage and
/// UI. The futures need not be `Send` (the browser's are not); where they
/// are, [`Driver::run`]'s future is `Send` too.
pub trait Host {
    /// The future of one request.
    type Fetch: Future<Output = FetchOutcome>;
    /// The future of one sleep.
    type Sleep: Future<Output = ()>;

    /// The current wall-clock time.
    fn now(&self) -> Timestamp;

    /// Starts `request` (`GET request.url()`), enforcing its
    /// `connect_timeout` and `read_timeout`.
    fn fetch(&self, request: &FetchRequest) -> Self::Fetch;

    /// A future that completes at `at` (or soon after). It may be dropped
    /// before it completes, when something else happened first.
    fn sleep_until(&self, at: Timestamp) -> Self::Sleep;

    /// What the platform's storage holds under
    /// [`STORAGE_KEY`](crate::shopper::pending::STORAGE_KEY).
    fn load(&self) -> Option<String>;

    /// Replaces what the platform's storage holds under
    /// [`STORAGE_KEY`](crate::shopper::pending::STORAGE_KEY).
    fn store(&self, text: &str);

    /// The status or what the tracker is doing changed: update the UI.
    fn notify(&self, progress: &Progress);
}

/// Why a driver cannot start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DriveError {
    /// The tracker configuration is not valid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The pending payment cannot be made or restored.
    #[error(transparent)]
    Pending(#[from] PendingError),
    /// The stored tracker cannot be restored.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}

#[derive(Debug, Default)]
struct Inbox {
    events: VecDeque<Event>,
    waker: Option<Waker>,
}

/// Reports what happens to the page or app to a running [`Driver`]. Clone
/// it freely; it can be used from any thread, before, during and after
/// [`Driver::run`] (events after the outcome are ignored).
#[derive(Clone, Debug)]
pub struct DriverHandle {
    inbox: Arc<Mutex<Inbox>>,
    expectation: Arc<ReturnExpectation>,
}

impl DriverHandle {
    fn lock(&self) -> MutexGuard<'_, Inbox> {
        // A panic while holding this lock cannot leave the queue
        // inconsistent; carry on with it.
        self.inbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `event` and wakes the driver.
    pub fn send(&self, event: Event) {
        let mut inbox = self.lock();
        inbox.events.push_back(event);
        if let Some(waker) = inbox.waker.take() {
            waker.wake();
        }
    }

    /// The shopper came back on `url` (the fallback page loaded, the app
    /// was opened by its scheme): checks that the return belongs to this
    /// attempt, then tells the tracker to check at once. A forged or stale
    /// return is refused and changes nothing. The provider's deprecated
    /// `status` parameter is ignored: the status is always fetched.
    pub fn returned(&self, url: &str) -> Result<ShopperReturned, ReturnError> {
        let returned = self.expectation.check_return(url)?;
        self.send(Event::Returned);
        Ok(returned)
    }

    /// The app came back to the foreground after the payment app closed
    /// (Android's `INTENT` fallback, `onActivityResult`): the shopper is
    /// back. Refused for a web attempt.
    pub fn app_resumed(&self) -> Result<ShopperReturned, ReturnError> {
        let returned = self.expectation.app_resumed()?;
        self.send(Event::Returned);
        Ok(returned)
    }

    /// The payment app was opened.
    pub fn switched_out(&self) {
        self.send(Event::SwitchedOut);
    }

    /// The page or app is in the foreground again.
    pub fn visible(&self) {
        self.send(Event::Visible);
    }

    /// The page or app went to the background.
    pub fn hidden(&self) {
        self.send(Event::Hidden);
    }

    /// The network is back.
    pub fn online(&self) {
        self.send(Event::Online);
    }

    /// The network is gone.
    pub fn offline(&self) {
        self.send(Event::Offline);
    }

    /// Stop tracking: the driver settles on what it knows.
    pub fn stop(&self) {
        self.send(Event::Stop);
    }
}

/// Runs a [`Tracker`] on a [`Host`]; see the [module documentation](self).
#[derive(Debug)]
pub struct Driver<H: Host> {
    host: H,
    tracker: Tracker,
    pending: PendingPayment,
    handle: DriverHandle,
}

/// What wakeup the loop.
enum Wakeup {
    Fetched(usize, FetchOutcome),
    Events,
    Timer,
}

/// At most this many requests run at once: the two the tracker may wait
/// for (a held long poll and a short request beside it) and the latest
/// ones it gave up on (their timeouts passed, or a return's short request
/// replaced a long poll), whose answers still add facts. Beyond it, the
/// oldest given up is dropped.
const MAX_IN_FLIGHT: usize = 4;

impl<H: Host> Driver<H> {
    /// A driver for a new attempt: the tracker starts now, and the pending
    /// payment is saved at once, before the shopper leaves.
    pub fn start(
        host: H,
        config: TrackerConfig,
        deeplink: Deeplink,
        expectation: ReturnExpectation,
    ) -> Result<Driver<H>, DriveError> {
        let now = host.now();
        let tracker = Tracker::new(config)?;
        let pending = PendingPayment::new(&tracker, deeplink, expectation, now)?;
        let driver = Driver::assemble(host, tracker, pending);
        driver.save();
        Ok(driver)
    }

    /// A driver for an attempt this device did not start: the shopper came
    /// back on its return URL with nothing stored here, and the backend's
    /// return check vouched for it
    /// ([`ReturnCheck::tracker_config`](crate::shopper::return_check::ReturnCheck::tracker_config)).
    /// The pending payment (without a deeplink) is saved at once; report
    /// the return with [`DriverHandle::returned`] so that it checks now.
    pub fn start_returned(
        host: H,
        config: TrackerConfig,
        expectation: ReturnExpectation,
    ) -> Result<Driver<H>, DriveError> {
        let now = host.now();
        let tracker = Tracker::new(config)?;
        let pending = PendingPayment::returned(&tracker, expectation, now)?;
        let driver = Driver::assemble(host, tracker, pending);
        driver.save();
        Ok(driver)
    }

    /// A driver that carries on with `pending` (after a reload, or a cold
    /// start of the app).
    pub fn resume(host: H, pending: PendingPayment) -> Result<Driver<H>, DriveError> {
        let tracker = pending.restore(host.now())?;
        Ok(Driver::assemble(host, tracker, pending))
    }

    fn assemble(host: H, tracker: Tracker, pending: PendingPayment) -> Driver<H> {
        let handle = DriverHandle {
            inbox: Arc::default(),
            expectation: Arc::new(pending.expectation.clone()),
        };
        Driver {
            host,
            tracker,
            pending,
            handle,
        }
    }

    /// The handle that reports events to this driver.
    pub fn handle(&self) -> DriverHandle {
        self.handle.clone()
    }

    /// The tracker, as it is now.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// The pending payment, as last saved.
    pub fn pending(&self) -> &PendingPayment {
        &self.pending
    }

    /// Drives the tracker until it settles, and returns the outcome.
    pub async fn run(mut self) -> Outcome {
        let mut in_flight: Vec<(RequestId, Pin<Box<H::Fetch>>)> = Vec::new();
        loop {
            let now = self.host.now();
            let events: Vec<Event> = self.handle.lock().events.drain(..).collect();
            for event in events {
                self.tracker.handle(event, now);
            }
            let wake_at = loop {
                match self.tracker.poll(now) {
                    Action::FetchStatus(request) => {
                        if in_flight.len() >= MAX_IN_FLIGHT {
                            // The oldest the tracker gave up on goes first;
                            // one it still waits for only if there is none.
                            let oldest = in_flight
                                .iter()
                                .position(|(id, _)| !self.tracker.is_awaiting(*id))
                                .unwrap_or(0);
                            drop(in_flight.remove(oldest));
                        }
                        in_flight.push((request.id, Box::pin(self.host.fetch(&request))));
                    }
                    Action::Notify(progress) => self.host.notify(&progress),
                    Action::WaitUntil(at) => break at,
                    Action::Settled(outcome) => {
                        self.save_if_changed(now);
                        return outcome;
                    }
                }
            };
            self.save_if_changed(now);
            let mut sleep = Box::pin(self.host.sleep_until(wake_at));
            let wakeup = poll_fn(|cx| self.wait(cx, &mut in_flight, sleep.as_mut())).await;
            if let Wakeup::Fetched(i, outcome) = wakeup {
                let (id, _) = in_flight.remove(i);
                let event = match outcome {
                    FetchOutcome::Answered {
                        status,
                        retry_after,
                        body,
                    } => Event::Response {
                        id,
                        answer: interpret_http(status, retry_after.as_deref(), &body),
                    },
                    FetchOutcome::Failed(kind) => Event::TransportError { id, kind },
                };
                self.tracker.handle(event, self.host.now());
            }
        }
    }

    fn wait(
        &self,
        cx: &mut Context<'_>,
        in_flight: &mut [(RequestId, Pin<Box<H::Fetch>>)],
        sleep: Pin<&mut H::Sleep>,
    ) -> Poll<Wakeup> {
        for (i, (_, fetch)) in in_flight.iter_mut().enumerate() {
            if let Poll::Ready(outcome) = fetch.as_mut().poll(cx) {
                return Poll::Ready(Wakeup::Fetched(i, outcome));
            }
        }
        {
            let mut inbox = self.handle.lock();
            if !inbox.events.is_empty() {
                return Poll::Ready(Wakeup::Events);
            }
            inbox.waker = Some(cx.waker().clone());
        }
        if sleep.poll(cx).is_ready() {
            return Poll::Ready(Wakeup::Timer);
        }
        Poll::Pending
    }

    fn save_if_changed(&mut self, now: Timestamp) {
        if self.tracker.snapshot() != self.pending.tracker {
            self.pending.update(&self.tracker, now);
            self.save();
        }
    }

    /// Puts the pending payment into the host's store (read, prune,
    /// replace, write: the other payments in the store are kept).
    fn save(&self) {
        let now = self.host.now();
        let mut store = PendingStore::from_stored(self.host.load().as_deref());
        store.prune(now);
        store.put(self.pending.clone());
        self.host.store(&store.to_json());
    }
}

#[cfg(test)]
mod tests;
