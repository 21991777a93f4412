//! What the app provides, as foreign traits: its HTTP stack
//! ([`HttpTransport`]: OkHttp, `URLSession`), a small key-value store
//! ([`KeyValueStore`]: `SharedPreferences`, the Keychain, a file), its
//! scheduler ([`TrackerScheduler`]: `delay`, `Task.sleep`) and a
//! [`StatusListener`]. A private `MobileHost` puts them behind the core's
//! [`Host`] trait, so that the core's drain loop
//! runs on the app's own coroutines or tasks — there is no Rust runtime and
//! no Rust thread.
//!
//! Every callback may throw: a transport exception is a transport failure
//! (the tracker backs off), a store exception is a typed
//! [`TrackerError`], a listener exception is dropped, and a scheduler
//! exception ends `awaitSettled()` with
//! [`TrackerError::SchedulerFailed`]. None of them panics.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use appswitch_core::drive::{FetchOutcome, Host};
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::pending::STORAGE_KEY;
use appswitch_core::shopper::tracker::{
    FetchReason, FetchRequest, Progress as TrackerProgress, TransportErrorKind,
};
use futures_util::future::{BoxFuture, FutureExt};

use crate::convert::{self, long, span};
use crate::errors::{HostError, TrackerError, TransportError};

/// One `GET` the tracker asks for.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// The URL (the merchant backend's status URL, with `?wait=N` for a
    /// long poll).
    pub url: String,
    /// Give up connecting after this long (throw `ConnectTimeout`).
    pub connect_timeout_ms: i64,
    /// Give up waiting for the answer after this long (throw `ReadTimeout`).
    pub read_timeout_ms: i64,
    /// Why now (for logs).
    pub reason: FetchReason,
}

impl From<&FetchRequest> for HttpRequest {
    fn from(r: &FetchRequest) -> Self {
        HttpRequest {
            url: r.url(),
            connect_timeout_ms: span(r.connect_timeout),
            read_timeout_ms: span(r.read_timeout),
            reason: r.reason,
        }
    }
}

/// The HTTP answer, whatever its status code.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// The status code (`200`, `429`, `503`, …).
    pub status: i32,
    /// The response headers (names in any case; `Retry-After` is read).
    pub headers: HashMap<String, String>,
    /// The body text.
    pub body: String,
}

/// The app's HTTP stack. Enforce the request's timeouts; throw a
/// `TransportError` when no HTTP answer arrived (any other exception counts
/// as `TransportError.Other`). Never add secrets: the status URL is the
/// merchant's own backend, which holds the keys.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    /// Sends `GET request.url` and returns the answer.
    async fn get(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// A small persistent key-value store (`SharedPreferences`, the Keychain,
/// a file) for the pending payment, which must survive process death. It
/// holds no secret. Calls are short and synchronous.
#[uniffi::export(with_foreign)]
pub trait KeyValueStore: Send + Sync {
    /// The value under `key`, or `null`.
    fn get(&self, key: String) -> Result<Option<String>, HostError>;
    /// Replaces the value under `key`.
    fn put(&self, key: String, value: String) -> Result<(), HostError>;
}

/// The app's scheduler: the tracker waits through it, on the app's own
/// coroutines or tasks. Kotlin: `override suspend fun sleep(millis: Long) =
/// delay(millis)`; Swift: `try await Task.sleep(nanoseconds: UInt64(millis)
/// * 1_000_000)`. The sleep is cancelled (the coroutine or task is
/// cancelled) when an event arrives first; returning early is harmless.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait TrackerScheduler: Send + Sync {
    /// Completes after `millis` milliseconds.
    async fn sleep(&self, millis: i64) -> Result<(), HostError>;
}

/// Gets every status or phase change, on the thread that polls
/// `awaitSettled()` (post to the UI thread yourself).
#[uniffi::export(with_foreign)]
pub trait StatusListener: Send + Sync {
    /// The status or what the tracker is doing changed.
    fn on_progress(&self, progress: TrackerProgress) -> Result<(), HostError>;
}

/// What the host pieces report back to the tracker object: the latest
/// progress, and failures that must not be lost.
#[derive(Debug, Default)]
pub(crate) struct HostState {
    inner: Mutex<HostStateInner>,
}

#[derive(Debug, Default)]
struct HostStateInner {
    latest: Option<TrackerProgress>,
    store_error: Option<String>,
    load_failed: bool,
    fatal: Option<TrackerError>,
}

impl HostState {
    fn lock(&self) -> MutexGuard<'_, HostStateInner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The latest progress the tracker reported.
    pub(crate) fn latest(&self) -> Option<TrackerProgress> {
        self.lock().latest.clone()
    }

    /// Replaces the latest progress.
    pub(crate) fn set_latest(&self, progress: TrackerProgress) {
        self.lock().latest = Some(progress);
    }

    /// Takes the last store failure, if any.
    pub(crate) fn take_store_error(&self) -> Option<TrackerError> {
        self.lock()
            .store_error
            .take()
            .map(|detail| TrackerError::StoreFailed { detail })
    }

