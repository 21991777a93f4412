//! The driver on a host with a virtual clock: sleeping advances the clock
//! (firing any event scheduled before the wake-up), requests are answered
//! at once from a script — or never (a dead connection). No runtime: a
//! noop-waker `block_on`.

use core::cell::{Cell, RefCell};
use core::time::Duration;
use std::collections::VecDeque;

use std::rc::Rc;

use super::*;
use crate::foundation::money::Amount;
use crate::shopper::pending::PendingStore;
use crate::shopper::platform::Platform;
use crate::shopper::tracker::{Phase, UnknownReason};
use crate::shopper::url::{AttemptNonce, Fallback, FallbackSpec, FallbackTarget};
use crate::status::{PaymentStatus, StatusDocument};

const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);
const ORDER: &str = "shop-1042";
const LANDING: &str =
    "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x";

type Scheduled = (Timestamp, Box<dyn Fn(&DriverHandle)>);

#[derive(Default)]
struct World {
    now: Cell<u64>,
    /// `None`: the request never answers.
    script: RefCell<VecDeque<Option<FetchOutcome>>>,
    requests: RefCell<Vec<(Timestamp, String)>>,
    stored: RefCell<Option<String>>,
    notes: RefCell<Vec<Progress>>,
    schedule: RefCell<Vec<Scheduled>>,
    handle: RefCell<Option<DriverHandle>>,
}

#[derive(Clone, Default)]
struct TestHost(Rc<World>);

impl TestHost {
    fn at(&self, after: Duration, event: impl Fn(&DriverHandle) + 'static) {
        self.0
            .schedule
            .borrow_mut()
            .push((T0 + after, Box::new(event)));
        self.0.schedule.borrow_mut().sort_by_key(|(t, _)| *t);
    }
    fn answers(&self, answers: impl IntoIterator<Item = FetchOutcome>) {
        self.0
            .script
            .borrow_mut()
            .extend(answers.into_iter().map(Some));
    }
    /// The next request never answers (its connection is dead).
    fn dead(&self) {
        self.0.script.borrow_mut().push_back(None);
    }
    fn requests(&self) -> usize {
        self.0.requests.borrow().len()
    }
    fn store(&self) -> PendingStore {
        PendingStore::from_json(self.0.stored.borrow().as_deref().unwrap_or("")).unwrap()
    }
}

impl Host for TestHost {
    type Fetch = Scripted;
    type Sleep = Yield;

    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.0.now.get())
    }
    fn fetch(&self, request: &FetchRequest) -> Scripted {
        self.0
            .requests
            .borrow_mut()
            .push((self.now(), request.url()));
        let mut script = self.0.script.borrow_mut();
        let answer = if script.len() > 1 {
            script.pop_front()
        } else {
            script.front().cloned()
        };
        Scripted(answer.unwrap_or(Some(FetchOutcome::Failed(TransportErrorKind::Other))))
    }
    fn sleep_until(&self, at: Timestamp) -> Yield {
        Yield {
            host: self.clone(),
            at,
            yielded: false,
        }
    }
    fn load(&self) -> Option<String> {
        self.0.stored.borrow().clone()
    }
    fn store(&self, text: &str) {
        *self.0.stored.borrow_mut() = Some(text.to_string());
    }
    fn notify(&self, progress: &Progress) {
        self.0.notes.borrow_mut().push(progress.clone());
    }
}

/// A request's answer: at once, or never.
struct Scripted(Option<FetchOutcome>);

impl Future for Scripted {
    type Output = FetchOutcome;
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<FetchOutcome> {
        self.0.take().map_or(Poll::Pending, Poll::Ready)
    }
}

/// A sleep on the virtual clock. It yields once (so that a test can stop
/// the driver between two sleeps, as a killed process would); when it
/// completes, the clock moves to its instant — or to the first scheduled
/// event before it, which is fired.
struct Yield {
    host: TestHost,
    at: Timestamp,
    yielded: bool,
}

impl Future for Yield {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let world = &self.host.0;
        let due = {
            let mut schedule = world.schedule.borrow_mut();
            match schedule.first() {
                Some((t, _)) if *t <= self.at => Some(schedule.remove(0)),
                _ => None,
            }
        };
        match due {
            Some((t, event)) => {
                world.now.set(world.now.get().max(t.as_millis()));
                if let Some(handle) = world.handle.borrow().as_ref() {
                    event(handle);
                }
            }
            None => world.now.set(world.now.get().max(self.at.as_millis())),
        }
        Poll::Ready(())
    }
}

fn doc(status: &PaymentStatus) -> FetchOutcome {
    FetchOutcome::Answered {
        status: 200,
        retry_after: None,
        body: serde_json::to_string(&StatusDocument::from_status(ORDER, "vipps", status)).unwrap(),
    }
}

fn pending_answer() -> FetchOutcome {
    doc(&PaymentStatus::initiated())
}

