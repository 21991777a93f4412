//! The ePayment endpoints a merchant calls (ePayment API specification,
//! `paths`), with the provider's authentication, idempotency, problem
//! answers and the faults a test asked for.

use std::sync::Arc;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::payload::PayloadError;
use appswitch_core::providers::vipps_epayment::{
    CancelRequest, CreatePaymentRequest, CreatePaymentResponse, ModificationRequest,
    ModificationResponse, PaymentEvent, UserFlow, check_amount, endpoints,
};
use appswitch_core::shopper::url::{UrlKind, check_url};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::landing::landing_url;
use super::payment::{EpPayment, Replay};
use super::problem::ProblemAnswer;
use crate::faults::Endpoint;
use crate::record::RecordedCall;
use crate::state::{Shared, World};
use crate::util::random_hex;

type Sim = State<Arc<Shared>>;

fn header<'h>(h: &'h HeaderMap, name: &str) -> Option<&'h str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn unreadable(e: PayloadError) -> ProblemAnswer {
    match e {
        PayloadError::Json { path, message } if !path.is_empty() => {
            ProblemAnswer::invalid(&path, &message)
        }
        other => ProblemAnswer::invalid("body", &other.to_string()),
    }
}

/// The `Idempotency-Key` header: "required" on create, capture, cancel and
/// refund (specification, parameter `Idempotency-Key`, `maxLength: 50`).
fn idempotency_key(h: &HeaderMap) -> Result<String, ProblemAnswer> {
    let key = header(h, endpoints::IDEMPOTENCY_KEY)
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() {
        return Err(ProblemAnswer::new(
            400,
            "Missing required parameter",
            "The parameter `Idempotency-Key` is required.",
        ));
    }
    if key.len() > 50 {
        return Err(ProblemAnswer::invalid(
            "Idempotency-Key",
            "The Idempotency-Key may be at most 50 characters long.",
        ));
    }
    Ok(key.to_string())
}

/// The gateway's checks, as for eCom (the same keys and tokens: "all APIs
/// use the same API keys, authentication methods", ePayment API FAQ).
pub(super) fn authorized(
    shared: &Shared,
    inner: &mut World,
    h: &HeaderMap,
    now: Timestamp,
) -> Option<Response> {
    crate::api::authorize(shared, inner, h, now)
        .err()
        .map(IntoResponse::into_response)
}

/// The create request's combinations the provider refuses.
fn check_create(shared: &Shared, r: &CreatePaymentRequest) -> Result<(), ProblemAnswer> {
    check_amount(r.amount).map_err(|e| {
        ProblemAnswer::new(400, "Amount too small", &e.to_string()).with_field("amount.value")
    })?;
    let flow = r.user_flow;
    if flow == UserFlow::PushMessage && r.customer.is_none() {
        return Err(ProblemAnswer::invalid(
            "customer",
            "If userFlow is PUSH_MESSAGE, a valid value for customer is required.",
        ));
    }
    match (&r.return_url, flow) {
        (None, UserFlow::WebRedirect) => {
            return Err(ProblemAnswer::invalid(
                "returnUrl",
                "If userFlow is WEB_REDIRECT, a valid value for returnUrl is required.",
            ));
        }
        (Some(url), _) => {
            let kind = if url.starts_with("http://") || url.starts_with("https://") {
                UrlKind::Web
            } else {
                UrlKind::App
            };
            check_url(kind, url).map_err(|e| {
                ProblemAnswer::new(
                    400,
                    "Invalid URL",
                    &format!("The parameter `{url}` is invalid: {e}"),
                )
                .with_field("returnUrl")
            })?;
        }
        (None, _) => {}
    }
    if let Some(d) = &r.payment_description {
        let len = d.chars().count();
        if !(3..=100).contains(&len) {
            return Err(ProblemAnswer::invalid(
                "paymentDescription",
                "The paymentDescription must be 3 to 100 characters long.",
            ));
        }
    }
    if r.payment_method.kind == appswitch_core::providers::vipps_epayment::PaymentMethodType::Card
        && flow != UserFlow::WebRedirect
    {
        return Err(ProblemAnswer::invalid(
            "paymentMethod.type",
            "CARD has to be combined with a userFlow of WEB_REDIRECT.",
        ));
    }
    let _ = shared;
    Ok(())
}

/// `POST /epayment/v1/payments`.
pub(crate) async fn create(State(shared): Sim, h: HeaderMap, body: String) -> Response {
    shared.tick().await;
    let now = shared.now();
    let stall = {
        let mut inner = shared.lock();
        let answer = create_locked(&shared, &mut inner, &h, &body, now);
        let stall = match &answer {
            Ok(_) => inner.faults.take_stall(Endpoint::Initiate),
            Err(_) => None,
        };
        (answer, stall)
    };
    let (answer, stall) = stall;
    // The `CREATED` webhook goes out now — it may reach the merchant
    // before this answer does, as it may from the provider.
    shared.tick().await;
    if let Some(d) = stall {
        tokio::time::sleep(d).await;
    }
    match answer {
        Ok(r) => (StatusCode::CREATED, Json(r)).into_response(),
        Err(r) => *r,
    }
}

