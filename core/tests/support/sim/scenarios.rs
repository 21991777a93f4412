//! The standard scenario set.

use appswitch_core::status::PaymentStatus;
use appswitch_core::tracker::Event;

use super::{FaultKind, RetryAfterForm, Scenario, ms, reserved, secs};

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
