//! The tracker object with the host pieces written in Rust (a scripted
//! transport, a store in memory, a scheduler on a helper thread), polled by
//! a minimal `block_on`: the shared run, the host failures, the cold start.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::task::{Context, Wake, Waker};
use std::thread::Thread;

use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{FallbackSpec, FallbackTarget};

use super::*;
use crate::convert;
use crate::deeplink::classify_deeplink;
use crate::errors::{HostError, TransportError};
use crate::host::{HttpRequest, HttpResponse};
use crate::policy::vipps_policy;
use crate::resume::{forget_pending, resume_pending};
use crate::urls::build_fallback;
use appswitch_core::shopper::tracker::Outcome;

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `fut` on this thread until it is ready (no runtime).
fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

/// Answers from a script (the last answer repeats) and counts requests.
#[derive(Default)]
struct Scripted {
    answers: Mutex<VecDeque<Result<HttpResponse, TransportError>>>,
    requests: Mutex<Vec<HttpRequest>>,
}

impl Scripted {
    fn new(answers: Vec<Result<HttpResponse, TransportError>>) -> Arc<Scripted> {
        Arc::new(Scripted {
            answers: Mutex::new(answers.into()),
            requests: Mutex::default(),
        })
    }
    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

#[async_trait::async_trait]
impl HttpTransport for Scripted {
    async fn get(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.requests.lock().unwrap().push(request);
        let mut answers = self.answers.lock().unwrap();
        let answer = if answers.len() > 1 {
            answers.pop_front()
        } else {
            answers.front().cloned()
        };
        answer.unwrap_or(Err(TransportError::Offline))
    }
}

fn doc(status: &str, is_final: bool) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status: 200,
        headers: HashMap::new(),
        body: format!(
            r#"{{"version":1,"orderId":"o-1","provider":"vipps","status":"{status}","final":{is_final},"amounts":{{"reserved":100}}}}"#
        ),
    })
}

#[derive(Default)]
struct Memory(Mutex<HashMap<String, String>>, Mutex<bool>);

impl KeyValueStore for Memory {
    fn get(&self, key: String) -> Result<Option<String>, HostError> {
        Ok(self.0.lock().unwrap().get(&key).cloned())
    }
    fn put(&self, key: String, value: String) -> Result<(), HostError> {
        if *self.1.lock().unwrap() {
            return Err(HostError::Failed {
                detail: "disk full".into(),
            });
        }
        self.0.lock().unwrap().insert(key, value);
        Ok(())
    }
}

/// Sleeps on a helper thread (the app's timer), or fails.
struct Timer {
    fail: bool,
}

