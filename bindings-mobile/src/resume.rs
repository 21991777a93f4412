//! Cold starts: the app was killed while the shopper was in the payment
//! app (or its store was emptied), and starts again — perhaps by the
//! return URL itself.
//!
//! [`resume_pending`] carries on with the pending payment in the store;
//! with nothing stored for the return URL, and a `returnCheckUrl`, it asks
//! the merchant's backend whether the URL is the return of an attempt it
//! started ([`appswitch_core::shopper::return_check`] has the contract and
//! every rule), and tracks that payment to its outcome like any other. A
//! forged, stale or foreign return is refused with
//! [`TrackerError::ReturnRefused`]: nothing is stored, nothing tracked.

use std::sync::Arc;

use appswitch_core::drive::Driver;
use appswitch_core::shopper::pending::{PendingPayment, PendingStore, ResumeError};
use appswitch_core::shopper::return_check::{ReturnCheck, return_check_url};
use appswitch_core::shopper::tracker::{FetchReason, Policy};
use appswitch_core::shopper::url::ReturnClaim;

use crate::convert::{self, random, span};
use crate::errors::TrackerError;
use crate::host::{
    HttpRequest, HttpTransport, KeyValueStore, MobileHost, StatusListener, TrackerScheduler,
    read_pending, write_pending,
};
use crate::policy::TrackingPolicy;
use crate::tracker::{PaymentTracker, host};

/// Resumes the payment the app was following when it was killed, or the
/// one its return URL belongs to:
///
/// - with `returnUrl`, the pending attempt it is the return of (checked
///   like `handleReturn`; the status is then checked at once). With none
///   stored for it and a `returnCheckUrl` — the backend's return check,
///   `https://shop.example/api/payments/{orderId}/return` — the backend is
///   asked with the URL's `orderId` and `attempt`, and the payment it
///   vouches for is tracked (and stored) from now; `policy` (default
///   `vippsPolicy()`) is that tracker's. A return the backend refuses, or
///   that belongs to no pending attempt, is refused with `ReturnRefused`;
///   a backend that cannot answer now with `ReturnCheckFailed`. Either way
///   nothing changes.
/// - without `returnUrl`, the newest unsettled attempt in the store.
///
/// `null` when there is nothing to resume.
#[uniffi::export(default(listener = None, return_url = None, return_check_url = None, policy = None))]
pub async fn resume_pending(
    transport: Arc<dyn HttpTransport>,
    store: Arc<dyn KeyValueStore>,
    scheduler: Arc<dyn TrackerScheduler>,
    listener: Option<Arc<dyn StatusListener>>,
    return_url: Option<String>,
    return_check_url: Option<String>,
    policy: Option<TrackingPolicy>,
) -> Result<Option<Arc<PaymentTracker>>, TrackerError> {
    let policy = match &policy {
        Some(p) => Policy::try_from(p)?,
        None => Policy::vipps(),
    };
    let host = host(transport, store, scheduler, listener);
    let text = read_pending(host.store.as_ref())?;
    let pending = PendingStore::from_json(text.as_deref().unwrap_or(""))?;
    let now = convert::now();
    let Some(url) = return_url else {
        return match pending.latest_unsettled(now) {
            Some(payment) => resumed(host, payment.clone(), None).map(Some),
            None => Ok(None),
        };
    };
    let refused = match pending.match_return(&url, now) {
        Ok((payment, _)) => return resumed(host, payment.clone(), Some(&url)).map(Some),
        Err(e) => e,
    };
    match (refused, return_check_url) {
        // Another attempt of an order pending here: stale or forged,
        // whatever the backend would say.
        (e @ ResumeError::NotThisAttempt { .. }, _) => Err(e.into()),
        (ResumeError::NothingPending, None) => Ok(None),
        (e, None) => Err(e.into()),
        (_, Some(template)) => from_return_check(host, &url, &template, policy)
            .await
            .map(Some),
    }
}

/// A tracker for `payment` from the store; `url` (already matched) is
/// reported as the return, so that it checks at once.
fn resumed(
    host: MobileHost,
    payment: PendingPayment,
    url: Option<&str>,
) -> Result<Arc<PaymentTracker>, TrackerError> {
    let state = Arc::clone(&host.state);
    let driver = Driver::resume(host, payment)?;
    if let Some(url) = url {
        // Checked by `match_return`; this queues the check-now.
        let _ = driver.handle().returned(url);
    }
    Ok(PaymentTracker::assemble(driver, state))
}

/// Asks the backend about the return `url` with nothing stored for it,
/// and starts tracking the payment it vouches for.
async fn from_return_check(
    host: MobileHost,
    url: &str,
    template: &str,
    policy: Policy,
) -> Result<Arc<PaymentTracker>, TrackerError> {
    let claim = ReturnClaim::from_url(url).map_err(|e| TrackerError::ReturnRefused {
        detail: format!("`returnUrl`: {e}"),
    })?;
    let request = HttpRequest {
        url: return_check_url(template, &claim)?,
        connect_timeout_ms: span(policy.connect_timeout),
        read_timeout_ms: span(policy.read_timeout),
        reason: FetchReason::Return,
    };
    let response =
        host.transport
            .get(request)
            .await
            .map_err(|e| TrackerError::ReturnCheckFailed {
                detail: format!("the return check got no answer from the backend: {e}"),
            })?;
    let status = u16::try_from(response.status).map_err(|_| TrackerError::ReturnCheckFailed {
        detail: format!("the return check got HTTP status {}", response.status),
    })?;
    let check = ReturnCheck::read(&claim, url, status, &response.body)?;
    let config = check.tracker_config(convert::now(), policy, u64::from_le_bytes(random()));
    let state = Arc::clone(&host.state);
    let driver = Driver::start_returned(host, config, check.return_expectation)?;
    if let Some(error) = state.take_store_error() {
        return Err(error);
    }
    // Vouched for above; this queues the check-now.
    let _ = driver.handle().returned(url);
    Ok(PaymentTracker::assemble(driver, state))
}

/// Forgets the pending payment of `orderId` (the app has shown its
/// outcome). True if there was one.
#[uniffi::export]
pub fn forget_pending(
    store: Arc<dyn KeyValueStore>,
    order_id: String,
) -> Result<bool, TrackerError> {
    let text = read_pending(store.as_ref())?;
    let mut pending = PendingStore::from_json(text.as_deref().unwrap_or(""))?;
    if pending.remove(&order_id).is_none() {
        return Ok(false);
    }
    write_pending(store.as_ref(), pending.to_json())?;
    Ok(true)
}
