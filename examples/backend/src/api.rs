//! The backend's HTTP API for the shop page and the apps, and the
//! endpoints the provider calls.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::retry::ErrorClass;
use appswitch_core::merchant::mutation::{IdempotencyKey, MutationFailure, MutationKind, Problem};
use appswitch_core::providers::vipps_ecom::order_id::OrderId;
use appswitch_core::providers::vipps_ecom::{
    AuthToken, Callback, InitiateRequest, ShippingOption, headers, verify_callback_authorization,
};
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget, ReturnExpectation};
use appswitch_core::status::StatusDocument;
use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::App;
use crate::orders::Order;
use crate::plans::{Mutation, MutationError, clean_up, mutate};
use crate::provider::ProviderError;
use crate::util::{random_bytes, random_hex};

type Shop = State<Arc<App>>;

/// The provider's name in the status document.
const PROVIDER: &str = "vipps";

/// An error answer: `{"error": "...", "class": "...", "providerStatus": 500, "codes": ["61"]}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// What went wrong, naming the field or rule.
    pub error: String,
    /// For provider failures: the core's classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<ErrorClass>,
    /// For provider failures: the provider's HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_status: Option<u16>,
    /// For provider failures: the seed's error codes in the answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl ToString) -> Self {
        ApiError {
            status,
            error: error.to_string(),
            class: None,
            provider_status: None,
            codes: Vec::new(),
        }
    }

    fn bad_request(error: impl ToString) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    fn no_order(order_id: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, format!("no order `{order_id}`"))
    }

    fn internal(error: impl ToString) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error)
    }
}

impl From<ProviderError> for ApiError {
    fn from(e: ProviderError) -> Self {
        ApiError {
            status: StatusCode::BAD_GATEWAY,
            class: Some(e.class()),
            provider_status: e.status(),
            codes: e.codes().iter().map(|c| c.code().to_string()).collect(),
            error: e.to_string(),
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
                status: StatusCode::BAD_GATEWAY,
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
                error: f.to_string(),
            },
            MutationError::Key(k) => ApiError::bad_request(format!("`Idempotency-Key`: {k}")),
            MutationError::OrderId(e) => ApiError::internal(e),
            MutationError::Policy(e) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

/// Where the shopper comes back to.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FallbackChoice {
    /// The shop's return page, `<public_url>/return` (the default).
    #[default]
    Web,
    /// The app's own URL scheme, e.g. `demoshop://result` (`isApp: true`).
    App {
        /// The app URL.
        base: String,
    },
    /// Android's `INTENT`.
    AndroidIntent,
}

/// `POST /api/checkout`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckoutRequest {
    /// The shop's basket: every attempt to pay for it shares it.
    pub basket_id: String,
    /// In øre, above zero.
    pub amount: Amount,
    /// Shown to the shopper (default: the shop's text).
    #[serde(default)]
    pub transaction_text: Option<String>,
    /// Where the payment starts (default `desktopWeb`).
    #[serde(default)]
    pub platform: Option<Platform>,
    /// Where the shopper returns (default: the shop's return page).
    #[serde(default)]
    pub fallback: Option<FallbackChoice>,
    /// Must agree with the fallback if given: `true` only for an app
    /// fallback.
    #[serde(default)]
    pub is_app: Option<bool>,
    /// An express checkout (shipping chosen in the app).
    #[serde(default)]
    pub express: bool,
    /// The shopper's number, to prefill the landing page.
    #[serde(default)]
    pub mobile_number: Option<String>,
}

/// The answer to `POST /api/checkout`: everything the page or app needs to
/// send the shopper off and recognise the return.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutResponse {
    /// The attempt's `orderId` (new for every attempt).
    pub order_id: String,
    /// The basket.
    pub basket_id: String,
    /// Open this: the landing page, or the app deeplink.
    pub url: String,
    /// `true` when `url` is an app deeplink.
    pub is_app: bool,
    /// The initiate `url`, classified, with its deadlines (link valid for
    /// five minutes, payment decided within ten).
    pub deeplink: Deeplink,
    /// When the initiate answer arrived (ms since the epoch, the backend's
    /// clock).
    pub initiated_at: u64,
    /// Poll this (`?wait=N` for a long poll) for the status document.
    pub status_url: String,
    /// The `fallBack` URL sent to the provider.
    pub fallback_url: String,
    /// Persist this; it recognises the shopper's return.
    pub return_expectation: ReturnExpectation,
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::bad_request(format!("body: {e}")))
}

