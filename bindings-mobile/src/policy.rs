//! The tracking policy with every span in milliseconds: start from
//! `vippsPolicy()` (the provider's numbers) and change what you need —
//! `vippsPolicy().copy(pollIntervalMs = 1000)` in Kotlin.

use appswitch_core::shopper::tracker::{BackoffPolicy, HiddenPolling, Policy};

use crate::convert::{count, duration, int, span};
use crate::errors::TrackerError;

/// Every number the tracker uses ([`Policy`]), in milliseconds and counts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TrackingPolicy {
    /// The first poll after the switch: "Start after 5 seconds" (Vipps eCom API guide).
    pub first_poll_after_ms: i64,
    /// From the start of one request to the next: "Check every 2 seconds".
    pub poll_interval_ms: i64,
    /// Polling while in the background: `null` pauses (the default), a
    /// number keeps polling no more often than that.
    pub while_hidden_interval_ms: Option<i64>,
    /// Connect timeout of each request (Vipps eCom API "Exception handling" guide: 1 s).
    pub connect_timeout_ms: i64,
    /// Read timeout of each request (Vipps eCom API "Exception handling" guide: 5 s).
    pub read_timeout_ms: i64,
    /// Long polling: ask the backend to hold each poll up to this long
    /// (`?wait=N`, whole seconds); `null` is off.
    pub long_poll_ms: Option<i64>,
    /// At most this many requests per `rateWindowMs` (120 a minute).
    pub rate_cap: i32,
    /// The rolling window of the rate cap.
    pub rate_window_ms: i64,
    /// Backoff after errors: the first delay.
    pub backoff_base_ms: i64,
    /// Backoff after errors: the longest delay.
    pub backoff_max_ms: i64,
    /// How long the deeplink stays valid after initiation (5 minutes).
    pub deeplink_validity_ms: i64,
    /// The shopper's whole window after initiation (10 minutes).
    pub payment_window_ms: i64,
    /// Extra time after the window before the final check.
    pub grace_ms: i64,
    /// Repeats of a return within this long of it are answered by the requests it started.
    pub return_debounce_ms: i64,
    /// Give up after this many unusable answers in a row.
    pub max_bad_answers: i32,
}

impl From<&Policy> for TrackingPolicy {
    fn from(p: &Policy) -> Self {
        TrackingPolicy {
            first_poll_after_ms: span(p.first_poll_after),
            poll_interval_ms: span(p.poll_interval),
            while_hidden_interval_ms: match p.while_hidden {
                HiddenPolling::Pause => None,
                HiddenPolling::Every { interval } => Some(span(interval)),
            },
            connect_timeout_ms: span(p.connect_timeout),
            read_timeout_ms: span(p.read_timeout),
            long_poll_ms: p.long_poll.map(span),
            rate_cap: int(p.rate_cap),
            rate_window_ms: span(p.rate_window),
            backoff_base_ms: span(p.backoff.base),
            backoff_max_ms: span(p.backoff.max),
            deeplink_validity_ms: span(p.deeplink_validity),
            payment_window_ms: span(p.payment_window),
            grace_ms: span(p.grace),
            return_debounce_ms: span(p.return_debounce),
            max_bad_answers: int(p.max_bad_answers),
        }
    }
}

impl TryFrom<&TrackingPolicy> for Policy {
    type Error = TrackerError;

    /// Refuses negative numbers, naming the field; the core then checks
    /// the rules (positive intervals, `backoffMax ≥ backoffBase`, …).
    fn try_from(p: &TrackingPolicy) -> Result<Policy, TrackerError> {
        let ms = |field: &str, v: i64| duration(&format!("policy.{field}"), v);
        Ok(Policy {
            first_poll_after: ms("firstPollAfterMs", p.first_poll_after_ms)?,
            poll_interval: ms("pollIntervalMs", p.poll_interval_ms)?,
            while_hidden: match p.while_hidden_interval_ms {
                None => HiddenPolling::Pause,
                Some(v) => HiddenPolling::Every {
                    interval: ms("whileHiddenIntervalMs", v)?,
                },
            },
            connect_timeout: ms("connectTimeoutMs", p.connect_timeout_ms)?,
            read_timeout: ms("readTimeoutMs", p.read_timeout_ms)?,
            long_poll: p.long_poll_ms.map(|v| ms("longPollMs", v)).transpose()?,
            rate_cap: count("policy.rateCap", p.rate_cap)?,
            rate_window: ms("rateWindowMs", p.rate_window_ms)?,
            backoff: BackoffPolicy {
                base: ms("backoffBaseMs", p.backoff_base_ms)?,
                max: ms("backoffMaxMs", p.backoff_max_ms)?,
            },
            deeplink_validity: ms("deeplinkValidityMs", p.deeplink_validity_ms)?,
            payment_window: ms("paymentWindowMs", p.payment_window_ms)?,
            grace: ms("graceMs", p.grace_ms)?,
            return_debounce: ms("returnDebounceMs", p.return_debounce_ms)?,
            max_bad_answers: count("policy.maxBadAnswers", p.max_bad_answers)?,
        })
    }
}

/// The Vipps defaults: first poll after 5 s, then every 2 s, paused in the
/// background, 1 s / 5 s timeouts, at most 120 requests a minute, 10
/// minutes + 30 s until the final check.
#[uniffi::export]
pub fn vipps_policy() -> TrackingPolicy {
    TrackingPolicy::from(&Policy::vipps())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_negative_numbers() {
        let p = vipps_policy();
        assert_eq!(p.poll_interval_ms, 2000);
        assert_eq!(Policy::try_from(&p).unwrap(), Policy::vipps());
        let bad = TrackingPolicy {
            grace_ms: -5,
            ..p.clone()
        };
        match Policy::try_from(&bad) {
            Err(TrackerError::InvalidArgument { field, detail }) => {
                assert_eq!(field, "policy.graceMs");
                assert!(detail.contains("must not be negative"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let hidden = TrackingPolicy {
            while_hidden_interval_ms: Some(3000),
            ..p
        };
        let back = TrackingPolicy::from(&Policy::try_from(&hidden).unwrap());
        assert_eq!(back, hidden);
    }
}
