//! Scenario tests: the tracker against a scripted backend with a fake clock
//! (see `support/sim/mod.rs`). Each asserts the outcome, the number of requests
//! and that the rate cap held (the driver also checks that no two requests
//! overlap and that `Settled` is stable).
// Reads raw provider payloads: the crate as a backend builds it.
#![cfg(all(feature = "raw-vipps", feature = "flutterwave-answers"))]

#[path = "support/sim/mod.rs"]
mod sim;

use core::time::Duration;

use appswitch_core::shopper::tracker::{
    Event, FetchReason, HiddenPolling, Outcome, Phase, UnknownReason,
};
use appswitch_core::status::{PaymentState, PaymentStatus};
use sim::*;

/// Runs the scenario and checks the rules every run must keep.
fn run(s: &Scenario) -> Run {
    let r = drive(s);
    assert!(r.problems.is_empty(), "{}: {:?}", s.name, r.problems);
    assert!(r.outcome.is_some(), "{}: did not settle", s.name);
    assert!(
        r.max_in_window <= s.policy.rate_cap as usize,
        "{}: {} requests in one window",
        s.name,
        r.max_in_window
    );
    r
}

fn at(offset: Duration) -> appswitch_core::foundation::time::Timestamp {
    T0 + offset
}

fn starts(r: &Run) -> Vec<Duration> {
    r.requests
        .iter()
        .map(|q| q.at.saturating_since(T0))
        .collect()
}

fn failed(reason: &str) -> PaymentStatus {
    PaymentStatus::initiated().with_failure(reason)
}

#[test]
fn happy_path_checks_at_once_on_return() {
    // Against a backend that answers at once: plain polls after two probes.
    let s = happy_path().plain();
    let r = run(&s);
    assert!(
        matches!(&r.outcome, Some(Outcome::Success { status }) if status.state() == PaymentState::Reserved)
    );
    // Polls at 7, 9, …, 25 s (10), then the check on return at 26 s finds it.
    assert_eq!(r.requests(), 11);
    assert_eq!(r.count(FetchReason::Poll), 10);
    assert_eq!(r.count(FetchReason::Return), 1);
    assert_eq!(starts(&r)[0], secs(7), "first poll 5 s after the switch");
    assert_eq!(r.settled_at, Some(at(ms(26_080))));
    // The first two are probes (a hold of 2 s, the plain 5 s read timeout),
    // answered at once: from then on plain polls.
    let waits: Vec<_> = r.requests.iter().map(|q| q.long_poll_wait).collect();
    assert_eq!(&waits[..3], &[Some(secs(2)), Some(secs(2)), None]);
    assert!(waits[2..].iter().all(Option::is_none));
    assert!(r.requests.iter().all(|q| q.read_timeout == secs(5)));
}

#[test]
fn happy_path_against_a_holding_backend_is_one_held_request() {
    let s = happy_path();
    let r = run(&s);
    assert!(r.is_success());
    // The probe of 7 s is held its 2 s (answered 9.08 s): the backend holds.
    // The long poll of 9.08 s is answered when the payment goes through.
    assert_eq!(starts(&r), vec![secs(7), ms(9_080)]);
    assert_eq!(r.requests[1].long_poll_wait, Some(secs(25)));
    assert_eq!(r.requests[1].read_timeout, secs(30));
    assert_eq!(r.settled_at, Some(at(ms(25_380))));
}

#[test]
fn return_before_the_first_poll() {
    let s = Scenario::new("quick payer")
        .at(secs(2), Event::SwitchedOut)
        .pays(ms(3_500), reserved(20_000))
        .at(secs(4), Event::Returned);
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(r.requests(), 1);
    assert_eq!(r.count(FetchReason::Return), 1);
    assert_eq!(r.settled_at, Some(at(ms(4_080))));
}