    /// Takes the failure that ends tracking, if any.
    pub(crate) fn take_fatal(&self) -> Option<TrackerError> {
        self.lock().fatal.take()
    }
}

/// The app's pieces behind the core's [`Host`].
#[derive(Clone)]
pub(crate) struct MobileHost {
    pub(crate) transport: Arc<dyn HttpTransport>,
    pub(crate) store: Arc<dyn KeyValueStore>,
    pub(crate) scheduler: Arc<dyn TrackerScheduler>,
    pub(crate) listener: Option<Arc<dyn StatusListener>>,
    pub(crate) state: Arc<HostState>,
}

impl core::fmt::Debug for MobileHost {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MobileHost").finish_non_exhaustive()
    }
}

/// What `store` holds under the pending store's key; a throwing store is
/// a typed error.
pub(crate) fn read_pending(store: &dyn KeyValueStore) -> Result<Option<String>, TrackerError> {
    store
        .get(STORAGE_KEY.to_string())
        .map_err(|e| TrackerError::StoreFailed {
            detail: format!("reading `{STORAGE_KEY}`: {e}"),
        })
}

/// Replaces what `store` holds under the pending store's key.
pub(crate) fn write_pending(store: &dyn KeyValueStore, text: String) -> Result<(), TrackerError> {
    store
        .put(STORAGE_KEY.to_string(), text)
        .map_err(|e| TrackerError::StoreFailed {
            detail: format!("writing `{STORAGE_KEY}`: {e}"),
        })
}

/// What the core needs of an HTTP answer.
fn answered(response: HttpResponse) -> FetchOutcome {
    let Ok(status) = u16::try_from(response.status) else {
        return FetchOutcome::Failed(TransportErrorKind::Other);
    };
    let retry_after = response
        .headers
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
        .map(|(_, value)| value);
    FetchOutcome::Answered {
        status,
        retry_after,
        body: response.body,
    }
}

impl Host for MobileHost {
    type Fetch = BoxFuture<'static, FetchOutcome>;
    type Sleep = BoxFuture<'static, ()>;

    fn now(&self) -> Timestamp {
        convert::now()
    }

    fn fetch(&self, request: &FetchRequest) -> Self::Fetch {
        let transport = Arc::clone(&self.transport);
        let request = HttpRequest::from(request);
        async move {
            match transport.get(request).await {
                Ok(response) => answered(response),
                Err(e) => FetchOutcome::Failed(match e {
                    TransportError::ConnectTimeout => TransportErrorKind::ConnectTimeout,
                    TransportError::ReadTimeout => TransportErrorKind::ReadTimeout,
                    TransportError::Offline => TransportErrorKind::Offline,
                    TransportError::Other { .. } => TransportErrorKind::Other,
                }),
            }
        }
        .boxed()
    }

    fn sleep_until(&self, at: Timestamp) -> Self::Sleep {
        let millis = long(at.as_millis().saturating_sub(self.now().as_millis()));
        let scheduler = Arc::clone(&self.scheduler);
        let state = Arc::clone(&self.state);
        async move {
            if let Err(e) = scheduler.sleep(millis).await {
                state.lock().fatal = Some(TrackerError::SchedulerFailed {
                    detail: format!("the scheduler's `sleep({millis})` failed: {e}"),
                });
                // Never wakes on its own: the tracker object ends the run.
                core::future::pending::<()>().await;
            }
        }
        .boxed()
    }

    fn load(&self) -> Option<String> {
        match read_pending(self.store.as_ref()) {
            Ok(text) => text,
            Err(e) => {
                let mut state = self.state.lock();
                state.store_error = Some(e.to_string());
                // Do not overwrite what could not be read.
                state.load_failed = true;
                None
            }
        }
    }

    fn store(&self, text: &str) {
        if core::mem::take(&mut self.state.lock().load_failed) {
            return;
        }
        if let Err(e) = write_pending(self.store.as_ref(), text.to_string()) {
            self.state.lock().store_error = Some(e.to_string());
        }
    }

    fn notify(&self, progress: &TrackerProgress) {
        let progress = progress.clone();
        self.state.set_latest(progress.clone());
        if let Some(listener) = &self.listener {
            // A listener that throws only misses this update.
            let _ = listener.on_progress(progress);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_after_in_any_case_and_refuses_impossible_status_codes() {
        let headers = HashMap::from([("retry-AFTER".to_string(), "3".to_string())]);
        let outcome = answered(HttpResponse {
            status: 429,
            headers,
            body: String::new(),
        });
        assert_eq!(
            outcome,
            FetchOutcome::Answered {
                status: 429,
                retry_after: Some("3".into()),
                body: String::new(),
            }
        );
        for status in [-1, 70_000] {
            let outcome = answered(HttpResponse {
                status,
                headers: HashMap::new(),
                body: String::new(),
            });
            assert_eq!(outcome, FetchOutcome::Failed(TransportErrorKind::Other));
        }
    }
}
