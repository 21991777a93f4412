//! Capture, cancel and refund, and the clean-up of duplicate
//! reservations — decided by appswitch-core, done here.
//!
//! - Every mutation runs a core [`MutationPlan`]: the amount rules before
//!   anything is sent, an idempotency key (`X-Request-Id`) kept across
//!   retries, and after a read timeout or `5xx` "check the details first,
//!   then retry with the same key" (seed 000). The backend only does the
//!   requests the plan hands out and feeds the answers back.
//! - Every basket has a core [`CheckoutSession`]: it is told each
//!   attempt's status and which attempt's goods were issued (shipped), and
//!   says which other reservation to cancel (or sale to refund) — seed
//!   000, "Clean-up strategies". [`watch`] polls the attempts the sessions
//!   still watch, so a reservation that arrives late is found and cancelled.

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::merchant::checkout::{CheckoutSession, SessionAction, SlowPaymentPolicy};
use appswitch_core::merchant::mutation::{
    Confirmation, IdempotencyKey, IdempotencyKeyError, MutationAction, MutationDone,
    MutationFailure, MutationKind, MutationPlan, MutationPolicy, PlanEvent, PolicyError,
};
use appswitch_core::providers::vipps_ecom::order_id::{OrderId, OrderIdError};
use appswitch_core::providers::vipps_ecom::{OperationError, check_capture};

use crate::App;
use crate::config::{Clock, SystemClock};
use crate::orders::Order;

