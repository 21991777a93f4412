//! ePayment webhooks: the event types, the body, and the Webhooks API's
//! registration (Webhooks API guide, "Register a webhook", "Events";
//! ePayment API guide, "Webhooks"; specifications, `WebhookEvent`,
//! `RegisterRequest`, `RegisterResponse`).
//!
//! "For any webhook, you will receive the following payload, where the
//! only property changing is the `name`, which will reflect the event type
//! you subscribed on." A delivery is authenticated with the registration's
//! secret (see [`signature`](super::signature)), retried "with an
//! exponential backoff for up to 7 days" until the merchant answers `2xx`,
//! and may therefore arrive more than once: [`WebhookEvent::key`] says
//! which deliveries are the same event, and the status merge makes a
//! repeat change nothing anyway.

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::events::{EventKey, PaymentEvent, PaymentEventName};
use super::money::Money;
use crate::foundation::lenient::{opt_text_or_number, rfc3339_opt, text_or_number};
use crate::foundation::time::Timestamp;

/// The body of an ePayment webhook.
///
/// ```
/// use appswitch_core::providers::vipps_epayment::{PaymentEventName, WebhookEvent};
///
/// // Webhooks API guide, "Register a webhook" (the payload example).
/// let event = WebhookEvent::parse_json(r#"{"msn": "123456", "reference": "24ab7cd6ef658155992",
///   "pspReference": "1234567891", "name": "AUTHORIZED",
///   "amount": {"currency": "NOK", "value": 35000}, "timestamp": "2023-08-14T12:48:46.260Z",
///   "idempotencyKey": "49ca711a9487112e1def", "success": true}"#).unwrap();
/// assert_eq!(event.name, PaymentEventName::Authorized);
/// assert_eq!(event.to_status().reserved.map(|a| a.minor()), Some(35000));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// `msn`: the sales unit (a number in some payloads, kept as text).
    #[serde(deserialize_with = "text_or_number")]
    pub msn: String,
    /// `reference`: the merchant's.
    #[serde(deserialize_with = "text_or_number")]
    pub reference: String,
    /// `pspReference`.
    #[serde(default, deserialize_with = "opt_text_or_number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psp_reference: Option<String>,
    /// `name`: the event.
    pub name: PaymentEventName,
    /// `amount`: of this event alone.
    pub amount: Money,
    /// `timestamp`.
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// `idempotencyKey`: of the merchant's request that caused it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// `success`: "The outcome of the event".
    pub success: bool,
}

impl WebhookEvent {
    /// The same event as an entry of the event log (without `msn`).
    pub fn to_event(&self) -> PaymentEvent {
        PaymentEvent {
            reference: self.reference.clone(),
            psp_reference: self.psp_reference.clone(),
            name: self.name.clone(),
            amount: self.amount,
            timestamp: self.timestamp,
            idempotency_key: self.idempotency_key.clone(),
            success: self.success,
        }
    }

    /// What identifies this event (a redelivery has the same key, and so
    /// has its entry in the event log): for a merchant's "seen it" table.
    pub fn key(&self) -> EventKey {
        self.to_event().key()
    }

    /// The webhook event type this body is delivered for.
    pub fn event_type(&self) -> Option<EventType> {
        EventType::for_name(&self.name)
    }
}

/// A webhook event type of the ePayment API (Webhooks API, "Events":
/// "Event Type"), as registered and as named in the body's `name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    /// `epayments.payment.created.v1`.
    Created,
    /// `epayments.payment.aborted.v1`.
    Aborted,
    /// `epayments.payment.expired.v1`.
    Expired,
    /// `epayments.payment.cancelled.v1`.
    Cancelled,
    /// `epayments.payment.captured.v1`.
    Captured,
    /// `epayments.payment.refunded.v1`.
    Refunded,
    /// `epayments.payment.authorized.v1`.
    Authorized,
    /// `epayments.payment.terminated.v1`.
    Terminated,
}

impl EventType {
    /// All eight, in the Webhooks API's table order.
    pub const ALL: [EventType; 8] = [
        EventType::Created,
        EventType::Aborted,
        EventType::Expired,
        EventType::Cancelled,
        EventType::Captured,
        EventType::Refunded,
        EventType::Authorized,
        EventType::Terminated,
    ];

