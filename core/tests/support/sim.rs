//! A deterministic driver for the tracker: a fake clock, a scripted
//! backend and scripted client events, run as a discrete-event simulation
//! (like quinn's `Pair::drive`). A ten-minute payment runs in microseconds.
//!
//! Shared by the scenario tests, the property tests and the benchmark
//! (`benches/tracker.rs` includes this file by path). Test-only code: it is
//! not part of the library.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use core::time::Duration;

use appswitch_core::money::Amount;
use appswitch_core::status::{PaymentState, PaymentStatus, StatusDocument};
use appswitch_core::time::Timestamp;
use appswitch_core::tracker::{
    Action, Event, FetchReason, FetchRequest, Outcome, Policy, Progress, RequestId, Target,
    Tracker, TrackerConfig, TransportErrorKind, UnknownReason, interpret_http,
};

/// Initiation time of every simulated payment.
pub const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);
/// The status URL of every simulated payment.
pub const STATUS_URL: &str = "https://shop.example/appswitch/status/sim-1";
/// The ping URL the simulated Flutterwave hands out.
pub const PING_URL: &str = "https://ping.example/flwv3-pug/getpaidx/api/requests/RCORE_CHREQ_1";

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

pub fn reserved(ore: u64) -> PaymentStatus {
    PaymentStatus::initiated().with_reserved(Amount::from_minor(ore))
}

pub fn captured(ore: u64) -> PaymentStatus {
    reserved(ore).with_captured(Amount::from_minor(ore))
}

/// How a `Retry-After` header is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfterForm {
    Absent,
    Seconds(u64),
    /// An HTTP-date this long after the request.
    Date(Duration),
}

/// One way the backend or the network misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    RateLimited(RetryAfterForm),
    ServerError,
    ConnectTimeout,
    ReadTimeout,
    Offline,
    Malformed,
    NotFound,
    /// The answer never arrives (the caller's HTTP stack hangs): only the
    /// tracker's own watchdog ends the request.
    Lost,
    /// The answer arrives this long after the request (after the tracker
    /// gave up on it), carrying the status as of the request.
    Late(Duration),
}

/// Requests starting in `[from, until)` (offsets from initiation) fail so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub from: Duration,
    pub until: Duration,
    pub kind: FaultKind,
}

/// The body format of the status URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// appswitch's status document.
    Document,
    /// A Vipps Recurring charge (`PROCESSING` until decided).
    RecurringCharge,
}

/// Flutterwave behind the status URL (seed 002).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlutterwaveScript {
    /// Until this offset, the status URL answers `LONG-REQ`.
    pub long_request_until: Duration,
    /// The advised wait in the `LONG-REQ` answer.
    pub wait: Duration,
    /// From this offset on, the ping URL answers `completed`.
    pub completes_at: Duration,
    /// The embedded charge response (JSON text).
    pub response: String,
}

/// The merchant backend as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    /// The payment's true status from each offset on (the last entry at or
    /// before an instant holds).
    pub timeline: Vec<(Duration, PaymentStatus)>,
    /// Faults by request start.
    pub faults: Vec<Fault>,
    /// The backend learns the truth this late (a lost callback: it only
    /// knows once it polled the provider itself).
    pub lag: Duration,
    /// Round trip of every answer.
    pub latency: Duration,
    /// Holds `?wait=N` requests until the status changes.
    pub long_poll: bool,
    pub flutterwave: Option<FlutterwaveScript>,
    pub format: Format,
}

impl Default for Backend {
    fn default() -> Self {
        Backend {
            timeline: Vec::new(),
            faults: Vec::new(),
            lag: Duration::ZERO,
            latency: ms(80),
            long_poll: false,
            flutterwave: None,
            format: Format::Document,
        }
    }
}

impl Backend {
    /// The truth at `offset`.
    pub fn truth(&self, offset: Duration) -> PaymentStatus {
        self.timeline
            .iter()
            .rfind(|(t, _)| *t <= offset)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }

    /// What the backend can tell at `offset`.
    pub fn view(&self, offset: Duration) -> PaymentStatus {
        match offset.checked_sub(self.lag) {
            Some(o) => self.truth(o),
            None => PaymentStatus::initiated(),
        }
    }

    /// When the payment was decided (its first final state).
    pub fn decided_at(&self) -> Option<Duration> {
        self.timeline
            .iter()
            .find(|(_, s)| s.is_final())
            .map(|(t, _)| *t)
    }

    fn next_view_change_after(&self, offset: Duration) -> Option<Duration> {
        let now = self.view(offset);
        self.timeline
            .iter()
            .map(|(t, _)| *t + self.lag)
            .filter(|t| *t > offset)
            .find(|t| self.view(*t) != now)
    }

    fn fault(&self, offset: Duration) -> Option<FaultKind> {
        self.faults
            .iter()
            .find(|f| f.from <= offset && offset < f.until)
            .map(|f| f.kind)
    }

    fn body(&self, status: &PaymentStatus) -> String {
        match self.format {
            Format::Document => {
                serde_json::to_string(&StatusDocument::from_status("sim-1", "vipps", status))
                    .unwrap_or_default()
            }
            Format::RecurringCharge => {
                let amount = status.amounts().reserved.minor();
                let name = match status.state() {
                    PaymentState::Initiated => "PROCESSING",
                    PaymentState::Reserved => "RESERVED",
                    PaymentState::Captured { .. } => "CHARGED",
                    PaymentState::Refunded { .. } => "REFUNDED",
                    PaymentState::Cancelled { .. } => "CANCELLED",
                    PaymentState::Rejected | PaymentState::Failed { .. } => "FAILED",
                };
                format!(
                    r#"{{"id":"chr-1","status":"{name}","amount":{amount},"failureReason":"insufficient_funds"}}"#
                )
            }
        }
    }
}

/// Something that happens on the client's side.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Event(Event),
    /// The app is killed (a snapshot is taken first, as a binding does on
    /// every change) and started again this much later.
    Kill {
        down_for: Duration,
    },
}

/// A payment to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: &'static str,
    pub policy: Policy,
    pub backend: Backend,
    /// Client steps by offset from initiation.
    pub script: Vec<(Duration, Step)>,
    pub seed: u64,
}

impl Scenario {
    pub fn new(name: &'static str) -> Self {
        Scenario {
            name,
            policy: Policy::vipps(),
            backend: Backend::default(),
            script: Vec::new(),
            seed: 7,
        }
    }

    pub fn pays(mut self, at: Duration, status: PaymentStatus) -> Self {
        self.backend.timeline.push((at, status));
        self
    }

    pub fn at(mut self, at: Duration, event: Event) -> Self {
        self.script.push((at, Step::Event(event)));
        self
    }

    pub fn kill(mut self, at: Duration, down_for: Duration) -> Self {
        self.script.push((at, Step::Kill { down_for }));
        self
    }

    pub fn fault(mut self, from: Duration, until: Duration, kind: FaultKind) -> Self {
        self.backend.faults.push(Fault { from, until, kind });
        self
    }

    pub fn config(&self) -> TrackerConfig {
        TrackerConfig {
            policy: self.policy,
            ..TrackerConfig::new("sim-1", STATUS_URL, T0, self.seed)
        }
    }

    /// When the final check is due.
    pub fn deadline(&self) -> Timestamp {
        self.config().deadline()
    }
}

/// One request the client made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub at: Timestamp,
    pub reason: FetchReason,
    pub to_ping: bool,
    pub long_poll_wait: Option<Duration>,
}

/// What happened in one simulated payment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    pub outcome: Option<Outcome>,
    pub settled_at: Option<Timestamp>,
    pub requests: Vec<Request>,
    pub notifications: Vec<Progress>,
    /// The most requests counted in any rolling rate window.
    pub max_in_window: usize,
    /// When the client was started again after being killed.
    pub restarts: Vec<Timestamp>,
    /// Broken rules (empty when the client behaved).
    pub problems: Vec<String>,
}

