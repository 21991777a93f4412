//! The Webhooks API: registrations, and signed deliveries with the
//! provider's retries and the simulator's faults.
//!
//! - `POST /webhooks/v1/webhooks` `{"url", "events"}` → `201`
//!   `{"id", "secret"}`; `GET` lists them; `DELETE /webhooks/v1/webhooks/{id}`.
//!   "Up to 25 webhook registrations per event type, per MSN" (Webhooks API
//!   guide, "Webhook limits").
//! - Every ePayment event is `POST`ed to each registration subscribed to
//!   its type, signed exactly as "Request authentication" publishes
//!   (`x-ms-date`, `x-ms-content-sha256`, `Authorization: HMAC-SHA256 …`,
//!   with appswitch-core's [`signature::sign`]).
//! - Retries (Webhooks API guide, "Retries"): "Failed webhook
//!   notifications are retried with an exponential backoff for up to 7
//!   days … Any response with HTTP status code in range 4-5xx will result
//!   in a retry", and "The delivery order of failed webhook notifications
//!   is guaranteed in order per registered webhook … your server needs to
//!   accept all preceding requests for a given payment, before any new
//!   notifications can be received for the same payment." The intervals
//!   are not published: the simulator waits
//!   [`SimConfig::webhook_retry_first`](crate::SimConfig::webhook_retry_first),
//!   doubling, at most
//!   [`webhook_retry_max_interval`](crate::SimConfig::webhook_retry_max_interval),
//!   for [`webhook_retry_for`](crate::SimConfig::webhook_retry_for) (7 days).
//! - Faults (per payment): `dropWebhooks` (never sent), `duplicateWebhooks`
//!   (each sent twice), `webhookDelayMs` (sent late), `reorderWebhooksMs`
//!   (held that long, then sent newest first, breaking the in-order
//!   promise).

use std::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_epayment::signature::{self, X_MS_CONTENT_SHA256, X_MS_DATE};
use appswitch_core::providers::vipps_epayment::{
    EventType, PaymentEvent, RegisterWebhookResponse, WebhookEvent, WebhookSecret,
};
use serde::Serialize;

use crate::faults::Faults;
use crate::state::Shared;
use crate::util::random_hex;

/// One registration.
#[derive(Clone, Debug)]
pub(crate) struct Registration {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) events: Vec<EventType>,
    pub(crate) secret: WebhookSecret,
}

impl Registration {
    pub(crate) fn new(url: String, events: Vec<EventType>) -> Registration {
        let id = uuid_like();
        Registration {
            id,
            url,
            events,
            secret: WebhookSecret::new(random_hex(32)),
        }
    }

    pub(crate) fn answer(&self) -> RegisterWebhookResponse {
        RegisterWebhookResponse {
            id: self.id.clone(),
            secret: self.secret.clone(),
        }
    }
}

/// A random id in the UUID layout.
fn uuid_like() -> String {
    let h = random_hex(16);
    let part = |r: std::ops::Range<usize>| h.get(r).unwrap_or("0").to_string();
    format!(
        "{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    )
}

/// What became of one delivery attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WebhookOutcome {
    /// The merchant answered `2xx`.
    Delivered,
    /// The merchant answered another status: retried.
    Refused,
    /// No answer: retried.
    Unreachable,
    /// Not sent: the `dropWebhooks` fault.
    Dropped,
    /// Retried for the whole window without success; never sent again.
    GaveUp,
}

/// One delivery attempt, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookRecord {
    /// When (simulated ms).
    pub at_ms: u64,
    /// The registration's id.
    pub registration: String,
    /// The payment's `reference`.
    pub reference: String,
    /// The event type.
    pub event_type: &'static str,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// What became of it.
    pub outcome: WebhookOutcome,
    /// The merchant's HTTP status, if it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

/// A delivery waiting in the queue.
#[derive(Clone, Debug)]
pub(crate) struct Delivery {
    registration: String,
    event_type: EventType,
    body: WebhookEvent,
    /// The event's place in the provider's order.
    seq: u64,
    due: Timestamp,
    attempts: u32,
    first_attempt: Option<Timestamp>,
    duplicate: bool,
    reorder: bool,
    in_flight: bool,
}

