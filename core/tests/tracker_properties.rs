//! Property tests: for random answer sequences, faults and event timings
//! (see `support/sim/mod.rs`), the tracker never exceeds the rate cap, never
//! has two requests in flight, never reports success without a successful
//! reserve / sale / capture, never takes a fact back, always settles by the
//! deadline plus one final check's timeouts — and never panics.

#[path = "support/sim/mod.rs"]
mod sim;

use appswitch_core::foundation::money::Amount;
use appswitch_core::shopper::tracker::{BackoffPolicy, Event, HiddenPolling, Outcome, Policy};
use appswitch_core::status::{CancelledBy, FailedOperation, PaymentStatus};
use proptest::prelude::*;
use sim::*;

fn status() -> impl Strategy<Value = PaymentStatus> {
    prop_oneof![
        Just(PaymentStatus::initiated()),
        (1u64..100_000).prop_map(reserved),
        (1u64..100_000).prop_map(captured),
        Just(PaymentStatus::initiated().with_failure("RESERVE_FAILED")),
        Just(PaymentStatus::initiated().with_rejected()),
        Just(PaymentStatus::initiated().with_cancelled(CancelledBy::User)),
        Just(
            PaymentStatus::initiated().with_failed_operation(FailedOperation {
                operation: "RESERVE".into(),
                amount: Amount::from_minor(100),
                at: None,
                transaction_id: None,
            })
        ),
    ]
}

fn fault_kind() -> impl Strategy<Value = FaultKind> {
    prop_oneof![
        Just(FaultKind::RateLimited(RetryAfterForm::Absent)),
        (0u64..1000).prop_map(|s| FaultKind::RateLimited(RetryAfterForm::Seconds(s))),
        (0u64..1000).prop_map(|s| FaultKind::RateLimited(RetryAfterForm::Date(secs(s)))),
        Just(FaultKind::ServerError),
        Just(FaultKind::ConnectTimeout),
        Just(FaultKind::ReadTimeout),
        Just(FaultKind::Offline),
        Just(FaultKind::Malformed),
        Just(FaultKind::NotFound),
        Just(FaultKind::Lost),
        (0u64..30_000).prop_map(|m| FaultKind::Late(ms(m))),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => Just(Step::Event(Event::SwitchedOut)),
        12 => Just(Step::Event(Event::Returned)),
        6 => Just(Step::Event(Event::Hidden)),
        6 => Just(Step::Event(Event::Visible)),
        3 => Just(Step::Event(Event::Online)),
        3 => Just(Step::Event(Event::Offline)),
        3 => status().prop_map(|status| Step::Event(Event::Pushed { status })),
        3 => (0u64..1_000).prop_map(|s| Step::Kill { down_for: secs(s) }),
        1 => Just(Step::Event(Event::Stop)),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        prop_oneof![Just(2u32), Just(3), Just(5), Just(120)],
        proptest::option::of(1u64..30),
        proptest::option::of(1u64..20),
        (0u64..10, 1u64..5, 0u64..60, 1u32..12),
        (1u64..4, 0u64..40, 0u64..2000),
    )
        .prop_map(
            |(cap, long_poll, hidden, (first, interval, grace, bad), (base, extra, debounce))| {
                Policy {
                    rate_cap: cap,
                    long_poll: long_poll.map(secs),
                    while_hidden: hidden.map_or(HiddenPolling::Pause, |s| HiddenPolling::Every {
                        interval: secs(s),
                    }),
                    first_poll_after: secs(first),
                    poll_interval: secs(interval),
                    grace: secs(grace),
                    max_bad_answers: bad,
                    backoff: BackoffPolicy {
                        base: secs(base),
                        max: secs(base + extra),
                    },
                    return_debounce: ms(debounce),
                    ..Policy::vipps()
                }
            },
        )
}

