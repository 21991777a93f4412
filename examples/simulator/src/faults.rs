//! Fault injection: the ways the real provider (and the shopper) make a
//! merchant's life hard, on demand.
//!
//! A [`Faults`] value is set for a whole run ([`SimConfig::faults`](crate::SimConfig),
//! CLI flags, `POST /_sim/faults`) and copied into every new order, or set
//! for one order (`POST /_sim/orders/{orderId}/faults`). As JSON:
//!
//! ```json
//! {"dropCallback": true, "callbackDelayMs": 20000,
//!  "duplicateCallbacks": true, "replayCallbackMs": 60000,
//!  "burst": {"status": 429, "count": 5, "endpoints": ["details"]},
//!  "stall": {"ms": 6000, "count": 1, "endpoints": ["capture"]},
//!  "reserveLateMs": 30000, "userClosesApp": false, "unknownDetails": 2,
//!  "dropWebhooks": false, "duplicateWebhooks": true, "webhookDelayMs": 5000,
//!  "reorderWebhooksMs": 2000}
//! ```
//!
//! On the ePayment side `reserveLateMs` makes the authorization late and
//! `userClosesApp` keeps the shopper from returning; the four webhook
//! faults apply to its deliveries ([`crate::epayment`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// An endpoint of the provider's API, for faults that hit some of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Endpoint {
    /// `POST /accesstoken/get`.
    Token,
    /// `POST /ecomm/v2/payments`.
    Initiate,
    /// `GET /ecomm/v2/payments/{orderId}/details`.
    Details,
    /// `POST /ecomm/v2/payments/{orderId}/capture`.
    Capture,
    /// `PUT /ecomm/v2/payments/{orderId}/cancel`.
    Cancel,
    /// `POST /ecomm/v2/payments/{orderId}/refund`.
    Refund,
    /// `POST /ecomm/v2/integration-test/payments/{orderId}/approve`.
    ForceApprove,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 7] = [
        Endpoint::Token,
        Endpoint::Initiate,
        Endpoint::Details,
        Endpoint::Capture,
        Endpoint::Cancel,
        Endpoint::Refund,
        Endpoint::ForceApprove,
    ];

    /// The camelCase name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Token => "token",
            Endpoint::Initiate => "initiate",
            Endpoint::Details => "details",
            Endpoint::Capture => "capture",
            Endpoint::Cancel => "cancel",
            Endpoint::Refund => "refund",
            Endpoint::ForceApprove => "forceApprove",
        }
    }

    /// The endpoint with this name.
    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn all_endpoints() -> Vec<Endpoint> {
    Endpoint::ALL.to_vec()
}

/// The next `count` calls to `endpoints` are answered with `status` before
/// anything happens: a `5xx` with the provider's internal-error array
/// (`VippsError` 99), or a `429` with the gateway's object and
/// `Retry-After`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Burst {
    /// The HTTP status: `429` or `500`–`599`.
    pub status: u16,
    /// How many answers.
    pub count: u32,
    /// Which endpoints (all when left out).
    #[serde(default = "all_endpoints")]
    pub endpoints: Vec<Endpoint>,
}

/// The next `count` calls to `endpoints` are carried out, and then the
/// answer is held for `ms` milliseconds of real time — longer than the
/// merchant's read timeout, so that it does not know whether the call
/// worked (Vipps eCom API "Exception handling" guide, "Connection timeout").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stall {
    /// How long to hold each answer, in real milliseconds.
    pub ms: u64,
    /// How many answers.
    pub count: u32,
    /// Which endpoints (all when left out).
    #[serde(default = "all_endpoints")]
    pub endpoints: Vec<Endpoint>,
}

