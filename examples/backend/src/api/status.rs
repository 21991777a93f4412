//! `GET /api/payments/{orderId}/status[?wait=N]`: appswitch's status
//! document, held up to `N` seconds (at most the configured maximum) while
//! the payment is undecided and nothing changes.
//!
//! A held request wakes when the order changes — a callback or a check on
//! this instance, or (PostgreSQL) on any other instance, through the
//! store's notifications — and otherwise asks the provider every
//! [`long_poll_interval`](crate::BackendConfig::long_poll_interval), as the
//! order's lease and interval allow. The document carries facts only: no
//! token, key or link of any kind.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use appswitch_core::status::{Amounts, PaymentState, PaymentStatus, StatusDocument};
use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiError, PROVIDER, admit_for_order};
use crate::app::App;
use crate::check::refresh_if_due;
use crate::store::StoredOrder;

/// `?wait=N` (seconds).
#[derive(Debug, Deserialize)]
pub(crate) struct WaitQuery {
    #[serde(default)]
    wait: Option<String>,
}

/// What the answer shows: a new provider timestamp alone is no change.
fn shown(s: &PaymentStatus) -> (PaymentState, Amounts) {
    (s.state(), s.amounts())
}

/// The document of a stored order, with the provider's last problem (if
/// any) in `x-appswitch-provider-problem`.
pub(crate) fn document(order: &StoredOrder) -> Response {
    let doc = StatusDocument::from_status(
        &order.order.order_id,
        order.order.provider_api.document_provider(),
        &order.state.status,
    );
    let mut r = Json(doc).into_response();
    if let Some(v) = order
        .state
        .problem
        .as_deref()
        .and_then(|p| HeaderValue::from_str(&p.replace(['\r', '\n'], " ")).ok())
    {
        r.headers_mut().insert("x-appswitch-provider-problem", v);
    }
    r
}

/// The answer for an order this shop does not have.
pub(crate) fn unknown(order_id: &str) -> Response {
    let doc = StatusDocument::unknown(order_id, PROVIDER, "this shop has no such order");
    (StatusCode::NOT_FOUND, Json(doc)).into_response()
}

/// `GET /api/payments/{orderId}/status[?wait=N]`.
pub(crate) async fn status(
    State(app): State<Arc<App>>,
    Path(order_id): Path<String>,
    Query(q): Query<WaitQuery>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wait = match q.wait.as_deref() {
        None | Some("") => 0,
        Some(w) => w.parse::<u64>().map_err(|_| {
            ApiError::bad_request(format!("`wait` must be whole seconds, not `{w}`"))
        })?,
    };
    admit_for_order(&app, peer, &headers, &order_id)?;
    let mut subscription = app.hub.subscribe(&order_id);
    let Some(mut order) = app.order(&order_id).await? else {
        return Ok(unknown(&order_id));
    };
    refresh_if_due(&app, &order).await?;
    order = app.order(&order_id).await?.unwrap_or(order);
    let before = shown(&order.state.status);
    let wait = Duration::from_secs(wait).min(app.config.long_poll_max);
    let until = tokio::time::Instant::now() + wait;
    loop {
        if order.state.status.is_final() || shown(&order.state.status) != before {
            break;
        }
        let now = tokio::time::Instant::now();
        if now >= until {
            break;
        }
        let next = (now + app.config.long_poll_interval).min(until);
        tokio::select! {
            _ = subscription.changed() => {}
            _ = tokio::time::sleep_until(next) => refresh_if_due(&app, &order).await?,
        }
        match app.order(&order_id).await? {
            Some(o) => order = o,
            // Evicted while held: it was finished long ago.
            None => break,
        }
    }
    Ok(document(&order))
}
