//! `POST /api/checkout`: a new payment attempt for a basket.
//!
//! The order is stored before the provider hears of it, so a backend
//! killed between the two still knows it (the watcher then asks the
//! provider, which either has the payment or answers "no such order").
//! The answer goes only to the client that asked: the link to open, the
//! status URL and the return expectation — never the callback's
//! `authToken`.

use std::net::SocketAddr;
use std::sync::Arc;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::retry::ErrorClass;
use appswitch_core::merchant::mutation::{
    InitiateFailure as CoreInitiateFailure, NewOrderId, PreviousOrder,
};
use appswitch_core::providers::vipps_ecom::order_id::OrderId;
use appswitch_core::providers::vipps_ecom::{AuthToken, InitiateRequest, ShippingOption};
use appswitch_core::providers::vipps_epayment::Currency;
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget, ReturnExpectation};
use appswitch_core::status::PaymentStatus;
use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use super::{ApiError, check_amount, client_ip, json_body};
use crate::app::App;
use crate::check::first_check;
use crate::epayment::checkout::create_request;
use crate::plans::{InitiateOutcome, drive_initiate};
use crate::provider::ProviderError;
use crate::provider_api::ProviderApi;
use crate::store::{EventSource, NewEvent, NewOrder, OrderState, StoreError};
use crate::util::{random_bytes, random_hex, wall_millis};

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
    /// In øre, above zero, at most [`ECOM_MAX_AMOUNT`](super::ECOM_MAX_AMOUNT).
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
    /// Express: the provider asks this backend for the shipping options of
    /// the shopper's address (`shippingDetailsPrefix`) instead of taking
    /// the shop's static list.
    #[serde(default)]
    pub dynamic_shipping: bool,
    /// The shopper's number, to prefill the landing page.
    #[serde(default)]
    pub mobile_number: Option<String>,
    /// `NOK`, `DKK` or `EUR` (default: the shop's, NOK unless configured).
    /// eCom v2 takes NOK only; the ePayment API all three.
    #[serde(default)]
    pub currency: Option<String>,
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
    /// The API the payment goes through: `ecom` or `epayment`.
    pub provider_api: ProviderApi,
    /// The payment's currency.
    pub currency: Currency,
}

/// The shipping the demo shop offers in an express checkout (the callback
/// may add one of these costs to the amount).
pub(crate) fn shipping_options() -> Vec<ShippingOption> {
    vec![
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
    ]
}

/// Gives up an attempt the provider refused for good: failed, nothing to
/// watch.
async fn give_up(app: &App, order_id: &str, reason: &str) -> Result<(), StoreError> {
    let failed = PaymentStatus::initiated().with_failure(format!("initiate refused: {reason}"));
    let event = NewEvent {
        source: EventSource::Checkout,
        accepted: false,
        detail: reason.to_string(),
    };
    app.merge(order_id, &failed, event, true).await?;
    Ok(())
}

