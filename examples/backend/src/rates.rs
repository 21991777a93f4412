//! Each order's calls to the provider in their rolling windows, shared by
//! the order's polling and every plan (capture, cancel, refund, initiate)
//! this instance runs for it, so the provider's per-order limits — "120
//! calls per minute" for details, 5 a minute for capture, cancel and
//! refund (Vipps eCom API guide, "Rate limiting") — hold when shop actions
//! overlap with polling and with each other. A plan starts from the
//! order's windows and leaves its own calls in them; a poll is recorded,
//! and skipped while the details window is full.
//!
//! In memory, per instance: a backend that restarts starts from empty
//! windows (as a provider would only see the calls of the last minute).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::mutation::OrderRates;
use appswitch_core::providers::vipps_ecom::limits::RateLimitedApi;

/// Every rate-limited API (the provider's table).
const APIS: [RateLimitedApi; 6] = [
    RateLimitedApi::InitiatePayment,
    RateLimitedApi::CancelPayment,
    RateLimitedApi::CapturePayment,
    RateLimitedApi::RefundPayment,
    RateLimitedApi::GetOrderStatus,
    RateLimitedApi::GetPaymentDetails,
];

/// Windows older than this are forgotten (every limit's window is a
/// minute).
const FORGET_AFTER: Duration = Duration::from_secs(5 * 60);

/// The orders' windows.
#[derive(Debug, Default)]
pub(crate) struct SharedRates {
    orders: Mutex<HashMap<String, OrderRates>>,
}

/// Both windows' calls, oldest first, once each.
fn union(a: &OrderRates, b: &OrderRates) -> OrderRates {
    let mut out = OrderRates::new();
    for api in APIS {
        let mut starts: Vec<Timestamp> =
            a.starts(api).iter().chain(b.starts(api)).copied().collect();
        starts.sort();
        starts.dedup();
        for at in starts {
            out.record(api, at);
        }
    }
    out
}

impl SharedRates {
    /// The order's windows now.
    pub(crate) fn of(&self, order_id: &str) -> OrderRates {
        let orders = self.orders.lock().unwrap_or_else(|p| p.into_inner());
        orders.get(order_id).cloned().unwrap_or_default()
    }

    /// Adds a plan's calls (it started from [`of`](Self::of); calls
    /// recorded meanwhile stay).
    pub(crate) fn keep(&self, order_id: &str, rates: &OrderRates) {
        let mut orders = self.orders.lock().unwrap_or_else(|p| p.into_inner());
        let merged = union(orders.get(order_id).unwrap_or(&OrderRates::new()), rates);
        orders.insert(order_id.to_string(), merged);
    }

    /// Records one call to `api` at `at`, if the window allows it then;
    /// whether it did (a full window: do not call).
    pub(crate) fn try_record(&self, order_id: &str, api: RateLimitedApi, at: Timestamp) -> bool {
        let mut orders = self.orders.lock().unwrap_or_else(|p| p.into_inner());
        let rates = orders.entry(order_id.to_string()).or_default();
        if rates.earliest(api, at) > at {
            return false;
        }
        rates.record(api, at);
        true
    }

    /// Forgets orders with no call for a while.
    pub(crate) fn sweep(&self, now: Timestamp) {
        let mut orders = self.orders.lock().unwrap_or_else(|p| p.into_inner());
        orders.retain(|_, r| {
            APIS.iter()
                .filter_map(|api| r.starts(*api).last())
                .any(|last| now.saturating_since(*last) < FORGET_AFTER)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_and_plans_fill_one_window() {
        let rates = SharedRates::default();
        let t0 = Timestamp::from_millis(1_000_000);
        // 100 polls in the minute, then a plan that checked 20 times.
        for i in 0..100 {
            assert!(rates.try_record(
                "o",
                RateLimitedApi::GetPaymentDetails,
                t0 + Duration::from_millis(i * 10)
            ));
        }
        let mut plan = rates.of("o");
        for i in 0..20 {
            plan.record(
                RateLimitedApi::GetPaymentDetails,
                t0 + Duration::from_millis(2_000 + i),
            );
        }
        rates.keep("o", &plan);
        // 120 in the window: the next poll waits for the first to age out.
        let later = t0 + Duration::from_secs(3);
        assert!(!rates.try_record("o", RateLimitedApi::GetPaymentDetails, later));
        assert!(rates.try_record(
            "o",
            RateLimitedApi::GetPaymentDetails,
            t0 + Duration::from_secs(61)
        ));
        // Another order's window is its own.
        assert!(rates.try_record("p", RateLimitedApi::GetPaymentDetails, later));
        // Keeping the same plan twice counts its calls once (the polls of
        // the first second have aged out: 20 of the plan's and the new one).
        rates.keep("o", &plan);
        assert_eq!(
            rates
                .of("o")
                .starts(RateLimitedApi::GetPaymentDetails)
                .len(),
            21
        );
        rates.sweep(t0 + Duration::from_secs(10 * 60));
        assert!(
            rates
                .of("o")
                .starts(RateLimitedApi::GetPaymentDetails)
                .is_empty()
        );
    }
}
