//! Unit tests of the long poll: whether the backend holds, learned from its
//! answers and kept across a restore; the return's short request beside a
//! held long poll; the debounce; the rate cap under return storms; the
//! final check with two requests in flight. Driven by hand with a fake
//! clock.

use core::time::Duration;

use super::tests::{T0, at, check_on_return, drain, fetches, last, reserved, respond, tracker};
use super::*;
use crate::foundation::time::Timestamp;
use crate::status::PaymentStatus;

const SECS_2: Option<Duration> = Some(Duration::from_secs(2));
const SECS_25: Option<Duration> = Some(Duration::from_secs(25));

/// The one request that comes out of draining at `now`.
fn one_request(t: &mut Tracker, now: Timestamp) -> FetchRequest {
    let reqs = fetches(&drain(t, now));
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    reqs.into_iter().next().unwrap()
}

/// A tracker that switched out at 0 s and saw its probe at 5 s held until
/// 7.08 s: the held long poll of 7.08 s is in flight.
fn holding() -> (Tracker, FetchRequest) {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    let probe = one_request(&mut t, at(5000));
    assert_eq!(probe.long_poll_wait, SECS_2);
    respond(&mut t, probe.id, Answer::Pending, at(7080));
    let held = one_request(&mut t, at(7080));
    assert_eq!(held.long_poll_wait, SECS_25);
    (t, held)
}

/// A tracker whose two probes (5 s, 7 s) were answered at once: it polls
/// plainly from 9 s.
fn plain() -> Tracker {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    for start in [5000, 7000] {
        let probe = one_request(&mut t, at(start));
        assert_eq!(probe.long_poll_wait, SECS_2);
        assert_eq!(probe.read_timeout, Duration::from_secs(5));
        respond(&mut t, probe.id, Answer::Pending, at(start + 80));
        let _ = drain(&mut t, at(start + 80));
    }
    assert_eq!(t.long_poll_support(), LongPollSupport::DoesNotHold);
    t
}

#[test]
fn a_held_answer_switches_to_the_whole_wait_with_the_read_timeout_grown_by_it() {
    let (t, held) = holding();
    assert_eq!(t.long_poll_support(), LongPollSupport::Holds);
    assert_eq!(held.reason, FetchReason::Poll);
    assert_eq!(held.read_timeout, Duration::from_secs(30));
    assert_eq!(held.connect_timeout, Duration::from_secs(1));
}

#[test]
fn a_backend_that_answers_at_once_gets_plain_polls_with_plain_timeouts() {
    let mut t = plain();
    let poll = one_request(&mut t, at(9000));
    assert_eq!(poll.long_poll_wait, None);
    assert_eq!(poll.read_timeout, Duration::from_secs(5));
    respond(&mut t, poll.id, Answer::Pending, at(9080));
    assert_eq!(
        last(&drain(&mut t, at(9080))),
        &Action::WaitUntil(at(11_000))
    );
    // It never asks for a hold again.
    let next = one_request(&mut t, at(11_000));
    assert_eq!(next.long_poll_wait, None);
}

#[test]
fn news_answered_at_once_says_nothing_about_holding() {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    // A failed attempt the shopper may retry, and a newer timestamp: the
    // state and amounts stay, so each is "nothing new", quick — evidence.
    let probe = one_request(&mut t, at(5000));
    let attempt = PaymentStatus::initiated().with_updated_at(at(4000));
    respond(&mut t, probe.id, Answer::Status(attempt), at(5080));
    let _ = drain(&mut t, at(5080));
    assert_eq!(t.snapshot().quick_answers, 1);
    // A capture answered at once (the backend answers a change at once
    // whether or not it holds): settles, and proves nothing either way.
    let probe = one_request(&mut t, at(7000));
    respond(&mut t, probe.id, Answer::Status(reserved()), at(7080));
    assert_eq!(t.long_poll_support(), LongPollSupport::Unknown);
    assert_eq!(t.snapshot().quick_answers, 1);
    // Errors say nothing either.
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    let probe = one_request(&mut t, at(5000));
    respond(
        &mut t,
        probe.id,
        Answer::ServerError { reason: "x".into() },
        at(5080),
    );
    assert_eq!(t.snapshot().quick_answers, 0);
}

