//! What the driver runs: the tracker, or the naive baseline.

use core::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::tracker::{
    Action, Answer, Event, FetchReason, FetchRequest, Outcome, RequestId, Snapshot, Target,
    Tracker, UnknownReason,
};
use appswitch_core::status::PaymentStatus;

use super::{STATUS_URL, secs};

/// Something the driver can run: the tracker, or the naive baseline.
pub trait Client: Sized {
    fn handle(&mut self, event: Event, now: Timestamp);
    fn poll(&mut self, now: Timestamp) -> Action;
    /// The client after the app was killed and started again at `now`.
    fn restart(self, now: Timestamp) -> Self;
    /// Whether it still waits for the answer to request `id`.
    fn awaiting(&self, id: RequestId) -> bool;
}

impl Client for Tracker {
    fn handle(&mut self, event: Event, now: Timestamp) {
        Tracker::handle(self, event, now)
    }

    fn poll(&mut self, now: Timestamp) -> Action {
        Tracker::poll(self, now)
    }

    fn restart(self, now: Timestamp) -> Self {
        // Through its stored text, as a binding keeps it.
        let text = self.snapshot().to_json();
        let snapshot = Snapshot::from_json(&text).expect("snapshot reads back");
        Tracker::restore(snapshot, now).expect("snapshot restores")
    }

    fn awaiting(&self, id: RequestId) -> bool {
        self.is_awaiting(id)
    }
}

/// The baseline: what a merchant's own loop does, as a real app or page
/// can run it. It waits 5 s after the switch, then polls every 2 s (from
/// the start of one request to the next, one at a time), its HTTP stack
/// giving up after connect + read timeout (1 s + 5 s). It runs only while
/// the app or page is in the foreground: a backgrounded app is suspended
/// and a hidden page's timers are frozen, so nothing is sent while hidden,
/// and the overdue timer fires as soon as it is visible again (that is its
/// only "check on return"). No backoff, no `Retry-After`, no final check:
/// it gives up at the deadline. Killed, it keeps nothing and starts over.
///
/// With `long_poll`, the same loop asks `?wait=N` of every poll and
/// stretches its read timeout by it — what a naive client written against
/// a backend that documents long polling would do: no probe, no return
/// check beside a held request.
#[derive(Clone, Debug)]
pub struct Naive {
    pub deadline: Timestamp,
    long_poll: Option<Duration>,
    switched: Option<Timestamp>,
    visible: bool,
    last: Option<Timestamp>,
    /// The request in flight and when its HTTP stack gives up on it.
    in_flight: Option<(RequestId, Timestamp)>,
    next_id: u64,
    status: PaymentStatus,
    outcome: Option<Outcome>,
}

impl Naive {
    pub fn new(deadline: Timestamp) -> Self {
        Naive {
            deadline,
            long_poll: None,
            switched: None,
            visible: true,
            last: None,
            in_flight: None,
            next_id: 1,
            status: PaymentStatus::initiated(),
            outcome: None,
        }
    }

    /// The same loop, long-polling with `wait`.
    pub fn long_polling(deadline: Timestamp, wait: Duration) -> Self {
        Naive {
            long_poll: Some(wait),
            ..Naive::new(deadline)
        }
    }
}

impl Client for Naive {
    fn handle(&mut self, event: Event, now: Timestamp) {
        match event {
            Event::SwitchedOut => {
                self.switched.get_or_insert(now);
            }
            Event::Returned => {
                self.switched.get_or_insert(now);
                self.visible = true;
            }
            Event::Visible => self.visible = true,
            Event::Hidden => self.visible = false,
            Event::Response { id, answer } if self.in_flight.map(|f| f.0) == Some(id) => {
                self.in_flight = None;
                if let Answer::Status(s) = answer {
                    self.status = self.status.clone().merge(&s);
                    if self.outcome.is_none() {
                        self.outcome = Outcome::from_status(&self.status);
                    }
                }
            }
            Event::TransportError { id, .. } if self.in_flight.map(|f| f.0) == Some(id) => {
                self.in_flight = None;
            }
            _ => {}
        }
    }

    fn poll(&mut self, now: Timestamp) -> Action {
        if let Some(o) = &self.outcome {
            return Action::Settled(o.clone());
        }
        if now >= self.deadline {
            self.outcome = Some(Outcome::Unknown {
                reason: UnknownReason::DeadlinePassed,
            });
            return self.poll(now);
        }
        if let Some((_, gives_up)) = self.in_flight {
            if now < gives_up {
                return Action::WaitUntil(gives_up.min(self.deadline));
            }
            self.in_flight = None;
        }
        let (Some(switched), true) = (self.switched, self.visible) else {
            // Nothing runs until the switch, or while in the background.
            return Action::WaitUntil(self.deadline);
        };
        let due = match self.last {
            Some(l) => l + secs(2),
            None => switched + secs(5),
        };
        if due > now {
            return Action::WaitUntil(due.min(self.deadline));
        }
        let id = RequestId(self.next_id);
        self.next_id += 1;
        self.last = Some(now);
        let wait = self
            .long_poll
            .map(|w| secs(w.min(self.deadline.saturating_since(now)).as_secs()))
            .filter(|w| !w.is_zero());
        let read_timeout = secs(5) + wait.unwrap_or_default();
        self.in_flight = Some((id, now + secs(1) + read_timeout));
        Action::FetchStatus(FetchRequest {
            id,
            target: Target::Status {
                url: STATUS_URL.to_string(),
            },
            reason: FetchReason::Poll,
            connect_timeout: secs(1),
            read_timeout,
            long_poll_wait: wait,
        })
    }

    fn restart(self, now: Timestamp) -> Self {
        // A naive app keeps nothing: it starts polling again.
        let mut fresh = Naive {
            long_poll: self.long_poll,
            ..Naive::new(self.deadline)
        };
        fresh.switched = Some(now);
        fresh
    }

    fn awaiting(&self, id: RequestId) -> bool {
        self.in_flight.is_some_and(|(f, _)| f == id)
    }
}
