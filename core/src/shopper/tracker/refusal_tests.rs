//! Unit tests of a `429` without `Retry-After`: retried one poll interval
//! after the refused request started for one rate window of refusals, then
//! backed off; a return still checks at once; a usable answer starts over.

use core::time::Duration;

use super::tests::{T0, at, check_on_return, drain, fetches, last, reserved, respond, tracker};
use super::*;
use crate::foundation::time::Timestamp;

fn refused() -> Answer {
    Answer::RateLimited { retry_after: None }
}

/// Switched out at 0; the first poll (5 s later) comes out and is refused
/// at `+80 ms`. Returns when the next request is due.
fn first_refusal(t: &mut Tracker) -> Timestamp {
    t.handle(Event::SwitchedOut, T0);
    let _ = drain(t, T0);
    let req = fetches(&drain(t, at(5_000))).remove(0);
    respond(t, req.id, refused(), at(5_080));
    match last(&drain(t, at(5_080))) {
        Action::WaitUntil(w) => *w,
        other => panic!("expected a wait, got {other:?}"),
    }
}

#[test]
fn refusals_are_retried_one_poll_interval_after_the_refused_request_started() {
    let mut t = tracker();
    let interval = Policy::vipps().poll_interval;
    let mut due = first_refusal(&mut t);
    assert_eq!(due, at(5_000) + interval);
    // For one rate window of refusals in a row, the pace stays the
    // provider's: every start one poll interval after the last.
    let window = Policy::vipps().rate_window;
    let mut refusals = 1u32;
    while interval * (refusals + 1) <= window {
        let started = due;
        let req = fetches(&drain(&mut t, started)).remove(0);
        respond(
            &mut t,
            req.id,
            refused(),
            started + Duration::from_millis(80),
        );
        let Action::WaitUntil(next) = *last(&drain(&mut t, started + Duration::from_millis(80)))
        else {
            panic!("expected a wait");
        };
        assert_eq!(next, started + interval, "refusal {}", refusals + 1);
        due = next;
        refusals += 1;
    }
    assert_eq!(refusals, 30, "a minute of refusals at 2 s");
    // Refused for longer than the window: the backoff takes over, and its
    // delays are longer than the poll interval.
    let req = fetches(&drain(&mut t, due)).remove(0);
    respond(&mut t, req.id, refused(), due + Duration::from_millis(80));
    let Action::WaitUntil(next) = *last(&drain(&mut t, due + Duration::from_millis(80))) else {
        panic!("expected a wait");
    };
    assert!(
        next.saturating_since(due) >= Duration::from_secs(15),
        "backed off only {:?}",
        next.saturating_since(due)
    );
}

#[test]
fn a_usable_answer_after_refusals_starts_over() {
    let mut t = tracker();
    let due = first_refusal(&mut t);
    let req = fetches(&drain(&mut t, due)).remove(0);
    respond(
        &mut t,
        req.id,
        Answer::Status(reserved()),
        due + Duration::from_millis(80),
    );
    assert!(matches!(
        last(&drain(&mut t, due + Duration::from_millis(80))),
        Action::Settled(Outcome::Success { .. })
    ));
}

#[test]
fn a_return_during_refusals_is_checked_at_once() {
    let mut t = tracker();
    let due = first_refusal(&mut t);
    // Back 0.5 s after the refusal: the check goes out now, not at `due`.
    let check = check_on_return(&mut t, at(5_580));
    assert!(at(5_580) < due);
    assert_eq!(check.reason, FetchReason::Return);
}