#[test]
fn without_long_poll_in_the_policy_no_request_asks_for_a_hold() {
    let mut t = Tracker::new(TrackerConfig {
        policy: Policy {
            long_poll: None,
            ..Policy::vipps()
        },
        ..TrackerConfig::new("o-1", "/s", T0, 3)
    })
    .unwrap();
    t.handle(Event::SwitchedOut, at(0));
    for start in [5000, 7000, 9000] {
        let poll = one_request(&mut t, at(start));
        assert_eq!(poll.long_poll_wait, None);
        respond(&mut t, poll.id, Answer::Pending, at(start + 80));
    }
    assert_eq!(t.long_poll_support(), LongPollSupport::Unknown);
}

#[test]
fn what_was_learned_survives_a_snapshot_and_restore() {
    let restore = |t: &Tracker, now| {
        let text = t.snapshot().to_json();
        Tracker::restore(Snapshot::from_json(&text).unwrap(), now).unwrap()
    };
    // Holds: after the restore's check, the whole wait at once (no probe).
    let (t, _) = holding();
    let mut r = restore(&t, at(20_000));
    assert_eq!(r.long_poll_support(), LongPollSupport::Holds);
    let check = one_request(&mut r, at(20_000));
    assert_eq!(
        (check.reason, check.long_poll_wait),
        (FetchReason::Return, None)
    );
    respond(&mut r, check.id, Answer::Pending, at(20_080));
    let held = one_request(&mut r, at(20_080));
    assert_eq!(held.long_poll_wait, SECS_25);
    // Does not hold: plain polls after the check.
    let mut r = restore(&plain(), at(20_000));
    let check = one_request(&mut r, at(20_000));
    respond(&mut r, check.id, Answer::Pending, at(20_080));
    assert_eq!(one_request(&mut r, at(22_000)).long_poll_wait, None);
    // One quick answer is remembered: one more after the restore decides.
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    let probe = one_request(&mut t, at(5000));
    respond(&mut t, probe.id, Answer::Pending, at(5080));
    let mut r = restore(&t, at(6000));
    let check = one_request(&mut r, at(6000));
    respond(&mut r, check.id, Answer::Pending, at(6080));
    let probe = one_request(&mut r, at(8000));
    assert_eq!(probe.long_poll_wait, SECS_2);
    respond(&mut r, probe.id, Answer::Pending, at(8080));
    assert_eq!(r.long_poll_support(), LongPollSupport::DoesNotHold);
}

#[test]
fn a_version_3_snapshot_is_read_as_not_known_yet() {
    let (t, _) = holding();
    let mut json: serde_json::Value = serde_json::from_str(&t.snapshot().to_json()).unwrap();
    let object = json.as_object_mut().unwrap();
    for field in ["lastPollStarted", "longPollSupport", "quickAnswers"] {
        assert!(object.remove(field).is_some(), "{field}");
    }
    object.insert("version".into(), 3.into());
    let snapshot = Snapshot::from_json(&json.to_string()).unwrap();
    assert_eq!(snapshot.version(), 3);
    let mut r = Tracker::restore(snapshot, at(20_000)).unwrap();
    assert_eq!(r.long_poll_support(), LongPollSupport::Unknown);
    assert_eq!(r.status(), t.status());
    let check = one_request(&mut r, at(20_000));
    respond(&mut r, check.id, Answer::Pending, at(20_080));
    assert_eq!(one_request(&mut r, at(22_000)).long_poll_wait, SECS_2);
    // It is written back as version 4.
    assert_eq!(r.snapshot().version(), SNAPSHOT_VERSION);
}

#[test]
fn a_return_during_a_held_long_poll_asks_at_once_with_a_short_request() {
    let (mut t, held) = holding();
    // The long poll may be a dead connection: the shopper is not kept
    // waiting for its 31 s of timeouts.
    let check = check_on_return(&mut t, at(20_000));
    assert_eq!(check.reason, FetchReason::Return);
    assert_eq!(check.long_poll_wait, None);
    assert_eq!(check.connect_timeout, Duration::from_secs(1));
    assert_eq!(check.read_timeout, Duration::from_secs(5));
    assert!(t.is_awaiting(held.id) && t.is_awaiting(check.id));
    // Both in flight: wait for the first to end, nothing more.
    assert_eq!(
        last(&drain(&mut t, at(20_000))),
        &Action::WaitUntil(at(26_000))
    );
    // The truth within the short request's timeouts.
    respond(&mut t, check.id, Answer::Status(reserved()), at(20_100));
    assert!(matches!(
        last(&drain(&mut t, at(20_100))),
        Action::Settled(Outcome::Success { .. })
    ));
}