    /// The event type's name, e.g. `epayments.payment.captured.v1`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Created => "epayments.payment.created.v1",
            EventType::Aborted => "epayments.payment.aborted.v1",
            EventType::Expired => "epayments.payment.expired.v1",
            EventType::Cancelled => "epayments.payment.cancelled.v1",
            EventType::Captured => "epayments.payment.captured.v1",
            EventType::Refunded => "epayments.payment.refunded.v1",
            EventType::Authorized => "epayments.payment.authorized.v1",
            EventType::Terminated => "epayments.payment.terminated.v1",
        }
    }

    /// The event type with this name.
    pub fn from_name(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The `name` a body of this type carries.
    pub fn event_name(self) -> PaymentEventName {
        match self {
            EventType::Created => PaymentEventName::Created,
            EventType::Aborted => PaymentEventName::Aborted,
            EventType::Expired => PaymentEventName::Expired,
            EventType::Cancelled => PaymentEventName::Cancelled,
            EventType::Captured => PaymentEventName::Captured,
            EventType::Refunded => PaymentEventName::Refunded,
            EventType::Authorized => PaymentEventName::Authorized,
            EventType::Terminated => PaymentEventName::Terminated,
        }
    }

    /// The event type for a body's `name` (`None` for an unknown name).
    pub fn for_name(name: &PaymentEventName) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.event_name() == *name)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "an ePayment webhook event type", |name| {
            EventType::from_name(name).ok_or_else(|| {
                format!("`{name}` is not an ePayment event type (epayments.payment.….v1)")
            })
        })
    }
}

/// `POST:/webhooks/v1/webhooks`: what to register.
///
/// "The URL that updates should be sent to. Must be a valid, world-reachable
/// URL. The URL must use HTTPS. Can not be a URL that redirects to a
/// different URL. We don't send requests to all ports, so to be safe use
/// common ports such as: 80, 443, 8080." (Webhooks API specification,
/// `RegisterRequest.url`) — the same rule as eCom's callback prefix, which
/// the merchant checks where it registers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterWebhookRequest {
    /// `url`.
    pub url: String,
    /// `events`: the event type names. Kept as text: the Webhooks API
    /// serves other APIs' events too (`recurring.…`, `user.checked-in.v1`).
    pub events: Vec<String>,
}

impl RegisterWebhookRequest {
    /// A registration of `url` for the ePayment `events`.
    pub fn epayment(url: impl Into<String>, events: &[EventType]) -> Self {
        RegisterWebhookRequest {
            url: url.into(),
            events: events.iter().map(|e| e.as_str().to_string()).collect(),
        }
    }
}

/// The registration's answer: its `id` and the `secret` that signs every
/// delivery. "The secret is unique per hook registration, which may cover
/// multiple event types" (Webhooks API, "Request authentication").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterWebhookResponse {
    /// `id` (a UUID).
    pub id: String,
    /// `secret`.
    pub secret: WebhookSecret,
}

/// `GET:/webhooks/v1/webhooks`: the merchant's registrations (Webhooks
/// API specification, `GetRegistrationsResponse`). No secrets: the
/// provider shows a secret only in the registration's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookRegistrations {
    /// `webhooks`.
    #[serde(default)]
    pub webhooks: Vec<WebhookRegistration>,
}

/// One registration of [`WebhookRegistrations`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookRegistration {
    /// `id`.
    pub id: String,
    /// `url`.
    pub url: String,
    /// `events`.
    #[serde(default)]
    pub events: Vec<String>,
}

/// A webhook's secret. `Debug` does not print it.
///
/// It is used as the HMAC key *as its UTF-8 text*, never base64-decoded —
/// even though it may look like base64 (the provider's published example,
/// `A0+AeKBR…/xU6FY/A==`, verifies only that way: see
/// [`signature`](super::signature)).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// Wraps the secret the registration answered.
    pub fn new(secret: impl Into<String>) -> Self {
        WebhookSecret(secret.into())
    }

    /// The secret's text (to store it).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_and_names_correspond() {
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(t.as_str()), Some(t));
            assert_eq!(EventType::for_name(&t.event_name()), Some(t));
            let name = t.event_name();
            assert_eq!(
                t.as_str(),
                format!(
                    "epayments.payment.{}.v1",
                    name.as_str().to_ascii_lowercase()
                )
            );
        }
        assert_eq!(
            EventType::for_name(&PaymentEventName::Other("X".into())),
            None
        );
        assert_eq!(EventType::from_name("recurring.charge-captured.v1"), None);
        assert!(!format!("{:?}", WebhookSecret::new("s3cret")).contains("s3cret"));
    }

    #[test]
    fn the_list_of_registrations_reads_without_secrets() {
        // The Webhooks API specification's `GetRegistrationsResponse`.
        let list = WebhookRegistrations::parse_json(
            r#"{"webhooks": [{"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
                "url": "https://example.com/mypath",
                "events": ["epayments.payment.authorized.v1"]}]}"#,
        )
        .unwrap();
        assert_eq!(list.webhooks.len(), 1);
        assert_eq!(list.webhooks[0].url, "https://example.com/mypath");
        assert_eq!(
            EventType::from_name(&list.webhooks[0].events[0]),
            Some(EventType::Authorized)
        );
        assert!(
            WebhookRegistrations::parse_json("{}")
                .unwrap()
                .webhooks
                .is_empty()
        );
        assert!(WebhookRegistrations::parse_json(r#"{"webhooks": [{"url": 1}]}"#).is_err());
    }
}
