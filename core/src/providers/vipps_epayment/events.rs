//! `GET:/epayment/v1/payments/{reference}/events`: the event log, "the
//! authoritative data for all details and operations for a payment"
//! (ePayment API guide, "Get payment event log"; specification,
//! `PaymentEvent`, `PaymentEventName`).
//!
//! The same events reach the merchant as webhooks
//! ([`WebhookEvent`](super::WebhookEvent)), each delivered at least once and
//! retried for days. An [`EventLog`] is the set of events seen — from the
//! log endpoint, from webhooks, or both — with duplicates removed by
//! [`EventKey`], so that its totals are exact however often and in whatever
//! order the events came.

use std::collections::BTreeSet;

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::money::Money;
use crate::foundation::lenient::{opt_text_or_number, rfc3339_opt, text_or_number};
use crate::foundation::time::Timestamp;

/// One entry of the event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentEvent {
    /// `reference`: the merchant's.
    #[serde(deserialize_with = "text_or_number")]
    pub reference: String,
    /// `pspReference`: the provider's reference of this event.
    #[serde(default, deserialize_with = "opt_text_or_number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psp_reference: Option<String>,
    /// `name`: what happened.
    pub name: PaymentEventName,
    /// `amount`: of this event alone — a partial capture's amount, the
    /// amount a cancel released.
    pub amount: Money,
    /// `timestamp`.
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// `idempotencyKey`: "The idempotency key of the request. Specified by
    /// the merchant/partner making the API request." `null` for events the
    /// merchant did not cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// `success`: "The outcome of the event". Required: an event that
    /// does not say is not taken as a success.
    pub success: bool,
}

impl PaymentEvent {
    /// What identifies this event among deliveries and polls.
    pub fn key(&self) -> EventKey {
        EventKey {
            name: self.name.clone(),
            psp_reference: self.psp_reference.clone(),
            amount: self.amount,
            timestamp: self.timestamp,
            success: self.success,
        }
    }
}

/// `name` of an event (specification, `PaymentEventName`; the Webhooks
/// API's ePayment event types carry the same eight).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaymentEventName {
    /// `CREATED`: "Payment created via API".
    Created,
    /// `AUTHORIZED`: "User has approved payment".
    Authorized,
    /// `ABORTED`: "The end user has actively stopped the process by
    /// selecting Cancel or similar".
    Aborted,
    /// `EXPIRED`: "The payment session has expired due to inactivity".
    Expired,
    /// `CANCELLED`: "Cancel the remaining un-captured amount" — the
    /// merchant's cancel after authorization.
    Cancelled,
    /// `CAPTURED`: "Payment fully or partially captured".
    Captured,
    /// `REFUNDED`: "Payment fully or partially refunded".
    Refunded,
    /// `TERMINATED`: "The merchant has stopped the process through the
    /// API" (a cancel before authorization).
    Terminated,
    /// A name this crate does not know, as sent. It proves nothing.
    Other(String),
}

impl PaymentEventName {
    /// The eight documented names.
    pub const KNOWN: [PaymentEventName; 8] = [
        PaymentEventName::Created,
        PaymentEventName::Aborted,
        PaymentEventName::Expired,
        PaymentEventName::Cancelled,
        PaymentEventName::Captured,
        PaymentEventName::Refunded,
        PaymentEventName::Authorized,
        PaymentEventName::Terminated,
    ];

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentEventName::Created => "CREATED",
            PaymentEventName::Authorized => "AUTHORIZED",
            PaymentEventName::Aborted => "ABORTED",
            PaymentEventName::Expired => "EXPIRED",
            PaymentEventName::Cancelled => "CANCELLED",
            PaymentEventName::Captured => "CAPTURED",
            PaymentEventName::Refunded => "REFUNDED",
            PaymentEventName::Terminated => "TERMINATED",
            PaymentEventName::Other(name) => name,
        }
    }

    /// The name with this wire name; unknown ones give
    /// [`Other`](Self::Other).
    pub fn from_name(name: &str) -> PaymentEventName {
        PaymentEventName::KNOWN
            .into_iter()
            .find(|n| n.as_str() == name)
            .unwrap_or_else(|| PaymentEventName::Other(name.to_string()))
    }
}

