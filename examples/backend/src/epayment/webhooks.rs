//! ePayment webhooks: the backend's registration (Webhooks API, "Register
//! a webhook"), and the route the provider posts to,
//! `POST /vipps/webhooks/v1/epayment`.
//!
//! Every delivery is verified as the Webhooks API's "Request
//! authentication" publishes it — the content hash of the raw body, the
//! HMAC-SHA256 signature of method, path and query, date, host and hash
//! with the registration's secret, compared in constant time (the core's
//! `signature::verify`), and `x-ms-date` within
//! [`BackendConfig::webhook_freshness`](crate::BackendConfig::webhook_freshness)
//! of the backend's clock. One that fails changes nothing and is answered
//! `401`. An authentic one is checked against its order like an eCom
//! callback (the shop's `msn`, the reference, currency and amount) and
//! merged; the provider retries a delivery that was not answered `2xx`
//! ("for up to 3 days", Webhooks API, "Retries"), and a duplicate changes
//! nothing: merging facts is idempotent.
//!
//! The path and host that are signed are the registered URL's, as the
//! provider sends them: a proxy in front of the backend may rewrite them.

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::providers::vipps_epayment::signature::{self, Freshness, WebhookRequest};
use appswitch_core::providers::vipps_epayment::{
    EventType, PaymentEventName, RegisterWebhookRequest, WebhookEvent, WebhookSecret,
};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::api::callback::{Observation, check_observation};
use crate::app::App;
use crate::provider::ProviderError;
use crate::provider_api::ProviderApi;
use crate::store::{EventSource, NewEvent, StoreError, StoredWebhook};
use crate::util::wall_millis;

/// The route that receives the deliveries.
pub(crate) const ROUTE: &str = "/vipps/webhooks/v1/epayment";

/// Refused deliveries kept per order.
const REFUSED_KEPT: u32 = 20;

/// The URL registered with the provider.
pub(crate) fn webhook_url(app: &App) -> String {
    app.config
        .webhook_url
        .clone()
        .unwrap_or_else(|| format!("{}{ROUTE}", app.public_url))
}

/// Why the webhook could not be registered.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RegisterError {
    /// The provider refused or failed.
    #[error("the Webhooks API: {0}")]
    Provider(#[from] ProviderError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Makes sure the provider has this backend's webhook and the store its
/// secret: a stored registration the provider still lists is kept; one
/// for this URL whose secret is lost is deleted and made again (the
/// provider shows a secret only once). When two instances register at
/// once, the one whose registration was stored first wins and the other
/// deletes its own.
pub(crate) async fn ensure_registered(app: &App) -> Result<StoredWebhook, RegisterError> {
    let url = webhook_url(app);
    let listed = app.client.webhooks().await?;
    let ours: Vec<_> = listed.webhooks.iter().filter(|w| w.url == url).collect();
    if let Some(stored) = app.store.webhook(&url).await? {
        if ours.iter().any(|w| w.id == stored.id) {
            return Ok(stored);
        }
        app.store.delete_webhook(&url).await?;
    }
    for stale in ours {
        app.client.delete_webhook(&stale.id).await?;
    }
    let answer = app
        .client
        .register_webhook(&RegisterWebhookRequest::epayment(&url, &EventType::ALL))
        .await?;
    let made = StoredWebhook {
        url: url.clone(),
        id: answer.id.clone(),
        secret: answer.secret.expose().to_string(),
        events: EventType::ALL.map(EventType::as_str).join(","),
        created_at: wall_millis(),
    };
    if app.store.save_webhook(&made).await? {
        tracing::info!("webhook {} registered for {url}", made.id);
        return Ok(made);
    }
    // Another instance stored its registration first: use that one.
    app.client.delete_webhook(&answer.id).await?;
    match app.store.webhook(&url).await? {
        Some(theirs) => Ok(theirs),
        None => Err(RegisterError::Store(StoreError::Corrupt {
            order_id: String::new(),
            what: "webhook",
            detail: "a registration was stored and is gone".into(),
        })),
    }
}

/// Registers the webhook, trying again (backing off up to a minute) while
/// the provider cannot be reached; runs until it succeeds.
pub(crate) async fn register_until_done(app: Arc<App>) {
    let mut wait = Duration::from_secs(1);
    loop {
        match ensure_registered(&app).await {
            Ok(_) => return,
            Err(e) => {
                tracing::warn!("registering the ePayment webhook: {e}; trying again in {wait:?}");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(60));
            }
        }
    }
}