fn flutterwave() -> impl Strategy<Value = Option<FlutterwaveScript>> {
    proptest::option::weighted(
        0.2,
        (
            0u64..200,
            0u64..20_000,
            0u64..400,
            prop_oneof![
                Just(r#"{"code":"FLW_ERR","message":"declined","is_err":1}"#.to_string()),
                Just(
                    r#"{"tx":{"status":"successful","chargeResponseCode":"00","charged_amount":"1.00"}}"#
                        .to_string()
                ),
                Just("not json".to_string()),
            ],
        )
            .prop_map(|(until, wait, completes, response)| FlutterwaveScript {
                long_request_until: secs(until),
                wait: ms(wait),
                completes_at: secs(completes),
                response,
            }),
    )
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        policy(),
        proptest::collection::vec((0u64..700, status()), 0..4),
        proptest::collection::vec((0u64..700, 0u64..300, fault_kind()), 0..4),
        proptest::collection::vec((0u64..800_000, step()), 0..15),
        (
            0u64..20,
            1u64..4000,
            any::<bool>(),
            any::<bool>(),
            any::<u64>(),
        ),
        flutterwave(),
    )
        .prop_map(
            |(policy, timeline, faults, script, (lag, latency, long_poll, recurring, seed), fw)| {
                let mut s = Scenario::new("random");
                s.policy = policy;
                s.seed = seed;
                let mut timeline: Vec<_> =
                    timeline.into_iter().map(|(t, st)| (secs(t), st)).collect();
                timeline.sort_by_key(|(t, _)| *t);
                s.backend.timeline = timeline;
                s.backend.faults = faults
                    .into_iter()
                    .map(|(from, len, kind)| Fault {
                        from: secs(from),
                        until: secs(from + len),
                        kind,
                    })
                    .collect();
                s.backend.lag = secs(lag);
                s.backend.latency = ms(latency);
                s.backend.long_poll = long_poll;
                s.backend.format = if recurring {
                    Format::RecurringCharge
                } else {
                    Format::Document
                };
                s.backend.flutterwave = fw;
                s.script = script.into_iter().map(|(t, st)| (ms(t), st)).collect();
                s
            },
        )
}

/// Could any observation the client might see prove a success?
fn success_observable(s: &Scenario) -> bool {
    s.backend.timeline.iter().any(|(_, st)| st.is_success())
        || s.script.iter().any(|(_, step)| {
            matches!(step, Step::Event(Event::Pushed { status }) if status.is_success())
        })
        || s
            .backend
            .flutterwave
            .as_ref()
            .is_some_and(|fw| fw.response.contains("successful"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_tracker_keeps_its_promises(s in scenario()) {
        let r = drive(&s);
        // The driver's own checks: rate cap per rolling window, one request
        // at a time, WaitUntil after now, Settled stable, no stall.
        prop_assert!(r.problems.is_empty(), "{:?}", r.problems);
        prop_assert!(r.max_in_window <= s.policy.rate_cap as usize);
        let outcome = r.outcome.clone();
        prop_assert!(outcome.is_some(), "never settled");
        if let Some(Outcome::Success { status }) = &outcome {
            prop_assert!(status.is_success());
            prop_assert!(success_observable(&s), "success out of nothing: {status:?}");
        }
        // Settles by the deadline plus one final check's timeouts. An app
        // restarted after the deadline makes its final check then; if it was
        // killed during a final check, the new one may have to wait for the
        // rate window (the cap holds across restarts).
        let policy = s.policy;
        let deadline = s.deadline();
        let restarted_late = r.restarts.iter().copied().filter(|t| *t >= deadline).max();
        let final_check_from = match restarted_late {
            Some(t) => {
                let lost_final_check = r.requests.iter().any(|q| {
                    q.reason == appswitch_core::shopper::tracker::FetchReason::FinalCheck && q.at < t
                });
                if lost_final_check { t + policy.rate_window } else { t }
            }
            None => deadline,
        };
        let bound = final_check_from + policy.connect_timeout + policy.read_timeout;
        let settled = r.settled_at.unwrap();
        prop_assert!(settled <= bound, "settled {settled} after {bound}");
        // Facts are never taken back.
        for w in r.notifications.windows(2) {
            prop_assert_eq!(w[0].status.clone().merge(&w[1].status), w[1].status.clone());
        }
    }
}

/// A final status, as the provider decides it.
fn final_status() -> impl Strategy<Value = PaymentStatus> {
    prop_oneof![
        (1u64..100_000).prop_map(reserved),
        (1u64..100_000).prop_map(captured),
        Just(PaymentStatus::initiated().with_failure("RESERVE_FAILED")),
        Just(PaymentStatus::initiated().with_rejected()),
        Just(PaymentStatus::initiated().with_cancelled(CancelledBy::User)),
    ]
}

/// Faults that pass: none of them makes an answer unreadable, and all end
/// well before the deadline.
fn passing_fault() -> impl Strategy<Value = Fault> {
    (
        0u64..450,
        1u64..60,
        prop_oneof![
            Just(FaultKind::RateLimited(RetryAfterForm::Absent)),
            (0u64..30).prop_map(|s| FaultKind::RateLimited(RetryAfterForm::Seconds(s))),
            Just(FaultKind::ServerError),
            Just(FaultKind::ConnectTimeout),
            Just(FaultKind::ReadTimeout),
            Just(FaultKind::Offline),
            Just(FaultKind::Lost),
            (0u64..30_000).prop_map(|m| FaultKind::Late(ms(m))),
        ],
    )
        .prop_map(|(from, len, kind)| Fault {
            from: secs(from),
            until: secs(from + len),
            kind,
        })
}

/// What the shopper's device does, in any order: everything but `Stop`.
fn device_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => Just(Step::Event(Event::SwitchedOut)),
        12 => Just(Step::Event(Event::Returned)),
        6 => Just(Step::Event(Event::Hidden)),
        6 => Just(Step::Event(Event::Visible)),
        2 => Just(Step::Event(Event::Online)),
        2 => Just(Step::Event(Event::Offline)),
        2 => (0u64..300).prop_map(|s| Step::Kill { down_for: secs(s) }),
    ]
}