#[test]
fn lost_callback_found_by_polling() {
    // The callback never reaches the backend; it learns 8 s late by
    // polling the provider itself. The shopper came back at 26 s.
    let s = lost_callback().plain();
    let r = run(&s);
    assert!(r.is_success());
    // 7…25 s (10), the return at 26 s, then 28, 30, 32, 34 s: the backend
    // knows from 33 s, the next poll (34 s) finds it.
    assert_eq!(r.requests(), 15);
    assert_eq!(r.settled_at, Some(at(ms(34_080))));

    // A backend that holds: the long poll in flight since 9.08 s is left to
    // run beside the return's short request (26 s); after its "pending" a
    // fresh long poll replaces it and is answered when the backend learns.
    let s = lost_callback();
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(starts(&r), vec![secs(7), ms(9_080), secs(26), ms(26_080)]);
    assert_eq!(r.requests[2].reason, FetchReason::Return);
    assert_eq!(r.requests[2].long_poll_wait, None);
    assert_eq!(r.requests[3].long_poll_wait, Some(secs(25)));
    assert_eq!(r.settled_at, Some(at(ms(33_080))));
}

#[test]
fn a_relayed_callback_settles_without_polling() {
    let s = Scenario::new("pushed").at(secs(2), Event::SwitchedOut).at(
        secs(4),
        Event::Pushed {
            status: PaymentStatus::initiated()
                .with_cancelled(appswitch_core::status::CancelledBy::User),
        },
    );
    let r = run(&s);
    assert_eq!(
        r.outcome,
        Some(Outcome::Cancelled {
            by: appswitch_core::status::CancelledBy::User
        })
    );
    assert_eq!(r.requests(), 0);
}

#[test]
fn rate_limit_storm_without_retry_after_keeps_the_providers_pace() {
    let s = rate_limit_storm();
    let r = run(&s);
    assert!(r.is_success());
    let t = starts(&r);
    // Refused from 5 s to 40 s: one try every poll interval (2 s) from the
    // refused request's start, never sooner — the provider's "Check every
    // 2 seconds" — and the first try after the storm finds the truth, as
    // soon as the naive loop does.
    for (i, w) in t.windows(2).enumerate() {
        assert_eq!(w[1] - w[0], secs(2), "gap {i}: {t:?}");
    }
    assert_eq!(r.requests(), 18, "{t:?}");
    let naive = drive_naive(&s);
    assert!(r.requests() <= naive.requests(), "{t:?}");
    assert!(
        r.settled_at <= naive.settled_at,
        "slower than the naive loop"
    );
}

#[test]
fn a_rate_limit_storm_longer_than_a_minute_is_backed_off() {
    let s = Scenario::new("429 without Retry-After for 3 minutes")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(30), reserved(20_000))
        .fault(
            secs(5),
            secs(185),
            FaultKind::RateLimited(RetryAfterForm::Absent),
        );
    let r = run(&s);
    assert!(r.is_success());
    let t = starts(&r);
    // A minute of refusals at 2 s (30 of them), then the backoff: each gap
    // from half of its 30 s ceiling to all of it.
    let gaps: Vec<_> = t.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps[..29].iter().all(|g| *g == secs(2)), "{gaps:?}");
    assert!(
        gaps[30..].iter().all(|g| *g >= secs(15) && *g <= secs(30)),
        "{gaps:?}"
    );
    assert!(r.requests() < drive_naive(&s).requests() / 2, "{t:?}");
}

#[test]
fn rate_limit_storm_with_retry_after_in_seconds_and_as_a_date() {
    for form in [RetryAfterForm::Seconds(10), RetryAfterForm::Date(secs(10))] {
        let s = Scenario::new("429 with Retry-After")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(20), reserved(20_000))
            .fault(secs(5), secs(30), FaultKind::RateLimited(form));
        let r = run(&s);
        assert!(r.is_success());
        // 7 s → told 10 s (from the answer at 7.08 s; a date has whole
        // seconds) → 17 s → 27 s → 37 s answers.
        let t = starts(&r);
        assert_eq!(r.requests(), 4, "{form:?}: {t:?}");
        for w in t.windows(2) {
            assert!(w[1] - w[0] >= secs(10) - ms(80), "{form:?}: {t:?}");
            assert!(w[1] - w[0] <= secs(10) + ms(80), "{form:?}: {t:?}");
        }
    }
}