fn boxed(p: ProblemAnswer) -> Box<Response> {
    Box::new(p.into_response())
}

fn create_locked(
    shared: &Shared,
    inner: &mut World,
    h: &HeaderMap,
    body: &str,
    now: Timestamp,
) -> Result<CreatePaymentResponse, Box<Response>> {
    if let Some(refused) = authorized(shared, inner, h, now) {
        return Err(Box::new(refused));
    }
    if let Some(status) = inner.faults.take_burst(Endpoint::Initiate) {
        return Err(boxed(ProblemAnswer::burst(status).at(endpoints::PAYMENTS)));
    }
    let key = idempotency_key(h).map_err(boxed)?;
    let request = CreatePaymentRequest::parse_json(body)
        .map_err(|e| boxed(unreadable(e).at(endpoints::PAYMENTS)))?;
    let reference = request.reference.as_str().to_string();
    let base = shared.base_url.clone();
    if let Some(existing) = inner.epayment.payments.get(&reference) {
        // The same request again, with the same key: the same answer.
        if existing.idempotency_key == key && existing.request == request {
            return Ok(response(&existing.request, &existing.token, &base));
        }
        return Err(boxed(
            ProblemAnswer::new(
                409,
                "Idempotency error",
                &format!("Reference `{reference}` already exists."),
            )
            .at(endpoints::PAYMENTS),
        ));
    }
    check_create(shared, &request).map_err(|e| boxed(e.at(endpoints::PAYMENTS)))?;
    let token = random_hex(24);
    let faults = inner.faults.clone();
    let mut p = EpPayment::new(request, key, token.clone(), now, faults);
    p.record.calls.push(RecordedCall {
        endpoint: Endpoint::Initiate,
        at_ms: now.as_millis(),
        status: 201,
        request_id: Some(p.idempotency_key.clone()),
        fault: None,
    });
    let answer = response(&p.request, &token, &base);
    let events = p.events.clone();
    let faults = p.faults.clone();
    inner.epayment.landing.insert(token, reference.clone());
    inner.epayment.payments.insert(reference, p);
    let msn = shared.config.merchant.msn.clone();
    inner.epayment.webhooks.enqueue(&msn, &events, &faults, now);
    Ok(answer)
}

/// The create response for `userFlow`: a landing page (`WEB_REDIRECT`), a
/// test-app deeplink (`NATIVE_REDIRECT`, `vippsMT://?token=…` as in the
/// test environment), the QR page (`QR`), nothing (`PUSH_MESSAGE`).
fn response(r: &CreatePaymentRequest, token: &str, base: &str) -> CreatePaymentResponse {
    let redirect_url = match r.user_flow {
        UserFlow::WebRedirect => Some(landing_url(base, token)),
        UserFlow::NativeRedirect => Some(format!("vippsMT://?token={token}")),
        UserFlow::Qr => Some(format!("{base}/epayment/qr?token={token}")),
        UserFlow::PushMessage => None,
    };
    CreatePaymentResponse {
        redirect_url,
        reference: r.reference.as_str().to_string(),
    }
}

