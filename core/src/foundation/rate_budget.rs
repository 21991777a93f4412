//! A rolling-window rate budget: at most `calls` per `per`, with the time
//! passed in — the provider's rate limits (Vipps eCom API guide, "Rate limiting",
//! [`RATE_LIMITS`](crate::providers::vipps_ecom::limits::RATE_LIMITS)) as something a
//! merchant backend (staying under them) and a provider simulator
//! (enforcing them) can both count with.
//!
//! ```
//! use appswitch_core::foundation::rate_budget::RateBudget;
//! use appswitch_core::foundation::time::Timestamp;
//! use appswitch_core::providers::vipps_ecom::limits::{rate_limit, RateLimitedApi};
//! use core::time::Duration;
//!
//! // "CapturePayment: 5 per minute" (per orderId + MSN).
//! let mut budget = rate_limit(RateLimitedApi::CapturePayment).budget();
//! let t0 = Timestamp::from_millis(1_000_000);
//! for i in 0..5 {
//!     assert_eq!(budget.try_acquire(t0 + Duration::from_secs(i)), Ok(()));
//! }
//! // The sixth must wait until the first has left the window.
//! assert_eq!(budget.try_acquire(t0 + Duration::from_secs(5)), Err(t0 + Duration::from_secs(60)));
//! assert_eq!(budget.try_acquire(t0 + Duration::from_secs(60)), Ok(()));
//! ```

use core::time::Duration;

use super::rate_window::RateWindow;
use super::time::Timestamp;

/// At most `calls` acquisitions in any rolling window of `per`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateBudget {
    calls: usize,
    per: Duration,
    window: RateWindow,
}

impl RateBudget {
    /// A budget of `calls` per `per` (`0` calls: nothing is ever allowed).
    pub fn new(calls: u32, per: Duration) -> Self {
        RateBudget {
            calls: usize::try_from(calls).unwrap_or(usize::MAX),
            per,
            window: RateWindow::default(),
        }
    }

    /// Counts one call at `now` if the budget allows it; otherwise leaves
    /// the count alone and says when the next call will be allowed (the
    /// far future for a budget of zero).
    pub fn try_acquire(&mut self, now: Timestamp) -> Result<(), Timestamp> {
        self.window.prune(now, self.per);
        match self.window.earliest(now, self.per, self.calls) {
            Some(at) if at <= now => {
                self.window.record(now);
                Ok(())
            }
            Some(at) => Err(at),
            None => Err(Timestamp::from_millis(u64::MAX)),
        }
    }

    /// How many calls the window holds at `now`.
    pub fn used(&self, now: Timestamp) -> usize {
        self.window
            .starts()
            .iter()
            .filter(|s| s.saturating_add(self.per) > now)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_a_rolling_window_and_says_when_to_come_back() {
        let t = Timestamp::from_millis;
        let mut b = RateBudget::new(2, Duration::from_millis(1000));
        assert_eq!(b.try_acquire(t(0)), Ok(()));
        assert_eq!(b.try_acquire(t(400)), Ok(()));
        assert_eq!(b.used(t(400)), 2);
        assert_eq!(b.try_acquire(t(500)), Err(t(1000)));
        // A refused call is not counted.
        assert_eq!(b.used(t(500)), 2);
        assert_eq!(b.try_acquire(t(1000)), Ok(()));
        assert_eq!(b.try_acquire(t(1001)), Err(t(1400)));
        assert_eq!(b.used(t(5000)), 0);
        let mut none = RateBudget::new(0, Duration::from_secs(1));
        assert_eq!(none.try_acquire(t(0)), Err(t(u64::MAX)));
    }
}
