//! `GET /api/payments/{orderId}/return?attempt=NONCE`: the return check.
//!
//! iOS may open the fallback URL in Safari rather than in the browser or
//! webview that started the checkout, where nothing of the payment is
//! stored. The fallback URL carries the order id and the attempt's nonce;
//! with them the return page asks the backend, which compares the nonce
//! with the one it issued (constant time) and answers what the page needs
//! to carry on tracking: the return expectation, the status URL and the
//! status. A forged or stale return (another attempt's nonce) is refused
//! with `403` and the code `forged-return`.
//!
//! The answer is the core's [`ReturnCheck`] — the contract any backend
//! serves, and the type the browser module and the mobile bindings read
//! (`appswitch_core::shopper::return_check`) — so it is described once.

use std::net::SocketAddr;
use std::sync::Arc;

use appswitch_core::shopper::return_check::ReturnCheck;
use appswitch_core::status::StatusDocument;
use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::{ApiError, admit_for_order};
use crate::app::App;

/// `?attempt=NONCE`.
#[derive(Debug, Deserialize)]
pub(crate) struct AttemptQuery {
    #[serde(default)]
    attempt: Option<String>,
}

/// `GET /api/payments/{orderId}/return?attempt=NONCE`.
pub(crate) async fn check(
    State(app): State<Arc<App>>,
    Path(order_id): Path<String>,
    Query(q): Query<AttemptQuery>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<ReturnCheck>, ApiError> {
    admit_for_order(&app, peer, &headers, &order_id)?;
    let forged = || ApiError {
        code: Some("forged-return"),
        ..ApiError::new(
            StatusCode::FORBIDDEN,
            "this return does not belong to a payment attempt of this shop",
        )
    };
    let attempt = q.attempt.unwrap_or_default();
    // An unknown order and a wrong nonce answer alike.
    let order = app.order(&order_id).await?.ok_or_else(forged)?;
    if !order.order.expectation.nonce.matches(&attempt) {
        return Err(forged());
    }
    Ok(Json(ReturnCheck {
        status_url: format!("{}/api/payments/{order_id}/status", app.public_url),
        return_expectation: order.order.expectation.clone(),
        // What the checkout answered as `initiatedAt`: the client's
        // deadlines count from the same moment as the device that started.
        initiated_at: order
            .state
            .deeplink
            .as_ref()
            .map(|d| d.deadlines.received_at),
        status: Some(StatusDocument::from_status(
            &order_id,
            order.order.provider_api.document_provider(),
            &order.state.status,
        )),
        order_id,
    }))
}