impl fmt::Display for PaymentEventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PaymentEventName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PaymentEventName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "an event name", |name| {
            if name.is_empty() {
                Err("the event name is empty")
            } else {
                Ok(PaymentEventName::from_name(name))
            }
        })
    }
}

/// What makes two reports the same event: its name, the provider's
/// reference, its amount, its time and its outcome.
///
/// Not the `msn` (a webhook has it, the log does not) nor the
/// `idempotencyKey` (the provider sends one for events the merchant did
/// not cause in some places and not in others); the time is compared as
/// an instant, so `…07.748Z` and `…07.7480000Z` are the same.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventKey {
    /// `name`.
    pub name: PaymentEventName,
    /// `pspReference`.
    pub psp_reference: Option<String>,
    /// `amount`.
    pub amount: Money,
    /// `timestamp`.
    pub timestamp: Option<Timestamp>,
    /// `success`.
    pub success: bool,
}

/// The event log: every event of one payment, once each.
///
/// Read from the log endpoint (a JSON array) with serde, or gathered
/// from webhooks with [`insert`](Self::insert). Either way an event seen
/// twice is kept once, and the order does not matter: its
/// [`to_status`](Self::to_status) is the same for any order and any number
/// of repeats.
///
/// ```
/// use appswitch_core::providers::vipps_epayment::EventLog;
/// use appswitch_core::status::PaymentState;
///
/// let log: EventLog = serde_json::from_str(r#"[
///   {"reference": "acme-shop-123-order123abc", "pspReference": "1304787731", "name": "AUTHORIZED",
///    "amount": {"currency": "NOK", "value": 49900}, "timestamp": "2023-03-27T10:51:59.378Z",
///    "idempotencyKey": "19986263-dedf-4b8e-a424-8d042eee4013", "success": true},
///   {"reference": "acme-shop-123-order123abc", "pspReference": "2018200034", "name": "CAPTURED",
///    "amount": {"currency": "NOK", "value": 10000}, "timestamp": "2023-03-27T10:52:07.748Z",
///    "success": true}]"#).unwrap();
/// assert_eq!(log.to_status().state(), PaymentState::Captured { full: false });
/// ```
///
/// Two logs are equal when they hold the same events, whatever the order
/// they were gathered in.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    /// In the order first seen.
    events: Vec<PaymentEvent>,
    keys: BTreeSet<EventKey>,
}

impl PartialEq for EventLog {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys
    }
}

impl Eq for EventLog {}

impl EventLog {
    /// An empty log.
    pub fn new() -> EventLog {
        EventLog::default()
    }

    /// Adds `event`; false (and nothing changes) when it was there already.
    pub fn insert(&mut self, event: PaymentEvent) -> bool {
        if !self.keys.insert(event.key()) {
            return false;
        }
        self.events.push(event);
        true
    }

    /// Whether an event with this key was seen.
    pub fn contains(&self, key: &EventKey) -> bool {
        self.keys.contains(key)
    }

    /// Adds every event of `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = PaymentEvent>) {
        for e in other {
            self.insert(e);
        }
    }

    /// The events, oldest first: by time, and in the order first seen
    /// when times are equal (or absent).
    pub fn events(&self) -> Vec<&PaymentEvent> {
        let mut v: Vec<&PaymentEvent> = self.events.iter().collect();
        v.sort_by_key(|e| e.timestamp);
        v
    }

    /// How many distinct events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when no event was seen.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The `reference` of the first event, if any.
    pub fn reference(&self) -> Option<&str> {
        self.events.first().map(|e| e.reference.as_str())
    }

    /// The event logged for the request with this `Idempotency-Key`, if
    /// any: after a timeout, look here before retrying with the same key.
    pub fn event_for_key(&self, key: &str) -> Option<&PaymentEvent> {
        if key.is_empty() {
            return None;
        }
        self.events
            .iter()
            .find(|e| e.idempotency_key.as_deref() == Some(key))
    }
}

impl FromIterator<PaymentEvent> for EventLog {
    fn from_iter<I: IntoIterator<Item = PaymentEvent>>(iter: I) -> Self {
        let mut log = EventLog::new();
        log.extend(iter);
        log
    }
}

/// Written as the log endpoint writes it: an array, oldest first.
impl Serialize for EventLog {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.events())
    }
}

impl<'de> Deserialize<'de> for EventLog {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<PaymentEvent>::deserialize(d).map(EventLog::from_iter)
    }
}
