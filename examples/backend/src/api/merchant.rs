//! The merchant's endpoints: an order's merchant view, and ship (capture),
//! cancel and refund. Each needs the merchant's key
//! ([`MerchantKey`](crate::MerchantKey)) before anything else is looked
//! at — `401` otherwise, whatever the `Origin` or `Content-Type` — and a
//! body, when there is one, must be `application/json` (`415`).
//!
//! An operation is stored under its idempotency key before the provider
//! hears of it: repeating a request with the same `Idempotency-Key`
//! answers what the first one did (without calling the provider again),
//! and a request whose answer was lost in a crash is settled from the
//! provider's history.

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::merchant::mutation::{IdempotencyKey, MutationKind};
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::url::ReturnExpectation;
use appswitch_core::status::StatusDocument;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{ApiError, PROVIDER, check_amount, json_body};
use crate::app::{App, millis};
use crate::auth::unauthorized;
use crate::check::{details_and_merge, next_check};
use crate::plans::{Mutation, mutate};
use crate::store::{
    NewOperation, NextCheck, OperationOrigin, OperationState, StoredEvent, StoredOperation,
};
use crate::util::{random_bytes, wall_millis};

/// How long an operation waits for a provider check of the same order that
/// is out (another request's, the watcher's, another instance's).
const LEASE_WAIT: Duration = Duration::from_secs(10);

/// Whether the request carries the merchant's key.
fn authorized(app: &App, headers: &HeaderMap) -> bool {
    app.config
        .merchant_key
        .as_ref()
        .is_some_and(|k| k.authorizes(headers))
}

/// An order as the merchant sees it (`GET /api/orders/{orderId}`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderInfo {
    /// The `orderId`.
    pub order_id: String,
    /// The basket.
    pub basket_id: String,
    /// The amount initiated.
    pub amount: Amount,
    /// The currency (ISO 4217).
    pub currency: String,
    /// The initiate `url` and its deadlines, once the provider answered.
    pub deeplink: Option<Deeplink>,
    /// The return expectation of the attempt.
    pub return_expectation: ReturnExpectation,
    /// Whether the goods shipped.
    pub shipped: bool,
    /// The status document.
    pub status: StatusDocument,
    /// Why the provider's view is not known, if the last check failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// What was observed and done, oldest first.
    pub events: Vec<serde_json::Value>,
}

fn event_json(e: &StoredEvent) -> serde_json::Value {
    serde_json::to_value(e).unwrap_or_default()
}

/// `GET /api/orders/{orderId}` (merchant only).
pub(crate) async fn order_info(
    State(app): State<Arc<App>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized();
    }
    let result = async {
        let order = app
            .order(&order_id)
            .await?
            .ok_or_else(|| ApiError::no_order(&order_id))?;
        let events = app.store.events(&order_id).await?;
        Ok::<_, ApiError>(Json(OrderInfo {
            order_id: order.order.order_id.clone(),
            basket_id: order.order.basket_id.clone(),
            amount: order.order.amount,
            currency: order.order.currency.clone(),
            deeplink: order.state.deeplink.clone(),
            return_expectation: order.order.expectation.clone(),
            shipped: order.state.goods_issued,
            status: StatusDocument::from_status(
                &order_id,
                order.order.provider_api.document_provider(),
                &order.state.status,
            ),
            problem: order.state.problem.clone(),
            events: events.iter().map(event_json).collect(),
        }))
    }
    .await;
    result.into_response()
}

/// The body of ship, cancel and refund.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MutationBody {
    /// Ship: the part to capture (all that remains when left out).
    /// Refund: required.
    #[serde(default)]
    pub amount: Option<Amount>,
    /// The text shown to the shopper.
    #[serde(default)]
    pub text: Option<String>,
}

/// The answer to ship, cancel and refund.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MutationAnswer {
    /// The status after the operation.
    pub status: StatusDocument,
    /// The idempotency key used (send it again as `Idempotency-Key` to
    /// repeat the request safely).
    pub idempotency_key: String,
    /// The amount the operation moved.
    pub amount: Amount,
    /// True when the provider's details history confirmed the operation
    /// made with this key (its answer was lost, or this request repeats
    /// one that was done), rather than a `200` answer to it.
    pub from_history: bool,
}

/// A stored answer: the HTTP status and the body.
#[derive(Debug, Serialize, Deserialize)]
struct StoredAnswer {
    status: u16,
    body: serde_json::Value,
}

fn replay(op: &StoredOperation) -> Option<Response> {
    let stored: StoredAnswer = serde_json::from_str(op.answer.as_deref()?).ok()?;
    let status = StatusCode::from_u16(stored.status).ok()?;
    Some((status, Json(stored.body)).into_response())
}