/// One payment decided at some point, and one interleaving of what the
/// device, the network and the backend do around it: answers of requests
/// in flight together in either order (jitter), returns during long polls,
/// kills, faults.
fn interleaving() -> impl Strategy<Value = Scenario> {
    (
        (final_status(), 0u64..500, 0u64..20),
        (1u64..1500, 0u64..3000, any::<bool>(), any::<u64>()),
        proptest::collection::vec((0u64..700_000, device_step()), 0..25),
        proptest::collection::vec(passing_fault(), 0..3),
        (
            proptest::option::of(1u64..30),
            prop_oneof![Just(3u32), Just(10), Just(120)],
            0u64..3000,
            proptest::option::weighted(0.1, 0u64..700_000),
        ),
    )
        .prop_map(
            |(
                (truth, decided, lag),
                (latency, jitter, holds, seed),
                steps,
                faults,
                (lp, cap, debounce, push),
            )| {
                let mut s = Scenario::new("interleaving").pays(secs(decided), truth.clone());
                s.backend.lag = secs(lag);
                s.backend.latency = ms(latency);
                s.backend.jitter = ms(jitter);
                s.backend.long_poll = holds;
                s.backend.faults = faults;
                s.seed = seed;
                s.policy.long_poll = lp.map(secs);
                s.policy.rate_cap = cap;
                s.policy.return_debounce = ms(debounce);
                s.script = steps.into_iter().map(|(t, st)| (ms(t), st)).collect();
                // A relayed callback, never before the payment was decided.
                if let Some(p) = push.filter(|p| *p >= decided * 1000) {
                    s.script
                        .push((ms(p), Step::Event(Event::Pushed { status: truth })));
                }
                s.script.sort_by_key(|(t, _)| *t);
                s
            },
        )
}

/// The outcome the truth proves, compared by kind and facts shown.
fn shows(o: &Option<Outcome>) -> Option<String> {
    o.as_ref().map(|o| match o {
        Outcome::Success { status } => {
            format!("success {:?} {:?}", status.state(), status.amounts())
        }
        other => format!("{other:?}"),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// However the events interleave — returns during long polls, answers
    /// of two requests in flight in either order, kills and restores,
    /// transient faults — a payment the provider decided settles on what it
    /// decided, and another interleaving of the same payment settles the
    /// same.
    #[test]
    fn outcomes_never_change_with_interleavings(s in interleaving(), other_seed in any::<u64>(), shift in 0u64..1500) {
        let truth = Outcome::from_status(&s.backend.timeline[0].1);
        let r = drive(&s);
        prop_assert!(r.problems.is_empty(), "{:?}", r.problems);
        prop_assert_eq!(shows(&r.outcome), shows(&truth));
        // The same payment, other round trips and every device event a
        // little later.
        let mut again = s.clone();
        again.seed = other_seed;
        for (t, _) in &mut again.script {
            *t += ms(shift);
        }
        let r2 = drive(&again);
        prop_assert!(r2.problems.is_empty(), "{:?}", r2.problems);
        prop_assert_eq!(shows(&r2.outcome), shows(&r.outcome));
    }

    /// Returns as fast as a browser can fire them, against a backend that
    /// holds or not: the rate cap holds, one slot kept for the final check.
    #[test]
    fn return_storms_never_break_the_rate_cap(
        every in 5u64..3000,
        count in 1u64..2000,
        from in 0u64..60_000,
        cap in 2u32..130,
        latency in 1u64..500,
        holds in any::<bool>(),
    ) {
        let mut s = Scenario::new("storm")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(400), reserved(100));
        s.policy.rate_cap = cap;
        s.backend.latency = ms(latency);
        s.backend.long_poll = holds;
        for i in 0..count {
            s.script.push((ms(from + i * every), Step::Event(Event::Returned)));
        }
        let r = drive(&s);
        prop_assert!(r.problems.is_empty(), "{:?}", r.problems);
        prop_assert!(r.max_in_window < cap as usize, "{} of {cap}", r.max_in_window);
        prop_assert!(r.is_success());
    }
}
