//! The eCom v2 endpoints a merchant calls (Vipps eCom API guide, "API endpoints"),
//! with the provider's authentication, rate limits, error answers and the
//! faults a test asked for.

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::payload::PayloadError;
use appswitch_core::providers::vipps_ecom::limits::{self, RateLimitedApi};
use appswitch_core::providers::vipps_ecom::{
    AccessTokenResponse, InitiateRequest, InitiateResponse, KnownErrorCode, OperationRequest,
    headers,
};
use appswitch_core::shopper::url::{UrlKind, check_local_callback_prefix, check_url};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::errors::ProviderError;
use crate::faults::Endpoint;
use crate::payment::{Choice, Payment};
use crate::record::RecordedCall;
use crate::state::{Outgoing, Shared, World};
use crate::util::random_hex;

type Sim = State<Arc<Shared>>;

fn header<'h>(h: &'h HeaderMap, name: &str) -> Option<&'h str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// The gateway's checks: the subscription key, the bearer token, and the
/// partner's `Merchant-Serial-Number` (Vipps eCom API guide, "Authentication").
pub(crate) fn authorize(
    shared: &Shared,
    inner: &mut World,
    h: &HeaderMap,
    now: Timestamp,
) -> Result<(), ProviderError> {
    let m = &shared.config.merchant;
    let refused = if header(h, headers::SUBSCRIPTION_KEY) != Some(m.subscription_key.as_str()) {
        Some(ProviderError::gateway(
            401,
            "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
        ))
    } else {
        let token = header(h, headers::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer "));
        match token.and_then(|t| inner.access_tokens.get(t.trim())) {
            None => Some(ProviderError::gateway(
                401,
                "Unauthorized. Access token is missing or invalid.",
            )),
            Some(expires) if *expires <= now => Some(ProviderError::gateway(
                401,
                "Unauthorized. Access token has expired.",
            )),
            Some(_) => match header(h, headers::MERCHANT_SERIAL_NUMBER) {
                Some(msn) if msn.trim() != m.msn => Some(ProviderError::gateway(
                    403,
                    "The credentials are not authorized for this Merchant-Serial-Number.",
                )),
                _ => None,
            },
        }
    };
    match refused {
        Some(e) => {
            inner.record.unauthorized += 1;
            Err(e)
        }
        None => Ok(()),
    }
}

/// An `InvalidRequest` for a body that could not be read.
fn unreadable(e: PayloadError) -> ProviderError {
    match e {
        PayloadError::Json { path, message } if !path.is_empty() => {
            ProviderError::invalid(&path, &message)
        }
        other => ProviderError::invalid("body", &other.to_string()),
    }
}

/// `POST /accesstoken/get`.
pub(crate) async fn access_token(State(shared): Sim, h: HeaderMap) -> Response {
    let now = shared.now();
    let m = &shared.config.merchant;
    let mut inner = shared.lock();
    if let Some(status) = inner.faults.take_burst(Endpoint::Token) {
        return ProviderError::burst(status).into_response();
    }
    if header(&h, headers::SUBSCRIPTION_KEY) != Some(m.subscription_key.as_str()) {
        inner.record.unauthorized += 1;
        return ProviderError::gateway(401, "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.").into_response();
    }
    if header(&h, headers::CLIENT_ID) != Some(m.client_id.as_str())
        || header(&h, headers::CLIENT_SECRET) != Some(m.client_secret.as_str())
    {
        inner.record.unauthorized += 1;
        return ProviderError::bad_client().into_response();
    }
    let lifetime = shared.config.token_lifetime;
    let token = random_hex(24);
    inner.access_tokens.insert(token.clone(), now + lifetime);
    inner.record.tokens_issued += 1;
    Json(AccessTokenResponse {
        token_type: "Bearer".into(),
        expires_in: lifetime.as_secs(),
        ext_expires_in: Some(0),
        expires_on: Some((now + lifetime).as_millis() / 1000),
        not_before: Some(now.as_millis() / 1000),
        resource: Some("00000002-0000-0000-c000-000000000000".into()),
        access_token: token,
    })
    .into_response()
}

/// The eCom guide's rules for an initiate request the body parser accepted.
fn check_initiate(shared: &Shared, r: &InitiateRequest) -> Result<(), ProviderError> {
    let info = &r.merchant_info;
    if r.transaction.amount.is_zero() {
        return Err(ProviderError::invalid(
            "transaction.amount",
            "Payment amounts must be larger than zero.",
        ));
    }
    // The specification's limits (eCom API specification (OpenAPI),
    // schemas `TransactionInfoInitiate` and `MerchantInfo`).
    if r.transaction.amount.minor() < limits::MIN_AMOUNT_ORE {
        return Err(ProviderError::invalid(
            "transaction.amount",
            "Minimum 1 NOK (100 øre).",
        ));
    }
    if r.transaction.transaction_text.trim().is_empty() {
        return Err(ProviderError::invalid(
            "transaction.transactionText",
            "transactionText is required",
        ));
    }
    let lengths = [
        (
            "transaction.transactionText",
            Some(r.transaction.transaction_text.as_str()),
            limits::TRANSACTION_TEXT_MAX_LEN,
        ),
        (
            "merchantInfo.callbackPrefix",
            Some(info.callback_prefix.as_str()),
            limits::URL_MAX_LEN,
        ),
        (
            "merchantInfo.fallBack",
            Some(info.fall_back.as_str()),
            limits::URL_MAX_LEN,
        ),
        (
            "merchantInfo.consentRemovalPrefix",
            info.consent_removal_prefix.as_deref(),
            limits::URL_MAX_LEN,
        ),
        (
            "merchantInfo.shippingDetailsPrefix",
            info.shipping_details_prefix.as_deref(),
            limits::URL_MAX_LEN,
        ),
        (
            "merchantInfo.authToken",
            info.auth_token.as_ref().map(|t| t.expose()),
            limits::AUTH_TOKEN_MAX_LEN,
        ),
    ];
    for (field, value, max) in lengths {
        if value.is_some_and(|v| v.chars().count() > max) {
            return Err(ProviderError::invalid(
                field,
                &format!("maxLength is {max} characters"),
            ));
        }
    }
    // "If `isApp` is true, the `fallBack` is not validated with Apache
    // Commons UrlValidator" — appswitch's app-scheme rule applies instead.
    let kind = if info.is_app == Some(true) {
        UrlKind::App
    } else {
        UrlKind::Web
    };
    check_url(kind, &info.fall_back)
        .map_err(|e| ProviderError::invalid("merchantInfo.fallBack", &e.to_string()))?;
    let callback_rule = |field: &str, url: &str| {
        let checked = if shared.config.strict_callbacks {
            check_url(UrlKind::Callback, url)
        } else {
            check_local_callback_prefix(url)
        };
        checked.map_err(|e| ProviderError::invalid(field, &e.to_string()))
    };
    callback_rule("merchantInfo.callbackPrefix", &info.callback_prefix)?;
    if r.is_express() {
        let Some(consent) = &info.consent_removal_prefix else {
            return Err(ProviderError::invalid(
                "merchantInfo.consentRemovalPrefix",
                "an express payment needs consentRemovalPrefix",
            ));
        };
        callback_rule("merchantInfo.consentRemovalPrefix", consent)?;
        match (&info.shipping_details_prefix, &info.static_shipping_details) {
            (None, None) => {
                return Err(ProviderError::invalid(
                    "merchantInfo.shippingDetailsPrefix",
                    "an express payment needs shippingDetailsPrefix or staticShippingDetails",
                ));
            }
            (Some(prefix), _) => {
                callback_rule("merchantInfo.shippingDetailsPrefix", prefix)?;
            }
            (None, Some(_)) => {}
        }
    }
    if r.transaction.skip_landing_page == Some(true) && !shared.config.skip_landing_page_allowed {
        return Err(ProviderError::code(
            KnownErrorCode::SkipLandingPageNotAllowed,
        ));
    }
    Ok(())
}

/// `POST /ecomm/v2/payments`.
pub(crate) async fn initiate(State(shared): Sim, h: HeaderMap, body: String) -> Response {
    shared.tick().await;
    let now = shared.now();
    let (answer, stall) = {
        let mut inner = shared.lock();
        let answer = initiate_locked(&shared, &mut inner, &h, &body, now);
        let stall = answer
            .as_ref()
            .ok()
            .and_then(|_| inner.faults.take_stall(Endpoint::Initiate));
        (answer, stall)
    };
    if let Some(d) = stall {
        tokio::time::sleep(d).await;
    }
    match answer {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

fn initiate_locked(
    shared: &Shared,
    inner: &mut World,
    h: &HeaderMap,
    body: &str,
    now: Timestamp,
) -> Result<InitiateResponse, ProviderError> {
    authorize(shared, inner, h, now)?;
    if let Some(status) = inner.faults.take_burst(Endpoint::Initiate) {
        return Err(ProviderError::burst(status));
    }
    let request = InitiateRequest::parse_json(body).map_err(unreadable)?;
    let order_id = request.transaction.order_id.as_str().to_string();
    if request.merchant_info.merchant_serial_number.as_str() != shared.config.merchant.msn {
        return Err(ProviderError::gateway(
            403,
            "The credentials are not authorized for this merchantSerialNumber.",
        ));
    }
    let record = |inner: &mut World, status: u16, fault: Option<&str>| {
        if let Some(p) = inner.orders.get_mut(&order_id) {
            p.record.calls.push(RecordedCall {
                endpoint: Endpoint::Initiate,
                at_ms: now.as_millis(),
                status,
                request_id: None,
                fault: fault.map(str::to_string),
            });
        }
    };
    if let Err(e) = inner.rate_limit(RateLimitedApi::InitiatePayment, &order_id, now) {
        record(inner, 429, Some("rate-limit"));
        return Err(e);
    }
    // "A payment is uniquely identified by the combination of
    // `merchantSerialNumber` and `orderId`" — one merchant here.
    if inner.orders.contains_key(&order_id) {
        record(inner, 409, None);
        return Err(ProviderError::code(KnownErrorCode::DuplicateOrderId));
    }
    check_initiate(shared, &request)?;
    let token = random_hex(24);
    let url = if request.merchant_info.is_app == Some(true) {
        format!("vippsMT://?token={token}")
    } else {
        format!(
            "{}/dwo-api-application/v1/deeplink/vippsgateway?v=2&token={token}",
            shared.base_url
        )
    };
    let txn = inner.transaction_id();
    let faults = inner.faults.clone();
    let mut payment = Payment::new(
        request,
        token.clone(),
        now,
        txn,
        faults,
        shared.config.direct_capture,
    );
    payment.record.calls.push(RecordedCall {
        endpoint: Endpoint::Initiate,
        at_ms: now.as_millis(),
        status: 200,
        request_id: None,
        fault: None,
    });
    inner.landing.insert(token, order_id.clone());
    inner.orders.insert(order_id.clone(), payment);
    Ok(InitiateResponse { order_id, url })
}

/// What an order endpoint did: its answer, and the callbacks to send.
type Done = (Result<Response, ProviderError>, Vec<Outgoing>);

/// The frame of every order endpoint: time, authentication, the order,
/// burst faults, rate limits, the operation itself, stalls, recording.
async fn order_call(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    order_id: &str,
    h: &HeaderMap,
    op: impl FnOnce(&mut World, Timestamp) -> Done,
) -> Response {
    shared.tick().await;
    let now = shared.now();
    let request_id = header(h, headers::X_REQUEST_ID).map(str::to_string);
    let (answer, callbacks, stall) = {
        let mut inner = shared.lock();
        let (answer, callbacks, fault, stall) =
            order_call_locked(shared, &mut inner, endpoint, order_id, h, now, op);
        let status = match &answer {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.status(),
        };
        if let Some(p) = inner.orders.get_mut(order_id) {
            p.record.calls.push(RecordedCall {
                endpoint,
                at_ms: now.as_millis(),
                status,
                request_id,
                fault: fault.map(str::to_string),
            });
        }
        (answer, callbacks, stall)
    };
    shared.send_all(callbacks).await;
    if let Some(d) = stall {
        tokio::time::sleep(d).await;
    }
    answer.unwrap_or_else(IntoResponse::into_response)
}

type Locked = (
    Result<Response, ProviderError>,
    Vec<Outgoing>,
    Option<&'static str>,
    Option<Duration>,
);

fn order_call_locked(
    shared: &Shared,
    inner: &mut World,
    endpoint: Endpoint,
    order_id: &str,
    h: &HeaderMap,
    now: Timestamp,
    op: impl FnOnce(&mut World, Timestamp) -> Done,
) -> Locked {
    if let Err(e) = authorize(shared, inner, h, now) {
        return (Err(e), Vec::new(), None, None);
    }
    let Some(p) = inner.orders.get_mut(order_id) else {
        inner.record.unknown_orders += 1;
        return (
            Err(ProviderError::code(KnownErrorCode::OrderNotFound)),
            Vec::new(),
            None,
            None,
        );
    };
    if let Some(status) = p.faults.take_burst(endpoint) {
        return (
            Err(ProviderError::burst(status)),
            Vec::new(),
            Some("burst"),
            None,
        );
    }
    if p.faults.take_unknown(endpoint) {
        return (
            Err(ProviderError::code(KnownErrorCode::OrderNotFound)),
            Vec::new(),
            Some("unknown"),
            None,
        );
    }
    let api = match endpoint {
        Endpoint::Details => Some(RateLimitedApi::GetPaymentDetails),
        Endpoint::Capture => Some(RateLimitedApi::CapturePayment),
        Endpoint::Cancel => Some(RateLimitedApi::CancelPayment),
        Endpoint::Refund => Some(RateLimitedApi::RefundPayment),
        Endpoint::Token | Endpoint::Initiate | Endpoint::ForceApprove => None,
    };
    if let Some(Err(e)) = api.map(|api| inner.rate_limit(api, order_id, now)) {
        return (Err(e), Vec::new(), Some("rate-limit"), None);
    }
    let (answer, callbacks) = op(inner, now);
    let stall = inner
        .orders
        .get_mut(order_id)
        .and_then(|p| p.faults.take_stall(endpoint));
    (answer, callbacks, stall.map(|_| "stall"), stall)
}

/// `GET /ecomm/v2/payments/{orderId}/details`.
pub(crate) async fn details(
    State(shared): Sim,
    Path(order_id): Path<String>,
    h: HeaderMap,
) -> Response {
    order_call(&shared, Endpoint::Details, &order_id, &h, |inner, _| {
        let answer = inner
            .orders
            .get(&order_id)
            .map(|p| Json(p.details(true)).into_response())
            .ok_or(ProviderError::code(KnownErrorCode::OrderNotFound));
        (answer, Vec::new())
    })
    .await
}

/// Reads an operation request and checks what every operation needs.
fn operation_request(shared: &Shared, body: &str) -> Result<OperationRequest, ProviderError> {
    let r = OperationRequest::parse_json(body).map_err(unreadable)?;
    if r.merchant_info.merchant_serial_number.as_str() != shared.config.merchant.msn {
        return Err(ProviderError::gateway(
            403,
            "The credentials are not authorized for this merchantSerialNumber.",
        ));
    }
    if r.transaction.transaction_text.trim().is_empty() {
        return Err(ProviderError::invalid(
            "transaction.transactionText",
            "The transaction text is mandatory",
        ));
    }
    Ok(r)
}

/// The three mutations, in one shape.
#[derive(Clone, Copy)]
enum Mutation {
    Capture,
    Cancel,
    Refund,
}

async fn mutate(
    shared: Arc<Shared>,
    mutation: Mutation,
    order_id: String,
    h: HeaderMap,
    body: String,
) -> Response {
    let endpoint = match mutation {
        Mutation::Capture => Endpoint::Capture,
        Mutation::Cancel => Endpoint::Cancel,
        Mutation::Refund => Endpoint::Refund,
    };
    let key = header(&h, headers::X_REQUEST_ID)
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let parsed = operation_request(&shared, &body);
    order_call(&shared, endpoint, &order_id, &h, |inner, now| {
        let r = match parsed {
            Ok(r) => r,
            Err(e) => return (Err(e), Vec::new()),
        };
        let txn = inner.transaction_id();
        let Some(p) = inner.orders.get_mut(&order_id) else {
            return (
                Err(ProviderError::code(KnownErrorCode::OrderNotFound)),
                Vec::new(),
            );
        };
        let text = r.transaction.transaction_text.as_str();
        let key = key.as_deref();
        let answer = match mutation {
            Mutation::Capture => p.capture(r.transaction.amount, text, key, now, txn),
            Mutation::Cancel => {
                let release = r.should_release_remaining_funds == Some(true);
                p.cancel(text, key, release, now, txn)
            }
            Mutation::Refund => match r.transaction.amount {
                Some(amount) if amount > Amount::ZERO => p.refund(amount, text, key, now, txn),
                _ => Err(ProviderError::invalid(
                    "transaction.amount",
                    "a refund needs an amount above zero",
                )),
            },
        };
        (answer.map(|r| Json(r).into_response()), Vec::new())
    })
    .await
}

/// `POST /ecomm/v2/payments/{orderId}/capture`.
pub(crate) async fn capture(
    State(shared): Sim,
    Path(order_id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    mutate(shared, Mutation::Capture, order_id, h, body).await
}

/// `PUT /ecomm/v2/payments/{orderId}/cancel`.
pub(crate) async fn cancel(
    State(shared): Sim,
    Path(order_id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    mutate(shared, Mutation::Cancel, order_id, h, body).await
}

/// `POST /ecomm/v2/payments/{orderId}/refund`.
pub(crate) async fn refund(
    State(shared): Sim,
    Path(order_id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    mutate(shared, Mutation::Refund, order_id, h, body).await
}

/// `POST /ecomm/v2/integration-test/payments/{orderId}/approve`: "Force
/// Approve" — the shopper approves without the app. "Express checkout and
/// 'Skip Landing Page' is not supported by the force approve endpoint."
pub(crate) async fn force_approve(
    State(shared): Sim,
    Path(order_id): Path<String>,
    h: HeaderMap,
) -> Response {
    order_call(&shared, Endpoint::ForceApprove, &order_id, &h, |inner, now| {
        let txn = inner.transaction_id();
        let Some(p) = inner.orders.get_mut(&order_id) else {
            return (Err(ProviderError::code(KnownErrorCode::OrderNotFound)), Vec::new());
        };
        if p.request.is_express() || p.request.transaction.skip_landing_page == Some(true) {
            return (
                Err(ProviderError::invalid(
                    "paymentType",
                    "Express checkout and Skip Landing Page is not supported by the force approve endpoint",
                )),
                Vec::new(),
            );
        }
        match crate::landing::shopper_decides(p, Choice::Approve, now, txn) {
            Ok(decided) => (Ok(Json(serde_json::json!({})).into_response()), decided.callback),
            Err(refusal) => (
                Err(ProviderError::code(match refusal {
                    crate::landing::Refusal::Expired => KnownErrorCode::TransactionNotAllowed,
                    crate::landing::Refusal::AlreadyDecided => KnownErrorCode::AlreadyProcessed,
                })),
                Vec::new(),
            ),
        }
    })
    .await
}
