//! The backend's HTTP API: the shopper's endpoints (checkout, status,
//! return check), the merchant's (an order's view, capture, cancel,
//! refund: [`merchant`]), and the provider's (callbacks: [`callback`]).
//!
//! What every handler shares is here: the error answer, the client's
//! address for the per-client limits, the JSON body reader (content type,
//! size and time limits), and the amount bounds.

pub(crate) mod callback;
pub(crate) mod checkout;
pub(crate) mod merchant;
pub(crate) mod returns;
pub(crate) mod shipping;
pub(crate) mod status;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::retry::ErrorClass;
use appswitch_core::merchant::mutation::{MutationFailure, Problem};
use axum::Json;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::app::App;
use crate::config::ClientIp;
use crate::plans::MutationError;
use crate::provider::ProviderError;
use crate::rate::retry_after_secs;
use crate::store::StoreError;

/// The provider's name in the status document.
pub(crate) const PROVIDER: &str = "vipps";

/// The largest amount a JavaScript number holds exactly (2^53 − 1): the
/// browser module and any JavaScript backend read amounts as numbers.
pub const JS_SAFE_MAX: u64 = (1 << 53) - 1;

/// The provider's largest amount: the eCom API v2 OpenAPI specification
/// (vippsas/vipps-ecom-api, `docs/swagger.yaml`, `TransactionInfoInitiate`
/// and `Transaction`) declares `amount` as `type: integer, format: int32`,
/// so 2 147 483 647 øre. Later versions of the same specification (1.6.38
/// on, December 2022) drop the `format` without naming another maximum, and
/// keep `minimum: 100`; the 32-bit bound is the only maximum it ever stated.
pub const ECOM_MAX_AMOUNT: u64 = i32::MAX as u64;

/// An error answer: `{"error": "...", "class": "...", "providerStatus": 500, "codes": ["61"]}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    #[serde(skip)]
    retry_after: Option<u64>,
    /// What went wrong, naming the field or rule.
    pub error: String,
    /// A stable code for the cases a page handles (`forged-return`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// For provider failures: the core's classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<ErrorClass>,
    /// For provider failures: the provider's HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_status: Option<u16>,
    /// For provider failures: the eCom guide's error codes in the answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, error: impl ToString) -> Self {
        ApiError {
            status,
            retry_after: None,
            error: error.to_string(),
            code: None,
            class: None,
            provider_status: None,
            codes: Vec::new(),
        }
    }

    pub(crate) fn bad_request(error: impl ToString) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    pub(crate) fn no_order(order_id: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, format!("no order `{order_id}`"))
    }

    pub(crate) fn internal(error: impl ToString) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error)
    }

    /// `429` with `Retry-After`.
    pub(crate) fn too_many(what: &str, wait: Duration) -> Self {
        let secs = retry_after_secs(wait);
        ApiError {
            retry_after: Some(secs),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many {what}; come back in {secs} s"),
            )
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!("store: {e}");
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the shop's database is not available; try again",
            )
        }
    }
}

impl ApiError {
    /// The same error, classified.
    pub(crate) fn with_class(self, class: ErrorClass) -> Self {
        ApiError {
            class: Some(class),
            ..self
        }
    }
}

impl From<ProviderError> for ApiError {
    fn from(e: ProviderError) -> Self {
        ApiError {
            class: Some(e.class()),
            provider_status: e.status(),
            codes: e.codes().iter().map(|c| c.code().to_string()).collect(),
            ..ApiError::new(StatusCode::BAD_GATEWAY, e)
        }
    }
}