/// What goes wrong, for a run or for one order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// The callback is never sent ("If the communication is broken … the
    /// callback will not be retried", Vipps eCom API guide).
    pub drop_callback: bool,
    /// The callback is sent this many simulated milliseconds late.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_delay_ms: Option<u64>,
    /// Every callback is sent twice (a retrying proxy between the provider
    /// and the merchant).
    pub duplicate_callbacks: bool,
    /// Every callback is sent once more this many simulated milliseconds
    /// later: a stale copy that arrives after whatever happened since (a
    /// capture, a void) — out of order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay_callback_ms: Option<u64>,
    /// Error answers before anything happens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<Burst>,
    /// Answers held longer than the read timeout, after the call was
    /// carried out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stall: Option<Stall>,
    /// When the shopper approves, the shopper is sent back at once, and the
    /// reservation (with its callback) happens this many simulated
    /// milliseconds later — "Vipps can not guarantee a particular
    /// sequence" (Vipps eCom API guide).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserve_late_ms: Option<u64>,
    /// When the shopper approves, the shopper closes the app: the payment
    /// is reserved, but the shopper is not sent back and no callback is
    /// sent (Vipps eCom API "Exception handling" guide, "Clean-up strategies": "the user decides to close
    /// the Vipps app while the transaction is being processed").
    pub user_closes_app: bool,
    /// The next this many details calls of the order are answered with
    /// error 35, "Requested Order not found" (Vipps eCom API guide, "Error
    /// codes"), as if the provider had not recorded the payment yet: an
    /// initiate still being processed, or a read racing the create.
    #[serde(skip_serializing_if = "is_zero")]
    pub unknown_details: u32,
    /// ePayment: webhooks are never sent (recorded as dropped).
    pub drop_webhooks: bool,
    /// ePayment: every webhook is delivered twice.
    pub duplicate_webhooks: bool,
    /// ePayment: webhooks are sent this many simulated milliseconds late
    /// (later events of the same payment wait behind them, as the
    /// provider's in-order delivery makes them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_delay_ms: Option<u64>,
    /// ePayment: webhooks are held this many simulated milliseconds and
    /// then sent newest first — out of the order the provider promises.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reorder_webhooks_ms: Option<u64>,
}

impl Faults {
    /// The callback delay as a duration.
    pub fn callback_delay(&self) -> Option<Duration> {
        self.callback_delay_ms.map(Duration::from_millis)
    }

    /// The replay delay as a duration.
    pub fn replay_callback(&self) -> Option<Duration> {
        self.replay_callback_ms.map(Duration::from_millis)
    }

    /// The late-reservation delay as a duration.
    pub fn reserve_late(&self) -> Option<Duration> {
        self.reserve_late_ms.map(Duration::from_millis)
    }

    /// Checks the values: a burst status must be `429` or `5xx`.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(b) = self
            .burst
            .as_ref()
            .filter(|b| !(b.status == 429 || (500..=599).contains(&b.status)))
        {
            return Err(format!(
                "`burst.status` is {}; a burst answers 429 or 500-599",
                b.status
            ));
        }
        Ok(())
    }

    /// Takes one burst answer for `endpoint`, if one is left.
    pub(crate) fn take_burst(&mut self, endpoint: Endpoint) -> Option<u16> {
        let b = self.burst.as_mut()?;
        if b.count == 0 || !b.endpoints.contains(&endpoint) {
            return None;
        }
        b.count -= 1;
        Some(b.status)
    }

    /// Takes one "order not found" answer for a details call, if one is
    /// left.
    pub(crate) fn take_unknown(&mut self, endpoint: Endpoint) -> bool {
        if endpoint != Endpoint::Details || self.unknown_details == 0 {
            return false;
        }
        self.unknown_details -= 1;
        true
    }

    /// Takes one stall for `endpoint`, if one is left.
    pub(crate) fn take_stall(&mut self, endpoint: Endpoint) -> Option<Duration> {
        let s = self.stall.as_mut()?;
        if s.count == 0 || !s.endpoints.contains(&endpoint) {
            return None;
        }
        s.count -= 1;
        Some(Duration::from_millis(s.ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_and_stalls_are_counted_down_per_endpoint() {
        let mut f: Faults = serde_json::from_str(
            r#"{"burst": {"status": 503, "count": 2, "endpoints": ["details"]},
                "stall": {"ms": 10, "count": 1}}"#,
        )
        .unwrap();
        assert_eq!(f.take_burst(Endpoint::Capture), None);
        assert_eq!(f.take_burst(Endpoint::Details), Some(503));
        assert_eq!(f.take_burst(Endpoint::Details), Some(503));
        assert_eq!(f.take_burst(Endpoint::Details), None);
        assert_eq!(
            f.take_stall(Endpoint::Refund),
            Some(Duration::from_millis(10))
        );
        assert_eq!(f.take_stall(Endpoint::Refund), None);
        f.unknown_details = 1;
        assert!(!f.take_unknown(Endpoint::Capture));
        assert!(f.take_unknown(Endpoint::Details));
        assert!(!f.take_unknown(Endpoint::Details));
        assert!(f.validate().is_ok());
        f.burst = Some(Burst {
            status: 404,
            count: 1,
            endpoints: all_endpoints(),
        });
        assert_eq!(
            f.validate().unwrap_err(),
            "`burst.status` is 404; a burst answers 429 or 500-599"
        );
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::from_name(e.as_str()), Some(e));
        }
    }
}