#[async_trait::async_trait]
impl TrackerScheduler for Timer {
    async fn sleep(&self, millis: i64) -> Result<(), HostError> {
        if self.fail {
            return Err(HostError::Failed {
                detail: "no timers here".into(),
            });
        }
        let done = Arc::new(Mutex::new((false, None::<Waker>)));
        let d = Arc::clone(&done);
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(millis.unsigned_abs()));
            let mut d = d.lock().unwrap();
            d.0 = true;
            if let Some(w) = d.1.take() {
                w.wake();
            }
        });
        poll_fn(|cx| {
            let mut d = done.lock().unwrap();
            if d.0 {
                Poll::Ready(())
            } else {
                d.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        Ok(())
    }
}

fn attempt() -> (PaymentAttempt, String) {
    let fallback = build_fallback(FallbackSpec::new(
        Platform::Android,
        FallbackTarget::App {
            base: "merchantapp://result".into(),
        },
        "o-1",
    ))
    .unwrap();
    let now = crate::convert::long(convert::now().as_millis());
    let deeplink = classify_deeplink("vippsMT://?token=t".into(), now).unwrap();
    let attempt = PaymentAttempt {
        order_id: "o-1".into(),
        status_url: "http://127.0.0.1/status/o-1".into(),
        initiated_at_ms: now,
        deeplink,
        expectation: fallback.expectation,
    };
    (attempt, format!("{}&status=301", fallback.url))
}

fn fast() -> TrackingPolicy {
    TrackingPolicy {
        first_poll_after_ms: 20,
        poll_interval_ms: 20,
        backoff_base_ms: 20,
        backoff_max_ms: 50,
        ..vipps_policy()
    }
}

fn start(
    transport: &Arc<Scripted>,
    store: &Arc<Memory>,
    fail_sleep: bool,
) -> Result<Arc<PaymentTracker>, TrackerError> {
    PaymentTracker::new(
        attempt().0,
        transport.clone(),
        store.clone(),
        Arc::new(Timer { fail: fail_sleep }),
        None,
        Some(fast()),
    )
}

#[test]
fn settles_once_for_every_caller() {
    let transport = Scripted::new(vec![doc("initiated", false), doc("reserved", true)]);
    let store = Arc::new(Memory::default());
    let tracker = start(&transport, &store, false).unwrap();
    tracker.on_switched_out();
    let (a, b) = block_on(async {
        let mut a = std::pin::pin!(tracker.await_settled());
        let mut b = std::pin::pin!(tracker.await_settled());
        let (mut ra, mut rb) = (None, None);
        poll_fn(|cx| {
            if ra.is_none()
                && let Poll::Ready(v) = a.as_mut().poll(cx)
            {
                ra = Some(v);
            }
            if rb.is_none()
                && let Poll::Ready(v) = b.as_mut().poll(cx)
            {
                rb = Some(v);
            }
            if ra.is_some() && rb.is_some() {
                Poll::Ready((ra.take().unwrap(), rb.take().unwrap()))
            } else {
                Poll::Pending
            }
        })
        .await
    });
    let a = a.unwrap();
    assert!(matches!(a, Outcome::Success { .. }), "{a:?}");
    assert_eq!(b.unwrap(), a);
    assert_eq!(block_on(tracker.await_settled()).unwrap(), a);
    assert_eq!(tracker.outcome(), Some(a));
    assert_eq!(transport.count(), 2);
}

#[test]
fn a_return_before_the_run_is_checked_at_once() {
    let transport = Scripted::new(vec![doc("reserved", true)]);
    let store = Arc::new(Memory::default());
    let (attempt, return_url) = attempt();
    let tracker = PaymentTracker::new(
        attempt,
        transport.clone(),
        store,
        Arc::new(Timer { fail: false }),
        None,
        Some(TrackingPolicy {
            first_poll_after_ms: 60_000,
            ..fast()
        }),
    )
    .unwrap();
    tracker.on_switched_out();
    assert!(tracker.handle_return(return_url).is_ok());
    assert!(matches!(
        tracker.handle_return("merchantapp://result?orderId=o-1&attempt=x".into()),
        Err(ReturnError::NonceMismatch)
    ));
    let outcome = block_on(tracker.await_settled()).unwrap();
    assert!(matches!(outcome, Outcome::Success { .. }), "{outcome:?}");
    assert_eq!(transport.count(), 1);
}

#[test]
fn a_failing_store_or_scheduler_is_a_typed_error_and_the_payment_stays() {
    let transport = Scripted::new(vec![doc("initiated", false)]);
    let broken = Arc::new(Memory::default());
    *broken.1.lock().unwrap() = true;
    match start(&transport, &broken, false) {
        Err(TrackerError::StoreFailed { detail }) => {
            assert!(detail.contains("disk full"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    let store = Arc::new(Memory::default());
    let tracker = start(&transport, &store, true).unwrap();
    tracker.on_switched_out();
    match block_on(tracker.await_settled()) {
        Err(TrackerError::SchedulerFailed { detail }) => {
            assert!(detail.contains("no timers here"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    // A cold start carries on with the same store.
    let resumed = block_on(resume_pending(
        Scripted::new(vec![doc("cancelled", true)]),
        store.clone(),
        Arc::new(Timer { fail: false }),
        None,
        None,
        None,
        None,
    ))
    .unwrap()
    .expect("still pending");
    assert_eq!(resumed.order_id(), "o-1");
    let outcome = block_on(resumed.await_settled()).unwrap();
    assert!(matches!(outcome, Outcome::Cancelled { .. }), "{outcome:?}");
    assert_eq!(forget_pending(store.clone(), "o-1".into()), Ok(true));
    assert_eq!(forget_pending(store, "o-1".into()), Ok(false));
}
