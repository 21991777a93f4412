//! What the driver runs: the tracker, or the naive baseline.

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
}

/// The baseline: wait 5 s after the switch, then poll every 2 s; no
/// return check, no backoff, no visibility, no final check; gives up at the
/// deadline. Its HTTP stack times out after connect + read timeout.
#[derive(Clone, Debug)]
pub struct Naive {
    pub deadline: Timestamp,
    switched: Option<Timestamp>,
    last: Option<Timestamp>,
    in_flight: Option<(RequestId, Timestamp)>,
    next_id: u64,
    status: PaymentStatus,
    outcome: Option<Outcome>,
}

impl Naive {
    pub fn new(deadline: Timestamp) -> Self {
        Naive {
            deadline,
            switched: None,
            last: None,
            in_flight: None,
            next_id: 1,
            status: PaymentStatus::initiated(),
            outcome: None,
        }
    }
}

impl Client for Naive {
    fn handle(&mut self, event: Event, now: Timestamp) {
        match event {
            Event::SwitchedOut | Event::Returned => {
                self.switched.get_or_insert(now);
            }
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
        if let Some((_, started)) = self.in_flight {
            let gives_up = started + secs(6);
            if now < gives_up {
                return Action::WaitUntil(gives_up.min(self.deadline));
            }
            self.in_flight = None;
        }
        let Some(switched) = self.switched else {
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
        self.in_flight = Some((id, now));
        Action::FetchStatus(FetchRequest {
            id,
            target: Target::Status {
                url: STATUS_URL.to_string(),
            },
            reason: FetchReason::Poll,
            connect_timeout: secs(1),
            read_timeout: secs(5),
            long_poll_wait: None,
        })
    }

    fn restart(self, now: Timestamp) -> Self {
        // A naive app keeps nothing: it starts polling again.
        let mut fresh = Naive::new(self.deadline);
        fresh.switched = Some(now);
        fresh
    }
}