/// The signed parts of the registered URL: its path and query, and its
/// host (with the port when it is not the scheme's default), as the
/// provider signs them.
fn signed_target(url: &str) -> Option<(String, String)> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    let host = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let mut target = parsed.path().to_string();
    if let Some(q) = parsed.query() {
        target.push('?');
        target.push_str(q);
    }
    Some((target, host))
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn unauthorized(app: &App, why: String) -> Response {
    app.stats.webhook_refused();
    tracing::warn!("webhook refused: {why}");
    ApiError::new(StatusCode::UNAUTHORIZED, why).into_response()
}

/// `POST /vipps/webhooks/v1/epayment`.
pub(crate) async fn receive(State(app): State<Arc<App>>, h: HeaderMap, body: Body) -> Response {
    let bytes = match crate::api::read_body(&app, body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let url = webhook_url(&app);
    let registration = match app.store.webhook(&url).await {
        Ok(Some(r)) => r,
        Ok(None) => return unauthorized(&app, format!("no webhook is registered for {url}")),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some((target, host)) = signed_target(&url) else {
        return unauthorized(&app, format!("the webhook URL {url} is not a URL"));
    };
    let request = WebhookRequest {
        method: "POST",
        path_and_query: &target,
        host: &host,
        date: header(&h, signature::X_MS_DATE),
        content_sha256: header(&h, signature::X_MS_CONTENT_SHA256),
        authorization: header(&h, signature::AUTHORIZATION),
    };
    let freshness = Freshness {
        now: app.config.clock.now(),
        window: app.config.webhook_freshness,
    };
    let secret = WebhookSecret::new(registration.secret);
    if let Err(e) = signature::verify(&secret, &request, &bytes, Some(freshness)) {
        return unauthorized(&app, e.to_string());
    }
    let text = String::from_utf8_lossy(&bytes);
    let event = match WebhookEvent::parse_json(&text) {
        Ok(e) => e,
        Err(e) => return ApiError::bad_request(format!("body: {e}")).into_response(),
    };
    accept(&app, &event).await
}

/// An authentic delivery: checked against its order, then merged.
async fn accept(app: &App, event: &WebhookEvent) -> Response {
    let reference = event.reference.as_str();
    let order = match app.order(reference).await {
        Ok(Some(o)) => o,
        // Another system's payment on this sales unit, or one evicted:
        // acknowledged, so the provider stops retrying.
        Ok(None) => {
            tracing::info!("webhook for unknown reference {reference}: acknowledged");
            return StatusCode::OK.into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let refuse = |why: String| async move {
        app.stats.webhook_refused();
        tracing::warn!("webhook for {reference} refused: {why}");
        let record = NewEvent {
            source: EventSource::Webhook,
            accepted: false,
            detail: why.clone(),
        };
        if let Err(e) = app.store.add_event(reference, &record, REFUSED_KEPT).await {
            tracing::warn!("order {reference}: recording a refused webhook: {e}");
        }
        ApiError::bad_request(why).into_response()
    };
    if order.order.provider_api != ProviderApi::Epayment {
        return refuse(format!("order {reference} is an eCom payment")).await;
    }
    if event.msn != app.client.config().msn.as_str() {
        return refuse("`msn` is not this shop's".to_string()).await;
    }
    // The event's amount is its own: a partial capture's or refund's, or
    // what a cancel released — at most the order's. Creating and
    // authorizing are for the whole amount.
    let whole = matches!(
        event.name,
        PaymentEventName::Created | PaymentEventName::Authorized
    );
    let seen = Observation {
        order_id: reference,
        amount: event.amount.value,
        currency: Some(event.amount.currency.code()),
        extra: None,
        partial: !whole,
    };
    if let Err(why) = check_observation(&order, &seen) {
        return refuse(why).await;
    }
    app.stats.webhook_accepted();
    let record = NewEvent {
        source: EventSource::Webhook,
        accepted: true,
        detail: serde_json::to_string(&event.to_event()).unwrap_or_default(),
    };
    if let Err(e) = app
        .merge(reference, &event.to_status(), record, false)
        .await
    {
        return ApiError::from(e).into_response();
    }
    if let Err(e) = crate::sessions::observe(app, &order.order.basket_id).await {
        tracing::warn!("basket {}: {e}", order.order.basket_id);
    }
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_target_is_the_registered_urls() {
        assert_eq!(
            signed_target("https://shop.example/vipps/webhooks/v1/epayment?shop=1"),
            Some((
                "/vipps/webhooks/v1/epayment?shop=1".into(),
                "shop.example".into()
            ))
        );
        assert_eq!(
            signed_target("http://127.0.0.1:8080/hook"),
            Some(("/hook".into(), "127.0.0.1:8080".into()))
        );
        // The scheme's own port is not written (as `Host` carries it).
        assert_eq!(
            signed_target("https://shop.example:443/hook"),
            Some(("/hook".into(), "shop.example".into()))
        );
        assert_eq!(signed_target("not a url"), None);
    }
}
