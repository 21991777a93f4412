//! The ePayment create request of a checkout (ePayment API guide, "Create
//! payment"), and what its answer's `redirectUrl` is for.
//!
//! The order's `orderId` is the payment's `reference`; the `fallBack` URL
//! the checkout built is its `returnUrl`, so the return is recognised and
//! checked the same way on both APIs. A web checkout is `WEB_REDIRECT`
//! (the landing page, which app-switches on a phone), an app's is
//! `NATIVE_REDIRECT` (the app deeplink; the app's own URL as `returnUrl`).

use appswitch_core::providers::vipps_epayment::{
    CreatePaymentRequest, Currency, IdempotencyKey, Money, Redirect, UserFlow,
};

use crate::api::ApiError;
use crate::api::checkout::CheckoutRequest;
use crate::api::checkout::InitiateFailure;
use crate::app::App;

/// A create request, and the key it is sent with (the same on a retry).
#[derive(Clone, Debug)]
pub(crate) struct Create {
    pub(crate) request: CreatePaymentRequest,
    pub(crate) key: IdempotencyKey,
}

/// The create request of a checkout, by the core's rules (the amount's
/// minimum per currency, `returnUrl`, the phone number as MSISDN): a
/// request that breaks one is the caller's error, named.
pub(crate) fn create_request(
    app: &App,
    req: &CheckoutRequest,
    reference: &str,
    return_url: &str,
    is_app: bool,
    currency: Currency,
) -> Result<Create, ApiError> {
    if req.express {
        return Err(ApiError::bad_request(
            "`express`: the ePayment API has no express checkout with shipping options; use the eCom API (`--provider-api ecom`)",
        ));
    }
    let text = req
        .transaction_text
        .clone()
        .unwrap_or_else(|| app.config.transaction_text.clone());
    let flow = if is_app {
        UserFlow::NativeRedirect
    } else {
        UserFlow::WebRedirect
    };
    let mut b = CreatePaymentRequest::builder()
        .reference(reference)
        .amount(Money {
            currency,
            value: req.amount,
        })
        .user_flow(flow)
        .return_url(return_url)
        .payment_description(text);
    if let Some(n) = &req.mobile_number {
        b = b.phone_number(n.clone());
    }
    let request = b.build().map_err(ApiError::bad_request)?;
    // The reference is new for every attempt: as a key it makes a retry of
    // this very create the same request, and nothing else.
    let key = IdempotencyKey::new(reference).map_err(ApiError::internal)?;
    Ok(Create { request, key })
}

/// Sends the create and returns the URL the shopper opens.
pub(crate) async fn create(app: &App, create: &Create) -> Result<String, InitiateFailure> {
    let answer = app
        .client
        .create_payment(&create.request, &create.key)
        .await
        .map_err(InitiateFailure::Call)?;
    let redirect = Redirect::for_response(create.request.user_flow, &answer)
        .map_err(|e| InitiateFailure::Redirect(e.to_string()))?;
    redirect
        .url_to_open()
        .map(str::to_string)
        .ok_or_else(|| InitiateFailure::Redirect("the answer has no link to open".into()))
}
