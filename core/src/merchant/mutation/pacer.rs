//! When a plan may start its next request: one at a time, within the
//! provider's rate limits, after a backoff or a `Retry-After`, and not
//! more often than the policy allows. Shared by both plans.

use serde::{Deserialize, Serialize};

use super::order_rates::OrderRates;
use super::policy::MutationPolicy;
use crate::foundation::backoff::Backoff;
use crate::foundation::request::RequestId;
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::limits::RateLimitedApi;

/// The two kinds of request a plan makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum CallKind {
    /// The operation itself (capture, cancel, refund, initiate).
    Send,
    /// `GET …/details`, to find out what became of it.
    Check,
}

/// The request in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InFlight {
    pub(crate) id: RequestId,
    /// `leg` in snapshots written before it was renamed.
    #[serde(alias = "leg")]
    pub(crate) call: CallKind,
    pub(crate) started: Timestamp,
    /// After this, the request counts as a read timeout.
    pub(crate) expires: Timestamp,
}

/// What [`Pacer::start`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// Make the request with this id now.
    Now(RequestId),
    /// Not before this instant (later than `now`).
    Wait(Timestamp),
    /// The policy's limit for this kind of request is reached.
    Exhausted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pacer {
    pub(crate) policy: MutationPolicy,
    next_id: u64,
    in_flight: Option<InFlight>,
    backoff: Backoff,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    send_not_before: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    check_not_before: Option<Timestamp>,
    pub(crate) rates: OrderRates,
    pub(crate) sends: u32,
    pub(crate) checks: u32,
    /// Every request of the operation itself: a late answer to any of them
    /// still tells what happened.
    send_ids: Vec<RequestId>,
}

impl Pacer {
    pub(crate) fn new(policy: MutationPolicy, jitter_seed: u64) -> Pacer {
        Pacer {
            policy,
            next_id: 1,
            in_flight: None,
            backoff: Backoff::new(jitter_seed),
            send_not_before: None,
            check_not_before: None,
            rates: OrderRates::new(),
            sends: 0,
            checks: 0,
            send_ids: Vec::new(),
        }
    }

    /// The request in flight, if its time ran out at `now`.
    pub(crate) fn take_expired(&mut self, now: Timestamp) -> Option<InFlight> {
        self.in_flight.take_if(|f| now >= f.expires)
    }

    /// The request in flight, whatever its time (a restored plan's request
    /// never gets its answer).
    pub(crate) fn take_any(&mut self) -> Option<InFlight> {
        self.in_flight.take()
    }

    /// The request in flight if it is `id`.
    pub(crate) fn take(&mut self, id: RequestId) -> Option<InFlight> {
        self.in_flight.take_if(|f| f.id == id)
    }

    /// What the `2xx` body of request `id` is: `for_send` for the
    /// operation itself, the details otherwise.
    pub(crate) fn expected(&self, id: RequestId, for_send: super::Expected) -> super::Expected {
        if self.send_ids.contains(&id) {
            for_send
        } else {
            super::Expected::Details
        }
    }

    /// True if `id` was a request of the operation itself.
    pub(crate) fn was_send(&self, id: RequestId) -> bool {
        self.send_ids.contains(&id)
    }

    /// Starts a `call` request to `api` at `now`, if no request is in
    /// flight and the policy's limit, the backoff and the rate limit allow.
    pub(crate) fn start(&mut self, call: CallKind, api: RateLimitedApi, now: Timestamp) -> Start {
        if let Some(f) = &self.in_flight {
            return Start::Wait(
                f.expires
                    .max(now.saturating_add(core::time::Duration::from_millis(1))),
            );
        }
        let (made, max, not_before) = match call {
            CallKind::Send => (self.sends, self.policy.max_sends, self.send_not_before),
            CallKind::Check => (self.checks, self.policy.max_checks, self.check_not_before),
        };
        if made >= max {
            return Start::Exhausted;
        }
        let at = not_before
            .unwrap_or(now)
            .max(now)
            .max(self.rates.earliest(api, now));
        if at > now {
            return Start::Wait(at);
        }
        let id = RequestId(self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        self.rates.record(api, now);
        self.in_flight = Some(InFlight {
            id,
            call,
            started: now,
            expires: self.policy.expiry(now),
        });
        match call {
            CallKind::Send => {
                self.sends = self.sends.saturating_add(1);
                self.send_ids.push(id);
            }
            CallKind::Check => self.checks = self.checks.saturating_add(1),
        }
        Start::Now(id)
    }

    /// After a failure of a request started at `from`: the next `call`
    /// request waits out an exponential, jittered backoff.
    pub(crate) fn back_off(&mut self, call: CallKind, from: Timestamp) {
        let until = self.backoff.fail(&self.policy.backoff, from);
        self.set_not_before(call, until);
    }

    /// The provider said when (`Retry-After`): the next `call` request waits
    /// until then (the failure still counts for a later backoff).
    pub(crate) fn wait_until(&mut self, call: CallKind, until: Timestamp) {
        self.backoff.failures = self.backoff.failures.saturating_add(1);
        self.set_not_before(call, until);
    }

    /// Fresh budgets of sends and checks (resuming a plan that gave up).
    pub(crate) fn reset_budgets(&mut self) {
        self.sends = 0;
        self.checks = 0;
    }

    /// A usable answer to a check: the next check need not wait.
    pub(crate) fn checked(&mut self) {
        self.check_not_before = None;
    }

    fn set_not_before(&mut self, call: CallKind, until: Timestamp) {
        match call {
            CallKind::Send => self.send_not_before = Some(until),
            CallKind::Check => self.check_not_before = Some(until),
        }
    }
}
