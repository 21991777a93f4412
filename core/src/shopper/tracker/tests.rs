//! Unit tests of the state machine's rules, driven by hand. The scenario and
//! property tests (with the simulated backend) are in `core/tests/`.

use core::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::foundation::money::Amount;
use crate::foundation::retry::RetryAfter;
use crate::foundation::time::Timestamp;
use crate::status::{CancelledBy, PaymentState, PaymentStatus};

pub(super) const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);

pub(super) fn at(ms: u64) -> Timestamp {
    T0 + Duration::from_millis(ms)
}

pub(super) fn tracker() -> Tracker {
    Tracker::new(TrackerConfig::new(
        "o-1",
        "https://shop.example/s/o-1",
        T0,
        3,
    ))
    .unwrap()
}

pub(super) fn reserved() -> PaymentStatus {
    PaymentStatus::initiated().with_reserved(Amount::from_minor(100))
}

/// Drains at `now`: every action up to and including the first WaitUntil
/// or Settled.
pub(super) fn drain(t: &mut Tracker, now: Timestamp) -> Vec<Action> {
    let mut out = Vec::new();
    for _ in 0..100 {
        let a = t.poll(now);
        let stop = matches!(a, Action::WaitUntil(_) | Action::Settled(_));
        out.push(a);
        if stop {
            return out;
        }
    }
    panic!("poll never said wait: {out:?}")
}

pub(super) fn fetches(actions: &[Action]) -> Vec<FetchRequest> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::FetchStatus(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn last(actions: &[Action]) -> &Action {
    actions.last().unwrap()
}

/// Feeds the answer to request `id`.
pub(super) fn respond(t: &mut Tracker, id: RequestId, answer: Answer, now: Timestamp) {
    t.handle(Event::Response { id, answer }, now);
}

/// Drains at `now` and expects the tracker to settle with success.
pub(super) fn assert_settles_success(t: &mut Tracker, now: Timestamp) {
    let actions = drain(t, now);
    assert!(
        matches!(last(&actions), Action::Settled(Outcome::Success { .. })),
        "{actions:?}"
    );
}

/// The shopper returns at `now`: the check that comes out.
pub(super) fn check_on_return(t: &mut Tracker, now: Timestamp) -> FetchRequest {
    t.handle(Event::Returned, now);
    fetches(&drain(t, now)).remove(0)
}

#[test]
fn the_drain_rule_notify_then_wait_and_nothing_twice() {
    let mut t = tracker();
    let first = drain(&mut t, T0);
    assert!(matches!(&first[0], Action::Notify(p) if p.phase == Phase::AwaitingSwitch));
    // Before the switch: the only planned request is the deeplink check.
    assert_eq!(
        last(&first),
        &Action::WaitUntil(T0 + Duration::from_secs(300))
    );
    // Polling again without news gives the same wait, and no second Notify.
    assert_eq!(
        drain(&mut t, at(10)),
        vec![Action::WaitUntil(T0 + Duration::from_secs(300))]
    );

    t.handle(Event::SwitchedOut, at(1000));
    let after_switch = drain(&mut t, at(1000));
    assert!(matches!(&after_switch[0], Action::Notify(p) if p.phase == Phase::Polling));
    assert_eq!(last(&after_switch), &Action::WaitUntil(at(6000)));
    // Early polls change nothing; at 6 s exactly one request comes out.
    assert_eq!(drain(&mut t, at(5999)), vec![Action::WaitUntil(at(6000))]);
    let due = drain(&mut t, at(6000));
    let reqs = fetches(&due);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].reason, FetchReason::Poll);
    assert_eq!(reqs[0].connect_timeout, Duration::from_secs(1));
    assert_eq!(reqs[0].read_timeout, Duration::from_secs(5));
    // Not known yet whether the backend holds: a probe, within the plain
    // read timeout.
    assert_eq!(reqs[0].long_poll_wait, Some(Duration::from_secs(2)));
    // While it is in flight: wait for its timeouts, never a second request.
    assert_eq!(last(&due), &Action::WaitUntil(at(12_000)));
    t.handle(Event::Returned, at(7000));
    assert_eq!(drain(&mut t, at(7000)), vec![Action::WaitUntil(at(12_000))]);
}

