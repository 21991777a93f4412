//! Unit tests of following another tracker of the same payment (another
//! tab): no requests of its own, facts from pushes, the owed checks made at
//! once on taking the lead, no busy wake past the deadline.

use core::time::Duration;

use super::tests::{T0, at, drain, fetches, last, reserved, respond, tracker};
use super::*;

#[test]
fn a_follower_makes_no_requests_and_settles_on_what_is_pushed() {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, T0);
    t.handle(Event::Follow, T0);
    // The first poll would be due at 5 s, a return's check at once: neither
    // goes out while another tracker makes the requests.
    for ms in [5_000, 7_000, 60_000] {
        assert!(
            fetches(&drain(&mut t, at(ms))).is_empty(),
            "a request at {ms} ms"
        );
    }
    t.handle(Event::Returned, at(61_000));
    assert!(fetches(&drain(&mut t, at(61_000))).is_empty());
    t.handle(Event::Pushed { status: reserved() }, at(62_000));
    assert!(matches!(
        last(&drain(&mut t, at(62_000))),
        Action::Settled(Outcome::Success { .. })
    ));
}

#[test]
fn the_answer_to_a_request_made_before_following_still_counts() {
    let mut t = tracker();
    t.handle(Event::Returned, T0);
    let req = fetches(&drain(&mut t, T0)).remove(0);
    t.handle(Event::Follow, at(10));
    respond(&mut t, req.id, Answer::Status(reserved()), at(80));
    assert!(matches!(
        last(&drain(&mut t, at(80))),
        Action::Settled(Outcome::Success { .. })
    ));
}

#[test]
fn taking_the_lead_makes_the_owed_check_at_once() {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, T0);
    t.handle(Event::Follow, T0);
    t.handle(Event::Returned, at(3_000));
    assert!(fetches(&drain(&mut t, at(3_000))).is_empty());
    t.handle(Event::Lead, at(4_000));
    let reqs = fetches(&drain(&mut t, at(4_000)));
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].reason, FetchReason::Return);
}

#[test]
fn past_the_deadline_a_follower_waits_calmly_and_a_leader_checks_once() {
    let mut t = tracker();
    t.handle(Event::SwitchedOut, T0);
    t.handle(Event::Follow, T0);
    let past = t.deadline() + Duration::from_secs(1);
    let actions = drain(&mut t, past);
    assert!(fetches(&actions).is_empty());
    match last(&actions) {
        Action::WaitUntil(w) => assert!(
            w.saturating_since(past) >= Duration::from_secs(1),
            "a busy wake at {w:?}"
        ),
        other => panic!("expected a wait, got {other:?}"),
    }
    t.handle(Event::Lead, past);
    let reqs = fetches(&drain(&mut t, past));
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].reason, FetchReason::FinalCheck);
}