#[test]
fn timeouts_back_off_from_the_start_of_the_request() {
    let s = Scenario::new("read timeouts")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(20), reserved(20_000))
        .fault(secs(5), secs(25), FaultKind::ReadTimeout)
        .at(secs(22), Event::Returned);
    let r = run(&s);
    assert!(r.is_success());
    // 7 s times out at 13 s: the backoff (1–2 s from 7 s) is over, so the
    // retry is at once; the same at 19 s. The return at 22 s is left to the
    // request in flight; it times out at 25 s, so the return's check is
    // still owed and made at once, despite the backoff (4–8 s from 19 s).
    assert_eq!(starts(&r), vec![secs(7), secs(13), secs(19), secs(25)]);
    assert_eq!(r.count(FetchReason::Return), 1);
    assert_eq!(r.settled_at, Some(at(ms(25_080))));
}

#[test]
fn answers_that_never_come_are_given_up_by_the_watchdog() {
    let s = Scenario::new("lost answers")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(10), reserved(20_000))
        .fault(secs(5), secs(15), FaultKind::Lost);
    let r = run(&s);
    assert!(r.is_success());
    // 7 s: nothing comes; given up at 13 s and retried; again at 19 s.
    assert_eq!(starts(&r), vec![secs(7), secs(13), secs(19)]);
}

#[test]
fn connect_timeouts_and_offline_requests() {
    for kind in [
        FaultKind::ConnectTimeout,
        FaultKind::Offline,
        FaultKind::ServerError,
    ] {
        let s = Scenario::new("failing requests")
            .at(secs(2), Event::SwitchedOut)
            .pays(secs(10), reserved(20_000))
            .fault(secs(5), secs(12), kind);
        let r = run(&s);
        assert!(r.is_success(), "{kind:?}");
        assert!(
            r.requests() >= 3 && r.requests() <= 5,
            "{kind:?}: {:?}",
            starts(&r)
        );
        assert!(r.settled_after().unwrap() <= secs(20), "{kind:?}");
    }
}

#[test]
fn reordered_and_stale_answers_never_move_the_status_back() {
    // The first request's answer arrives 20 s late (saying "initiated"),
    // after newer answers; the backend itself lags 3 s.
    let mut s = Scenario::new("reordered")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(30), reserved(20_000))
        .fault(secs(5), secs(8), FaultKind::Late(secs(20)))
        .at(
            secs(31),
            Event::Pushed {
                status: PaymentStatus::initiated(),
            },
        );
    s.backend.lag = secs(3);
    let r = run(&s);
    assert!(r.is_success());
    // 7 s (late: given up at 13 s), then 13, 15, …, 33 s: the backend
    // knows from 33 s.
    assert_eq!(r.requests(), 12, "{:?}", starts(&r));
    assert_eq!(r.settled_at, Some(at(ms(33_080))));
    let ranks: Vec<bool> = r
        .notifications
        .iter()
        .map(|p| p.state.is_success())
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "success is never taken back: {ranks:?}"
    );
}

#[test]
fn app_killed_mid_switch_and_restored_from_a_snapshot() {
    let s = Scenario::new("killed")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(30), reserved(20_000))
        // Killed while the request of 9 s is in flight, back after a minute.
        .kill(ms(9_040), secs(60));
    let r = run(&s);
    assert!(r.is_success());
    // 7 s, 9 s (lost with the process), then at once on restore (69 s).
    assert_eq!(starts(&r), vec![secs(7), secs(9), ms(69_040)]);
    assert_eq!(r.count(FetchReason::Return), 1);
    assert!(r.notifications.iter().any(|p| p.phase == Phase::Polling));
}

