//! What the simulator saw and did, per order — what tests assert on
//! (`GET /_sim/orders/{orderId}`, [`SimControl::order`](crate::SimControl::order)).

use serde::{Deserialize, Serialize};

use crate::faults::Endpoint;

/// One call of the provider's API for an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedCall {
    /// Which endpoint.
    pub endpoint: Endpoint,
    /// When, in simulated milliseconds since the epoch.
    pub at_ms: u64,
    /// The HTTP status answered.
    pub status: u16,
    /// The `X-Request-Id` sent, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Why the answer was not the normal one: `burst`, `rate-limit`,
    /// `stall`, `unknown` (the `unknownDetails` fault).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// What became of one callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallbackOutcome {
    /// The merchant answered `2xx`.
    Delivered,
    /// The merchant answered with another status.
    Refused,
    /// No answer: the connection failed or timed out.
    Unreachable,
    /// Not sent: the `dropCallback` or `userClosesApp` fault.
    Dropped,
}

/// One callback the provider made (or was to make).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackRecord {
    /// When, in simulated milliseconds since the epoch.
    pub at_ms: u64,
    /// The callback's `transactionInfo.status`.
    pub status: String,
    /// `[callbackPrefix]/v2/payments/{orderId}`.
    pub url: String,
    /// What became of it.
    pub outcome: CallbackOutcome,
    /// The merchant's HTTP status, if it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

/// Everything recorded for one order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRecord {
    /// Every API call for the order, in order.
    pub calls: Vec<RecordedCall>,
    /// Every callback, in order.
    pub callbacks: Vec<CallbackRecord>,
    /// Captures carried out (not counting replays).
    pub captures: u32,
    /// Cancels carried out.
    pub cancels: u32,
    /// Refunds carried out.
    pub refunds: u32,
    /// Requests answered from an earlier one with the same `X-Request-Id`.
    pub idempotent_replays: u32,
    /// Express with dynamic shipping: the shipping-details requests sent to
    /// the merchant, and how many were answered with usable options.
    #[serde(default)]
    pub shipping_details_requests: u32,
    /// … of which answered with options for the address asked about.
    #[serde(default)]
    pub shipping_details_answered: u32,
}

impl OrderRecord {
    /// Calls to `endpoint`, whatever the answer.
    pub fn calls_to(&self, endpoint: Endpoint) -> usize {
        self.calls.iter().filter(|c| c.endpoint == endpoint).count()
    }

    /// Calls to `endpoint` within the window `[from_ms, from_ms + len_ms)`
    /// of simulated time.
    pub fn calls_to_between(&self, endpoint: Endpoint, from_ms: u64, len_ms: u64) -> usize {
        self.calls
            .iter()
            .filter(|c| c.endpoint == endpoint && c.at_ms >= from_ms && c.at_ms < from_ms + len_ms)
            .count()
    }

    /// Callbacks that reached the merchant.
    pub fn callbacks_delivered(&self) -> usize {
        self.callbacks
            .iter()
            .filter(|c| c.outcome == CallbackOutcome::Delivered)
            .count()
    }
}