/// Registrations, the queue, and what was recorded.
#[derive(Debug, Default)]
pub(crate) struct Webhooks {
    pub(crate) registrations: Vec<Registration>,
    queue: Vec<Delivery>,
    seq: u64,
    pub(crate) record: Vec<WebhookRecord>,
}

impl Webhooks {
    /// Queues the webhooks of `events` (of a payment whose faults are
    /// `faults`) for every subscribed registration.
    pub(crate) fn enqueue(
        &mut self,
        msn: &str,
        events: &[PaymentEvent],
        faults: &Faults,
        now: Timestamp,
    ) {
        for event in events {
            let Some(event_type) = EventType::for_name(&event.name) else {
                continue;
            };
            self.seq += 1;
            let body = WebhookEvent {
                msn: msn.to_string(),
                reference: event.reference.clone(),
                psp_reference: event.psp_reference.clone(),
                name: event.name.clone(),
                amount: event.amount,
                timestamp: event.timestamp,
                idempotency_key: event.idempotency_key.clone(),
                success: event.success,
            };
            for r in self
                .registrations
                .iter()
                .filter(|r| r.events.contains(&event_type))
            {
                if faults.drop_webhooks {
                    self.record.push(WebhookRecord {
                        at_ms: now.as_millis(),
                        registration: r.id.clone(),
                        reference: body.reference.clone(),
                        event_type: event_type.as_str(),
                        attempt: 0,
                        outcome: WebhookOutcome::Dropped,
                        http_status: None,
                    });
                    continue;
                }
                let delay =
                    faults.webhook_delay_ms.unwrap_or(0) + faults.reorder_webhooks_ms.unwrap_or(0);
                self.queue.push(Delivery {
                    registration: r.id.clone(),
                    event_type,
                    body: body.clone(),
                    seq: self.seq,
                    due: now + Duration::from_millis(delay),
                    attempts: 0,
                    first_attempt: None,
                    duplicate: faults.duplicate_webhooks,
                    reorder: faults.reorder_webhooks_ms.is_some(),
                    in_flight: false,
                });
            }
        }
    }

    /// Takes the deliveries to attempt now: per registration and payment
    /// the first in the provider's order (none while an earlier one is in
    /// flight or waiting for its retry), or — with the reorder fault —
    /// every due one, newest first.
    fn take_due(&mut self, now: Timestamp) -> Vec<(Delivery, String, WebhookSecret)> {
        let mut picked: Vec<usize> = Vec::new();
        for (i, d) in self.queue.iter().enumerate() {
            if d.in_flight || d.due > now {
                continue;
            }
            if !self.blocked(d) {
                picked.push(i);
            }
        }
        picked.sort_by_key(|i| {
            let d = self.queue.get(*i);
            let seq = d.map_or(0, |d| d.seq);
            if d.is_some_and(|d| d.reorder) {
                u64::MAX - seq
            } else {
                seq
            }
        });
        let mut out = Vec::new();
        for i in picked {
            let Some(d) = self.queue.get_mut(i) else {
                continue;
            };
            let Some(r) = self.registrations.iter().find(|r| r.id == d.registration) else {
                continue;
            };
            d.in_flight = true;
            out.push((d.clone(), r.url.clone(), r.secret.clone()));
        }
        out
    }

    /// Whether `d` waits behind an earlier event of the same payment for
    /// the same registration (the provider's in-order delivery).
    fn blocked(&self, d: &Delivery) -> bool {
        !d.reorder
            && self.queue.iter().any(|o| {
                o.registration == d.registration
                    && o.body.reference == d.body.reference
                    && o.seq < d.seq
            })
    }

    /// When the next attempt can be made: the earliest due delivery that
    /// is neither in flight nor waiting behind another.
    pub(crate) fn next_due(&self) -> Option<Timestamp> {
        self.queue
            .iter()
            .filter(|d| !d.in_flight && !self.blocked(d))
            .map(|d| d.due)
            .min()
    }