fn reserved() -> FetchOutcome {
    doc(&PaymentStatus::initiated().with_reserved(Amount::from_minor(20000)))
}

fn fallback(nonce: u8) -> Fallback {
    FallbackSpec::new(
        Platform::MobileWeb,
        FallbackTarget::Web {
            base: "https://shop.example.no/return".into(),
        },
        ORDER,
    )
    .build(AttemptNonce::from_random([nonce; 16]))
    .unwrap()
}

fn start(host: &TestHost) -> Driver<TestHost> {
    host.0.now.set(T0.as_millis());
    let config = TrackerConfig::new(
        ORDER,
        format!("https://shop.example.no/status/{ORDER}"),
        T0,
        3,
    );
    let deeplink = Deeplink::classify(LANDING, T0).unwrap();
    let driver = Driver::start(host.clone(), config, deeplink, fallback(1).expectation).unwrap();
    *host.0.handle.borrow_mut() = Some(driver.handle());
    driver
}

/// Polls `fut` with a noop waker at most `polls` times.
fn poll_some<F: Future>(fut: F, polls: usize) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    (0..polls).find_map(|_| match fut.as_mut().poll(&mut cx) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    })
}

fn block_on<F: Future>(fut: F) -> F::Output {
    poll_some(fut, 100_000).expect("the driver finished")
}

#[test]
fn a_return_is_checked_at_once_and_the_outcome_saved() {
    let host = TestHost::default();
    let driver = start(&host);
    assert!(
        host.store().get(ORDER).is_some(),
        "saved before the shopper leaves"
    );
    host.answers([pending_answer(), pending_answer(), reserved()]);
    host.at(Duration::from_secs(1), DriverHandle::switched_out);
    let url = format!("{}&status=301", fallback(1).url);
    host.at(Duration::from_secs(3), move |h| {
        h.returned(&url).unwrap();
    });
    let outcome = block_on(driver.run());
    assert!(matches!(outcome, Outcome::Success { .. }), "{outcome:?}");
    let requests = host.0.requests.borrow();
    // Checked on return (at 3 s, before the 5 s first poll), then every 2 s.
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].0, T0 + Duration::from_secs(3));
    assert_eq!(requests[2].0, T0 + Duration::from_secs(7));
    let saved = host.store();
    let saved = saved.get(ORDER).unwrap();
    assert!(
        saved.is_settled(),
        "the outcome is saved for a reload to show"
    );
    let notes = host.0.notes.borrow();
    assert_eq!(notes.last().map(|p| p.phase), Some(Phase::Settled));
}

#[test]
fn a_forged_or_stale_return_changes_nothing() {
    let host = TestHost::default();
    let driver = start(&host);
    let handle = driver.handle();
    assert_eq!(
        handle.returned(&fallback(2).url).unwrap_err(),
        ReturnError::NonceMismatch
    );
    assert_eq!(
        handle.app_resumed().unwrap_err(),
        ReturnError::NoAppToResume
    );
    assert!(
        handle.lock().events.is_empty(),
        "nothing reached the tracker"
    );
}

#[test]
fn transport_errors_are_fed_back_and_retried() {
    let host = TestHost::default();
    let driver = start(&host);
    host.answers([
        FetchOutcome::Failed(TransportErrorKind::ReadTimeout),
        FetchOutcome::Failed(TransportErrorKind::ConnectTimeout),
        FetchOutcome::Answered {
            status: 503,
            retry_after: None,
            body: String::new(),
        },
        reserved(),
    ]);
    host.at(Duration::ZERO, DriverHandle::switched_out);
    let outcome = block_on(driver.run());
    assert!(matches!(outcome, Outcome::Success { .. }), "{outcome:?}");
    assert_eq!(host.requests(), 4);
}

#[test]
fn an_app_killed_mid_switch_resumes_from_the_store() {
    let host = TestHost::default();
    let driver = start(&host);
    host.answers([pending_answer()]);
    host.at(Duration::ZERO, DriverHandle::switched_out);
    // Run a little (a few polls), then the process dies.
    assert!(poll_some(driver.run(), 6).is_none());
    let before = host.requests();
    assert!(before >= 1, "it had started polling");
    let stored = host.0.stored.borrow().clone();

    // A cold start: a new host with the same storage, a minute later.
    let revived = TestHost::default();
    revived
        .0
        .now
        .set((T0 + Duration::from_secs(60)).as_millis());
    *revived.0.stored.borrow_mut() = stored;
    revived.answers([reserved()]);
    let store = revived.store();
    let pending = store.latest_unsettled(revived.now()).unwrap().clone();
    let driver = Driver::resume(revived.clone(), pending).unwrap();
    let outcome = block_on(driver.run());
    assert!(matches!(outcome, Outcome::Success { .. }), "{outcome:?}");
    assert_eq!(
        revived.0.requests.borrow()[0].0,
        T0 + Duration::from_secs(60),
        "checked at once"
    );
}

