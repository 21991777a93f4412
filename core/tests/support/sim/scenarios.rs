//! The standard scenario set, and its members by name (the scenario tests
//! assert on them too).

use appswitch_core::shopper::tracker::Event;
use appswitch_core::status::PaymentStatus;

use super::{FaultKind, RetryAfterForm, Scenario, ms, reserved, secs};

/// Pays at 25.3 s, back at 26 s.
pub fn happy_path() -> Scenario {
    Scenario::new("happy path, returns")
        .at(secs(2), Event::SwitchedOut)
        .pays(ms(25_300), reserved(20_000))
        .at(secs(26), Event::Returned)
}

/// The callback never reaches the backend; it learns 8 s late by polling
/// the provider itself. The shopper is back at 26 s.
pub fn lost_callback() -> Scenario {
    let mut s = Scenario::new("lost callback (backend 8 s late)")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(25), reserved(20_000))
        .at(secs(26), Event::Returned);
    s.backend.lag = secs(8);
    s
}

/// `429` without `Retry-After` from 5 s to 40 s; pays at 30 s.
pub fn rate_limit_storm() -> Scenario {
    Scenario::new("429 storm, no Retry-After")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(30), reserved(20_000))
        .fault(
            secs(5),
            secs(40),
            FaultKind::RateLimited(RetryAfterForm::Absent),
        )
}

/// A backend that holds `?wait=25` requests; pays at 95 s; no return.
pub fn long_poll_backend() -> Scenario {
    let mut s = Scenario::new("long-poll backend, no return")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(95), reserved(20_000));
    s.policy.long_poll = Some(secs(25));
    s.backend.long_poll = true;
    s
}

/// The standard scenario set of the benchmark: common payments and common
/// troubles, each with the moment the payment is decided at the provider.
pub fn standard_set() -> Vec<Scenario> {
    vec![
        happy_path(),
        Scenario::new("pays, never returns (desktop)")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(25), reserved(20_000)),
        lost_callback(),
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
            .pays(secs(600), PaymentStatus::initiated().with_rejected()),
        rate_limit_storm(),
        Scenario::new("flaky network (timeouts)")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(20), reserved(20_000))
            .fault(secs(5), secs(25), FaultKind::ReadTimeout)
            .at(secs(22), Event::Returned),
        long_poll_backend(),
    ]
}
