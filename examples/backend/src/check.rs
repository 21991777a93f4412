//! Asking the provider about an order: the details call, merged into the
//! stored facts, and the order's next place in the watcher's queue.
//!
//! Every call is made under the order's lease ([`App::try_lease`]), so
//! however many browsers poll and however many instances serve them, the
//! provider sees one polite client per order: at most one call at a time,
//! and never two within [`BackendConfig::details_interval`](crate::BackendConfig::details_interval)
//! (nor within the 500 ms that the provider's 120 details calls a minute
//! per order allow).

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::limits::{
    FINAL_CHECK_GRACE, PAYMENT_WINDOW, RateLimitedApi, payment_window_closed,
};
use appswitch_core::providers::vipps_ecom::{KnownErrorCode, PaymentDetails};
use appswitch_core::providers::vipps_epayment::GetPaymentResponse;
use appswitch_core::status::PaymentStatus;

use crate::app::{App, millis};
use crate::config::{Clock, SystemClock};
use crate::provider::ProviderError;
use crate::provider_api::ProviderApi;
use crate::store::{EventSource, Millis, NewEvent, NextCheck, OrderState, StoreError, StoredOrder};
use crate::util::wall_millis;

/// Why an order the provider does not know is given up as failed, once the
/// payment window is over.
pub(crate) const NEVER_INITIATED: &str =
    "the provider has no payment with this orderId: it was never initiated";

/// When the order's attempt began, on the provider's clock (the initiate
/// answer), if the provider answered it.
fn initiated_at(state: &OrderState) -> Option<Timestamp> {
    state.deeplink.as_ref().map(|d| d.deadlines.received_at)
}

/// Whether the payment window of the order has closed (with the core's
/// grace for the one last check): its details are then read by the
/// provider's own rules for what is still undecided — a declined card the
/// shopper did not follow with another is failed, a payment nobody acted on
/// rejected (`PaymentDetails::to_status_after_payment_window`; Vipps eCom
/// API guide, "Timeouts").
fn window_closed(app: &App, state: &OrderState) -> bool {
    initiated_at(state).is_some_and(|at| payment_window_closed(at, app.config.clock.now()))
}

/// What the provider said about an order when asked: eCom's details, or
/// ePayment's get payment response.
#[derive(Clone, Debug)]
pub(crate) enum ProviderView {
    /// `GET /ecomm/v2/payments/{orderId}/details`.
    Ecom(Box<PaymentDetails>),
    /// `GET /epayment/v1/payments/{reference}`.
    Epayment(Box<GetPaymentResponse>),
}

impl ProviderView {
    /// The eCom details, if that is what it is.
    pub(crate) fn ecom(&self) -> Option<&PaymentDetails> {
        match self {
            ProviderView::Ecom(d) => Some(d),
            ProviderView::Epayment(_) => None,
        }
    }

    /// The ePayment payment, if that is what it is.
    pub(crate) fn epayment(&self) -> Option<&GetPaymentResponse> {
        match self {
            ProviderView::Epayment(p) => Some(p),
            ProviderView::Ecom(_) => None,
        }
    }
}

/// Asks the provider about the order through the API it was made with, and
/// merges what it says: eCom's details, or ePayment's get payment response
/// (whose `state` and `aggregate` the core maps; the ePayment API expires
/// a payment nobody acted on itself, `EXPIRED`, so it needs no reading
/// after the window). What it said, if the provider answered; a failure is
/// recorded as the order's `problem`; a payment the provider does not know
/// (eCom's error 35, ePayment's `404`) marks the order `provider_unknown`.
pub(crate) async fn details_and_merge(
    app: &App,
    order_id: &str,
) -> Result<Option<ProviderView>, StoreError> {
    let Some(order) = app.order(order_id).await? else {
        return Ok(None);
    };
    match order.order.provider_api {
        ProviderApi::Ecom => Ok(ecom_details_and_merge(app, &order)
            .await?
            .map(|d| ProviderView::Ecom(Box::new(d)))),
        ProviderApi::Epayment => {
            if app.details_holds.until(order_id, wall_millis()).is_some() {
                return Ok(None);
            }
            let answer = app.client.get_payment(order_id).await;
            let view = answer.as_ref().ok().cloned();
            let observed = answer.map(|p| p.to_status());
            merge_answer(app, order_id, observed, |e| e.status() == Some(404)).await?;
            Ok(view.map(|p| ProviderView::Epayment(Box::new(p))))
        }
    }
}

