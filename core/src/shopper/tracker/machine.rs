//! The state machine: [`Tracker::handle`] takes events in,
//! [`Tracker::poll`] hands actions out.

use super::action::{Action, Event, Outcome, Phase, Progress, UnknownReason};
use super::answer::Answer;
use super::policy::{ConfigError, HiddenPolling, TrackerConfig};
use crate::foundation::backoff::Backoff;
use crate::foundation::rate_window::RateWindow;
use crate::foundation::request::{RequestId, TransportErrorKind};
use crate::foundation::time::Timestamp;
use crate::status::PaymentStatus;

/// A pending Flutterwave long request: poll `url` from `not_before` on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Ping {
    pub(crate) url: String,
    pub(crate) not_before: Timestamp,
}

/// The request in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InFlight {
    pub(crate) id: RequestId,
    pub(crate) to_ping: bool,
    pub(crate) started: Timestamp,
    /// When the tracker stops waiting for it (connect + read timeout,
    /// including a long-poll wait) and counts it as a read timeout.
    pub(crate) expires: Timestamp,
    /// Its answer settles the payment (the deadline passed).
    pub(crate) final_check: bool,
    /// The shopper came back while it was in flight: it answers the
    /// return, unless it fails — then the check is still owed.
    pub(crate) answers_return: bool,
}

/// How an answer went, for the backoff and the final check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// A usable answer.
    Usable,
    /// No usable answer, but the backend may be fine later (transport,
    /// `5xx`, `429`).
    Unreachable,
    /// An unusable answer (unreadable body, unexpected `4xx`).
    Bad,
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
    pub(crate) in_flight: Option<InFlight>,
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
            in_flight: None,
            next_id: 1,
            rate: RateWindow::default(),
            retry_after_until: None,
            bad_answers: 0,
            ping: None,
            verify_pending: false,
            final_check: false,
            outcome: None,
            last_notified: None,
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
        if let Some(f) = self.in_flight.take_if(|f| now >= f.expires) {
            self.on_failure(&f, Verdict::Unreachable, now);
        }
        if self.outcome.is_none() && !self.final_check && now >= self.deadline() {
            self.final_check = true;
            if let Some(f) = &mut self.in_flight {
                f.final_check = true;
            }
        }
        self.rate.prune(now, self.config.policy.rate_window);
    }

    /// The shopper is back (or the page visible, or the network back):
    /// check now, unless a request in flight (or one that just started)
    /// answers it.
    fn request_check(&mut self, now: Timestamp) {
        // The environment changed, so earlier network failures say little.
        self.backoff.until = None;
        if let Some(f) = &mut self.in_flight {
            f.answers_return = true;
            return;
        }
        let debounce = self.config.policy.return_debounce;
        if self
            .last_fetch_started
            .is_some_and(|s| s <= now && now.saturating_since(s) < debounce)
        {
            return;
        }
        self.check_requested_at = Some(now);
    }

    fn learn(&mut self, observed: &PaymentStatus) {
        self.status = self.status.clone().merge(observed);
    }

    fn on_answer(&mut self, id: RequestId, answer: Answer, now: Timestamp) {
        let Some(f) = self.in_flight.take_if(|f| f.id == id) else {
            // An answer to an older request (its time ran out, or the
            // tracker was restored): its facts still count, the rest is
            // out of date.
            if id.0 < self.next_id {
                if let Answer::Status(s) = &answer {
                    self.learn(s);
                    self.settle_if_decided();
                }
            }
            return;
        };
        let verdict = match answer {
            Answer::Status(s) => {
                self.learn(&s);
                if f.to_ping {
                    self.ping = None;
                    self.verify_pending = true;
                } else {
                    self.verify_pending = false;
                }
                Verdict::Usable
            }
            Answer::Pending => {
                if !f.to_ping {
                    self.verify_pending = false;
                }
                Verdict::Usable
            }
            Answer::LongRequest { ping_url, wait } => {
                if ping_url.starts_with("https://") || ping_url.starts_with("http://") {
                    self.verify_pending = false;
                    self.ping = Some(Ping {
                        url: ping_url,
                        not_before: now.saturating_add(wait),
                    });
                    Verdict::Usable
                } else {
                    Verdict::Bad
                }
            }
            Answer::RateLimited {
                retry_after: Some(ra),
            } => {
                // Wait exactly as told; the failure still counts for the
                // backoff of a later 429 without the header.
                self.backoff.failures = self.backoff.failures.saturating_add(1);
                self.retry_after_until = Some(ra.until(now));
                if f.answers_return {
                    self.check_requested_at = Some(now);
                }
                return self.after_failure(&f, Verdict::Unreachable);
            }
            Answer::RateLimited { retry_after: None } | Answer::ServerError { .. } => {
                Verdict::Unreachable
            }
            Answer::ClientError { .. } | Answer::Malformed { .. } => Verdict::Bad,
        };
        match verdict {
            Verdict::Usable => {
                self.backoff.reset();
                self.retry_after_until = None;
                self.bad_answers = 0;
                if f.final_check {
                    self.settle_on_facts(UnknownReason::DeadlinePassed);
                } else {
                    self.settle_if_decided();
                }
            }
            Verdict::Unreachable | Verdict::Bad => self.on_failure(&f, verdict, now),
        }
    }

    fn on_transport_error(&mut self, id: RequestId, _kind: TransportErrorKind, now: Timestamp) {
        // Every kind backs off the same way; `Offline` as a request error
        // does not switch the tracker offline (only the platform's
        // `Event::Offline` does), so a wrong guess cannot stall it.
        if let Some(f) = self.in_flight.take_if(|f| f.id == id) {
            self.on_failure(&f, Verdict::Unreachable, now);
        }
    }

    /// Backs off after a failed request. The delay counts from the
    /// request's start, like the poll interval: a request that already took
    /// its full timeouts to fail has waited part of it out.
    fn on_failure(&mut self, f: &InFlight, verdict: Verdict, now: Timestamp) {
        self.backoff
            .fail(&self.config.policy.backoff, f.started.min(now));
        if f.answers_return {
            // The return it was to answer is still owed: check again at
            // once (a `Retry-After` still holds).
            self.backoff.until = None;
            self.check_requested_at = Some(now);
        }
        self.after_failure(f, verdict);
    }

    fn after_failure(&mut self, f: &InFlight, verdict: Verdict) {
        if verdict == Verdict::Bad {
            self.bad_answers = self.bad_answers.saturating_add(1);
        }
        if f.final_check {
            self.settle_on_facts(UnknownReason::BackendUnreachable);
        } else if self.bad_answers >= self.config.policy.max_bad_answers {
            self.settle_on_facts(UnknownReason::TooManyErrors);
        }
    }

    /// Settles if the facts are final (and no completed ping awaits its
    /// re-query).
    fn settle_if_decided(&mut self) {
        if self.verify_pending {
            return;
        }
        if let Some(outcome) = Outcome::from_status(&self.status) {
            self.settle(outcome);
        }
    }

    /// Settles on what the facts prove, or as unknown for `reason`.
    fn settle_on_facts(&mut self, reason: UnknownReason) {
        let outcome = Outcome::from_status(&self.status).unwrap_or(Outcome::Unknown { reason });
        self.settle(outcome);
    }

    fn settle(&mut self, outcome: Outcome) {
        if self.outcome.is_none() {
            self.outcome = Some(outcome);
            self.in_flight = None;
            self.check_requested_at = None;
        }
    }
}
