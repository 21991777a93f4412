//! Capture, cancel and refund — and the two places where appswitch-core's
//! retry plans and checkout session plug in.
//!
//! The backend does the I/O: it refreshes the facts, builds the request
//! with the core's amount rules ([`OperationRequest::capture`] and
//! friends), sends it with an idempotency key (`X-Request-Id`), and merges
//! the answer. *What to do after a failure* ("check details first, then
//! retry with the same key", seed 000) and *which duplicate reservations
//! to cancel* (seed 000, "Clean-up strategies") are the core's decisions,
//! made by the retry plans and the checkout session of the core's issue 5.
//! Until those are on main, the two functions marked **PLUG-IN** below
//! hold their place:
//!
//! - [`after_failure`]: today the failure and the core's classification go
//!   back to the caller, who can repeat the request with the same
//!   `Idempotency-Key` (the simulator then answers from its idempotency
//!   record, and nothing happens twice).
//! - [`reservations_to_cancel`]: today nothing is cancelled.

use appswitch_core::money::Amount;
use appswitch_core::status::PaymentStatus;
use appswitch_core::vipps::{OperationError, OperationRequest};

use crate::App;
use crate::orders::Order;
use crate::provider::{OperationKind, ProviderError};

/// Why a capture, cancel or refund did not happen (or is not known to).
#[derive(Debug, thiserror::Error)]
pub enum MutationError {
    /// The core's amount rules refuse it before any call.
    #[error(transparent)]
    Rule(#[from] OperationError),
    /// The provider call failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

/// A capture, cancel or refund the shop asks for.
#[derive(Clone, Debug)]
pub(crate) struct Mutation {
    pub(crate) kind: OperationKind,
    /// Capture: `None` for everything that remains. Refund: required.
    pub(crate) amount: Option<Amount>,
    pub(crate) text: String,
    /// The idempotency key, kept across retries.
    pub(crate) key: String,
}

/// What a mutation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Done {
    /// The amount the operation moved.
    pub(crate) amount: Amount,
    /// Whether the provider's history already held the operation made
    /// with this key (a repeated request), so no call was made.
    pub(crate) already: bool,
}

/// Carries out `m` on `order`: fresh facts; if the provider's history
/// already shows the operation made with `m.key` (a repeat of a request
/// whose answer was lost — seed 000: "check status of last transaction in
/// transaction history prior to executing the service call again"), that
/// is the answer; otherwise the core's rules, one call with the
/// idempotency key, and the answer merged.
pub(crate) async fn mutate(app: &App, order: &Order, m: &Mutation) -> Result<Done, MutationError> {
    let details = order.refresh_now(&app.client, &app.mono).await;
    if let Some(entry) = details
        .as_ref()
        .and_then(|d| d.entry_for_request(&m.key))
        .filter(|e| e.operation_success)
    {
        return Ok(Done {
            amount: entry.amount,
            already: true,
        });
    }
    let status = order.status();
    let msn = &app.client.config().msn;
    let request = match m.kind {
        OperationKind::Capture => OperationRequest::capture(msn, &status, m.amount, &m.text)?,
        OperationKind::Cancel => OperationRequest::cancel(msn, &status, &m.text)?,
        OperationKind::Refund => OperationRequest::refund(
            msn,
            &status,
            m.amount.unwrap_or(Amount::ZERO),
            &m.text,
            app.config.clock.now(),
        )?,
    };
    match app
        .client
        .operation(m.kind, &order.order_id, &request, &m.key)
        .await
    {
        Ok(response) => {
            order.merge(&response.to_status());
            Ok(Done {
                amount: response.transaction_info.amount,
                already: false,
            })
        }
        Err(e) => {
            order.note_error(&e).await;
            after_failure(app, order, m, e).await
        }
    }
}

/// **PLUG-IN: the core's mutation plan (issue 5).** What to do after the
/// call for `m` failed with `e`: by `e.class()` — retry later, check the
/// details for an entry with `m.key` and retry with the same key, or give
/// up. Until the core's plan lands, the failure is reported as it is;
/// the caller may repeat the request with the same `Idempotency-Key`.
async fn after_failure(
    _app: &App,
    _order: &Order,
    _m: &Mutation,
    e: ProviderError,
) -> Result<Done, MutationError> {
    Err(MutationError::Provider(e))
}

/// **PLUG-IN: the core's checkout session (issue 5).** Given the attempt
/// of a basket whose goods were issued and every attempt's facts, the
/// attempts whose reservations must be cancelled. Until the core's
/// session lands: none.
pub(crate) fn reservations_to_cancel(
    _issued: &str,
    _attempts: &[(String, PaymentStatus)],
) -> Vec<String> {
    Vec::new()
}

/// Runs the clean-up of `basket_id` if one of its attempts was issued:
/// cancels what [`reservations_to_cancel`] names.
pub(crate) async fn clean_up(app: &App, basket_id: &str) {
    let Some(issued) = app.issued(basket_id) else {
        return;
    };
    let attempts = app.orders.for_basket(basket_id);
    let facts: Vec<(String, PaymentStatus)> = attempts
        .iter()
        .map(|o| (o.order_id.clone(), o.status()))
        .collect();
    for order_id in reservations_to_cancel(&issued, &facts) {
        let Some(order) = app.orders.get(&order_id) else {
            continue;
        };
        let Ok(key) = crate::util::random_hex() else {
            return;
        };
        let m = Mutation {
            kind: OperationKind::Cancel,
            amount: None,
            text: "Duplicate payment for one basket: cancelled".into(),
            key,
        };
        // A failure leaves the reservation for the next clean-up run.
        let _ = mutate(app, &order, &m).await;
    }
}
