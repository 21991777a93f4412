//! The requests in flight: the watchdog, what each answer or failure does,
//! and what it says about the backend's long poll.
//!
//! The tracker waits for at most two requests: one short request (a plain
//! poll or a probe, a return's check, a ping, the re-query, the final check)
//! and one held long poll. Only a return starts a short request beside a
//! held long poll; when that short request ends, the older long poll is
//! given up — after an answer a fresh one follows at once, after a failure
//! the network is evidently bad and the backoff decides. A request the
//! tracker gave up on may still answer: its facts count, nothing else.

use super::action::UnknownReason;
use super::answer::Answer;
use super::machine::{InFlight, Ping, Tracker};
use crate::foundation::request::{RequestId, TransportErrorKind};
use crate::foundation::time::Timestamp;

/// How an answer went, for the backoff and the final check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// A usable answer.
    Usable,
    /// No usable answer, but the backend may be fine later (transport,
    /// `5xx`, `429`).
    Unreachable,
    /// An unusable answer (unreadable body, unexpected `4xx`).
    Bad,
}

impl Tracker {
    /// The requests the tracker waits for.
    pub(crate) fn awaited(&self) -> impl Iterator<Item = &InFlight> {
        self.short.iter().chain(self.held.iter())
    }

    /// Stops waiting for request `id`, if it did. When a short request
    /// ends, an older long poll is given up too (see the module
    /// documentation) — except for the final check, which is either.
    fn take_awaited(&mut self, id: RequestId) -> Option<InFlight> {
        let f = match self.short.take_if(|f| f.id == id) {
            Some(f) => f,
            None => self.held.take_if(|f| f.id == id)?,
        };
        self.held
            .take_if(|h| h.started <= f.started && !h.final_check);
        Some(f)
    }

    /// The watchdog: a request whose timeouts passed counts as a read
    /// timeout.
    pub(crate) fn expire_requests(&mut self, now: Timestamp) {
        let expired = [&self.short, &self.held]
            .map(|slot| slot.as_ref().filter(|f| now >= f.expires).map(|f| f.id));
        for id in expired.into_iter().flatten() {
            if self.outcome.is_some() {
                return;
            }
            if let Some(f) = self.take_awaited(id) {
                self.on_failure(&f, Verdict::Unreachable, now);
            }
        }
    }

    /// Whether a request that is the final check is still awaited.
    fn final_check_in_flight(&self) -> bool {
        self.awaited().any(|f| f.final_check)
    }

    pub(crate) fn on_answer(&mut self, id: RequestId, answer: Answer, now: Timestamp) {
        let Some(f) = self.take_awaited(id) else {
            // An answer to an older request (its time ran out, a return
            // replaced it, or the tracker was restored): its facts still
            // count, the rest is out of date.
            if id.0 < self.next_id {
                if let Answer::Status(s) = &answer {
                    self.learn(s);
                    self.settle_if_decided();
                }
            }
            return;
        };
        // What an answer shows, as the reference backend compares it when
        // it holds a request: a new timestamp alone is no news.
        let shown = |t: &Tracker| (t.status.state(), t.status.amounts());
        let before = shown(self);
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
                    // Not an answer about the payment: nothing to learn
                    // about holding either.
                    return self.after_usable(&f);
                }
                Verdict::Bad
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
            Answer::RateLimited { retry_after: None } => {
                return self.on_refusal(&f, now);
            }
            Answer::ServerError { .. } => Verdict::Unreachable,
            Answer::ClientError { .. } | Answer::Malformed { .. } => Verdict::Bad,
        };
        match verdict {
            Verdict::Usable => {
                if let Some(wait) = f.wait {
                    let news = shown(self) != before;
                    let elapsed = now.saturating_since(f.started);
                    let interval = self.config.policy.poll_interval;
                    self.detection.observe(wait, elapsed, news, interval);
                }
                self.after_usable(&f);
            }
            Verdict::Unreachable | Verdict::Bad => self.on_failure(&f, verdict, now),
        }
    }

    fn after_usable(&mut self, f: &InFlight) {
        self.backoff.reset();
        self.retry_after_until = None;
        self.bad_answers = 0;
        if f.final_check {
            self.settle_on_facts(UnknownReason::DeadlinePassed);
        } else {
            self.settle_if_decided();
        }
    }

    pub(crate) fn on_transport_error(
        &mut self,
        id: RequestId,
        _kind: TransportErrorKind,
        now: Timestamp,
    ) {
        // Every kind backs off the same way; `Offline` as a request error
        // does not switch the tracker offline (only the platform's
        // `Event::Offline` does), so a wrong guess cannot stall it.
        if let Some(f) = self.take_awaited(id) {
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

    /// `429` without `Retry-After`: the backend is up and turns requests
    /// away without saying for how long. Such refusals cost it next to
    /// nothing, and the provider's own pace for status checks is one every
    /// poll interval ("check every 2 seconds", Vipps eCom API guide,
    /// "Polling guidelines"), so for one rate window in a row (a minute:
    /// the provider's limits are "per minute") the next try comes one
    /// poll interval after this one started — never sooner, and the rate
    /// cap still counts every request. Refused for longer than that, the
    /// tracker backs off as after errors.
    fn on_refusal(&mut self, f: &InFlight, now: Timestamp) {
        let policy = &self.config.policy;
        let refusals = self.backoff.failures.saturating_add(1);
        if policy.poll_interval.saturating_mul(refusals) > policy.rate_window {
            return self.on_failure(f, Verdict::Unreachable, now);
        }
        self.backoff.failures = refusals;
        self.backoff.until = Some(f.started.min(now).saturating_add(policy.poll_interval));
        if f.answers_return {
            self.backoff.until = None;
            self.check_requested_at = Some(now);
        }
        self.after_failure(f, Verdict::Unreachable);
    }

    fn after_failure(&mut self, f: &InFlight, verdict: Verdict) {
        if verdict == Verdict::Bad {
            self.bad_answers = self.bad_answers.saturating_add(1);
        }
        if f.final_check {
            // The other request of the final check may still answer.
            if !self.final_check_in_flight() {
                self.settle_on_facts(UnknownReason::BackendUnreachable);
            }
        } else if self.bad_answers >= self.config.policy.max_bad_answers {
            self.settle_on_facts(UnknownReason::TooManyErrors);
        }
    }
}