#[test]
fn the_rate_cap_holds_across_a_restore() {
    // A tight cap (5 a minute) and a return storm around a restart.
    let mut s = Scenario::new("cap across restore")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(200), reserved(20_000))
        .kill(secs(20), secs(1));
    for i in 0..40 {
        s = s.at(secs(22 + i), Event::Returned);
    }
    s.policy.rate_cap = 5;
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(r.max_in_window, 4, "one slot kept for the final check");
    // 7, 9, 11, 13 s fill the window; the restored tracker (21 s) knows it,
    // so neither the restore nor the 40 returns get a request before the
    // first of those leaves the window at 67 s.
    let t = starts(&r);
    assert_eq!(&t[..5], &[secs(7), secs(9), secs(11), secs(13), secs(67)]);
}

#[test]
fn duplicate_returns_cost_one_request() {
    let mut s = Scenario::new("duplicate returns")
        .at(secs(2), Event::SwitchedOut)
        .at(ms(2_500), Event::Hidden)
        .pays(secs(19), reserved(20_000))
        // visibilitychange, pageshow, focus and the fallback URL, together.
        .at(secs(20), Event::Visible)
        .at(secs(20), Event::Returned)
        .at(ms(20_010), Event::Returned)
        .at(ms(20_500), Event::Returned)
        .at(ms(20_900), Event::Visible);
    // A slow backend: the later returns come while the check is in flight.
    s.backend.latency = ms(1_500);
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(r.requests(), 1, "{:?}", starts(&r));
    assert_eq!(r.count(FetchReason::Return), 1);
}

#[test]
fn deadline_expiry_is_unknown_after_one_final_check() {
    let s = Scenario::new("never decided").at(secs(2), Event::SwitchedOut);
    let r = run(&s);
    assert!(r.is_unknown(UnknownReason::DeadlinePassed));
    assert_eq!(r.count(FetchReason::FinalCheck), 1);
    // Polls at 7, 9, …, 629 s (312), then the final check at 630 s.
    assert_eq!(r.requests(), 313);
    assert_eq!(r.requests.last().unwrap().at, s.deadline());
    assert_eq!(r.settled_at, Some(s.deadline() + ms(80)));
}

#[test]
fn deadline_with_the_backend_down_is_backend_unreachable() {
    let s = Scenario::new("backend down")
        .at(secs(2), Event::SwitchedOut)
        .fault(secs(5), secs(10_000), FaultKind::ServerError);
    let r = run(&s);
    assert!(r.is_unknown(UnknownReason::BackendUnreachable));
    assert_eq!(r.count(FetchReason::FinalCheck), 1);
    // Backing off up to 30 s, jittered down to no less than 15 s: from the
    // sixth failure on, at most 4 a minute instead of 30.
    let t = starts(&r);
    let regular = &t[..t.len() - 1];
    assert!(
        regular.windows(2).skip(5).all(|w| w[1] - w[0] >= secs(15)),
        "{t:?}"
    );
    assert!(r.requests() <= 5 + 4 * 11, "{}", r.requests());
    assert!(r.requests() * 5 < drive_naive(&s).requests());
}

#[test]
fn hidden_polls_pause_and_the_final_check_still_finds_the_payment() {
    let s = Scenario::new("hidden, never returns")
        .at(secs(2), Event::SwitchedOut)
        .at(secs(3), Event::Hidden)
        .pays(secs(40), reserved(20_000));
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(r.requests(), 1);
    assert_eq!(r.count(FetchReason::FinalCheck), 1);
    assert!(r.notifications.iter().any(|p| p.phase == Phase::Paused));

    let mut every = s.clone();
    every.policy.while_hidden = HiddenPolling::Every { interval: secs(10) };
    let r = run(&every);
    assert!(r.is_success());
    // First poll at 7 s, then every 10 s: 17, 27, 37, 47 s finds it.
    assert_eq!(
        starts(&r),
        vec![secs(7), secs(17), secs(27), secs(37), secs(47)]
    );
}

