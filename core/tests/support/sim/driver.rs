//! The discrete-event loop: deliver what is due, drain the client, advance
//! the clock to the next thing that can happen.

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::tracker::{
    Action, Event, FetchRequest, Outcome, RequestId, Target, Tracker,
};

use super::{Client, Naive, Request, Run, Scenario, Step, T0, answer, secs};

#[derive(Clone, Debug)]
enum Due {
    Client(Event),
    Step(Step),
    Restart,
}

/// Things due later: delivered in time order, then in scheduling order.
#[derive(Debug, Default)]
struct Queue {
    items: Vec<(Timestamp, u64, Due)>,
    seq: u64,
}

impl Queue {
    fn push(&mut self, at: Timestamp, due: Due) {
        self.seq += 1;
        self.items.push((at, self.seq, due));
    }

    fn pop_due(&mut self, now: Timestamp) -> Option<Due> {
        let pos = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, (t, _, _))| *t <= now)
            .min_by_key(|(_, (t, s, _))| (*t, *s))
            .map(|(i, _)| i)?;
        Some(self.items.swap_remove(pos).2)
    }

    fn next_at(&self) -> Option<Timestamp> {
        self.items.iter().map(|(t, _, _)| *t).min()
    }
}

/// Runs `scenario` with the tracker.
pub fn drive(scenario: &Scenario) -> Run {
    let tracker = Tracker::new(scenario.config()).expect("valid scenario config");
    drive_client(scenario, tracker)
}

/// Runs `scenario` with the naive baseline.
pub fn drive_naive(scenario: &Scenario) -> Run {
    drive_client(scenario, Naive::new(scenario.deadline()))
}

/// Runs `scenario` with the naive baseline long-polling with `wait`.
pub fn drive_naive_long_poll(scenario: &Scenario, wait: core::time::Duration) -> Run {
    drive_client(scenario, Naive::long_polling(scenario.deadline(), wait))
}

/// Runs `scenario` with any client.
pub fn drive_client<C: Client>(scenario: &Scenario, client: C) -> Run {
    let mut run = Run::default();
    let mut client = Some(client);
    let mut parked: Option<C> = None;
    let mut now = T0;
    let mut queue = Queue::default();
    for (offset, step) in &scenario.script {
        queue.push(T0 + *offset, Due::Step(step.clone()));
    }
    // Requests the client has not heard back about.
    let mut outstanding: Vec<Outstanding> = Vec::new();
    for _ in 0..200_000 {
        // 1. Deliver everything due now.
        while let Some(due) = queue.pop_due(now) {
            match due {
                Due::Client(event) => {
                    if let Event::Response { id, .. } | Event::TransportError { id, .. } = &event {
                        outstanding.retain(|o| o.id != *id);
                    }
                    if let Some(c) = client.as_mut() {
                        c.handle(event, now);
                    }
                }
                Due::Step(Step::Event(event)) => {
                    if let Some(c) = client.as_mut() {
                        c.handle(event, now);
                    }
                }
                Due::Step(Step::Kill { down_for }) => {
                    if let Some(c) = client.take() {
                        // The dead process hears nothing more.
                        queue.items.retain(|(_, _, d)| !matches!(d, Due::Client(_)));
                        outstanding.clear();
                        parked = Some(c);
                        queue.push(now + down_for, Due::Restart);
                    }
                }
                Due::Restart => {
                    if let Some(c) = parked.take() {
                        client = Some(c.restart(now));
                        run.restarts.push(now);
                    }
                }
            }
        }
        // 2. Drain.
        let mut wake = None;
        if let Some(c) = client.as_mut() {
            let mut drained = false;
            for _ in 0..10_000 {
                match c.poll(now) {
                    Action::FetchStatus(req) => {
                        on_fetch(scenario, &*c, &mut run, &mut outstanding, now, &req);
                        for (at, event) in answer(&scenario.backend, &req, now, scenario.seed) {
                            queue.push(at, Due::Client(event));
                        }
                    }
                    Action::Notify(p) => run.notifications.push(p),
                    Action::WaitUntil(t) => {
                        if t <= now {
                            run.problem(format!("WaitUntil({t}) is not after now ({now})"));
                        }
                        wake = Some(t);
                        drained = true;
                        break;
                    }
                    Action::Settled(outcome) => {
                        check_settled_is_stable(c, &outcome, now, &mut run);
                        run.outcome = Some(outcome);
                        run.settled_at = Some(now);
                        return run;
                    }
                }
            }
            if !drained {
                run.problem(format!("poll never said wait at {now}"));
                return run;
            }
        }
        // 3. Advance the clock to the next thing that can happen.
        let next = match (wake, queue.next_at()) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => {
                run.problem("stalled: nothing to wait for".into());
                return run;
            }
        };
        now = next.max(now);
    }
    run.problem("did not settle within the step budget".into());
    run
}

/// A request the client has not heard back about.
#[derive(Clone, Copy, Debug)]
struct Outstanding {
    id: RequestId,
    /// When its timeouts end.
    ends: Timestamp,
    /// It asked for a hold longer than the plain read timeout covers.
    held: bool,
}

/// Records a request and checks the concurrency and rate rules: among the
/// requests the client still waits for, at most one held long poll and one
/// other request.
fn on_fetch<C: Client>(
    scenario: &Scenario,
    client: &C,
    run: &mut Run,
    outstanding: &mut Vec<Outstanding>,
    now: Timestamp,
    req: &FetchRequest,
) {
    let held = req.read_timeout > scenario.policy.read_timeout;
    for o in outstanding.iter() {
        if o.ends > now && o.held == held && client.awaiting(o.id) {
            run.problem(format!(
                "request {:?} (held: {held}) started at {now} while {:?} was in flight",
                req.id, o.id
            ));
        }
    }
    outstanding.push(Outstanding {
        id: req.id,
        ends: now + req.connect_timeout + req.read_timeout,
        held,
    });
    run.requests.push(Request {
        at: now,
        reason: req.reason,
        to_ping: matches!(req.target, Target::FlutterwavePing { .. }),
        long_poll_wait: req.long_poll_wait,
        read_timeout: req.read_timeout,
    });
    let window = scenario.policy.rate_window;
    let in_window = run.requests.iter().filter(|r| r.at + window > now).count();
    run.max_in_window = run.max_in_window.max(in_window);
    if in_window > scenario.policy.rate_cap as usize {
        run.problem(format!(
            "{in_window} requests in the window ending {now} (cap {})",
            scenario.policy.rate_cap
        ));
    }
}

/// Settled is final: polled again, and after an event, it says the same.
fn check_settled_is_stable<C: Client>(c: &mut C, outcome: &Outcome, now: Timestamp, run: &mut Run) {
    let again = c.poll(now);
    c.handle(Event::Returned, now);
    let later = c.poll(now + secs(3600));
    for action in [again, later] {
        if action != Action::Settled(outcome.clone()) {
            run.problem(format!("after Settled({outcome:?}), poll said {action:?}"));
        }
    }
}
