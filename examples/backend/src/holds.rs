//! The provider's `Retry-After` on details, order by order: after a `429`
//! or `503` that says when to come back, nobody here asks the provider
//! about that order before then — not the watcher, not a status request
//! (Vipps eCom API guide, "Rate limiting": a client over the limit is
//! answered `429 Too Many Requests` and should wait before it calls
//! again; RFC 9110, "Retry-After").
//!
//! The holds live in this instance's memory: an instance that did not get
//! the answer does not know of it, and a restart forgets them — at worst
//! one more early call, which the provider answers with another `429`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use appswitch_core::foundation::retry::RetryAfter;
use appswitch_core::foundation::time::Timestamp;

use crate::app::millis;
use crate::store::Millis;

/// Per-order instants (wall clock) before which the provider is not asked.
#[derive(Debug, Default)]
pub(crate) struct DetailsHolds {
    until: Mutex<HashMap<String, Millis>>,
}

impl DetailsHolds {
    /// Holds `order_id` as `retry_after` asks, for an answer that arrived
    /// at `wall_now` (wall clock) and `provider_now` (the provider's clock,
    /// which an HTTP-date is read against).
    pub(crate) fn hold(
        &self,
        order_id: &str,
        retry_after: RetryAfter,
        wall_now: Millis,
        provider_now: Timestamp,
    ) {
        let wait = match retry_after {
            RetryAfter::Delay(d) => d,
            RetryAfter::At(at) => at.saturating_since(provider_now),
        };
        if wait == Duration::ZERO {
            return;
        }
        let until = wall_now.saturating_add(millis(wait));
        let mut map = self.until.lock().unwrap_or_else(|e| e.into_inner());
        let slot = map.entry(order_id.to_string()).or_insert(until);
        *slot = (*slot).max(until);
    }

    /// Until when `order_id` is held, if it is held at `now`.
    pub(crate) fn until(&self, order_id: &str, now: Millis) -> Option<Millis> {
        let map = self.until.lock().unwrap_or_else(|e| e.into_inner());
        map.get(order_id).copied().filter(|&until| until > now)
    }

    /// Forgets holds that are over.
    pub(crate) fn sweep(&self, now: Millis) {
        let mut map = self.until.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_lasts_as_long_as_retry_after_says_and_never_shrinks() {
        let holds = DetailsHolds::default();
        let provider_now = Timestamp::from_millis(50_000);
        holds.hold(
            "a",
            RetryAfter::Delay(Duration::from_secs(2)),
            1_000,
            provider_now,
        );
        assert_eq!(holds.until("a", 1_000), Some(3_000));
        assert_eq!(holds.until("a", 2_999), Some(3_000));
        assert_eq!(holds.until("a", 3_000), None);
        // A shorter one later does not cut the longer one short.
        holds.hold(
            "a",
            RetryAfter::Delay(Duration::from_secs(1)),
            1_500,
            provider_now,
        );
        assert_eq!(holds.until("a", 2_600), Some(3_000));
        // An HTTP-date is read against the provider's clock.
        holds.hold(
            "b",
            RetryAfter::At(Timestamp::from_millis(54_000)),
            1_000,
            provider_now,
        );
        assert_eq!(holds.until("b", 4_999), Some(5_000));
        // A date in the past holds nothing.
        holds.hold(
            "c",
            RetryAfter::At(Timestamp::from_millis(1)),
            1_000,
            provider_now,
        );
        assert_eq!(holds.until("c", 1_000), None);
        assert_eq!(holds.until("other", 0), None);
        holds.sweep(4_000);
        assert_eq!(holds.until("a", 0), None);
        assert_eq!(holds.until("b", 0), Some(5_000));
    }
}
