//! The state machine: [`Tracker::handle`] takes events in,
//! [`Tracker::poll`] hands actions out.

use core::time::Duration;

use super::action::{Action, Event, Outcome, Phase, Progress, UnknownReason};
use super::detect::{Detection, LongPollSupport};
use super::policy::{ConfigError, HiddenPolling, TrackerConfig};
use crate::foundation::backoff::Backoff;
use crate::foundation::rate_window::RateWindow;
use crate::foundation::request::RequestId;
use crate::foundation::time::Timestamp;
use crate::status::PaymentStatus;

/// A pending Flutterwave long request: poll `url` from `not_before` on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Ping {
    pub(crate) url: String,
    pub(crate) not_before: Timestamp,
}

/// A request the tracker waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InFlight {
    pub(crate) id: RequestId,
    pub(crate) to_ping: bool,
    pub(crate) started: Timestamp,
    /// When the tracker stops waiting for it (connect + read timeout,
    /// including a long-poll wait) and counts it as a read timeout.
    pub(crate) expires: Timestamp,
    /// The hold it asked for (`?wait=N`), if any: its answer tells whether
    /// the backend holds.
    pub(crate) wait: Option<Duration>,
    /// Its answer settles the payment (the deadline passed).
    pub(crate) final_check: bool,
    /// The shopper came back while it was in flight: it answers the
    /// return, unless it fails — then the check is still owed.
    pub(crate) answers_return: bool,
}

/// The payment tracker: a sans-io state machine that decides when to ask
/// for the status, what each answer means and when the payment is settled.
/// See the [module documentation](super) for the drain rule and an example.
#[derive(Clone, Debug)]
pub struct Tracker {
    pub(crate) config: TrackerConfig,
    pub(crate) status: PaymentStatus,
    pub(crate) switched_out_at: Option<Timestamp>,
    pub(crate) visible: bool,
    pub(crate) online: bool,
    /// A return asked for a check at this instant, not yet made.
    pub(crate) check_requested_at: Option<Timestamp>,
    pub(crate) deeplink_checked: bool,
    pub(crate) last_fetch_started: Option<Timestamp>,
    /// The start of the last regular poll (a held long poll is spaced from
    /// it, not from a return's short request).
    pub(crate) last_poll_started: Option<Timestamp>,
    /// The short request in flight: a plain poll or a probe, a return's
    /// check, a ping, the re-query, the final check.
    pub(crate) short: Option<InFlight>,
    /// The held long poll in flight (only once the backend is known to
    /// hold). A return does not wait for it: its short request runs beside.
    pub(crate) held: Option<InFlight>,
    /// Whether the backend holds long polls.
    pub(crate) detection: Detection,
    /// The last return a short request answered (or was started for): the
    /// start of a burst of return events (not kept in the snapshot).
    pub(crate) last_return_at: Option<Timestamp>,
    pub(crate) next_id: u64,
    pub(crate) rate: RateWindow,
    pub(crate) backoff: Backoff,
    pub(crate) retry_after_until: Option<Timestamp>,
    pub(crate) bad_answers: u32,
    pub(crate) ping: Option<Ping>,
    /// A ping completed; the status URL has not been re-queried since.
    pub(crate) verify_pending: bool,
    /// The deadline passed: the request in flight, or else the next one, is
    /// the final check.
    pub(crate) final_check: bool,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) last_notified: Option<Progress>,
    /// Another tracker makes the requests ([`Event::Follow`]); not kept in
    /// the snapshot (a restored tracker leads until told otherwise).
    pub(crate) following: bool,
}

impl Tracker {
    /// Starts tracking one payment attempt ("attempt started"): nothing is
    /// fetched until the shopper switches out, comes back, or the deeplink
    /// expires.
    pub fn new(config: TrackerConfig) -> Result<Tracker, ConfigError> {
        config.validate()?;
        Ok(Tracker {
            backoff: Backoff::new(config.jitter_seed),
            config,
            status: PaymentStatus::initiated(),
            switched_out_at: None,
            visible: true,
            online: true,
            check_requested_at: None,
            deeplink_checked: false,
            last_fetch_started: None,
            last_poll_started: None,
            short: None,
            held: None,
            detection: Detection::default(),
            last_return_at: None,
            next_id: 1,
            rate: RateWindow::default(),
            retry_after_until: None,
            bad_answers: 0,
            ping: None,
            verify_pending: false,
            final_check: false,
            outcome: None,
            last_notified: None,
            following: false,
        })
    }

    /// Feeds one event in. Never panics, whatever the event; events after
    /// the tracker settled are ignored. Drain [`poll`](Self::poll) afterwards.
    pub fn handle(&mut self, event: Event, now: Timestamp) {
        if self.outcome.is_some() {
            return;
        }
        match event {
            Event::SwitchedOut => {
                self.switched_out_at.get_or_insert(now);
            }
            Event::Returned => {
                self.switched_out_at.get_or_insert(now);
                self.visible = true;
                self.request_check(now);
            }
            Event::Hidden => self.visible = false,
            Event::Visible => {
                let was_hidden = !self.visible;
                self.visible = true;
                if was_hidden && self.switched_out_at.is_some() {
                    self.request_check(now);
                }
            }
            Event::Online => {
                let was_offline = !self.online;
                self.online = true;
                if was_offline && self.visible && self.switched_out_at.is_some() {
                    self.request_check(now);
                }
            }
            Event::Offline => self.online = false,
            Event::Response { id, answer } => self.on_answer(id, answer, now),
            Event::TransportError { id, kind } => self.on_transport_error(id, kind, now),
            Event::Pushed { status } => {
                self.learn(&status);
                // The backend said it: as good as the re-query.
                self.verify_pending = false;
                self.settle_if_decided();
            }
            Event::Follow => self.following = true,
            Event::Lead => self.following = false,
            Event::Stop => self.settle_on_facts(UnknownReason::Stopped),
        }
    }