#[test]
fn after_the_returns_answer_a_fresh_long_poll_replaces_the_old_one() {
    let (mut t, dead) = holding();
    let check = check_on_return(&mut t, at(20_000));
    respond(&mut t, check.id, Answer::Pending, at(20_080));
    assert!(!t.is_awaiting(dead.id), "the old long poll is given up");
    let fresh = one_request(&mut t, at(20_080));
    assert_eq!(
        (fresh.reason, fresh.long_poll_wait),
        (FetchReason::Poll, SECS_25)
    );
    // The given-up request's answer, should it come, still adds its facts.
    respond(&mut t, dead.id, Answer::Status(reserved()), at(30_000));
    assert!(matches!(
        last(&drain(&mut t, at(30_000))),
        Action::Settled(Outcome::Success { .. })
    ));
}

#[test]
fn a_failed_return_request_gives_the_long_poll_up_and_the_backoff_decides() {
    let (mut t, dead) = holding();
    let check = check_on_return(&mut t, at(20_000));
    t.handle(
        Event::TransportError {
            id: check.id,
            kind: TransportErrorKind::ConnectTimeout,
        },
        at(21_000),
    );
    assert!(!t.is_awaiting(dead.id));
    let actions = drain(&mut t, at(21_000));
    assert!(matches!(&actions[0], Action::Notify(p) if p.phase == Phase::BackingOff));
    // Backing off from the check's start (1–2 s), not waiting out the dead
    // long poll's timeouts (38.08 s).
    let Action::WaitUntil(retry) = *last(&actions) else {
        panic!("{actions:?}")
    };
    assert!(retry > at(21_000) && retry <= at(22_000), "{retry}");
    assert_eq!(one_request(&mut t, retry).reason, FetchReason::Poll);
}

#[test]
fn a_return_right_after_a_completed_poll_asks_at_once() {
    let mut t = plain();
    let poll = one_request(&mut t, at(9000));
    respond(&mut t, poll.id, Answer::Pending, at(9080));
    let _ = drain(&mut t, at(9080));
    // 0.3 s after the poll started, 0.22 s after it completed: no
    // debounce for a completed request.
    let check = check_on_return(&mut t, at(9300));
    assert_eq!(check.reason, FetchReason::Return);
    // While a request is in flight (here a probe) it answers the return;
    // if it fails, the return is still owed and checked at once.
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    let probe = one_request(&mut t, at(5000));
    t.handle(Event::Returned, at(6500));
    assert!(fetches(&drain(&mut t, at(6500))).is_empty());
    // It failed: the return is still owed, checked at once.
    t.handle(
        Event::TransportError {
            id: probe.id,
            kind: TransportErrorKind::ReadTimeout,
        },
        at(7000),
    );
    assert_eq!(one_request(&mut t, at(7000)).reason, FetchReason::Return);
}

#[test]
fn a_long_poll_in_flight_never_answers_a_return_only_a_repeat_in_its_burst() {
    let (mut t, held) = holding();
    // The long poll started at 7.08 s; a return only 0.1 s later still gets
    // a fresh short request: the long poll may be a dead connection.
    let check = check_on_return(&mut t, at(7180));
    assert_eq!(
        (check.reason, check.long_poll_wait),
        (FetchReason::Return, None)
    );
    assert!(t.is_awaiting(held.id));
    respond(&mut t, check.id, Answer::Pending, at(7260));
    assert!(!t.is_awaiting(held.id));
    // The next long poll keeps its spacing from the last one (7.08 s).
    assert_eq!(last(&drain(&mut t, at(7260))), &Action::WaitUntil(at(9080)));

    let (mut t, _) = holding();
    let check = check_on_return(&mut t, at(20_000));
    // While that short request is in flight, the burst of events a browser
    // fires on return costs nothing more.
    for ms in [20_010, 20_020] {
        t.handle(Event::Visible, at(ms));
        t.handle(Event::Returned, at(ms));
        assert!(fetches(&drain(&mut t, at(ms))).is_empty(), "{ms}");
    }
    // Answered "pending": a fresh long poll replaces the old one at once.
    respond(&mut t, check.id, Answer::Pending, at(20_080));
    let fresh = one_request(&mut t, at(20_080));
    assert_eq!(
        (fresh.reason, fresh.long_poll_wait),
        (FetchReason::Poll, SECS_25)
    );
    // A repeat of the burst (0.9 s after its last event) is answered by
    // the long poll that started after it: nothing more.
    t.handle(Event::Returned, at(20_920));
    assert!(fetches(&drain(&mut t, at(20_920))).is_empty());
    // The debounce is over (1 s after the burst's last event): a fresh
    // short request beside the long poll.
    let check = check_on_return(&mut t, at(21_020));
    assert_eq!(
        (check.reason, check.long_poll_wait),
        (FetchReason::Return, None)
    );
    assert!(t.is_awaiting(fresh.id) && t.is_awaiting(check.id));
}

