//! The provider's rate limits for one order, as rolling windows.

use serde::{Deserialize, Serialize};

use crate::foundation::rate_window::RateWindow;
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::limits::{RateLimitedApi, rate_limit};

/// The calls made for one order, per rate-limited API, so that a plan
/// never starts a call the provider would answer with `429`: at most
/// `calls` starts in any rolling `per` window of
/// [`RATE_LIMITS`](crate::providers::vipps_ecom::limits::RATE_LIMITS) — initiate 2 a
/// minute, capture, cancel and refund 5 a minute each, details 120 a minute
/// (Vipps eCom API guide, "Rate limiting"; the key is "orderId + msn" or "orderId +
/// ocp", so one `OrderRates` belongs to one order of one sale unit).
///
/// Every plan keeps one. To run several plans on the same order one after
/// the other (two partial captures, a capture then a refund), hand the
/// previous plan's [`rates`](super::MutationPlan::rates) to the next with
/// [`with_rates`](super::MutationPlan::with_rates). Serialised as lists of
/// start instants (milliseconds).
///
/// ```
/// use appswitch_core::merchant::mutation::OrderRates;
/// use appswitch_core::foundation::time::Timestamp;
/// use appswitch_core::providers::vipps_ecom::limits::RateLimitedApi;
///
/// let mut rates = OrderRates::new();
/// let t0 = Timestamp::from_millis(0);
/// for s in 0..5 {
///     rates.record(RateLimitedApi::CapturePayment, Timestamp::from_millis(s * 1000));
/// }
/// // The sixth capture waits until the first leaves the minute.
/// assert_eq!(rates.earliest(RateLimitedApi::CapturePayment, Timestamp::from_millis(5000)),
///            Timestamp::from_millis(60_000));
/// // Other APIs are counted apart.
/// assert_eq!(rates.earliest(RateLimitedApi::RefundPayment, t0), t0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRates {
    #[serde(default, skip_serializing_if = "is_empty")]
    initiate: RateWindow,
    #[serde(default, skip_serializing_if = "is_empty")]
    capture: RateWindow,
    #[serde(default, skip_serializing_if = "is_empty")]
    cancel: RateWindow,
    #[serde(default, skip_serializing_if = "is_empty")]
    refund: RateWindow,
    #[serde(default, skip_serializing_if = "is_empty")]
    order_status: RateWindow,
    #[serde(default, skip_serializing_if = "is_empty")]
    details: RateWindow,
}

fn is_empty(w: &RateWindow) -> bool {
    w.starts().is_empty()
}

impl OrderRates {
    /// No calls made yet.
    pub fn new() -> OrderRates {
        OrderRates::default()
    }

    fn window(&self, api: RateLimitedApi) -> &RateWindow {
        match api {
            RateLimitedApi::InitiatePayment => &self.initiate,
            RateLimitedApi::CapturePayment => &self.capture,
            RateLimitedApi::CancelPayment => &self.cancel,
            RateLimitedApi::RefundPayment => &self.refund,
            RateLimitedApi::GetOrderStatus => &self.order_status,
            RateLimitedApi::GetPaymentDetails => &self.details,
        }
    }

    fn window_mut(&mut self, api: RateLimitedApi) -> &mut RateWindow {
        match api {
            RateLimitedApi::InitiatePayment => &mut self.initiate,
            RateLimitedApi::CapturePayment => &mut self.capture,
            RateLimitedApi::CancelPayment => &mut self.cancel,
            RateLimitedApi::RefundPayment => &mut self.refund,
            RateLimitedApi::GetOrderStatus => &mut self.order_status,
            RateLimitedApi::GetPaymentDetails => &mut self.details,
        }
    }

    /// The earliest instant, not before `now`, at which a call to `api`
    /// may start without exceeding its limit.
    pub fn earliest(&self, api: RateLimitedApi, now: Timestamp) -> Timestamp {
        let limit = rate_limit(api);
        let allowed = usize::try_from(limit.calls).unwrap_or(usize::MAX);
        self.window(api)
            .earliest(now, limit.per, allowed)
            .unwrap_or(Timestamp::from_millis(u64::MAX))
    }

    /// Calls to `api` counted at `now` (started within its window).
    pub fn count(&self, api: RateLimitedApi, now: Timestamp) -> usize {
        self.window(api).count(now, rate_limit(api).per)
    }

    /// Records a call to `api` started at `at`, forgetting the calls that
    /// no longer count.
    pub fn record(&mut self, api: RateLimitedApi, at: Timestamp) {
        let per = rate_limit(api).per;
        let w = self.window_mut(api);
        w.prune(at, per);
        w.record(at);
    }

    /// The starts of the calls to `api` still remembered, oldest first.
    pub fn starts(&self, api: RateLimitedApi) -> &[Timestamp] {
        self.window(api).starts()
    }
}

#[cfg(test)]
mod tests {
    use core::time::Duration;

    use super::*;

    #[test]
    fn each_api_has_its_own_limit() {
        let t0 = Timestamp::from_millis(1_000_000);
        let mut r = OrderRates::new();
        r.record(RateLimitedApi::InitiatePayment, t0);
        assert_eq!(r.earliest(RateLimitedApi::InitiatePayment, t0), t0);
        r.record(RateLimitedApi::InitiatePayment, t0 + Duration::from_secs(1));
        assert_eq!(
            r.earliest(RateLimitedApi::InitiatePayment, t0 + Duration::from_secs(1)),
            t0 + Duration::from_secs(60),
            "initiate: 2 a minute"
        );
        for i in 0..120 {
            r.record(
                RateLimitedApi::GetPaymentDetails,
                t0 + Duration::from_millis(i * 100),
            );
        }
        let now = t0 + Duration::from_secs(12);
        assert_eq!(r.count(RateLimitedApi::GetPaymentDetails, now), 120);
        assert_eq!(
            r.earliest(RateLimitedApi::GetPaymentDetails, now),
            t0 + Duration::from_secs(60)
        );
        assert_eq!(r.earliest(RateLimitedApi::CancelPayment, now), now);
        // Old calls are forgotten when new ones are recorded.
        r.record(
            RateLimitedApi::InitiatePayment,
            t0 + Duration::from_secs(120),
        );
        assert_eq!(r.starts(RateLimitedApi::InitiatePayment).len(), 1);
    }

    #[test]
    fn serialises_as_lists_of_starts() {
        let mut r = OrderRates::new();
        r.record(RateLimitedApi::CapturePayment, Timestamp::from_millis(5));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json, serde_json::json!({"capture": [5]}));
        let back: OrderRates = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
    }
}