/// Why a capture, cancel or refund did not happen (or is not known to).
#[derive(Debug, thiserror::Error)]
pub enum MutationError {
    /// The core's amount rules refuse it before any call.
    #[error(transparent)]
    Rule(#[from] OperationError),
    /// The plan ended without the operation: the provider refused it, or
    /// the plan gave up with the outcome open (repeat with the same
    /// `Idempotency-Key` later: it checks the details first).
    #[error(transparent)]
    Plan(#[from] MutationFailure),
    /// The `Idempotency-Key` cannot be an `X-Request-Id`.
    #[error(transparent)]
    Key(#[from] IdempotencyKeyError),
    /// The order's id is not an `orderId` (cannot happen for orders this
    /// backend made).
    #[error(transparent)]
    OrderId(#[from] OrderIdError),
    /// The configured [`MutationPolicy`] is not usable.
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

/// A capture, cancel or refund the shop asks for.
#[derive(Clone, Debug)]
pub(crate) struct Mutation {
    pub(crate) kind: MutationKind,
    /// Capture: `None` for everything that remains. Refund: required.
    pub(crate) amount: Option<Amount>,
    pub(crate) text: String,
    /// The idempotency key, kept across retries.
    pub(crate) key: IdempotencyKey,
}

/// What a mutation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Done {
    /// The amount the operation moved.
    pub(crate) amount: Amount,
    /// Whether the provider's history showed the operation made with this
    /// key (an answer that was lost), rather than a `200` answering it.
    pub(crate) from_history: bool,
}

/// The plans' numbers: the core's, with the backend's timeouts.
pub(crate) fn policy(app: &App) -> MutationPolicy {
    MutationPolicy {
        connect_timeout: app.config.connect_timeout,
        read_timeout: app.config.read_timeout,
        ..app.config.mutation_policy
    }
}

/// Carries out `m` on `order` with a core [`MutationPlan`], and merges
/// what it proves.
pub(crate) async fn mutate(app: &App, order: &Order, m: &Mutation) -> Result<Done, MutationError> {
    let details = order.refresh_now(&app.client, &app.mono).await;
    // A repeat of a request whose answer was lost: the history already
    // shows the operation with this key (the plan's own check, made before
    // the amount rules would refuse the operation as done already).
    if let Some(entry) = details
        .as_ref()
        .and_then(|d| d.entry_for_request(m.key.as_str()))
        .filter(|e| e.operation_success)
    {
        return Ok(Done {
            amount: entry.amount,
            from_history: true,
        });
    }
    let status = order.status();
    let order_id = OrderId::new(order.order_id.clone())?;
    let msn = &app.client.config().msn;
    let key = m.key.clone();
    let (plan, amount) = match m.kind {
        MutationKind::Capture => (
            MutationPlan::capture(&order_id, msn, &status, m.amount, &m.text, key)?,
            check_capture(&status, m.amount)?,
        ),
        MutationKind::Cancel => (
            MutationPlan::cancel(&order_id, msn, &status, &m.text, key)?,
            order.amount,
        ),
        MutationKind::Refund => {
            let amount = m.amount.unwrap_or(Amount::ZERO);
            let plan = MutationPlan::refund(
                &order_id,
                msn,
                &status,
                amount,
                &m.text,
                key,
                app.config.clock.now(),
            )?;
            (plan, amount)
        }
    };
    let plan = plan.with_policy(policy(app))?;
    let done = drive(app, plan).await?;
    order.merge(&done.status);
    Ok(match done.confirmation {
        Confirmation::History { entry } => Done {
            amount: entry.amount,
            from_history: true,
        },
        Confirmation::Response => Done {
            amount,
            from_history: false,
        },
    })
}

/// Runs a plan: does the requests it hands out, waits when it says, until
/// it is done or failed. The plan's time is the system's (its backoffs and
/// timeouts are real waits).
async fn drive(app: &App, mut plan: MutationPlan) -> Result<MutationDone, MutationFailure> {
    loop {
        let now = SystemClock.now();
        let (id, answer) = match plan.poll(now) {
            MutationAction::Send(req) => {
                let body = serde_json::to_string(&req.body).unwrap_or_default();
                let answer = app
                    .client
                    .raw(
                        req.method,
                        &req.path,
                        Some(&body),
                        Some(req.idempotency_key.as_str()),
                        req.read_timeout,
                    )
                    .await;
                (req.id, answer)
            }
            MutationAction::CheckDetails(check) => {
                let answer = app
                    .client
                    .raw(
                        appswitch_core::merchant::mutation::HttpMethod::Get,
                        &check.path,
                        None,
                        None,
                        check.read_timeout,
                    )
                    .await;
                (check.id, answer)
            }
            MutationAction::WaitUntil(t) => {
                let ms = t.as_millis().saturating_sub(now.as_millis()).min(60_000);
                tokio::time::sleep(Duration::from_millis(ms.max(1))).await;
                continue;
            }
            MutationAction::Done(done) => return Ok(done),
            MutationAction::Failed(failure) => return Err(failure),
        };
        let now = SystemClock.now();
        match answer {
            Ok(a) => plan.handle_http(id, a.status, a.retry_after.as_deref(), &a.body, now),
            Err(kind) => plan.handle(PlanEvent::TransportError { id, kind }, now),
        }
    }
}

/// The session of `basket_id`, made on first use: a late approval is
/// issued anyway (the demo shop sells things that keep), and an attempt is
/// watched for ten minutes.
pub(crate) fn new_session(basket_id: &str) -> CheckoutSession {
    CheckoutSession::new(
        basket_id,
        SlowPaymentPolicy::tickets(appswitch_core::providers::vipps_ecom::limits::PAYMENT_WINDOW),
    )
}

/// Asks the provider about the attempts `basket_id`'s session still
/// watches (as the per-order cache allows), tells the session every
/// attempt's status, then does the clean-ups it asks for: cancel (or
/// refund) the duplicates.
pub(crate) async fn clean_up(app: &App, basket_id: &str) {
    for id in app.watched_in(basket_id) {
        if let Some(order) = app.orders.get(&id) {
            app.refresh(&order).await;
        }
    }
    let actions = app.observe_basket(basket_id);
    for action in actions {
        let (kind, amount, order_id) = match action {
            // The demo shop issues goods when they ship.
            SessionAction::IssueGoods { .. } => continue,
            SessionAction::CancelReservation { order_id, .. } => {
                (MutationKind::Cancel, None, order_id)
            }
            SessionAction::RefundPayment {
                order_id, amount, ..
            } => (MutationKind::Refund, Some(amount), order_id),
        };
        let (Some(order), Ok(bytes)) =
            (app.orders.get(&order_id), crate::util::random_bytes::<16>())
        else {
            continue;
        };
        let m = Mutation {
            kind,
            amount,
            text: "A duplicate payment for your order: returned".into(),
            key: IdempotencyKey::from_random(bytes),
        };
        // A failure leaves the reservation; the session reports it as not
        // yet confirmed in its watch list.
        let _ = mutate(app, &order, &m).await;
    }
    app.observe_basket(basket_id);
}

/// Polls, every `interval`, the attempts the checkout sessions still
/// watch (within the per-order cache and budget), and cleans up.
pub(crate) async fn watch(app: Arc<App>, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        for basket in app.watched_baskets() {
            clean_up(&app, &basket).await;
        }
    }
}