#[test]
fn offline_waits_for_the_network() {
    let s = Scenario::new("offline")
        .at(secs(2), Event::SwitchedOut)
        .at(ms(7_500), Event::Offline)
        .pays(secs(20), reserved(20_000))
        .at(secs(30), Event::Online);
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(starts(&r), vec![secs(7), secs(30)]);
    assert!(r.notifications.iter().any(|p| p.phase == Phase::Offline));
}

#[test]
fn long_poll_is_spaced_from_the_start_of_the_request() {
    let mut s = long_poll_backend();
    let r = run(&s);
    assert!(r.is_success());
    // The probe (7 → 9.08 s), then held 25 s each (9.08 → 34.16 → 59.24 →
    // 84.32 s), then answered at the change.
    assert_eq!(
        starts(&r),
        vec![secs(7), ms(9_080), ms(34_160), ms(59_240), ms(84_320)]
    );
    assert_eq!(r.requests[0].long_poll_wait, Some(secs(2)));
    assert!(
        r.requests[1..]
            .iter()
            .all(|q| q.long_poll_wait == Some(secs(25)) && q.read_timeout == secs(30))
    );
    assert_eq!(r.settled_at, Some(at(ms(95_080))));

    // A backend without long poll answers at once: still every 2 s, not
    // faster, and no request after the two probes asks for a hold or has
    // more than the plain read timeout.
    s.backend.long_poll = false;
    let r = run(&s);
    assert!(r.is_success());
    assert!(starts(&r).windows(2).all(|w| w[1] - w[0] >= secs(2)));
    assert_eq!(r.requests(), 45);
    assert!(r.requests[2..].iter().all(|q| q.long_poll_wait.is_none()));
    assert!(r.requests.iter().all(|q| q.read_timeout == secs(5)));
}

#[test]
fn a_final_status_is_not_held() {
    // Paid before the first poll: the backend answers the probe at once.
    let s = Scenario::new("paid early")
        .holding()
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(3), reserved(20_000));
    let r = run(&s);
    assert_eq!(starts(&r), vec![secs(7)]);
    assert_eq!(r.settled_at, Some(at(ms(7_080))));
}

#[test]
fn a_dead_long_poll_does_not_keep_a_returning_shopper_waiting() {
    // The long poll of 9.08 s never answers (a dead connection). The
    // shopper is back at 25 s; the backend learns of the payment at 28 s.
    let s = dead_long_poll_then_return();
    let r = run(&s);
    assert!(r.is_success());
    // At once on return a short request (pending), then a fresh long poll,
    // answered at the change — not after the dead one's 31 s of timeouts.
    assert_eq!(starts(&r), vec![secs(7), ms(9_080), secs(25), ms(25_080)]);
    assert_eq!(r.requests[2].reason, FetchReason::Return);
    assert_eq!(r.requests[2].read_timeout, secs(5));
    assert_eq!(r.settled_at, Some(at(ms(28_080))));

    // Known at the backend when the shopper is back: the truth within the
    // short request's timeouts.
    let mut s = dead_long_poll_then_return();
    s.backend.lag = secs(0);
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(starts(&r), vec![secs(7), ms(9_080), secs(25)]);
    assert_eq!(r.settled_at, Some(at(ms(25_080))));
    assert!(
        r.settled_at.unwrap() <= at(secs(25) + s.policy.connect_timeout + s.policy.read_timeout)
    );
}

#[test]
fn a_return_right_after_a_completed_poll_is_checked_at_once() {
    let s = return_after_completed_poll();
    let r = run(&s);
    assert!(r.is_success());
    // The poll of 21 s came back at 21.08 s; the shopper is back at 21.3 s:
    // asked at once, not at the next poll (23 s).
    let t = starts(&r);
    assert_eq!(&t[t.len() - 2..], &[secs(21), ms(21_300)]);
    assert_eq!(r.requests.last().unwrap().reason, FetchReason::Return);
    assert_eq!(r.settled_at, Some(at(ms(21_380))));
}