/// `POST /api/orders/{orderId}/{action}` (merchant only): `ship` (the
/// goods ship, so the payment is captured; `{"amount": …}` for a partial
/// capture), `cancel`, or `refund` (`{"amount": …}` required).
pub(crate) async fn order_action(
    State(app): State<Arc<App>>,
    Path((order_id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized();
    }
    match run(&app, &order_id, &action, &headers, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn run(
    app: &App,
    order_id: &str,
    action: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (kind, text) = match action {
        "ship" => (MutationKind::Capture, "Your order has shipped"),
        "cancel" => (MutationKind::Cancel, "Your order was cancelled"),
        "refund" => (MutationKind::Refund, "Your refund"),
        other => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no action `{other}`: ship, cancel or refund"),
            ));
        }
    };
    let b: MutationBody = json_body::<Option<MutationBody>>(app, headers, body, true)
        .await?
        .flatten()
        .unwrap_or_default();
    if let Some(a) = b.amount {
        check_amount("amount", a)?;
    }
    let key = match headers.get("idempotency-key") {
        Some(v) => IdempotencyKey::new(v.to_str().unwrap_or("\u{fffd}").trim())
            .map_err(|e| ApiError::bad_request(format!("`Idempotency-Key`: {e}")))?,
        None => IdempotencyKey::from_random(random_bytes::<16>().map_err(ApiError::internal)?),
    };
    if app.order(order_id).await?.is_none() {
        return Err(ApiError::no_order(order_id));
    }
    let m = Mutation {
        kind,
        amount: b.amount,
        text: b.text.unwrap_or_else(|| text.to_string()),
        key: key.clone(),
    };
    let op = NewOperation {
        order_id: order_id.to_string(),
        key: key.as_str().to_string(),
        kind,
        amount: m.amount,
        text: m.text.clone(),
        origin: OperationOrigin::Merchant,
    };
    let lease_ttl = app.config.watch.operation_lease;
    let now = wall_millis();
    let stored = app
        .store
        .begin_operation(&op, now, now.saturating_add(millis(lease_ttl)))
        .await?;
    if stored.op.kind != op.kind || stored.op.amount != op.amount {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`Idempotency-Key` `{}` was used for another request ({} of {:?})",
                key.as_str(),
                stored.op.kind.as_str(),
                stored.op.amount.map(Amount::minor)
            ),
        ));
    }
    if stored.state != OperationState::Pending
        && let Some(answer) = replay(&stored)
    {
        return Ok(answer);
    }
    let Some(lease) = app.lease_waiting(order_id, lease_ttl, LEASE_WAIT).await? else {
        return Err(ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::CONFLICT,
                "the provider is being asked about this order right now; repeat the request with the same `Idempotency-Key`",
            )
        });
    };
    let result = async {
        let details = details_and_merge(app, order_id).await?;
        mutate(app, order_id, &m, details.as_ref()).await
    }
    .await;
    let (answer, state) = match result {
        Ok(done) => {
            if kind == MutationKind::Capture {
                app.change(order_id, |_, s| {
                    s.goods_issued = true;
                    None
                })
                .await?;
            }
            let order = app.order(order_id).await?;
            let status = order.as_ref().map_or_else(
                || StatusDocument::unknown(order_id, PROVIDER, "evicted"),
                |o| {
                    StatusDocument::from_status(
                        order_id,
                        o.order.provider_api.document_provider(),
                        &o.state.status,
                    )
                },
            );
            let body = MutationAnswer {
                status,
                idempotency_key: key.as_str().to_string(),
                amount: done.amount,
                from_history: done.from_history,
            };
            (
                (
                    StatusCode::OK,
                    serde_json::to_value(&body).unwrap_or_default(),
                ),
                OperationState::Done,
            )
        }
        Err(e) => {
            let refused = e.is_refused();
            let err = ApiError::from(e);
            let status = err.status();
            let body = serde_json::to_value(&err).unwrap_or_default();
            let state = if refused {
                OperationState::Refused
            } else {
                OperationState::Pending
            };
            ((status, body), state)
        }
    };
    let (status, body) = answer;
    let now = wall_millis();
    let stored = serde_json::to_string(&StoredAnswer {
        status: status.as_u16(),
        body: body.clone(),
    })
    .unwrap_or_default();
    // An open outcome stays pending: a repeat with the same key drives it
    // again (checking the history first), and if nobody does, the watcher
    // settles it from the history once the lease is over.
    let retry = (state == OperationState::Pending).then(|| now.saturating_add(millis(lease_ttl)));
    app.store
        .finish_operation(order_id, key.as_str(), state, &stored, now, retry)
        .await?;
    let order = app.order(order_id).await?;
    let next = order.as_ref().and_then(|o| next_check(app, o, now));
    app.release(lease, true, NextCheck::At(next)).await;
    if let Some(o) = order {
        crate::sessions::observe(app, &o.order.basket_id).await?;
    }
    Ok((status, Json(body)).into_response())
}