#[test]
fn stop_settles_on_what_is_known() {
    let host = TestHost::default();
    let driver = start(&host);
    host.answers([pending_answer()]);
    host.at(Duration::ZERO, DriverHandle::switched_out);
    host.at(Duration::from_secs(9), DriverHandle::stop);
    let outcome = block_on(driver.run());
    assert_eq!(
        outcome,
        Outcome::Unknown {
            reason: UnknownReason::Stopped
        }
    );
}

#[test]
fn an_undecided_payment_ends_unknown_after_the_deadline() {
    let host = TestHost::default();
    let driver = start(&host);
    let deadline = driver.tracker().deadline();
    host.answers([pending_answer()]);
    host.at(Duration::ZERO, DriverHandle::switched_out);
    host.at(Duration::from_secs(30), DriverHandle::hidden);
    let outcome = block_on(driver.run());
    assert_eq!(
        outcome,
        Outcome::Unknown {
            reason: UnknownReason::DeadlinePassed
        }
    );
    assert!(host.now() >= deadline);
    // Hidden from 30 s: no polls until the final check at the deadline.
    let late: Vec<_> = host
        .0
        .requests
        .borrow()
        .iter()
        .filter(|(t, _)| *t > T0 + Duration::from_secs(31))
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(late, vec![deadline]);
}

#[test]
fn a_dead_long_poll_does_not_hold_a_returning_shopper() {
    use crate::shopper::tracker::{Answer, LongPollSupport};
    // A tracker that learned the backend holds (its probe of 5 s was held
    // until 7.08 s), saved before the app was sent to the background.
    let config = TrackerConfig::new(
        ORDER,
        format!("https://shop.example.no/status/{ORDER}"),
        T0,
        3,
    );
    let mut tracker = Tracker::new(config).unwrap();
    tracker.handle(Event::SwitchedOut, T0);
    let probe_at = T0 + Duration::from_secs(5);
    let probe = loop {
        match tracker.poll(probe_at) {
            Action::FetchStatus(req) => break req,
            Action::Notify(_) => {}
            other => panic!("{other:?}"),
        }
    };
    let held_at = T0 + Duration::from_millis(7080);
    tracker.handle(
        Event::Response {
            id: probe.id,
            answer: Answer::Pending,
        },
        held_at,
    );
    assert_eq!(tracker.long_poll_support(), LongPollSupport::Holds);
    let deeplink = Deeplink::classify(LANDING, T0).unwrap();
    let pending =
        PendingPayment::new(&tracker, deeplink, fallback(1).expectation, held_at).unwrap();

    // The app resumes at 10 s: the check on restore ("pending"), then a
    // long poll whose connection is dead; the shopper is back at 20 s.
    let host = TestHost::default();
    host.0.now.set((T0 + Duration::from_secs(10)).as_millis());
    host.answers([pending_answer()]);
    host.dead();
    host.answers([reserved()]);
    let driver = Driver::resume(host.clone(), pending).unwrap();
    *host.0.handle.borrow_mut() = Some(driver.handle());
    let url = format!("{}&status=301", fallback(1).url);
    host.at(Duration::from_secs(20), move |h| {
        h.returned(&url).unwrap();
    });
    let outcome = block_on(driver.run());
    assert!(matches!(outcome, Outcome::Success { .. }), "{outcome:?}");
    let requests = host.0.requests.borrow();
    let at = |s| T0 + Duration::from_secs(s);
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(requests[0].0, at(10));
    assert!(requests[1].1.ends_with("?wait=25"), "{requests:?}");
    // The return's short request ran beside the dead long poll, at once;
    // the outcome came at 20 s, not after the long poll's 31 s.
    assert_eq!(
        requests[2],
        (at(20), format!("https://shop.example.no/status/{ORDER}"))
    );
    assert_eq!(host.now(), at(20));
}

#[test]
fn a_return_vouched_for_by_the_backend_is_tracked_at_once_and_saved_without_a_deeplink() {
    let host = TestHost::default();
    host.0.now.set(T0.as_millis());
    let config = TrackerConfig::new(
        ORDER,
        format!("https://shop.example.no/status/{ORDER}"),
        T0,
        3,
    );
    let driver = Driver::start_returned(host.clone(), config, fallback(1).expectation).unwrap();
    let saved = host.store();
    let saved = saved.get(ORDER).expect("saved at once");
    assert_eq!(saved.deeplink, None);
    // The shopper is already back: the return checks now, no switch first.
    driver
        .handle()
        .returned(&format!("{}&status=301", fallback(1).url))
        .unwrap();
    assert!(
        driver.handle().returned(&fallback(2).url).is_err(),
        "another attempt's link"
    );
    host.answers([reserved()]);
    let outcome = block_on(driver.run());
    assert!(matches!(outcome, Outcome::Success { .. }), "{outcome:?}");
    let requests = host.0.requests.borrow();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].0, T0, "at once");
    assert!(host.store().get(ORDER).unwrap().is_settled());
}