#[test]
fn what_was_learned_about_the_backend_survives_a_restart() {
    // Killed at 20 s while a long poll is in flight, back at 30 s: the check
    // on restore, then the whole wait at once — no probe again.
    let s = long_poll_backend().kill(secs(20), secs(10));
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(
        starts(&r),
        vec![
            secs(7),
            ms(9_080),
            secs(30),
            ms(30_080),
            ms(55_160),
            ms(80_240)
        ]
    );
    assert_eq!(r.requests[2].reason, FetchReason::Return);
    assert!(
        r.requests[3..]
            .iter()
            .all(|q| q.long_poll_wait == Some(secs(25)))
    );
    // A backend that does not hold: plain polls after the restore.
    let s = long_poll_backend().plain().kill(secs(20), secs(10));
    let r = run(&s);
    assert!(r.is_success());
    let after: Vec<_> = r.requests.iter().filter(|q| q.at >= at(secs(30))).collect();
    assert!(after.len() > 10);
    assert!(
        after
            .iter()
            .all(|q| q.long_poll_wait.is_none() && q.read_timeout == secs(5))
    );
}

#[test]
fn return_storms_keep_the_rate_cap() {
    for holds in [true, false] {
        for cap in [120, 7] {
            let mut s = Scenario::new("return storm")
                .at(secs(2), Event::SwitchedOut)
                .pays(secs(300), reserved(20_000));
            s.backend.long_poll = holds;
            s.policy.rate_cap = cap;
            s.backend.latency = ms(30);
            // A return every 100 ms for four minutes.
            for i in 0..2_400 {
                s = s.at(secs(3) + ms(100 * i), Event::Returned);
            }
            let r = run(&s);
            assert!(r.is_success(), "{holds} {cap}");
            assert!(
                r.max_in_window < cap as usize,
                "{holds} {cap}: {}",
                r.max_in_window
            );
            // The storm does fill the window: the cap, not luck, holds it.
            assert!(
                r.max_in_window >= (cap as usize - 1).min(30),
                "{holds} {cap}: {}",
                r.max_in_window
            );
        }
    }
}

#[test]
fn too_many_unreadable_answers_give_up() {
    for kind in [FaultKind::Malformed, FaultKind::NotFound] {
        let s = Scenario::new("garbage")
            .at(secs(2), Event::SwitchedOut)
            .fault(secs(5), secs(10_000), kind);
        let r = run(&s);
        assert!(r.is_unknown(UnknownReason::TooManyErrors), "{kind:?}");
        assert_eq!(r.requests(), 10, "{kind:?}");
    }
}

#[test]
fn restored_after_the_deadline_checks_once() {
    for (pays, expect_success) in [(Some(secs(100)), true), (None, false)] {
        let mut s = Scenario::new("restored late")
            .at(secs(2), Event::SwitchedOut)
            .kill(secs(10), secs(15 * 60));
        if let Some(p) = pays {
            s = s.pays(p, reserved(20_000));
        }
        let r = run(&s);
        assert_eq!(r.is_success(), expect_success);
        if !expect_success {
            assert!(r.is_unknown(UnknownReason::DeadlinePassed));
        }
        assert_eq!(r.count(FetchReason::FinalCheck), 1);
        assert_eq!(r.requests(), 3, "7 s, 9 s, and the final check");
    }
}

#[test]
fn deeplink_expiry_without_a_switch_checks_once() {
    // Paid on another device (the landing page); this page never saw the
    // switch.
    let s = Scenario::new("no switch").pays(secs(100), reserved(20_000));
    let r = run(&s);
    assert!(r.is_success());
    assert_eq!(r.requests(), 1);
    assert_eq!(r.count(FetchReason::DeeplinkExpired), 1);
    assert_eq!(r.settled_at, Some(at(ms(300_080))));
}

