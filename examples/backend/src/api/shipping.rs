//! `POST /vipps/callbacks/v2/payments/{orderId}/shippingDetails`: express
//! checkout's dynamic shipping. Before the shopper approves, the provider
//! asks which shipping this shop offers for the shopper's address, "3
//! attempts with 3 seconds timeout" (Vipps eCom API guide, "Express
//! checkout API endpoints required on the merchant side") — so the answer
//! is made from what the backend holds, with no call to anyone.
//!
//! Accepted only with the order's `authToken` as `Authorization` (compared
//! in constant time by the core), for an express order. The answer echoes
//! the request's `addressId` and the `orderId`, which the specification's
//! `FetchShippingCostResponse` requires; a request without an `addressId`
//! cannot be answered and is refused, naming it.

use std::sync::Arc;

use appswitch_core::providers::vipps_ecom::{ShippingDetailsRequest, ShippingDetailsResponse};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::callback::authorized_order;
use super::checkout::shipping_options;
use crate::app::App;

/// `POST /vipps/callbacks/v2/payments/{orderId}/shippingDetails`.
pub(crate) async fn shipping_details(
    State(app): State<Arc<App>>,
    Path(order_id): Path<String>,
    h: HeaderMap,
    body: Body,
) -> Response {
    let order = match authorized_order(&app, &order_id, &h).await {
        Ok(o) => o,
        Err(Ok(why)) => {
            tracing::warn!("shipping details for order {order_id} refused: {why}");
            return ApiError::new(StatusCode::UNAUTHORIZED, why).into_response();
        }
        Err(Err(answer)) => return answer,
    };
    if !order.order.express {
        return ApiError::bad_request("the order is not an express checkout").into_response();
    }
    let bytes = match super::read_body(&app, body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let address: ShippingDetailsRequest = match serde_json::from_slice(&bytes) {
        Ok(a) => a,
        Err(e) => return ApiError::bad_request(format!("body: {e}")).into_response(),
    };
    let Some(address_id) = address.address_id else {
        return ApiError::bad_request(
            "`addressId` is required: the answer must echo it (FetchShippingCostResponse)",
        )
        .into_response();
    };
    Json(ShippingDetailsResponse {
        address_id,
        order_id,
        shipping_details: shipping_options(),
    })
    .into_response()
}
