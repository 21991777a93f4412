//! `POST /vipps/callbacks/v2/payments/{orderId}`: the provider's callback
//! (Vipps eCom API guide, "Callbacks").
//!
//! Accepted only when its `Authorization` is the order's `authToken`
//! (compared in constant time by the core), and when what it says agrees
//! with the order: the `orderId` of the path, this shop's
//! `merchantSerialNumber`, and the amount initiated (plus, in an express
//! checkout, the cost of a shipping option this shop offered). eCom v2
//! payments are in NOK and its callbacks carry no currency; the order's
//! currency is checked to be NOK. Anything else is logged, kept in the
//! order's history as refused, answered `400`/`401`, and changes nothing.
//!
//! The same checks serve the ePayment API's webhooks
//! ([`crate::epayment::webhooks`]): once the signature is verified, their
//! reference, amount and currency go through [`check_observation`].

use std::sync::Arc;

use appswitch_core::foundation::money::Amount;
use appswitch_core::providers::vipps_ecom::{Callback, headers, verify_callback_authorization};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::checkout::shipping_options;
use crate::app::App;
use crate::store::{EventSource, NewEvent, StoredOrder};

/// Refused notifications kept per order (a flood of forged callbacks
/// cannot grow the history without bound).
const REFUSED_KEPT: u32 = 20;

/// What a provider's notification says about an order, to be checked
/// against it.
#[derive(Debug)]
pub(crate) struct Observation<'a> {
    /// The order it names.
    pub(crate) order_id: &'a str,
    /// The amount it is for.
    pub(crate) amount: Amount,
    /// Its currency, if it names one (eCom v2 callbacks do not).
    pub(crate) currency: Option<&'a str>,
    /// Extra amounts the order allows (an express checkout's shipping).
    pub(crate) extra: Option<Amount>,
    /// The amount is a part of the order's (an ePayment capture, refund or
    /// cancel event): at most the order's, not exactly it.
    pub(crate) partial: bool,
}

/// Why a notification does not agree with its order, if it does not.
pub(crate) fn check_observation(order: &StoredOrder, seen: &Observation<'_>) -> Result<(), String> {
    let o = &order.order;
    if seen.order_id != o.order_id {
        return Err(format!(
            "`orderId` `{}` is not the order's `{}`",
            seen.order_id, o.order_id
        ));
    }
    let currency = seen.currency.unwrap_or("NOK");
    if !currency.eq_ignore_ascii_case(&o.currency) {
        return Err(format!(
            "currency `{currency}` is not the order's `{}`",
            o.currency
        ));
    }
    let expected = o.amount;
    let with_extra = seen.extra.and_then(|e| expected.checked_add(e));
    if seen.partial {
        if seen.amount > with_extra.unwrap_or(expected) {
            return Err(format!(
                "amount {} is more than the order's {}",
                seen.amount.minor(),
                expected.minor()
            ));
        }
        return Ok(());
    }
    if seen.amount != expected && Some(seen.amount) != with_extra {
        return Err(format!(
            "amount {} øre is not the order's {} øre",
            seen.amount.minor(),
            expected.minor()
        ));
    }
    Ok(())
}

/// The shipping cost an express callback may add: the cost of the option
/// it names, if this shop offered it.
fn shipping_extra(order: &StoredOrder, callback: &Callback) -> Option<Amount> {
    if !order.order.express {
        return None;
    }
    let chosen = callback.shipping_details.as_ref()?;
    shipping_options()
        .into_iter()
        .find(|o| chosen.shipping_method_id.as_deref() == Some(o.shipping_method_id.as_str()))
        .map(|o| o.shipping_cost)
        .filter(|cost| *cost == chosen.shipping_cost)
}

async fn refuse(app: &App, order_id: &str, status: StatusCode, why: String) -> Response {
    app.stats.callback_refused();
    tracing::warn!("callback for order {order_id} refused: {why}");
    let event = NewEvent {
        source: EventSource::Callback,
        accepted: false,
        detail: why.clone(),
    };
    if let Err(e) = app.store.add_event(order_id, &event, REFUSED_KEPT).await {
        tracing::warn!("order {order_id}: recording a refused callback: {e}");
    }
    ApiError::new(status, why).into_response()
}

/// The order a provider's request names, if its `Authorization` is the
/// order's `authToken` (compared in constant time by the core): `404` for
/// an unknown order; for a wrong token the refusal (`401`) is made by the
/// caller from the reason.
pub(crate) async fn authorized_order(
    app: &App,
    order_id: &str,
    h: &HeaderMap,
) -> Result<StoredOrder, Result<String, Response>> {
    let order = match app.order(order_id).await {
        Ok(Some(o)) => o,
        Ok(None) => return Err(Err(ApiError::no_order(order_id).into_response())),
        Err(e) => return Err(Err(ApiError::from(e).into_response())),
    };
    let auth = h.get(headers::AUTHORIZATION).and_then(|v| v.to_str().ok());
    match verify_callback_authorization(&order.order.auth_token, auth) {
        Ok(()) => Ok(order),
        Err(e) => Err(Ok(e.to_string())),
    }
}

/// `POST /vipps/callbacks/v2/payments/{orderId}`.
pub(crate) async fn callback(
    State(app): State<Arc<App>>,
    Path(order_id): Path<String>,
    h: HeaderMap,
    body: Body,
) -> Response {
    let order = match authorized_order(&app, &order_id, &h).await {
        Ok(o) => o,
        Err(Ok(why)) => return refuse(&app, &order_id, StatusCode::UNAUTHORIZED, why).await,
        Err(Err(answer)) => return answer,
    };
    let bytes = match super::read_body(&app, body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let callback: Callback = match serde_json::from_slice(&bytes) {
        Ok(c) => c,
        Err(e) => {
            return refuse(
                &app,
                &order_id,
                StatusCode::BAD_REQUEST,
                format!("body: {e}"),
            )
            .await;
        }
    };
    if callback.merchant_serial_number != app.client.config().msn {
        let why = "`merchantSerialNumber` is not this shop's".to_string();
        return refuse(&app, &order_id, StatusCode::BAD_REQUEST, why).await;
    }
    let seen = Observation {
        order_id: &callback.order_id,
        amount: callback.transaction_info.amount,
        currency: None,
        extra: shipping_extra(&order, &callback),
        partial: false,
    };
    if let Err(why) = check_observation(&order, &seen) {
        return refuse(&app, &order_id, StatusCode::BAD_REQUEST, why).await;
    }
    app.stats.callback_accepted();
    let info = &callback.transaction_info;
    let event = NewEvent {
        source: EventSource::Callback,
        accepted: true,
        detail: serde_json::json!({
            "status": info.status,
            "amount": info.amount,
            "timeStamp": info.time_stamp.map(|t| t.to_string()),
            "transactionId": info.transaction_id,
        })
        .to_string(),
    };
    if let Err(e) = app
        .merge(&order_id, &callback.to_status(), event, true)
        .await
    {
        return ApiError::from(e).into_response();
    }
    if let Err(e) = crate::sessions::observe(&app, &order.order.basket_id).await {
        tracing::warn!("basket {}: {e}", order.order.basket_id);
    }
    StatusCode::OK.into_response()
}

/// `DELETE /vipps/consents/v2/consents/{userId}`: the shopper removed the
/// consent to share details (express). The demo shop keeps none.
pub(crate) async fn consent_removal(Path(_user_id): Path<String>) -> StatusCode {
    StatusCode::OK
}
