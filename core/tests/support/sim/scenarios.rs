//! The standard scenario set, and its members by name (the scenario tests
//! assert on them too).
//!
//! The backend of the set holds long polls, as the reference backend
//! (`examples/backend`) does, except where a scenario says it does not (a
//! backend written by hand that answers at once).

use appswitch_core::shopper::tracker::Event;
use appswitch_core::status::PaymentStatus;

use super::{FaultKind, RetryAfterForm, Scenario, ms, reserved, secs};

/// Pays at 25.3 s, back at 26 s.
pub fn happy_path() -> Scenario {
    Scenario::new("happy path, returns")
        .holding()
        .at(secs(2), Event::SwitchedOut)
        .pays(ms(25_300), reserved(20_000))
        .at(secs(26), Event::Returned)
}

/// The callback never reaches the backend; it learns 8 s late by polling
/// the provider itself. The shopper is back at 26 s.
pub fn lost_callback() -> Scenario {
    let mut s = Scenario::new("lost callback (backend 8 s late)")
        .holding()
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(25), reserved(20_000))
        .at(secs(26), Event::Returned);
    s.backend.lag = secs(8);
    s
}

/// `429` without `Retry-After` from 5 s to 40 s; pays at 30 s.
pub fn rate_limit_storm() -> Scenario {
    Scenario::new("429 storm, no Retry-After")
        .holding()
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(30), reserved(20_000))
        .fault(
            secs(5),
            secs(40),
            FaultKind::RateLimited(RetryAfterForm::Absent),
        )
}

/// Pays at 95 s; no return: one held request after another.
pub fn long_poll_backend() -> Scenario {
    Scenario::new("long-poll backend, no return")
        .holding()
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(95), reserved(20_000))
}

/// The long poll started at 9.08 s (after the probe at 7 s was held) is a
/// dead connection: its answer never comes. The shopper goes to the
/// payment app at 12 s, pays at 24 s, and is back at 25 s; the callback
/// reaches the backend 4 s late (at 28 s).
pub fn dead_long_poll_then_return() -> Scenario {
    let mut s = Scenario::new("dead long poll, returns")
        .holding()
        .at(secs(2), Event::SwitchedOut)
        .fault(secs(9), secs(10), FaultKind::Lost)
        .at(secs(12), Event::Hidden)
        .pays(secs(24), reserved(20_000))
        .at(secs(25), Event::Returned);
    s.backend.lag = secs(4);
    s
}

/// A backend that answers at once: plain polls every 2 s after two probes.
/// The poll of 21 s has just come back (21.08 s) when the shopper returns
/// (21.3 s); the payment went through at 21.2 s.
pub fn return_after_completed_poll() -> Scenario {
    Scenario::new("return right after a poll (no long poll)")
        .plain()
        .at(secs(2), Event::SwitchedOut)
        .pays(ms(21_200), reserved(20_000))
        .at(ms(21_300), Event::Returned)
}

/// The standard scenario set of the benchmark: common payments and common
/// troubles, each with the moment the payment is decided at the provider.
pub fn standard_set() -> Vec<Scenario> {
    vec![
        happy_path(),
        Scenario::new("pays, never returns (desktop)")
            .holding()
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(25), reserved(20_000)),
        lost_callback(),
        Scenario::new("slow payer, 3 min")
            .holding()
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(180), reserved(20_000))
            .at(secs(182), Event::Returned),
        Scenario::new("app in background, returns")
            .holding()
            .at(secs(2), Event::SwitchedOut)
            .at(secs(3), Event::Hidden)
            .pays(secs(40), reserved(20_000))
            .at(secs(60), Event::Returned),
        Scenario::new("abandoned (REJECTED at 10 min)")
            .holding()
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(600), PaymentStatus::initiated().with_rejected()),
        rate_limit_storm(),
        Scenario::new("flaky network (timeouts)")
            .holding()
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(20), reserved(20_000))
            .fault(secs(5), secs(25), FaultKind::ReadTimeout)
            .at(secs(22), Event::Returned),
        long_poll_backend(),
        dead_long_poll_then_return(),
        return_after_completed_poll(),
        Scenario::new("backend without long poll, returns")
            .plain()
            .at(secs(2), Event::SwitchedOut)
            .pays(ms(25_300), reserved(20_000))
            .at(secs(26), Event::Returned),
    ]
}