#[test]
fn return_storms_never_break_the_rate_cap() {
    for backend_holds in [true, false] {
        let mut t = Tracker::new(TrackerConfig {
            policy: Policy {
                rate_cap: 6,
                ..Policy::vipps()
            },
            ..TrackerConfig::new("o-1", "/s", T0, 3)
        })
        .unwrap();
        t.handle(Event::SwitchedOut, at(0));
        let mut starts: Vec<Timestamp> = Vec::new();
        // A return every 150 ms for two minutes; every request answered
        // "pending" 50 ms later (held ones at once too: a backend that
        // holds answers a long poll when its wait is over).
        let mut open: Vec<(RequestId, Timestamp)> = Vec::new();
        for step in 0..800u64 {
            let now = at(step * 150);
            for (id, due) in open.iter().filter(|(_, due)| *due <= now) {
                respond(&mut t, *id, Answer::Pending, *due);
            }
            open.retain(|(_, due)| *due > now);
            t.handle(Event::Returned, now);
            for req in fetches(&drain(&mut t, now)) {
                starts.push(now);
                let held = req.long_poll_wait == SECS_25;
                let answered = if held && backend_holds {
                    now + Duration::from_secs(25)
                } else {
                    now + Duration::from_millis(50)
                };
                open.push((req.id, answered));
            }
        }
        for (i, s) in starts.iter().enumerate() {
            let in_window = starts[i..]
                .iter()
                .take_while(|t| t.saturating_since(*s) < Duration::from_secs(60))
                .count();
            assert!(in_window <= 5, "{in_window} requests in a minute from {s}");
        }
        assert!(starts.len() >= 5 * 2, "{}", starts.len());
    }
}

#[test]
fn the_final_check_is_both_requests_in_flight() {
    let (mut t, mut held) = holding();
    let deadline = t.deadline();
    // One held poll after another, each held its whole wait, until one
    // starts less than 25 s before the deadline: it asks for less.
    let mut now = at(7080);
    while deadline.saturating_since(now) > Duration::from_secs(25) {
        now = now + held.long_poll_wait.unwrap();
        respond(&mut t, held.id, Answer::Pending, now);
        held = one_request(&mut t, now);
    }
    assert_eq!(now, at(607_080));
    assert_eq!(held.long_poll_wait, Some(Duration::from_secs(22)));
    // The shopper comes back just before the deadline.
    let check = check_on_return(&mut t, deadline.saturating_sub(Duration::from_millis(500)));
    let actions = drain(&mut t, deadline);
    assert!(matches!(&actions[0], Action::Notify(p) if p.phase == Phase::FinalCheck));
    assert!(
        fetches(&actions).is_empty(),
        "the two in flight are the final check"
    );
    // One fails: the other may still answer.
    t.handle(
        Event::TransportError {
            id: check.id,
            kind: TransportErrorKind::Other,
        },
        deadline,
    );
    assert!(matches!(
        last(&drain(&mut t, deadline)),
        Action::WaitUntil(_)
    ));
    let later = deadline + Duration::from_millis(80);
    respond(&mut t, held.id, Answer::Pending, later);
    assert_eq!(
        last(&drain(&mut t, later)),
        &Action::Settled(Outcome::Unknown {
            reason: UnknownReason::DeadlinePassed
        })
    );
}

#[test]
fn with_short_timeouts_a_probe_gets_its_hold_plus_half_the_read_timeout() {
    let mut t = Tracker::new(TrackerConfig {
        policy: Policy {
            first_poll_after: Duration::from_millis(50),
            poll_interval: Duration::from_millis(100),
            read_timeout: Duration::from_millis(400),
            long_poll: Some(Duration::from_secs(3)),
            ..Policy::vipps()
        },
        ..TrackerConfig::new("o-1", "/s", T0, 3)
    })
    .unwrap();
    t.handle(Event::SwitchedOut, at(0));
    // A hold is whole seconds: at least one, even for a 100 ms interval.
    let probe = one_request(&mut t, at(50));
    assert_eq!(probe.long_poll_wait, Some(Duration::from_secs(1)));
    assert_eq!(probe.read_timeout, Duration::from_millis(1200));
    // Held its second: the whole wait from now on.
    respond(&mut t, probe.id, Answer::Pending, at(1050));
    let held = one_request(&mut t, at(1050));
    assert_eq!(held.long_poll_wait, Some(Duration::from_secs(3)));
    assert_eq!(held.read_timeout, Duration::from_millis(3400));
}
