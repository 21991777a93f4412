//! When the next request is made, and to where: the polling schedule, the
//! long-poll hold it asks for, the gates (backoff, `Retry-After`, the
//! advised Flutterwave wait, offline, hidden) and the rate cap.

use core::time::Duration;

use super::action::{FetchReason, FetchRequest, Target};
use super::detect::LongPollSupport;
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

/// What a regular status poll asks the backend for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hold {
    /// A plain poll: answered at once.
    None,
    /// Not known yet whether the backend holds: ask for a short hold, within
    /// the plain read timeout where it fits.
    Probe(Duration),
    /// The backend holds: ask for the whole wait; the read timeout grows by
    /// it.
    Full(Duration),
}

/// Whole seconds of `d` (the `?wait=N` unit), if at least one.
fn whole_seconds(d: Duration) -> Option<Duration> {
    let secs = d.as_secs();
    (secs > 0).then(|| Duration::from_secs(secs))
}

impl Tracker {
    /// How many requests may be counted in the rate window before a
    /// regular one: one slot is kept for the final check, so that it never
    /// waits for the window (when the cap allows keeping one).
    fn regular_allowance(&self) -> usize {
        let cap = self.config.policy.rate_cap as usize;
        if cap >= 2 { cap - 1 } else { cap }
    }

    /// The hold a regular status poll at `now` asks for: none without
    /// [`Policy::long_poll`](super::Policy::long_poll) or against a backend
    /// that does not hold; while that is not known, a probe of one poll
    /// interval (at least a second, the unit of `?wait=N`); the whole wait
    /// against one that holds. Whole seconds, and never past the deadline.
    fn hold(&self, now: Timestamp) -> Hold {
        let policy = &self.config.policy;
        let Some(wait) = policy.long_poll else {
            return Hold::None;
        };
        let left = self.deadline().saturating_since(now);
        match self.detection.support {
            LongPollSupport::DoesNotHold => Hold::None,
            LongPollSupport::Unknown => {
                let probe = wait.min(policy.poll_interval.max(Duration::from_secs(1)));
                whole_seconds(probe.min(left)).map_or(Hold::None, Hold::Probe)
            }
            LongPollSupport::Holds => whole_seconds(wait.min(left)).map_or(Hold::None, Hold::Full),
        }
    }

    /// The next request, if one is due at some point without a new event.
    fn plan(&self, now: Timestamp) -> Option<Plan> {
        if self.outcome.is_some() || self.following {
            return None;
        }
        let policy = &self.config.policy;
        let to_ping = self.ping.is_some();
        if self.final_check {
            // The one final check (the requests in flight, or else one new
            // one): no schedule and no backoff, only the rate cap (for
            // which a slot was kept).
            if self.awaited().next().is_some() {
                return None;
            }
            let at = self
                .rate
                .earliest(now, policy.rate_window, policy.rate_cap as usize)?;
            return Some(Plan {
                at,
                reason: FetchReason::FinalCheck,
                to_ping,
            });
        }
        if !self.online || self.short.is_some() {
            return None;
        }
        // A requested check is due at once, even beside a held long poll
        // (a regular poll can be no earlier than that in any way that
        // matters); the regular schedule waits for every request in flight.
        let (due, reason) = match self.check_requested_at {
            Some(at) => (at, FetchReason::Return),
            None if self.held.is_some() => return None,
            None => self.regular_due(now)?,
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
    /// answers at once does not speed polling up). A held long poll is
    /// spaced from the previous regular poll only, so that it follows a
    /// return's short request at once. Before the switch, only the check
    /// when the deeplink expires.
    fn regular_due(&self, now: Timestamp) -> Option<(Timestamp, FetchReason)> {
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
        let reason = if self.ping.is_some() {
            FetchReason::Ping
        } else if self.verify_pending {
            FetchReason::Verify
        } else {
            FetchReason::Poll
        };
        let held = reason == FetchReason::Poll && matches!(self.hold(now), Hold::Full(_));
        let previous = if held {
            self.last_poll_started.or(self.last_fetch_started)
        } else {
            self.last_fetch_started
        };
        let at = match previous {
            Some(last) if last >= switched => last.saturating_add(interval),
            _ => switched.saturating_add(policy.first_poll_after),
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
        let hold = match (plan.reason, plan.to_ping) {
            (FetchReason::Poll, false) => self.hold(now),
            _ => Hold::None,
        };
        // A probe keeps the plain read timeout when its hold fits in the
        // first half of it (the defaults: 2 s of 5 s), so that a backend
        // that never holds never costs a longer timeout; otherwise it gets
        // its hold plus that half.
        let read = policy.read_timeout;
        let (long_poll_wait, read_timeout) = match hold {
            Hold::None => (None, read),
            Hold::Probe(wait) => (Some(wait), read.max(wait + read / 2)),
            Hold::Full(wait) => (Some(wait), read + wait),
        };
        let request = InFlight {
            id,
            to_ping: plan.to_ping,
            started: now,
            expires: now
                .saturating_add(policy.connect_timeout)
                .saturating_add(read_timeout),
            wait: long_poll_wait,
            final_check: plan.reason == FetchReason::FinalCheck,
            answers_return: false,
        };
        if matches!(hold, Hold::Full(_)) {
            self.held = Some(request);
        } else {
            self.short = Some(request);
        }
        self.rate.record(now);
        self.last_fetch_started = Some(now);
        if plan.reason == FetchReason::Poll {
            self.last_poll_started = Some(now);
        }
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
        let expiries = self.awaited().map(|f| f.expires).min();
        let candidates = [
            expiries,
            (!self.final_check).then(|| self.deadline()),
            self.plan(now).map(|p| p.at),
        ];
        // Nothing due: the deadline; past it, while another tracker makes
        // the requests, nothing but events (a wake once a rate window).
        let idle = if self.following && self.final_check {
            now.saturating_add(self.config.policy.rate_window)
        } else {
            self.deadline()
        };
        let next = candidates.into_iter().flatten().min().unwrap_or(idle);
        next.max(now.saturating_add(Duration::from_millis(1)))
    }
}