#[test]
fn settles_once_with_notify_first_and_ignores_everything_after() {
    let mut t = tracker();
    let req = check_on_return(&mut t, at(1000));
    assert_eq!(req.reason, FetchReason::Return);
    respond(&mut t, req.id, Answer::Status(reserved()), at(1100));
    let actions = drain(&mut t, at(1100));
    assert!(
        matches!(&actions[0], Action::Notify(p) if p.state == PaymentState::Reserved && p.phase == Phase::Settled)
    );
    let outcome = Outcome::Success { status: reserved() };
    assert_eq!(actions[1], Action::Settled(outcome.clone()));
    assert_eq!(actions.len(), 2);
    // Forever the same, whatever comes in.
    t.handle(
        Event::Pushed {
            status: PaymentStatus::initiated().with_cancelled(CancelledBy::User),
        },
        at(1200),
    );
    t.handle(Event::Returned, at(1300));
    for now in [at(1300), at(10_000_000), T0] {
        assert_eq!(t.poll(now), Action::Settled(outcome.clone()));
    }
    assert_eq!(t.outcome(), Some(&outcome));
    assert_eq!(t.status(), &reserved());
}

#[test]
fn a_push_settles_without_a_request() {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    let _ = drain(&mut t, at(0));
    t.handle(
        Event::Pushed {
            status: PaymentStatus::initiated().with_rejected(),
        },
        at(3000),
    );
    let actions = drain(&mut t, at(3000));
    assert!(fetches(&actions).is_empty());
    assert_eq!(last(&actions), &Action::Settled(Outcome::Rejected));
}

#[test]
fn answers_to_other_requests_only_add_facts() {
    let mut t = tracker();
    let first = check_on_return(&mut t, at(0));
    // Its time runs out (the watchdog): counted as a read timeout.
    let after = drain(&mut t, at(6000));
    assert!(matches!(&after[0], Action::Notify(p) if p.phase == Phase::BackingOff));
    // The backoff counts from the start of the failed request, which took
    // its full timeouts to fail: the retry is due already.
    assert_eq!(fetches(&after).len(), 1);
    // An answer to a request never made is ignored entirely.
    respond(&mut t, RequestId(99), Answer::Status(reserved()), at(6100));
    assert_eq!(t.status(), &PaymentStatus::initiated());
    // The late answer of the first request: its facts count.
    respond(&mut t, first.id, Answer::Status(reserved()), at(6200));
    assert_settles_success(&mut t, at(6200));
}

#[test]
fn money_beats_a_stale_or_reordered_failure() {
    let mut t = tracker();
    let req = check_on_return(&mut t, at(0));
    // The answer proves a reservation *and* an older rejection: the
    // reservation wins, whatever order the facts came in.
    respond(
        &mut t,
        req.id,
        Answer::Status(reserved().with_rejected()),
        at(100),
    );
    assert_settles_success(&mut t, at(100));
}

#[test]
fn retry_after_is_obeyed_exactly_in_both_forms() {
    for (ra, expect_ms) in [
        (RetryAfter::Delay(Duration::from_secs(9)), 9_100),
        (RetryAfter::At(at(15_000)), 15_000),
    ] {
        let mut t = tracker();
        let req = check_on_return(&mut t, at(0));
        respond(
            &mut t,
            req.id,
            Answer::RateLimited {
                retry_after: Some(ra),
            },
            at(100),
        );
        let expect = at(expect_ms);
        assert_eq!(
            last(&drain(&mut t, at(100))),
            &Action::WaitUntil(expect),
            "{ra:?}"
        );
        // A return does not jump a Retry-After.
        t.handle(Event::Returned, at(1500));
        assert_eq!(
            last(&drain(&mut t, at(1500))),
            &Action::WaitUntil(expect),
            "{ra:?}"
        );
        assert_eq!(fetches(&drain(&mut t, expect)).len(), 1);
    }
}

