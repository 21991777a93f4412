//! `POST`, `GET /webhooks/v1/webhooks` and `DELETE …/{id}`: the Webhooks
//! API's registrations (Webhooks API specification, `RegisterRequest`,
//! `RegisterResponse`; guide, "Webhook limits").

use std::sync::Arc;

use appswitch_core::providers::vipps_epayment::{EventType, RegisterWebhookRequest, endpoints};
use appswitch_core::shopper::url::{UrlKind, check_local_callback_prefix, check_url};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::{authorized, unreadable};
use super::problem::ProblemAnswer;
use super::webhooks::Registration;
use crate::state::Shared;

type Sim = State<Arc<Shared>>;

/// `POST /webhooks/v1/webhooks`.
pub(crate) async fn register(State(shared): Sim, h: HeaderMap, body: String) -> Response {
    let now = shared.now();
    let mut inner = shared.lock();
    if let Some(refused) = authorized(&shared, &mut inner, &h, now) {
        return refused;
    }
    let r = match RegisterWebhookRequest::parse_json(&body) {
        Ok(r) => r,
        Err(e) => return unreadable(e).at(endpoints::WEBHOOKS).into_response(),
    };
    // The callback rules ("HTTPS", "world-reachable", common ports), but
    // the URL is used whole: unlike an eCom prefix, it may have a query.
    let without_query = r.url.split(['?', '#']).next().unwrap_or_default();
    let checked = if shared.config.strict_callbacks {
        check_url(UrlKind::Callback, without_query)
    } else {
        check_local_callback_prefix(without_query)
    };
    if let Err(e) = checked {
        return ProblemAnswer::invalid("url", &e.to_string())
            .at(endpoints::WEBHOOKS)
            .into_response();
    }
    let mut events = Vec::new();
    for name in &r.events {
        match EventType::from_name(name) {
            Some(t) => events.push(t),
            None => {
                return ProblemAnswer::invalid(
                    "events",
                    &format!("`{name}` is not an event type this simulator serves"),
                )
                .at(endpoints::WEBHOOKS)
                .into_response();
            }
        }
    }
    if events.is_empty() {
        return ProblemAnswer::invalid("events", "At least one event type is required.")
            .into_response();
    }
    let registered = &inner.epayment.webhooks.registrations;
    if let Some(full) = events
        .iter()
        .find(|t| registered.iter().filter(|r| r.events.contains(t)).count() >= 25)
    {
        return ProblemAnswer::new(
            400,
            "Too many webhooks",
            &format!("At most 25 webhooks can be registered for {full}."),
        )
        .into_response();
    }
    let registration = Registration::new(r.url, events);
    let answer = registration.answer();
    inner.epayment.webhooks.registrations.push(registration);
    (StatusCode::CREATED, Json(answer)).into_response()
}

/// `GET /webhooks/v1/webhooks`.
pub(crate) async fn list(State(shared): Sim, h: HeaderMap) -> Response {
    let now = shared.now();
    let mut inner = shared.lock();
    if let Some(refused) = authorized(&shared, &mut inner, &h, now) {
        return refused;
    }
    let webhooks: Vec<serde_json::Value> = inner
        .epayment
        .webhooks
        .registrations
        .iter()
        .map(|r| {
            serde_json::json!({"id": r.id, "url": r.url,
                "events": r.events.iter().map(|e| e.as_str()).collect::<Vec<_>>()})
        })
        .collect();
    Json(serde_json::json!({ "webhooks": webhooks })).into_response()
}

/// `DELETE /webhooks/v1/webhooks/{id}`.
pub(crate) async fn delete(State(shared): Sim, Path(id): Path<String>, h: HeaderMap) -> Response {
    let now = shared.now();
    let mut inner = shared.lock();
    if let Some(refused) = authorized(&shared, &mut inner, &h, now) {
        return refused;
    }
    let before = inner.epayment.webhooks.registrations.len();
    inner.epayment.webhooks.registrations.retain(|r| r.id != id);
    if inner.epayment.webhooks.registrations.len() == before {
        return ProblemAnswer::new(404, "Not Found", &format!("No webhook `{id}`."))
            .at(&endpoints::webhook(&id))
            .into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}