impl From<MutationError> for ApiError {
    fn from(e: MutationError) -> Self {
        match e {
            MutationError::Rule(rule) => ApiError::new(StatusCode::CONFLICT, rule),
            MutationError::Plan(f @ MutationFailure::Refused { .. }) => {
                ApiError::new(StatusCode::CONFLICT, f)
            }
            MutationError::Plan(f) => ApiError {
                class: Some(f.class()),
                provider_status: match &f {
                    MutationFailure::Provider {
                        problem: Problem::Http { status, .. },
                        ..
                    }
                    | MutationFailure::GaveUp {
                        last: Problem::Http { status, .. },
                        ..
                    } => Some(*status),
                    _ => None,
                },
                codes: f
                    .known_codes()
                    .iter()
                    .map(|c| c.code().to_string())
                    .collect(),
                ..ApiError::new(StatusCode::BAD_GATEWAY, &f)
            },
            MutationError::Key(k) => ApiError::bad_request(format!("`Idempotency-Key`: {k}")),
            MutationError::EpaymentKey(k) => {
                ApiError::bad_request(format!("`Idempotency-Key`: {k}"))
            }
            MutationError::EpaymentRule(rule) => ApiError::new(StatusCode::CONFLICT, rule),
            MutationError::Provider(e) if e.epayment_class(false) == ErrorClass::Final => {
                ApiError {
                    class: Some(ErrorClass::Final),
                    provider_status: e.status(),
                    ..ApiError::new(StatusCode::CONFLICT, e)
                }
            }
            MutationError::Provider(e) => ApiError {
                class: Some(e.epayment_class(false)),
                provider_status: e.status(),
                ..ApiError::new(StatusCode::BAD_GATEWAY, e)
            },
            MutationError::NoOrder(id) => ApiError::no_order(&id),
            MutationError::Store(e) => e.into(),
            MutationError::OrderId(e) => ApiError::internal(e),
            MutationError::Policy(e) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.retry_after;
        let mut r = (self.status, Json(self)).into_response();
        if let Some(secs) = retry {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        r
    }
}

/// The address a request counts against in the per-client limits.
pub(crate) fn client_ip(app: &App, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    match app.config.client_ip {
        ClientIp::Peer => peer.ip(),
        ClientIp::LastForwardedFor => headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back()
            .unwrap_or(peer.ip()),
    }
}

/// Counts a request about `order_id` against the client's per-minute
/// allowance for that order (`429` with `Retry-After` past it).
pub(crate) fn admit_for_order(
    app: &App,
    peer: SocketAddr,
    headers: &HeaderMap,
    order_id: &str,
) -> Result<(), ApiError> {
    app.status_requests
        .admit(&(client_ip(app, peer, headers), order_id.to_string()))
        .map_err(|w| ApiError::too_many(&format!("requests for order `{order_id}`"), w))
}

/// Whether the request says its body is JSON (`application/json`, with
/// any parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads a JSON body: `415` unless it is `application/json` (an empty
/// body is `None` where `optional`), `413` past the size limit, `408` past
/// the body timeout, `400` naming what serde could not read.
pub(crate) async fn json_body<T: DeserializeOwned>(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    optional: bool,
) -> Result<Option<T>, ApiError> {
    let limit = app.config.limits.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    if !optional && !is_json(headers) {
        return Err(unsupported());
    }
    let bytes = read_body(app, body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) && optional {
        return Ok(None);
    }
    if !is_json(headers) {
        return Err(unsupported());
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("body: {e}")))
}

/// Reads a request body whole: `413` past the size limit, `408` past the
/// body timeout.
pub(crate) async fn read_body(app: &App, body: Body) -> Result<axum::body::Bytes, ApiError> {
    let limit = app.config.limits.max_body_bytes;
    let read = tokio::time::timeout(
        app.config.limits.body_timeout,
        Limited::new(body, limit).collect(),
    )
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {} ms",
                app.config.limits.body_timeout.as_millis()
            ),
        )
    })?;
    match read {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(limit)),
        Err(e) => Err(ApiError::bad_request(format!("body: {e}"))),
    }
}

fn unsupported() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "the body must be JSON, sent with `Content-Type: application/json`",
    )
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than {limit} bytes"),
    )
}

/// `field` is within what a JavaScript number holds exactly and what the
/// provider accepts.
pub(crate) fn check_amount(field: &str, amount: Amount) -> Result<(), ApiError> {
    let max = JS_SAFE_MAX.min(ECOM_MAX_AMOUNT);
    if amount.minor() > max {
        return Err(ApiError::bad_request(format!(
            "`{field}` is {}, above the largest amount, {max} øre (the provider's 32-bit \
             `amount`; and never above 2^53 − 1, what a JavaScript number holds exactly)",
            amount.minor()
        )));
    }
    Ok(())
}