    /// Deliveries waiting (for a view).
    pub(crate) fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Records an attempt's outcome and requeues or removes it.
    fn settle(
        &mut self,
        sent: &Delivery,
        outcome: WebhookOutcome,
        http_status: Option<u16>,
        now: Timestamp,
        retry: &RetrySchedule,
    ) {
        let Some(pos) = self
            .queue
            .iter()
            .position(|d| d.in_flight && d.seq == sent.seq && d.registration == sent.registration)
        else {
            return;
        };
        let attempt = sent.attempts + 1;
        let mut record = WebhookRecord {
            at_ms: now.as_millis(),
            registration: sent.registration.clone(),
            reference: sent.body.reference.clone(),
            event_type: sent.event_type.as_str(),
            attempt,
            outcome,
            http_status,
        };
        let first = sent.first_attempt.unwrap_or(now);
        match outcome {
            WebhookOutcome::Delivered => {
                self.record.push(record);
                if sent.duplicate {
                    if let Some(d) = self.queue.get_mut(pos) {
                        d.in_flight = false;
                        d.duplicate = false;
                        d.attempts = 0;
                        d.first_attempt = None;
                        d.due = now;
                    }
                } else {
                    self.queue.remove(pos);
                }
            }
            WebhookOutcome::Refused | WebhookOutcome::Unreachable => {
                let next = now + retry.delay(attempt);
                if next.saturating_since(first) > retry.window {
                    self.record.push(record.clone());
                    record.outcome = WebhookOutcome::GaveUp;
                    self.record.push(record);
                    self.queue.remove(pos);
                } else {
                    self.record.push(record);
                    if let Some(d) = self.queue.get_mut(pos) {
                        d.in_flight = false;
                        d.attempts = attempt;
                        d.first_attempt = Some(first);
                        d.due = next;
                    }
                }
            }
            WebhookOutcome::Dropped | WebhookOutcome::GaveUp => {
                self.record.push(record);
                self.queue.remove(pos);
            }
        }
    }
}

/// The retry schedule: `first`, doubling, capped at `max_interval`, for
/// `window` after the first attempt.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetrySchedule {
    pub(crate) first: Duration,
    pub(crate) max_interval: Duration,
    pub(crate) window: Duration,
}

impl RetrySchedule {
    /// The wait after failed attempt number `attempt` (1-based).
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1).min(31))
            .unwrap_or(u32::MAX);
        self.first.saturating_mul(factor).min(self.max_interval)
    }
}

/// Sends every delivery that is due, as many rounds as become due at
/// `now` (a success unblocks the next event of the same payment).
pub(crate) async fn deliver_due(shared: &Shared) {
    for _round in 0..64 {
        let now = shared.now();
        let batch = shared.lock().epayment.webhooks.take_due(now);
        if batch.is_empty() {
            return;
        }
        for (d, url, secret) in batch {
            let (outcome, status) = send(shared, &d, &url, &secret).await;
            let retry = shared.webhook_retry();
            let now = shared.now();
            shared
                .lock()
                .epayment
                .webhooks
                .settle(&d, outcome, status, now, &retry);
        }
    }
}

async fn send(
    shared: &Shared,
    d: &Delivery,
    url: &str,
    secret: &WebhookSecret,
) -> (WebhookOutcome, Option<u16>) {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return (WebhookOutcome::Unreachable, None);
    };
    let path_and_query = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_string(),
    };
    let host = match (parsed.host_str(), parsed.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => return (WebhookOutcome::Unreachable, None),
    };
    let body = serde_json::to_vec(&d.body).unwrap_or_default();
    let signed = signature::sign(secret, "POST", &path_and_query, &host, shared.now(), &body);
    let request = shared
        .http()
        .post(parsed)
        .header("content-type", "application/json")
        .header(X_MS_DATE, &signed.date)
        .header(X_MS_CONTENT_SHA256, &signed.content_sha256)
        .header(signature::AUTHORIZATION, &signed.authorization)
        .body(body);
    match request.send().await {
        Ok(r) if r.status().is_success() => (WebhookOutcome::Delivered, Some(r.status().as_u16())),
        Ok(r) => (WebhookOutcome::Refused, Some(r.status().as_u16())),
        Err(_) => (WebhookOutcome::Unreachable, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_doubles_up_to_its_cap() {
        let r = RetrySchedule {
            first: Duration::from_secs(5),
            max_interval: Duration::from_secs(60),
            window: Duration::from_secs(7 * 86_400),
        };
        let delays: Vec<u64> = (1..=6).map(|a| r.delay(a).as_secs()).collect();
        assert_eq!(delays, [5, 10, 20, 40, 60, 60]);
        assert_eq!(r.delay(200).as_secs(), 60);
        assert_eq!(uuid_like().len(), 36);
    }
}
