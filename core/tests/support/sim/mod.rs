//! A deterministic driver for the tracker: a fake clock, a scripted
//! backend and scripted client events, run as a discrete-event simulation
//! (like quinn's `Pair::drive`). A ten-minute payment runs in microseconds.
//!
//! Shared by the scenario tests, the property tests and the benchmark
//! (which include this module by path). Test-only code: it is not part of
//! the library.
#![allow(
    dead_code,
    unused_imports,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic
)]

mod backend;
mod client;
mod driver;
mod scenarios;

use core::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::tracker::{
    Event, FetchReason, Outcome, Policy, Progress, TrackerConfig, UnknownReason,
};
use appswitch_core::status::PaymentStatus;

pub use backend::*;
pub use client::*;
pub use driver::*;
pub use scenarios::*;

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

    /// A backend that holds long polls (the reference backend does).
    pub fn holding(mut self) -> Self {
        self.backend.long_poll = true;
        self
    }

    /// A backend that answers every request at once.
    pub fn plain(mut self) -> Self {
        self.backend.long_poll = false;
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
    pub read_timeout: Duration,
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