#[test]
fn flutterwave_long_request_pings_then_verifies_once() {
    let reason = "Sorry that account number is invalid. Please check and try again";
    let mut s = Scenario::new("flutterwave")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(30), failed(reason));
    s.backend.flutterwave = Some(FlutterwaveScript {
        long_request_until: secs(30),
        wait: ms(7468),
        completes_at: secs(30),
        response: format!(
            r#"{{"code":"FLW_ERR","message":"{reason}","err_tx":{{"id":83146,"chargeResponseCode":"RR","chargeResponseMessage":"{reason}","status":"failed","charged_amount":"330.07"}},"is_err":1}}"#
        ),
    });
    let r = run(&s);
    assert_eq!(
        r.outcome,
        Some(Outcome::Failed {
            reason: reason.into()
        })
    );
    let t = starts(&r);
    // The poll at 7 s gets LONG-REQ (at 7.08 s); the advised 7.468 s wait;
    // pings every 2 s from 14.548 s until one sees "completed" (30.548 s);
    // then one re-query of the status URL.
    assert_eq!(r.count(FetchReason::Poll), 1);
    assert_eq!(t[1], ms(14_548));
    assert_eq!(r.requests.iter().filter(|q| q.to_ping).count(), 9);
    assert_eq!(r.count(FetchReason::Verify), 1);
    assert_eq!(r.requests(), 11, "{t:?}");
    assert!(
        r.notifications
            .iter()
            .any(|p| p.phase == Phase::LongRequest)
    );
    assert!(r.notifications.iter().any(|p| p.phase == Phase::Verifying));
}

#[test]
fn flutterwave_success_is_only_reported_after_the_verification() {
    let mut s = Scenario::new("flutterwave ok")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(20), captured(450_000));
    s.backend.flutterwave = Some(FlutterwaveScript {
        long_request_until: secs(20),
        wait: secs(1),
        completes_at: secs(20),
        response:
            r#"{"tx":{"status":"successful","chargeResponseCode":"00","charged_amount":4500.00}}"#
                .into(),
    });
    let r = run(&s);
    assert!(r.is_success());
    let last = r.requests.last().unwrap();
    assert_eq!(last.reason, FetchReason::Verify);
    assert!(!last.to_ping);
    // The ping's answer was known (and shown) before: the UI saw the
    // captured status while verifying, and only then the outcome.
    assert!(
        r.notifications
            .iter()
            .any(|p| p.phase == Phase::Verifying && p.state.is_success())
    );
}

#[test]
fn recurring_processing_then_charged() {
    let mut s = Scenario::new("recurring")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(40), captured(19_900));
    s.backend.format = Format::RecurringCharge;
    let r = run(&s);
    // While PROCESSING (with a failed attempt's `failureReason`) nothing is
    // final; CHARGED is.
    assert!(
        matches!(&r.outcome, Some(Outcome::Success { status }) if status.state() == PaymentState::Captured { full: true })
    );
    assert_eq!(r.requests(), 18, "7, 9, …, 41 s");

    let mut f = Scenario::new("recurring failed")
        .at(secs(2), Event::SwitchedOut)
        .pays(secs(40), failed("insufficient_funds"));
    f.backend.format = Format::RecurringCharge;
    let r = run(&f);
    assert_eq!(
        r.outcome,
        Some(Outcome::Failed {
            reason: "insufficient_funds".into()
        })
    );
}

#[test]
fn stop_settles_unknown() {
    let s = Scenario::new("stopped")
        .at(secs(2), Event::SwitchedOut)
        .at(secs(10), Event::Stop);
    let r = run(&s);
    assert!(r.is_unknown(UnknownReason::Stopped));
    assert_eq!(r.requests(), 2, "7 and 9 s; 11 s would be next");
}

#[test]
fn the_standard_set_runs_clean_and_never_costs_more_than_the_baseline_in_requests() {
    for s in standard_set() {
        let r = run(&s);
        let naive = drive_naive(&s);
        assert!(
            naive.problems.is_empty(),
            "{}: {:?}",
            s.name,
            naive.problems
        );
        assert!(
            r.requests() <= naive.requests() + 1,
            "{}: {} vs {}",
            s.name,
            r.requests(),
            naive.requests()
        );
    }
}