/// Merges what an answer proves, or records why there is none (holding
/// the order when the error carried a `Retry-After`); `unknown` says
/// whether an error means the provider has no such payment.
async fn merge_answer(
    app: &App,
    order_id: &str,
    observed: Result<PaymentStatus, ProviderError>,
    unknown: impl Fn(&ProviderError) -> bool,
) -> Result<(), StoreError> {
    match observed {
        Ok(observed) => {
            app.change(order_id, |_, state| {
                state.problem = None;
                state.provider_unknown = false;
                let merged = state.status.clone().merge(&observed);
                let changed = merged != state.status;
                state.status = merged;
                changed.then(|| NewEvent {
                    source: EventSource::Details,
                    accepted: true,
                    detail: serde_json::to_string(&observed).unwrap_or_default(),
                })
            })
            .await?;
        }
        Err(e) => {
            if let ProviderError::Http {
                retry_after: Some(wait),
                ..
            } = &e
            {
                let now = app.config.clock.now();
                app.details_holds.hold(order_id, *wait, wall_millis(), now);
            }
            let unknown = unknown(&e);
            let problem = e.to_string();
            app.change(order_id, |_, state| {
                state.problem = Some(problem.clone());
                state.provider_unknown = unknown;
                None
            })
            .await?;
        }
    }
    Ok(())
}

/// Asks the provider for the order's eCom details and merges them. The details,
/// if the provider answered; a failure is recorded as the order's
/// `problem`. Details read after the payment window closed decide what the
/// history leaves undecided ([`window_closed`]): without it a lost
/// `RESERVE_FAILED` or `REJECTED` callback left the order undecided for
/// ever. An order the provider asked, with `Retry-After`, not to be asked
/// about yet is not asked ([`crate::holds`]); an error answer that carries
/// one holds the order.
async fn ecom_details_and_merge(
    app: &App,
    order: &StoredOrder,
) -> Result<Option<PaymentDetails>, StoreError> {
    let order_id = order.order.order_id.as_str();
    if app.details_holds.until(order_id, wall_millis()).is_some() {
        return Ok(None);
    }
    // The order's details window is shared with its plans' checks.
    if !app.rates.try_record(
        order_id,
        RateLimitedApi::GetPaymentDetails,
        SystemClock.now(),
    ) {
        return Ok(None);
    }
    let answer = app.client.details(order_id).await;
    let details = answer.as_ref().ok().cloned();
    // On the clock after the answer came: the link's start never changes.
    let closed = window_closed(app, &order.state);
    let observed = answer.map(|d| {
        if closed {
            d.to_status_after_payment_window()
        } else {
            d.to_status()
        }
    });
    merge_answer(app, order_id, observed, |e| {
        e.codes().contains(&KnownErrorCode::OrderNotFound)
    })
    .await?;
    Ok(details)
}