/// The frame of every payment endpoint: time, authentication, the
/// payment, burst faults, the operation, stalls, recording, webhooks.
async fn payment_call(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    reference: &str,
    h: &HeaderMap,
    path: &str,
    op: impl FnOnce(
        &mut EpPayment,
        Timestamp,
        &str,
    ) -> (Result<Response, ProblemAnswer>, Vec<PaymentEvent>),
) -> Response {
    shared.tick().await;
    let now = shared.now();
    let (answer, stall) = {
        let mut inner = shared.lock();
        let inner = &mut *inner;
        if let Some(refused) = authorized(shared, inner, h, now) {
            return refused;
        }
        let msn = shared.config.merchant.msn.clone();
        let Some(p) = inner.epayment.payments.get_mut(reference) else {
            inner.record.unknown_orders += 1;
            return ProblemAnswer::not_found(reference, &msn)
                .at(path)
                .into_response();
        };
        let (answer, fault) = match p.faults.take_burst(endpoint) {
            Some(status) => (Err(ProblemAnswer::burst(status)), Some("burst")),
            None => {
                let base = shared.base_url.clone();
                let (answer, events) = op(p, now, &base);
                let faults = p.faults.clone();
                inner.epayment.webhooks.enqueue(&msn, &events, &faults, now);
                (answer, None)
            }
        };
        let Some(p) = inner.epayment.payments.get_mut(reference) else {
            return ProblemAnswer::not_found(reference, &msn).into_response();
        };
        let stall = if answer.is_ok() {
            p.faults.take_stall(endpoint)
        } else {
            None
        };
        p.record.calls.push(RecordedCall {
            endpoint,
            at_ms: now.as_millis(),
            status: match &answer {
                Ok(r) => r.status().as_u16(),
                Err(e) => e.status(),
            },
            request_id: header(h, endpoints::IDEMPOTENCY_KEY).map(str::to_string),
            fault: fault.or(stall.map(|_| "stall")).map(str::to_string),
        });
        (answer.map_err(|e| e.at(path)), stall)
    };
    super::tick(shared).await;
    if let Some(d) = stall {
        tokio::time::sleep(d).await;
    }
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /epayment/v1/payments/{reference}`.
pub(crate) async fn get_payment(
    State(shared): Sim,
    Path(reference): Path<String>,
    h: HeaderMap,
) -> Response {
    let path = endpoints::payment(&reference);
    payment_call(
        &shared,
        Endpoint::Details,
        &reference,
        &h,
        &path,
        |p, _, base| (Ok(Json(p.get_payment(base)).into_response()), Vec::new()),
    )
    .await
}

/// `GET /epayment/v1/payments/{reference}/events`.
pub(crate) async fn events(
    State(shared): Sim,
    Path(reference): Path<String>,
    h: HeaderMap,
) -> Response {
    let path = endpoints::events(&reference);
    payment_call(
        &shared,
        Endpoint::Details,
        &reference,
        &h,
        &path,
        |p, _, _| (Ok(Json(&p.events).into_response()), Vec::new()),
    )
    .await
}

/// The three modifications, in one shape, with idempotency: the same key
/// and the same request give the first answer again; the same key with
/// another request is "Capture idempotency conflict" (ePayment FAQ).
#[derive(Clone, Copy)]
enum Modification {
    Capture,
    Cancel,
    Refund,
}

async fn modify(
    shared: Arc<Shared>,
    m: Modification,
    reference: String,
    h: HeaderMap,
    body: String,
) -> Response {
    let (endpoint, path, name) = match m {
        Modification::Capture => (Endpoint::Capture, endpoints::capture(&reference), "capture"),
        Modification::Cancel => (Endpoint::Cancel, endpoints::cancel(&reference), "cancel"),
        Modification::Refund => (Endpoint::Refund, endpoints::refund(&reference), "refund"),
    };
    let key = idempotency_key(&h);
    payment_call(&shared, endpoint, &reference, &h, &path, |p, now, _| {
        let key = match key {
            Ok(k) => k,
            Err(e) => return (Err(e), Vec::new()),
        };
        let fingerprint = format!("{name} {}", body.trim());
        if let Some(replay) = p.replays.get(&key) {
            if replay.request == fingerprint {
                p.record.idempotent_replays += 1;
                let answer = replay.answer.clone().map(|r| Json(r).into_response());
                return (answer, Vec::new());
            }
            return (
                Err(ProblemAnswer::new(
                    409,
                    "Idempotency error",
                    &format!("Idempotency-Key `{key}` already exists for another request."),
                )),
                Vec::new(),
            );
        }
        let (answer, events): (Result<ModificationResponse, ProblemAnswer>, _) = match m {
            Modification::Capture | Modification::Refund => {
                match ModificationRequest::parse_json(&body) {
                    Err(e) => (Err(unreadable(e)), Vec::new()),
                    Ok(r) if matches!(m, Modification::Capture) => {
                        p.capture(r.modification_amount, &key, now)
                    }
                    Ok(r) => p.refund(r.modification_amount, &key, now),
                }
            }
            Modification::Cancel => {
                let r = if body.trim().is_empty() {
                    Ok(CancelRequest::default())
                } else {
                    CancelRequest::parse_json(&body)
                };
                match r {
                    Err(e) => (Err(unreadable(e)), Vec::new()),
                    Ok(r) => p.cancel(r.cancel_transaction_only == Some(true), &key, now),
                }
            }
        };
        p.replays.insert(
            key,
            Replay {
                request: fingerprint,
                answer: answer.clone(),
            },
        );
        (answer.map(|r| Json(r).into_response()), events)
    })
    .await
}

/// `POST /epayment/v1/payments/{reference}/capture`.
pub(crate) async fn capture(
    State(shared): Sim,
    Path(reference): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    modify(shared, Modification::Capture, reference, h, body).await
}

/// `POST /epayment/v1/payments/{reference}/cancel`.
pub(crate) async fn cancel(
    State(shared): Sim,
    Path(reference): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    modify(shared, Modification::Cancel, reference, h, body).await
}

/// `POST /epayment/v1/payments/{reference}/refund`.
pub(crate) async fn refund(
    State(shared): Sim,
    Path(reference): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    modify(shared, Modification::Refund, reference, h, body).await
}

/// `POST /epayment/v1/test/payments/{reference}/approve`: force approve
/// ("only available in the test environment").
pub(crate) async fn force_approve(
    State(shared): Sim,
    Path(reference): Path<String>,
    h: HeaderMap,
) -> Response {
    let path = endpoints::force_approve(&reference);
    payment_call(
        &shared,
        Endpoint::ForceApprove,
        &reference,
        &h,
        &path,
        |p, now, _| match p.force_approve(now) {
            Ok(events) => (Ok(StatusCode::OK.into_response()), events),
            Err(e) => (Err(e), Vec::new()),
        },
    )
    .await
}