/// `POST /api/checkout`: a new attempt for a basket.
pub(crate) async fn checkout(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<CheckoutResponse>, ApiError> {
    app.checkouts
        .admit(&client_ip(&app, peer, &headers))
        .map_err(|wait| ApiError::too_many("checkouts from this client", wait))?;
    let req: CheckoutRequest = json_body(&app, &headers, body, false)
        .await?
        .ok_or_else(|| ApiError::bad_request("body: a checkout is required"))?;
    if req.basket_id.trim().is_empty() || req.basket_id.len() > 100 {
        return Err(ApiError::bad_request(
            "`basketId` must be 1 to 100 characters",
        ));
    }
    check_amount("amount", req.amount)?;
    if req.dynamic_shipping && !req.express {
        return Err(ApiError::bad_request(
            "`dynamicShipping` needs `express`: only an express checkout has shipping chosen in the app",
        ));
    }
    let api = app.config.provider_api;
    let currency = currency_of(&app, &req, api)?;
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
        let request = match api {
            ProviderApi::Ecom => Initiate::Ecom(Box::new(initiate_request(
                &app,
                &req,
                &order_id,
                &fallback.url,
                fallback.is_app,
                &auth_token,
            )?)),
            ProviderApi::Epayment => Initiate::Epayment(Box::new(create_request(
                &app,
                &req,
                order_id.as_str(),
                &fallback.url,
                fallback.is_app,
                currency,
            )?)),
        };
        let now = wall_millis();
        let new = NewOrder {
            order_id: order_id.to_string(),
            basket_id: req.basket_id.clone(),
            amount: req.amount,
            currency: currency.code().into(),
            provider_api: api,
            express: req.express,
            auth_token,
            fallback_url: fallback.url.clone(),
            expectation: fallback.expectation.clone(),
            created_at: now,
            state: OrderState {
                status: PaymentStatus::initiated(),
                deeplink: None,
                goods_issued: false,
                problem: None,
                provider_unknown: false,
                finished_at: None,
            },
            next_check_at: Some(first_check(&app, now)),
        };
        let event = NewEvent {
            source: EventSource::Checkout,
            accepted: true,
            detail: serde_json::json!({"amount": req.amount, "express": req.express, "platform": platform}).to_string(),
        };
        match app.store.insert_order(&new, &event).await {
            Ok(()) => {}
            Err(StoreError::Duplicate(_)) if tries < 3 => continue,
            Err(e) => return Err(e.into()),
        }
        match initiate(&app, &request).await {
            Ok(url) => {
                let received = app.config.clock.now();
                let deeplink = match Deeplink::classify(&url, received) {
                    Ok(d) => d,
                    Err(e) => {
                        let reason = format!("the provider's `url`: {e}");
                        give_up(&app, order_id.as_str(), &reason).await?;
                        return Err(ApiError::new(StatusCode::BAD_GATEWAY, reason));
                    }
                };
                let link = deeplink.clone();
                app.change(order_id.as_str(), move |_, state| {
                    state.deeplink = Some(link.clone());
                    Some(NewEvent {
                        source: EventSource::Checkout,
                        accepted: true,
                        detail: serde_json::json!({"initiated": true, "kind": link.kind, "environment": link.environment}).to_string(),
                    })
                })
                .await?;
                // The basket's session learns of this attempt at its first
                // observation (it adds the attempts it does not know).
                return Ok(Json(CheckoutResponse {
                    status_url: format!("{}/api/payments/{order_id}/status", app.public_url),
                    order_id: order_id.to_string(),
                    basket_id: req.basket_id.clone(),
                    url,
                    is_app: fallback.is_app,
                    deeplink,
                    initiated_at: received.as_millis(),
                    fallback_url: fallback.url,
                    return_expectation: fallback.expectation,
                    provider_api: api,
                    currency,
                }));
            }
            Err(InitiateFailure::Redirect(reason)) => {
                let reason = format!("the provider's `redirectUrl`: {reason}");
                give_up(&app, order_id.as_str(), &reason).await?;
                return Err(ApiError::new(StatusCode::BAD_GATEWAY, reason));
            }
            Err(InitiateFailure::Plan(outcome)) => match *outcome {
                InitiateOutcome::NewOrderId(n) => {
                    settle_previous(&app, order_id.as_str(), &n).await?;
                    if tries < 3 {
                        continue;
                    }
                    return Err(ApiError::new(
                        StatusCode::BAD_GATEWAY,
                        format!("the provider's initiate did not answer: {}", n.because),
                    ));
                }
                InitiateOutcome::Failed(f) => {
                    // Refused, or every try proved nothing was made.
                    give_up(&app, order_id.as_str(), &f.to_string()).await?;
                    let class = match f {
                        CoreInitiateFailure::Provider { .. } => ErrorClass::Final,
                        CoreInitiateFailure::GaveUp { .. } => ErrorClass::RetryLater,
                    };
                    return Err(ApiError::new(StatusCode::BAD_GATEWAY, f).with_class(class));
                }
                InitiateOutcome::Policy(e) => {
                    give_up(&app, order_id.as_str(), &e).await?;
                    return Err(ApiError::internal(e));
                }
            },
            Err(InitiateFailure::Call(e)) => {
                let class = e.epayment_class(true);
                match class {
                    // Refused, or never reached the provider: nothing was made.
                    ErrorClass::NewOrderId | ErrorClass::Final | ErrorClass::RetryLater => {
                        give_up(&app, order_id.as_str(), &e.to_string()).await?;
                    }
                    // Perhaps it was made: the watcher finds out.
                    ErrorClass::CheckThenRetry => {}
                }
                if class == ErrorClass::NewOrderId && tries < 3 {
                    continue;
                }
                return Err(e.into());
            }
        }
    }
}