#[test]
fn a_retry_after_date_in_the_past_leaves_the_interval() {
    let mut t = tracker();
    let req = check_on_return(&mut t, at(0));
    respond(
        &mut t,
        req.id,
        Answer::RateLimited {
            retry_after: Some(RetryAfter::At(T0)),
        },
        at(100),
    );
    assert_eq!(last(&drain(&mut t, at(100))), &Action::WaitUntil(at(2000)));
}

#[test]
fn a_return_jumps_a_backoff_but_not_the_rate_cap() {
    let mut t = Tracker::new(TrackerConfig {
        policy: Policy {
            rate_cap: 3,
            ..Policy::vipps()
        },
        ..TrackerConfig::new("o-1", "/s", T0, 3)
    })
    .unwrap();
    let req = check_on_return(&mut t, at(0));
    respond(
        &mut t,
        req.id,
        Answer::ServerError {
            reason: "HTTP 500".into(),
        },
        at(100),
    );
    let backing_off = drain(&mut t, at(100));
    assert!(matches!(last(&backing_off), Action::WaitUntil(w) if *w > at(1000)));
    let req = check_on_return(&mut t, at(1100));
    assert_eq!(req.reason, FetchReason::Return);
    respond(&mut t, req.id, Answer::Pending, at(1200));
    let _ = drain(&mut t, at(1200));
    // Two of three slots used; the third is kept for the final check, so
    // a third return must wait for the window.
    t.handle(Event::Returned, at(5000));
    assert_eq!(
        last(&drain(&mut t, at(5000))),
        &Action::WaitUntil(at(60_000))
    );
}

#[test]
fn a_bad_ping_url_is_refused() {
    let mut t = tracker();
    let req = check_on_return(&mut t, at(0));
    respond(
        &mut t,
        req.id,
        Answer::LongRequest {
            ping_url: "javascript:alert(1)".into(),
            wait: Duration::ZERO,
        },
        at(100),
    );
    let actions = drain(&mut t, at(100));
    assert!(matches!(&actions[0], Action::Notify(p) if p.phase == Phase::BackingOff));
    assert_eq!(t.snapshot().ping_url(), None);
}

#[test]
fn long_polls_carry_the_wait_and_stop_at_the_deadline() {
    let mut t = Tracker::new(TrackerConfig::new("o-1", "https://s.example/st?o=1", T0, 3)).unwrap();
    t.handle(Event::SwitchedOut, at(0));
    let probe = fetches(&drain(&mut t, at(5000))).remove(0);
    assert_eq!(probe.long_poll_wait, Some(Duration::from_secs(2)));
    assert_eq!(probe.url(), "https://s.example/st?o=1&wait=2");
    // Held for the 2 s it asked: the backend holds.
    respond(&mut t, probe.id, Answer::Pending, at(7080));
    assert_eq!(t.long_poll_support(), LongPollSupport::Holds);
    let req = fetches(&drain(&mut t, at(7080))).remove(0);
    assert_eq!(req.long_poll_wait, Some(Duration::from_secs(25)));
    assert_eq!(req.read_timeout, Duration::from_secs(30));
    assert_eq!(req.url(), "https://s.example/st?o=1&wait=25");
    // A held request that ends with "pending" is followed at once.
    respond(&mut t, req.id, Answer::Pending, at(32_080));
    let next = fetches(&drain(&mut t, at(32_080))).remove(0);
    // Near the deadline the wait shrinks so the final check is on time.
    respond(&mut t, next.id, Answer::Pending, at(619_200));
    let near = fetches(&drain(&mut t, at(619_200))).remove(0);
    assert_eq!(near.long_poll_wait, Some(Duration::from_secs(10)));
    assert_eq!(near.read_timeout, Duration::from_secs(15));
}