/// `POST /api/checkout`: a new attempt for a basket.
pub(crate) async fn checkout(
    State(app): Shop,
    body: String,
) -> Result<Json<CheckoutResponse>, ApiError> {
    let req: CheckoutRequest = parse_json(&body)?;
    if req.basket_id.trim().is_empty() || req.basket_id.len() > 100 {
        return Err(ApiError::bad_request(
            "`basketId` must be 1 to 100 characters",
        ));
    }
    let platform = req.platform.unwrap_or(Platform::DesktopWeb);
    let target = match req.fallback.clone().unwrap_or_default() {
        FallbackChoice::Web => FallbackTarget::Web {
            base: format!("{}/return", app.public_url),
        },
        FallbackChoice::App { base } => FallbackTarget::App { base },
        FallbackChoice::AndroidIntent => FallbackTarget::AndroidIntent,
    };
    let msn = app.client.config().msn.clone();
    // "The initiate call is not idempotent": a taken orderId (34) gets a
    // new one, once.
    let mut tries = 0;
    loop {
        tries += 1;
        let random = u64::from_le_bytes(random_bytes::<8>().map_err(ApiError::internal)?);
        let order_id = OrderId::random(&msn, random).map_err(ApiError::internal)?;
        let spec = FallbackSpec::new(platform, target.clone(), order_id.as_str());
        let nonce = AttemptNonce::from_random(random_bytes::<16>().map_err(ApiError::internal)?);
        let fallback = spec.build(nonce).map_err(ApiError::bad_request)?;
        if req.is_app.is_some_and(|a| a != fallback.is_app) {
            return Err(ApiError::bad_request(
                "`isApp` disagrees with `fallback`: an app deeplink needs an app fallback (`{\"kind\": \"app\", \"base\": \"yourapp://result\"}`) and a web fallback gets the landing page",
            ));
        }
        let auth_token = AuthToken::new(random_hex().map_err(ApiError::internal)?);
        let request = initiate_request(
            &app,
            &req,
            &order_id,
            &fallback.url,
            fallback.is_app,
            &auth_token,
        )?;
        match app.client.initiate(&request).await {
            Ok(answer) => {
                let received = app.config.clock.now();
                let deeplink = Deeplink::classify(&answer.url, received).map_err(|e| {
                    ApiError::new(
                        StatusCode::BAD_GATEWAY,
                        format!("the provider's `url`: {e}"),
                    )
                })?;
                app.start_attempt(&req.basket_id, order_id.as_str(), received);
                app.orders.insert(Order::new(
                    order_id.to_string(),
                    req.basket_id.clone(),
                    req.amount,
                    auth_token,
                    deeplink.clone(),
                    fallback.expectation.clone(),
                ));
                return Ok(Json(CheckoutResponse {
                    status_url: format!("{}/api/payments/{order_id}/status", app.public_url),
                    order_id: order_id.to_string(),
                    basket_id: req.basket_id.clone(),
                    url: answer.url,
                    is_app: fallback.is_app,
                    deeplink,
                    initiated_at: received.as_millis(),
                    fallback_url: fallback.url,
                    return_expectation: fallback.expectation,
                }));
            }
            Err(e) if e.class() == ErrorClass::NewOrderId && tries < 2 => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

fn initiate_request(
    app: &App,
    req: &CheckoutRequest,
    order_id: &OrderId,
    fallback: &str,
    is_app: bool,
    auth_token: &AuthToken,
) -> Result<InitiateRequest, ApiError> {
    let text = req
        .transaction_text
        .clone()
        .unwrap_or_else(|| app.config.transaction_text.clone());
    let mut b = InitiateRequest::builder()
        .merchant_serial_number(app.client.config().msn.as_str())
        .order_id(order_id.as_str())
        .amount(req.amount)
        .transaction_text(text)
        .callback_prefix(app.callback_prefix.clone())
        .fallback(fallback)
        .auth_token(auth_token.expose())
        .is_app(is_app)
        .time_stamp(app.config.clock.now());
    if let Some(n) = &req.mobile_number {
        b = b.mobile_number(n.clone());
    }
    if req.express {
        b = b
            .express()
            .consent_removal_prefix(format!("{}/vipps/consents", app.public_url))
            .static_shipping_details(vec![
                ShippingOption {
                    is_default: true,
                    priority: 0,
                    shipping_cost: Amount::ZERO,
                    shipping_method: "Click and collect".into(),
                    shipping_method_id: "click-and-collect".into(),
                },
                ShippingOption {
                    is_default: false,
                    priority: 1,
                    shipping_cost: Amount::from_minor(9900),
                    shipping_method: "Home delivery".into(),
                    shipping_method_id: "home".into(),
                },
            ])
            .explicit_checkout_flow(true);
    }
    b.build().map_err(ApiError::bad_request)
}

/// `?wait=N`.
#[derive(Debug, Deserialize)]
pub(crate) struct WaitQuery {
    #[serde(default)]
    wait: Option<u64>,
}

/// `GET /api/payments/{orderId}/status[?wait=N]`: appswitch's status
/// document, held up to `N` seconds (at most the configured maximum) while
/// the payment is undecided.
pub(crate) async fn status(
    State(app): Shop,
    Path(order_id): Path<String>,
    Query(q): Query<WaitQuery>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    let Some(order) = app.orders.get(&order_id) else {
        let doc = StatusDocument::unknown(&order_id, PROVIDER, "this shop has no such order");
        return (StatusCode::NOT_FOUND, Json(doc)).into_response();
    };
    if let Err(wait) = order.admit_client(
        peer.ip(),
        app.config.client_requests_per_minute,
        app.mono.now(),
    ) {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut r = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many status requests for order `{order_id}`; come back in {secs} s"),
        )
        .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        return r;
    }
    let mut rx = order.subscribe();
    app.refresh(&order).await;
    // What the answer shows; a new provider timestamp alone is no change.
    let shown = |s: &appswitch_core::status::PaymentStatus| (s.state(), s.amounts());
    let before = shown(&rx.borrow_and_update());
    let wait = Duration::from_secs(q.wait.unwrap_or(0)).min(app.config.long_poll_max);
    let until = tokio::time::Instant::now() + wait;
    loop {
        let now_status = order.status();
        if now_status.is_final() || shown(&now_status) != before {
            break;
        }
        let now = tokio::time::Instant::now();
        if now >= until {
            break;
        }
        let next = (now + app.config.long_poll_interval).min(until);
        tokio::select! {
            _ = rx.changed() => {}
            _ = tokio::time::sleep_until(next) => app.refresh(&order).await,
        }
    }
    let mut r = Json(StatusDocument::from_status(
        &order_id,
        PROVIDER,
        &order.status(),
    ))
    .into_response();
    let problem = order.problem().await;
    if let Some(v) = problem.and_then(|p| HeaderValue::from_str(&p.replace(['\r', '\n'], " ")).ok())
    {
        r.headers_mut().insert("x-appswitch-provider-problem", v);
    }
    r
}

/// An order as the shop knows it (`GET /api/orders/{orderId}`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderInfo {
    /// The `orderId`.
    pub order_id: String,
    /// The basket.
    pub basket_id: String,
    /// The amount initiated.
    pub amount: Amount,
    /// The initiate `url` and its deadlines.
    pub deeplink: Deeplink,
    /// The return expectation of the attempt.
    pub return_expectation: ReturnExpectation,
    /// The status document.
    pub status: StatusDocument,
}

/// `GET /api/orders/{orderId}`.
pub(crate) async fn order_info(
    State(app): Shop,
    Path(order_id): Path<String>,
) -> Result<Json<OrderInfo>, ApiError> {
    let order = app
        .orders
        .get(&order_id)
        .ok_or_else(|| ApiError::no_order(&order_id))?;
    Ok(Json(OrderInfo {
        order_id: order.order_id.clone(),
        basket_id: order.basket_id.clone(),
        amount: order.amount,
        deeplink: order.deeplink.clone(),
        return_expectation: order.expectation.clone(),
        status: StatusDocument::from_status(&order_id, PROVIDER, &order.status()),
    }))
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

async fn run_mutation(
    app: &App,
    order_id: &str,
    h: &HeaderMap,
    body: &str,
    kind: MutationKind,
    default_text: &str,
) -> Result<Json<MutationAnswer>, ApiError> {
    let order = app
        .orders
        .get(order_id)
        .ok_or_else(|| ApiError::no_order(order_id))?;
    let b: MutationBody = if body.trim().is_empty() {
        MutationBody::default()
    } else {
        parse_json::<Option<MutationBody>>(body)?.unwrap_or_default()
    };
    let key = match h.get("idempotency-key") {
        Some(v) => IdempotencyKey::new(v.to_str().unwrap_or("\u{fffd}").trim())
            .map_err(|e| ApiError::bad_request(format!("`Idempotency-Key`: {e}")))?,
        None => IdempotencyKey::from_random(random_bytes::<16>().map_err(ApiError::internal)?),
    };
    let m = Mutation {
        kind,
        amount: b.amount,
        text: b.text.unwrap_or_else(|| default_text.to_string()),
        key: key.clone(),
    };
    let done = mutate(app, &order, &m).await?;
    if kind == MutationKind::Capture {
        app.observe_basket_and_issue(&order.basket_id, order_id);
    }
    clean_up(app, &order.basket_id).await;
    Ok(Json(MutationAnswer {
        status: StatusDocument::from_status(order_id, PROVIDER, &order.status()),
        idempotency_key: key.as_str().to_string(),
        amount: done.amount,
        from_history: done.from_history,
    }))
}

/// `POST /api/orders/{orderId}/{action}`: `ship` (the goods ship, so the
/// payment is captured; `{"amount": …}` for a partial capture), `cancel`,
/// or `refund` (`{"amount": …}` required).
pub(crate) async fn order_action(
    State(app): Shop,
    Path((order_id, action)): Path<(String, String)>,
    h: HeaderMap,
    body: String,
) -> Result<Json<MutationAnswer>, ApiError> {
    let (kind, text) = match action.as_str() {
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
    run_mutation(&app, &order_id, &h, &body, kind, text).await
}

/// `POST /vipps/callbacks/v2/payments/{orderId}`: the provider's callback,
/// checked against the order's `authToken` in constant time.
pub(crate) async fn callback(
    State(app): Shop,
    Path(order_id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    let Some(order) = app.orders.get(&order_id) else {
        return ApiError::no_order(&order_id).into_response();
    };
    let auth = h.get(headers::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Err(e) = verify_callback_authorization(&order.auth_token, auth) {
        app.stats.callback_refused();
        return ApiError::new(StatusCode::UNAUTHORIZED, e).into_response();
    }
    let callback = match Callback::parse_json(&body) {
        Ok(c) => c,
        Err(e) => return ApiError::bad_request(e).into_response(),
    };
    if callback.order_id != order_id {
        return ApiError::bad_request(format!(
            "`orderId` `{}` in the body is not the path's `{order_id}`",
            callback.order_id
        ))
        .into_response();
    }
    if callback.merchant_serial_number != app.client.config().msn {
        return ApiError::bad_request("`merchantSerialNumber` is not this shop's").into_response();
    }
    app.stats.callback_accepted();
    order.merge(&callback.to_status());
    clean_up(&app, &order.basket_id).await;
    StatusCode::OK.into_response()
}

/// `DELETE /vipps/consents/v2/consents/{userId}`: the shopper removed the
/// consent to share details (express). The demo shop keeps none.
pub(crate) async fn consent_removal(Path(_user_id): Path<String>) -> StatusCode {
    StatusCode::OK
}