/// The checkout's currency: the request's, or the shop's; one the API
/// takes.
fn currency_of(app: &App, req: &CheckoutRequest, api: ProviderApi) -> Result<Currency, ApiError> {
    let currency = match &req.currency {
        None => app.config.currency,
        Some(code) => Currency::from_code(code.trim()).ok_or_else(|| {
            ApiError::bad_request(format!("`currency` `{code}` is not NOK, DKK or EUR"))
        })?,
    };
    if !api.takes(currency) {
        return Err(ApiError::bad_request(format!(
            "`currency` {}: the eCom API takes NOK only (\"Payment amounts must be in NOK\"); DKK and EUR need the ePayment API (`--provider-api epayment`)",
            currency.code()
        )));
    }
    Ok(currency)
}

/// Why the provider's start of a payment gave no link to open.
#[derive(Debug)]
pub(crate) enum InitiateFailure {
    /// An ePayment create failed.
    Call(ProviderError),
    /// The answer's `redirectUrl` does not fit the flow (ePayment).
    Redirect(String),
    /// eCom's initiate plan ended without a link.
    Plan(Box<InitiateOutcome>),
}

/// What an attempt whose `orderId` the initiate plan gave up becomes: one
/// the provider has (its answer with the link was lost) is followed like
/// any other attempt of the basket — its session cleans it up if it is
/// paid after all; one whose outcome is unknown is followed until its
/// payment window is over; an `orderId` that is another payment's is
/// given up and never asked about again.
async fn settle_previous(app: &App, order_id: &str, n: &NewOrderId) -> Result<(), StoreError> {
    let event = |detail: String| NewEvent {
        source: EventSource::Checkout,
        accepted: false,
        detail,
    };
    match &n.found {
        PreviousOrder::Exists { status } => {
            let why = format!(
                "initiated at the provider, but its answer was lost ({}): followed; the shopper gets a new orderId",
                n.because
            );
            app.merge(order_id, status, event(why), true).await?;
        }
        PreviousOrder::Foreign { .. } | PreviousOrder::Taken => {
            give_up(
                app,
                order_id,
                "the orderId is another payment's at the provider",
            )
            .await?;
        }
        PreviousOrder::NotFound | PreviousOrder::Unknown => {
            let why = format!(
                "the initiate's outcome is unknown ({}): followed until its payment window is over; the shopper gets a new orderId",
                n.because
            );
            app.store.add_event(order_id, &event(why), 20).await?;
        }
    }
    Ok(())
}

/// The provider's request that starts the payment.
enum Initiate {
    /// eCom's initiate.
    Ecom(Box<InitiateRequest>),
    /// ePayment's create.
    Epayment(Box<crate::epayment::checkout::Create>),
}

/// Starts the payment at the provider: the link the shopper opens.
async fn initiate(app: &App, request: &Initiate) -> Result<String, InitiateFailure> {
    match request {
        Initiate::Ecom(r) => {
            let seed = u64::from_le_bytes(random_bytes::<8>().unwrap_or_default());
            drive_initiate(app, (**r).clone(), seed)
                .await
                .map(|a| a.url)
                .map_err(|o| InitiateFailure::Plan(Box::new(o)))
        }
        Initiate::Epayment(c) => crate::epayment::checkout::create(app, c).await,
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
            .explicit_checkout_flow(true);
        b = if req.dynamic_shipping {
            b.shipping_details_prefix(app.callback_prefix.clone())
        } else {
            b.static_shipping_details(shipping_options())
        };
    }
    b.build().map_err(ApiError::bad_request)
}
