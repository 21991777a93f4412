//! The browser as the core's [`Host`]: `Date.now()`, `fetch` (through
//! gloo-net), `setTimeout`, `localStorage`, and the tracker's listeners.
//!
//! # Timeouts
//!
//! The core asks for a connect timeout and a read timeout (Vipps eCom API "Exception handling" guide: "no
//! less than 1 second socket connection timeout", "5 seconds socket read
//! timeout"). `fetch` cannot tell connecting from waiting for the answer —
//! it has one `AbortSignal` for the whole request — so the request is
//! aborted when **connect + read timeout** (which already includes a long
//! poll's wait) have passed since it started, whether the headers or the
//! body are late; that is also when the core's own watchdog gives the
//! request up. A request aborted that way is reported as
//! [`ReadTimeout`](TransportErrorKind::ReadTimeout); [`ConnectTimeout`](TransportErrorKind::ConnectTimeout)
//! is never reported (the core backs off the same way for every transport
//! error). A failed request is [`Offline`](TransportErrorKind::Offline)
//! when `navigator.onLine` is false, else
//! [`Other`](TransportErrorKind::Other) (DNS, TLS, CORS, a reset
//! connection: `fetch` does not say which).

use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use std::rc::Rc;

use appswitch_core::drive::{FetchOutcome, Host};
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::pending::PendingStore;
use appswitch_core::shopper::tracker::{FetchRequest, Progress, TransportErrorKind};
use gloo_net::http::Request;
use web_sys::{AbortController, RequestCache};

use crate::browser::{self, Sleep, Timeout};

/// What the host calls with each progress: the tracker's listeners.
pub type Notify = Rc<dyn Fn(&Progress)>;

/// The browser's clock, HTTP stack, timers and storage, and the tracker's
/// listeners (through [`Notify`]), as the core's drive loop needs them.
pub struct BrowserHost {
    notify: Notify,
}

impl core::fmt::Debug for BrowserHost {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BrowserHost").finish_non_exhaustive()
    }
}

impl BrowserHost {
    /// A host that hands each progress to `notify`.
    pub fn new(notify: Notify) -> Self {
        BrowserHost { notify }
    }
}

impl Host for BrowserHost {
    type Fetch = Pin<Box<dyn Future<Output = FetchOutcome>>>;
    type Sleep = Sleep;

    fn now(&self) -> Timestamp {
        browser::now()
    }

    fn fetch(&self, request: &FetchRequest) -> Self::Fetch {
        let url = request.url();
        let budget = request.connect_timeout.saturating_add(request.read_timeout);
        Box::pin(async move { get(&url, budget).await })
    }

    fn sleep_until(&self, at: Timestamp) -> Sleep {
        Sleep::until(at)
    }

    fn load(&self) -> Option<String> {
        browser::load_pending()
    }

    fn store(&self, text: &str) {
        browser::store_pending(text);
    }

    fn notify(&self, progress: &Progress) {
        (self.notify)(progress);
    }
}

/// `GET url` (JSON accepted, never from the HTTP cache), given up after
/// `budget`.
pub async fn get(url: &str, budget: core::time::Duration) -> FetchOutcome {
    let Ok(controller) = AbortController::new() else {
        return FetchOutcome::Failed(TransportErrorKind::Other);
    };
    Abort::new(controller, budget).send(url).await
}

/// The pending store in `localStorage` (empty when there is none, or it
/// cannot be read).
pub fn load_store() -> PendingStore {
    PendingStore::from_stored(browser::load_pending().as_deref())
}

/// One request's `AbortController`: aborted when its time is up, and when
/// the request is given up (the future dropped: the driver stopped waiting,
/// or the tracker was detached).
struct Abort {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    _timeout: Timeout,
}

impl Abort {
    fn new(controller: AbortController, budget: core::time::Duration) -> Abort {
        let timed_out = Rc::new(Cell::new(false));
        let (flag, on_time_up) = (Rc::clone(&timed_out), controller.clone());
        let timeout = Timeout::new(budget, move || {
            flag.set(true);
            on_time_up.abort();
        });
        Abort {
            controller,
            timed_out,
            _timeout: timeout,
        }
    }

    fn failure(&self) -> FetchOutcome {
        FetchOutcome::Failed(if self.timed_out.get() {
            TransportErrorKind::ReadTimeout
        } else if !browser::online() {
            TransportErrorKind::Offline
        } else {
            TransportErrorKind::Other
        })
    }

    async fn send(&self, url: &str) -> FetchOutcome {
        let signal = self.controller.signal();
        let sent = Request::get(url)
            .cache(RequestCache::NoStore)
            .header("Accept", "application/json")
            .abort_signal(Some(&signal))
            .send()
            .await;
        let Ok(response) = sent else {
            return self.failure();
        };
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        match response.text().await {
            Ok(body) => FetchOutcome::Answered {
                status,
                retry_after,
                body,
            },
            Err(_) => self.failure(),
        }
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        // After the answer arrived this does nothing.
        self.controller.abort();
    }
}
