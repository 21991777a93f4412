//! When the next request is made, and to where: the polling schedule, the
//! gates (backoff, `Retry-After`, the advised Flutterwave wait, offline,
//! hidden) and the rate cap.

use core::time::Duration;

use super::action::{FetchReason, FetchRequest, Target};
use super::machine::{InFlight, Tracker};
use super::policy::HiddenPolling;
use crate::foundation::request::RequestId;
use crate::foundation::time::Timestamp;

/// The next request: when, why, and whether it goes to the ping URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    at: Timestamp,
    reason: FetchReason,
    to_ping: bool,
}

impl Tracker {
    /// How many requests may be counted in the rate window before a
    /// regular one: one slot is kept for the final check, so that it never
    /// waits for the window (when the cap allows keeping one).
    fn regular_allowance(&self) -> usize {
        let cap = self.config.policy.rate_cap as usize;
        if cap >= 2 { cap - 1 } else { cap }
    }

    /// The next request, if one is due at some point without a new event.
    fn plan(&self, now: Timestamp) -> Option<Plan> {
        if self.outcome.is_some() || self.in_flight.is_some() {
            return None;
        }
        let policy = &self.config.policy;
        let to_ping = self.ping.is_some();
        if self.final_check {
            // The one final check: no schedule and no backoff, only the
            // rate cap (for which a slot was kept).
            let at = self
                .rate
                .earliest(now, policy.rate_window, policy.rate_cap as usize)?;
            return Some(Plan {
                at,
                reason: FetchReason::FinalCheck,
                to_ping,
            });
        }
        if !self.online {
            return None;
        }
        // A requested check is due at once (a regular poll can be no
        // earlier than that in any way that matters).
        let (due, reason) = match self.check_requested_at {
            Some(at) => (at, FetchReason::Return),
            None => self.regular_due()?,
        };
        let mut at = due;
        for gate in [self.backoff.until, self.retry_after_until]
            .into_iter()
            .flatten()
        {
            at = at.max(gate);
        }
        if let Some(ping) = &self.ping {
            at = at.max(ping.not_before);
        }
        at = at.max(
            self.rate
                .earliest(now, policy.rate_window, self.regular_allowance())?,
        );
        Some(Plan {
            at,
            reason,
            to_ping,
        })
    }

    /// The regular schedule: first poll `first_poll_after` after the switch,
    /// then every `poll_interval` from the start of the previous request
    /// (so a held long poll may be followed at once, and a backend that
    /// answers at once does not speed polling up). Before the switch, only
    /// the check when the deeplink expires.
    fn regular_due(&self) -> Option<(Timestamp, FetchReason)> {
        let policy = &self.config.policy;
        let Some(switched) = self.switched_out_at else {
            return (!self.deeplink_checked).then(|| {
                (
                    self.config.deeplink_expires_at(),
                    FetchReason::DeeplinkExpired,
                )
            });
        };
        let interval = if self.visible {
            policy.poll_interval
        } else {
            match policy.while_hidden {
                HiddenPolling::Pause => return None,
                HiddenPolling::Every { interval } => interval.max(policy.poll_interval),
            }
        };
        let at = match self.last_fetch_started {
            Some(last) if last >= switched => last.saturating_add(interval),
            _ => switched.saturating_add(policy.first_poll_after),
        };
        let reason = if self.ping.is_some() {
            FetchReason::Ping
        } else if self.verify_pending {
            FetchReason::Verify
        } else {
            FetchReason::Poll
        };
        Some((at, reason))
    }

    /// Starts the planned request if it is due at `now`.
    pub(crate) fn start_fetch(&mut self, now: Timestamp) -> Option<FetchRequest> {
        let plan = self.plan(now)?;
        if plan.at > now {
            return None;
        }
        let policy = self.config.policy;
        let id = RequestId(self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        let target = match (&self.ping, plan.to_ping) {
            (Some(ping), true) => Target::FlutterwavePing {
                url: ping.url.clone(),
            },
            _ => Target::Status {
                url: self.config.status_url.clone(),
            },
        };
        let long_poll_wait = match (plan.reason, plan.to_ping, policy.long_poll) {
            (FetchReason::Poll, false, Some(wait)) => {
                // Whole seconds, and never past the deadline.
                let secs = wait.min(self.deadline().saturating_since(now)).as_secs();
                (secs > 0).then(|| Duration::from_secs(secs))
            }
            _ => None,
        };
        let read_timeout = policy.read_timeout + long_poll_wait.unwrap_or_default();
        self.in_flight = Some(InFlight {
            id,
            to_ping: plan.to_ping,
            started: now,
            expires: now
                .saturating_add(policy.connect_timeout)
                .saturating_add(read_timeout),
            final_check: plan.reason == FetchReason::FinalCheck,
            answers_return: false,
        });
        self.rate.record(now);
        self.last_fetch_started = Some(now);
        self.check_requested_at = None;
        if plan.reason == FetchReason::DeeplinkExpired {
            self.deeplink_checked = true;
        }
        Some(FetchRequest {
            id,
            target,
            reason: plan.reason,
            connect_timeout: policy.connect_timeout,
            read_timeout,
            long_poll_wait,
        })
    }

    /// The next instant anything can happen without an event: always after
    /// `now`.
    pub(crate) fn wake_at(&self, now: Timestamp) -> Timestamp {
        let candidates = [
            self.in_flight.as_ref().map(|f| f.expires),
            (!self.final_check).then(|| self.deadline()),
            self.plan(now).map(|p| p.at),
        ];
        let next = candidates
            .into_iter()
            .flatten()
            .min()
            .unwrap_or_else(|| self.deadline());
        next.max(now.saturating_add(Duration::from_millis(1)))
    }
}