#[test]
fn a_snapshot_round_trips_and_refuses_other_versions() {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    let req = fetches(&drain(&mut t, at(5000))).remove(0);
    respond(
        &mut t,
        req.id,
        Answer::ServerError { reason: "x".into() },
        at(5100),
    );
    let snap = t.snapshot();
    let json = snap.to_json();
    assert!(
        json.starts_with(r#"{"version":4,"config":{"orderId":"o-1""#),
        "{json}"
    );
    let back = Snapshot::from_json(&json).unwrap();
    assert_eq!(back, snap);
    let restored = Tracker::restore(back, at(5200)).unwrap();
    assert_eq!(restored.snapshot().rate_window(), snap.rate_window());
    assert_eq!(restored.status(), t.status());
    for other in [5, 2] {
        let text = json.replacen(r#""version":4,"#, &format!(r#""version":{other},"#), 1);
        let err = Tracker::restore(Snapshot::from_json(&text).unwrap(), at(0)).unwrap_err();
        assert_eq!(
            err,
            SnapshotError::UnsupportedVersion {
                found: other,
                supported: 4,
                oldest: 3,
            }
        );
        assert!(err.to_string().ends_with("reads versions 3 to 4"), "{err}");
    }
    // The policy's rate cap (the 7th number of the policy) made zero.
    let mut broken = snap.clone();
    broken.config.policy.rate_cap = 0;
    let err = Tracker::restore(Snapshot::from_json(&broken.to_json()).unwrap(), at(0)).unwrap_err();
    assert!(err.to_string().contains("rateCap"), "{err}");
    assert!(Snapshot::from_json(&json[..json.len() - 1]).is_err());
}

#[test]
fn restored_after_the_deadline_makes_one_final_check() {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, at(0));
    let _ = drain(&mut t, at(0));
    let snap = t.snapshot();
    let late = t.deadline() + Duration::from_secs(3600);
    let mut r = Tracker::restore(snap, late).unwrap();
    let actions = drain(&mut r, late);
    assert!(matches!(&actions[0], Action::Notify(p) if p.phase == Phase::FinalCheck));
    let req = fetches(&actions).remove(0);
    assert_eq!(req.reason, FetchReason::FinalCheck);
    respond(&mut r, req.id, Answer::Pending, late);
    assert_eq!(
        last(&drain(&mut r, late)),
        &Action::Settled(Outcome::Unknown {
            reason: UnknownReason::DeadlinePassed
        })
    );
}

#[test]
fn stop_settles_on_the_facts() {
    let mut t = tracker();
    t.handle(Event::Stop, at(0));
    assert_eq!(
        last(&drain(&mut t, at(0))),
        &Action::Settled(Outcome::Unknown {
            reason: UnknownReason::Stopped
        })
    );
}

#[test]
fn events_and_actions_have_a_json_shape_for_the_bindings() {
    let event = Event::Response {
        id: RequestId(7),
        answer: Answer::Status(reserved()),
    };
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"type": "response", "id": 7, "answer": {"kind": "status", "reserved": 100}})
    );
    assert_eq!(serde_json::from_value::<Event>(json).unwrap(), event);
    let mut t = tracker();
    let req = check_on_return(&mut t, at(0));
    let action = Action::FetchStatus(req.clone());
    let json = serde_json::to_value(&action).unwrap();
    assert_eq!(json["type"], "fetchStatus");
    assert_eq!(json["value"]["target"]["kind"], "status");
    assert_eq!(json["value"]["readTimeout"], 5000);
    assert_eq!(serde_json::from_value::<Action>(json).unwrap(), action);
    let settled = Action::Settled(Outcome::Unknown {
        reason: UnknownReason::DeadlinePassed,
    });
    assert_eq!(
        serde_json::to_value(&settled).unwrap(),
        serde_json::json!({"type": "settled", "value": {"outcome": "unknown", "reason": "deadlinePassed"}})
    );
    let with_fragment = FetchRequest {
        long_poll_wait: Some(Duration::from_secs(3)),
        target: Target::Status {
            url: "https://s.example/st#x".into(),
        },
        ..req
    };
    assert_eq!(with_fragment.url(), "https://s.example/st?wait=3#x");
}