/// For a status request: asks the provider if the order is due (the
/// per-order interval passed) and no other request or instance is asking
/// right now. The order's queue position stays — but for an order the
/// provider did not know when last asked (error 35, "Requested Order not
/// found", Vipps eCom API guide, "Error codes"): a payment whose initiate
/// is still being processed, or a read that raced the create, is asked
/// again, backing off ([`unknown_gap`]), and each such check moves its
/// place in the watcher's queue too, until the payment window is over and
/// [`never_initiated`] gives it up.
pub(crate) async fn refresh_if_due(app: &Arc<App>, order: &StoredOrder) -> Result<(), StoreError> {
    let unknown = order.state.provider_unknown;
    let mut gap = app.config.details_gap(order.state.status.is_final());
    if unknown {
        gap = gap.max(unknown_gap(app, order.checks));
    }
    let now = wall_millis();
    if app
        .details_holds
        .until(&order.order.order_id, now)
        .is_some()
    {
        return Ok(());
    }
    // The one last check after the payment window closed is made at once,
    // whatever the interval: it is the one that decides.
    let last_check = !order.state.status.is_final() && window_closed(app, &order.state);
    if !last_check
        && order
            .last_check_at
            .is_some_and(|last| now.saturating_sub(last) < millis(gap))
    {
        return Ok(());
    }
    let id = &order.order.order_id;
    let ttl = app.config.watch.check_lease;
    // The last check waits for a check that is out (the watcher's, another
    // request's: it may have asked before the window closed), up to one
    // read timeout; any other request answers what is known.
    let lease = if last_check {
        app.lease_waiting(id, ttl, app.config.read_timeout).await?
    } else {
        app.try_lease(id, ttl, Some(gap)).await?
    };
    let Some(lease) = lease else {
        return Ok(());
    };
    // Carried out to the end in a task of its own: a client that goes away
    // (a timeout, a page that unloads) drops its request's handler, and a
    // lease dropped with it would block every check of the order — the
    // watcher's too — until it expires.
    let (app, id) = (app.clone(), id.clone());
    let check = tokio::spawn(async move {
        let result = details_and_merge(&app, &id).await;
        // Still unknown: the next check, whoever makes it, backs off from
        // this one.
        let next = match app.store.order(&id).await {
            Ok(Some(after)) if unknown && after.state.provider_unknown => {
                NextCheck::At(next_check(&app, &after, wall_millis()))
            }
            _ => NextCheck::Keep,
        };
        app.release(lease, true, next).await;
        result.map(|_| ())
    });
    // A check that panicked gave its lease up with the task: its expiry
    // frees it.
    check.await.unwrap_or(Ok(()))
}

/// When the provider's payment window of this order closes, on the wall
/// clock (plus the core's grace for the one last check).
fn deadline(app: &App, order: &StoredOrder, now: Millis) -> Millis {
    match &order.state.deeplink {
        Some(link) => {
            let left = link
                .deadlines
                .payment_deadline
                .saturating_since(app.config.clock.now());
            now.saturating_add(millis(left + FINAL_CHECK_GRACE))
        }
        None => order
            .order
            .created_at
            .saturating_add(millis(PAYMENT_WINDOW + FINAL_CHECK_GRACE)),
    }
}

/// Whether an order the provider does not know is past all hope: its
/// payment window is over.
pub(crate) fn never_initiated(app: &App, order: &StoredOrder, now: Millis) -> bool {
    order.state.provider_unknown
        && !order.state.status.is_final()
        && now >= deadline(app, order, now)
}

/// How long a status request waits before asking again about an order the
/// provider did not know, after `checks` checks: the per-order details
/// interval, doubling with every check, up to the watcher's maximum.
fn unknown_gap(app: &App, checks: u32) -> Duration {
    app.config
        .details_gap(false)
        .saturating_mul(1u32 << checks.min(16))
        .min(
            app.config
                .watch
                .max_interval
                .max(app.config.details_gap(false)),
        )
}

/// The order's next check after one made now (`checks` made before it):
/// undecided orders back off from the first check's delay, doubling up to
/// the policy's maximum, with one check right after the payment window
/// closes; decided orders leave the queue.
pub(crate) fn next_check(app: &App, order: &StoredOrder, now: Millis) -> Option<Millis> {
    if order.state.status.is_final() {
        return None;
    }
    let policy = &app.config.watch;
    let doubled = policy
        .first_check
        .saturating_mul(1u32 << order.checks.min(16));
    let interval = doubled
        .min(policy.max_interval)
        .max(Duration::from_millis(100));
    let at = now.saturating_add(millis(interval));
    let deadline = deadline(app, order, now);
    let at = if now < deadline && at > deadline {
        deadline
    } else {
        at
    };
    // Never before the provider's `Retry-After` (Vipps eCom API guide,
    // "Rate limiting").
    let held = app.details_holds.until(&order.order.order_id, now);
    Some(held.map_or(at, |until| at.max(until)))
}

/// The first check of a new order.
pub(crate) fn first_check(app: &App, now: Millis) -> Millis {
    now.saturating_add(millis(app.config.watch.first_check))
}