impl Run {
    /// Records a broken rule (the first few; a broken loop repeats itself).
    pub fn problem(&mut self, text: String) {
        if self.problems.len() < 10 {
            self.problems.push(text);
        }
    }

    pub fn requests(&self) -> usize {
        self.requests.len()
    }

    pub fn count(&self, reason: FetchReason) -> usize {
        self.requests.iter().filter(|r| r.reason == reason).count()
    }

    /// Time from initiation to settling.
    pub fn settled_after(&self) -> Option<Duration> {
        self.settled_at.map(|t| t.saturating_since(T0))
    }

    pub fn is_success(&self) -> bool {
        matches!(self.outcome, Some(Outcome::Success { .. }))
    }

    pub fn is_unknown(&self, reason: UnknownReason) -> bool {
        self.outcome == Some(Outcome::Unknown { reason })
    }
}

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
        // Through JSON, as a binding stores it.
        let text = serde_json::to_string(&self.snapshot()).expect("snapshot serialises");
        let snapshot = serde_json::from_str(&text).expect("snapshot reads back");
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
                if let appswitch_core::tracker::Answer::Status(s) = answer {
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
    // Requests the client has not heard back about: (id, when its
    // timeouts end).
    let mut outstanding: Vec<(RequestId, Timestamp)> = Vec::new();
    for _ in 0..200_000 {
        // 1. Deliver everything due now.
        while let Some(due) = queue.pop_due(now) {
            match due {
                Due::Client(event) => {
                    if let Event::Response { id, .. } | Event::TransportError { id, .. } = &event {
                        outstanding.retain(|(o, _)| o != id);
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
                        on_fetch(scenario, &mut run, &mut outstanding, now, &req);
                        for (at, event) in answer(&scenario.backend, &req, now) {
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

/// Records a request and checks the concurrency and rate rules.
fn on_fetch(
    scenario: &Scenario,
    run: &mut Run,
    outstanding: &mut Vec<(RequestId, Timestamp)>,
    now: Timestamp,
    req: &FetchRequest,
) {
    for (id, ends) in outstanding.iter() {
        if *ends > now {
            run.problem(format!(
                "request {:?} started at {now} while {id:?} was in flight",
                req.id
            ));
        }
    }
    outstanding.push((req.id, now + req.connect_timeout + req.read_timeout));
    run.requests.push(Request {
        at: now,
        reason: req.reason,
        to_ping: matches!(req.target, Target::FlutterwavePing { .. }),
        long_poll_wait: req.long_poll_wait,
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

/// What the backend (and the network) do with one request: the events the
/// client will hear, and when.
pub fn answer(backend: &Backend, req: &FetchRequest, now: Timestamp) -> Vec<(Timestamp, Event)> {
    let offset = now.saturating_since(T0);
    let id = req.id;
    let latency = backend.latency;
    let timeout_at = now + req.connect_timeout + req.read_timeout;
    let respond = |at: Timestamp, code: u16, header: Option<String>, body: String| {
        let answer = interpret_http(code, header.as_deref(), &body);
        vec![(at, Event::Response { id, answer })]
    };
    let error =
        |at: Timestamp, kind: TransportErrorKind| vec![(at, Event::TransportError { id, kind })];
    if let Some(kind) = backend.fault(offset) {
        return match kind {
            FaultKind::RateLimited(form) => {
                let header = match form {
                    RetryAfterForm::Absent => None,
                    RetryAfterForm::Seconds(n) => Some(n.to_string()),
                    RetryAfterForm::Date(d) => Some((now + d).to_http_date()),
                };
                respond(now + latency, 429, header, String::new())
            }
            FaultKind::ServerError => respond(now + latency, 503, None, String::new()),
            FaultKind::ConnectTimeout => error(
                now + req.connect_timeout,
                TransportErrorKind::ConnectTimeout,
            ),
            FaultKind::ReadTimeout => error(timeout_at, TransportErrorKind::ReadTimeout),
            FaultKind::Offline => error(now + ms(5), TransportErrorKind::Offline),
            FaultKind::Malformed => {
                respond(now + latency, 200, None, "<html>Bad gateway</html>".into())
            }
            FaultKind::NotFound => respond(now + latency, 404, None, String::new()),
            FaultKind::Lost => Vec::new(),
            FaultKind::Late(d) => respond(now + d, 200, None, backend.body(&backend.view(offset))),
        };
    }
    let to_ping = matches!(req.target, Target::FlutterwavePing { .. });
    if let Some(fw) = &backend.flutterwave {
        if to_ping {
            let done = offset + latency >= fw.completes_at;
            let body = serde_json::json!({
                "status": "success",
                "message": "REQSPONSE",
                "data": {
                    "id": 61,
                    "reqid": "RCORE_CHREQ_1",
                    "status": if done { "completed" } else { "pending" },
                    "response": if done { Some(fw.response.clone()) } else { None },
                    "response_parsed": null,
                }
            });
            return respond(now + latency, 200, None, body.to_string());
        }
        if offset < fw.long_request_until {
            let body = serde_json::json!({
                "status": "success",
                "message": "LONG-REQ",
                "data": {
                    "ping_url": PING_URL,
                    "message": "The request is taking too long. Please poll the ping_url to get response",
                    "REQUEST": "RCORE_CHREQ_1",
                    "wait": fw.wait.as_millis() as u64,
                }
            });
            return respond(now + latency, 200, None, body.to_string());
        }
    }
    let mut answered = offset;
    if let (Some(wait), true) = (req.long_poll_wait, backend.long_poll) {
        let hold_until = offset + wait;
        answered = match backend.next_view_change_after(offset) {
            Some(change) if change < hold_until => change,
            _ => hold_until,
        };
    }
    let at = T0 + answered + latency;
    if at > timeout_at {
        return error(timeout_at, TransportErrorKind::ReadTimeout);
    }
    respond(at, 200, None, backend.body(&backend.view(answered)))
}

/// The standard scenario set of the benchmark: common payments and common
/// troubles, each with the moment the payment is decided at the provider.
pub fn standard_set() -> Vec<Scenario> {
    let rejected = PaymentStatus::initiated().with_rejected();
    let mut long_poll = Scenario::new("long-poll backend, no return")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(95), reserved(20_000));
    long_poll.policy.long_poll = Some(secs(25));
    long_poll.backend.long_poll = true;
    let mut lost_callback = Scenario::new("lost callback (backend 8 s late)")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(25), reserved(20_000))
        .at(secs(26), Event::Returned);
    lost_callback.backend.lag = secs(8);
    vec![
        Scenario::new("happy path, returns")
            .at(secs(2), Event::SwitchedOut)
            .pays(ms(25_300), reserved(20_000))
            .at(secs(26), Event::Returned),
        Scenario::new("pays, never returns (desktop)")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(25), reserved(20_000)),
        lost_callback,
        Scenario::new("slow payer, 3 min")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(180), reserved(20_000))
            .at(secs(182), Event::Returned),
        Scenario::new("app in background, returns")
            .at(secs(2), Event::SwitchedOut)
            .at(secs(3), Event::Hidden)
            .pays(secs(40), reserved(20_000))
            .at(secs(60), Event::Returned),
        Scenario::new("abandoned (REJECTED at 10 min)")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(600), rejected),
        Scenario::new("429 storm, no Retry-After")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(30), reserved(20_000))
            .fault(
                secs(5),
                secs(40),
                FaultKind::RateLimited(RetryAfterForm::Absent),
            ),
        Scenario::new("flaky network (timeouts)")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(20), reserved(20_000))
            .fault(secs(5), secs(25), FaultKind::ReadTimeout)
            .at(secs(22), Event::Returned),
        long_poll,
    ]
}