    /// The next thing to do at `now`. Call it until it returns
    /// [`Action::WaitUntil`] or [`Action::Settled`] (the drain rule in the
    /// [module documentation](super)).
    pub fn poll(&mut self, now: Timestamp) -> Action {
        self.advance(now);
        let progress = self.progress();
        if self.last_notified.as_ref() != Some(&progress) {
            self.last_notified = Some(progress.clone());
            return Action::Notify(progress);
        }
        if let Some(outcome) = &self.outcome {
            return Action::Settled(outcome.clone());
        }
        if let Some(request) = self.start_fetch(now) {
            return Action::FetchStatus(request);
        }
        Action::WaitUntil(self.wake_at(now))
    }

    /// Everything known about the payment.
    pub fn status(&self) -> &PaymentStatus {
        &self.status
    }

    /// The outcome, once settled.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The status, the phase and the deadline, as [`Action::Notify`] gives
    /// them.
    pub fn progress(&self) -> Progress {
        Progress {
            state: self.status.state(),
            status: self.status.clone(),
            phase: self.phase(),
            deadline: self.deadline(),
        }
    }

    /// When the final check is made: initiation + payment window + grace.
    pub fn deadline(&self) -> Timestamp {
        self.config.deadline()
    }

    /// The configuration the tracker was started with.
    pub fn config(&self) -> &TrackerConfig {
        &self.config
    }

    /// What the tracker has learned about the backend's long poll (kept in
    /// the [`Snapshot`](super::Snapshot)).
    pub fn long_poll_support(&self) -> LongPollSupport {
        self.detection.support
    }

    /// Whether the tracker still waits for the answer to request `id`. It
    /// stops waiting when the request's timeouts have passed, and when a
    /// return's short request made an older long poll pointless; an answer
    /// that comes anyway still adds its facts. A host that must drop
    /// requests drops these first.
    pub fn is_awaiting(&self, id: RequestId) -> bool {
        self.awaited().any(|f| f.id == id)
    }

    fn phase(&self) -> Phase {
        if self.outcome.is_some() {
            Phase::Settled
        } else if self.final_check {
            Phase::FinalCheck
        } else if !self.online {
            Phase::Offline
        } else if self.backoff.failures > 0 {
            Phase::BackingOff
        } else if self.ping.is_some() {
            Phase::LongRequest
        } else if self.verify_pending {
            Phase::Verifying
        } else if self.switched_out_at.is_none() {
            Phase::AwaitingSwitch
        } else if !self.visible && self.config.policy.while_hidden == HiddenPolling::Pause {
            Phase::Paused
        } else {
            Phase::Polling
        }
    }

    /// Time-driven transitions: the request watchdog and the deadline.
    fn advance(&mut self, now: Timestamp) {
        if self.outcome.is_some() {
            return;
        }
        self.expire_requests(now);
        if self.outcome.is_none() && !self.final_check && now >= self.deadline() {
            self.final_check = true;
            for f in [&mut self.short, &mut self.held].into_iter().flatten() {
                f.final_check = true;
            }
        }
        self.rate.prune(now, self.config.policy.rate_window);
    }

    /// The shopper is back (or the page visible, or the network back):
    /// check now with a fresh short request, unless a request in flight
    /// answers it. A short request in flight always does (its timeouts are
    /// short). A held long poll never answers the return that starts a
    /// burst (it may be a dead connection); it answers a repeat only if it
    /// started after that return and the repeat comes less than
    /// [`Policy::return_debounce`](super::Policy::return_debounce) after
    /// it — the burst of `visibilitychange`, `pageshow` and `focus` a
    /// browser fires, after the burst's own short request was answered. A
    /// request that already completed never answers a return.
    pub(crate) fn request_check(&mut self, now: Timestamp) {
        // The environment changed, so earlier network failures say little.
        self.backoff.until = None;
        if let Some(f) = &mut self.short {
            f.answers_return = true;
            self.last_return_at = Some(now);
            return;
        }
        let debounce = self.config.policy.return_debounce;
        if let (Some(f), Some(burst)) = (&mut self.held, self.last_return_at) {
            if burst <= f.started && burst <= now && now.saturating_since(burst) < debounce {
                f.answers_return = true;
                return;
            }
        }
        self.last_return_at = Some(now);
        self.check_requested_at = Some(now);
    }

    pub(crate) fn learn(&mut self, observed: &PaymentStatus) {
        self.status = self.status.clone().merge(observed);
    }

    /// Settles if the facts are final (and no completed ping awaits its
    /// re-query).
    pub(crate) fn settle_if_decided(&mut self) {
        if self.verify_pending {
            return;
        }
        if let Some(outcome) = Outcome::from_status(&self.status) {
            self.settle(outcome);
        }
    }

    /// Settles on what the facts prove, or as unknown for `reason`.
    pub(crate) fn settle_on_facts(&mut self, reason: UnknownReason) {
        let outcome = Outcome::from_status(&self.status).unwrap_or(Outcome::Unknown { reason });
        self.settle(outcome);
    }

    fn settle(&mut self, outcome: Outcome) {
        if self.outcome.is_none() {
            self.outcome = Some(outcome);
            self.short = None;
            self.held = None;
            self.check_requested_at = None;
        }
    }
}