fn arb_answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        Just(Answer::Pending),
        Just(Answer::Status(PaymentStatus::initiated())),
        Just(Answer::Status(reserved())),
        Just(Answer::Status(PaymentStatus::initiated().with_failure("x"))),
        (0u64..100_000).prop_map(|ms| Answer::LongRequest {
            ping_url: "https://p.example/1".into(),
            wait: Duration::from_millis(ms),
        }),
        Just(Answer::LongRequest {
            ping_url: "ftp://x".into(),
            wait: Duration::ZERO
        }),
        proptest::option::of(0u64..u64::MAX).prop_map(|s| Answer::RateLimited {
            retry_after: s.map(|s| RetryAfter::Delay(Duration::from_secs(s))),
        }),
        (0u64..u64::MAX).prop_map(|ms| Answer::RateLimited {
            retry_after: Some(RetryAfter::At(Timestamp::from_millis(ms))),
        }),
        Just(Answer::ServerError {
            reason: "5xx".into()
        }),
        (0u16..1000).prop_map(|status| Answer::ClientError { status }),
        Just(Answer::Malformed { reason: "x".into() }),
    ]
}

fn arb_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        Just(Event::SwitchedOut),
        Just(Event::Returned),
        Just(Event::Hidden),
        Just(Event::Visible),
        Just(Event::Online),
        Just(Event::Offline),
        Just(Event::Follow),
        Just(Event::Lead),
        Just(Event::Stop),
        Just(Event::Pushed {
            status: PaymentStatus::initiated()
        }),
        (0u64..6, arb_answer()).prop_map(|(id, answer)| Event::Response {
            id: RequestId(id),
            answer
        }),
        (0u64..6).prop_map(|id| Event::TransportError {
            id: RequestId(id),
            kind: TransportErrorKind::Other
        }),
    ]
}

proptest! {
    /// Any events at any times, including a clock that jumps back and
    /// forth and extreme instants: no panic, WaitUntil is always after
    /// `now`, at most two requests awaited (one held long poll, one short
    /// request), and once settled the outcome never changes.
    #[test]
    fn never_panics_and_keeps_its_promises(
        steps in proptest::collection::vec((arb_event(), 0u64..2_000_000, proptest::bool::weighted(0.02)), 0..80),
    ) {
        let mut t = tracker();
        let read_timeout = t.config().policy.read_timeout;
        let mut started: Vec<FetchRequest> = Vec::new();
        let mut settled: Option<Outcome> = None;
        for (event, offset, extreme) in steps {
            let now = if extreme { Timestamp::from_millis(u64::MAX - offset) } else { at(offset) };
            // Answer a request the tracker waits for most of the time.
            let awaited = started.iter().rev().find(|r| t.is_awaiting(r.id)).map(|r| r.id);
            let event = match (event, awaited) {
                (Event::Response { id: RequestId(0), answer }, Some(id)) => Event::Response { id, answer },
                (Event::TransportError { id: RequestId(0), kind }, Some(id)) => Event::TransportError { id, kind },
                (e, _) => e,
            };
            t.handle(event, now);
            for _ in 0..50 {
                match t.poll(now) {
                    Action::FetchStatus(req) => started.push(req),
                    Action::Notify(_) => {}
                    Action::WaitUntil(w) => { prop_assert!(w > now); break; }
                    Action::Settled(o) => {
                        if let Some(s) = &settled { prop_assert_eq!(s, &o); }
                        if let Outcome::Success { status } = &o { prop_assert!(status.is_success()); }
                        settled = Some(o);
                        break;
                    }
                }
            }
            let (held, short): (Vec<&FetchRequest>, Vec<&FetchRequest>) = started
                .iter()
                .filter(|r| t.is_awaiting(r.id))
                .partition(|r| r.read_timeout > read_timeout);
            prop_assert!(held.len() <= 1 && short.len() <= 1, "held {held:?}, short {short:?}");
        }
    }
}
