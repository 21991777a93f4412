//! The guard at the schemes' limits, with a fake clock.

use core::time::Duration;

use proptest::prelude::*;

use super::*;

const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);
const HOUR: Duration = Duration::from_secs(3600);

fn key(agreement: &str) -> CardKey {
    CardKey::new("card_tok_8c1e", agreement).unwrap()
}

fn guard() -> CardGuard {
    CardGuard::with_policy(GuardPolicy::schemes()).unwrap()
}

/// `n` failed attempts through begin/finish, one a minute from `from`.
fn fail(g: &mut CardGuard, k: &CardKey, scheme: CardScheme, n: u64, from: Timestamp) {
    for i in 0..n {
        let at = from + Duration::from_secs(60 * i);
        let t = g
            .begin(k, scheme, at)
            .unwrap_or_else(|r| panic!("failure {i}: {r}"));
        g.finish(t, AttemptResult::Failed, at);
    }
}

#[test]
fn mastercard_the_attempt_that_would_reach_10_failures_in_24_hours_is_refused() {
    let k = key("a-1");
    let mut g = guard();
    fail(&mut g, &k, CardScheme::Mastercard, 8, T0);
    let now = T0 + HOUR;
    assert_eq!(
        g.check(&k, CardScheme::Mastercard, now),
        Ok(()),
        "a 9th attempt is allowed"
    );
    fail(&mut g, &k, CardScheme::Mastercard, 1, now);
    let refusal = g.check(&k, CardScheme::Mastercard, now).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::ExcessiveReattempts {
            scheme: CardScheme::Mastercard,
            counted: 9,
            limit: 10,
            window: HOUR * 24,
            retry_at: T0 + HOUR * 24,
        }
    );
    assert!(refusal.to_string().contains("retry from"), "{refusal}");
    assert!(g.begin(&k, CardScheme::Mastercard, now).is_err());
    // The first failure leaves the window: one more attempt.
    let later = T0 + HOUR * 24;
    assert_eq!(
        g.check(
            &k,
            CardScheme::Mastercard,
            later.saturating_sub(Duration::from_millis(1))
        ),
        Err(refusal)
    );
    assert_eq!(g.check(&k, CardScheme::Mastercard, later), Ok(()));
    // Another agreement: another quota.
    assert_eq!(g.check(&key("a-2"), CardScheme::Mastercard, now), Ok(()));
}

#[test]
fn visa_the_attempt_that_would_reach_15_failures_in_30_days_is_refused() {
    let k = key("a-1");
    let mut g = guard();
    // One failure a day: all within 30 days.
    for day in 0..13u32 {
        let at = T0 + HOUR * 24 * day;
        let t = g.begin(&k, CardScheme::Visa, at).unwrap();
        g.finish(t, AttemptResult::Failed, at);
    }
    let now = T0 + HOUR * 24 * 13;
    assert_eq!(
        g.check(&k, CardScheme::Visa, now),
        Ok(()),
        "a 14th attempt is allowed"
    );
    fail(&mut g, &k, CardScheme::Visa, 1, now);
    let r = g.check(&k, CardScheme::Visa, now).unwrap_err();
    assert_eq!(r.retry_at(), Some(T0 + HOUR * 24 * 30));
    assert!(matches!(
        r,
        Refusal::ExcessiveReattempts {
            counted: 14,
            limit: 15,
            ..
        }
    ));
    // Window expiry: the first failure leaves the 30 days.
    assert_eq!(g.check(&k, CardScheme::Visa, T0 + HOUR * 24 * 30), Ok(()));
}

#[test]
fn a_success_resets_the_quota() {
    let k = key("a-1");
    let mut g = guard();
    fail(&mut g, &k, CardScheme::Mastercard, 9, T0);
    let now = T0 + HOUR;
    assert!(g.check(&k, CardScheme::Mastercard, now).is_err());
    g.record(&k, AttemptResult::Succeeded, now);
    fail(&mut g, &k, CardScheme::Mastercard, 9, now);
    assert!(g.check(&k, CardScheme::Mastercard, now + HOUR).is_err());
}

#[test]
fn do_not_retry_blocks_for_good() {
    let k = key("a-1");
    let mut g = guard();
    let t = g.begin(&k, CardScheme::Visa, T0).unwrap();
    let code = "payex:errorCode:DO_NOT_RETRY".to_string();
    g.finish(t, AttemptResult::DoNotRetry { code: code.clone() }, T0);
    let r = g
        .check(&k, CardScheme::Visa, T0 + HOUR * 24 * 365)
        .unwrap_err();
    assert_eq!(r, Refusal::DoNotRetry { since: T0, code });
    assert_eq!(r.retry_at(), None);
    // Also for schemes without a quota.
    assert!(g.check(&k, CardScheme::Other, T0).is_err());
    g.prune(T0 + HOUR * 24 * 365);
    assert!(
        g.check(&k, CardScheme::Visa, T0 + HOUR * 24 * 365).is_err(),
        "pruning keeps blocks"
    );
    // A success proves the card is not blocked.
    g.record(&k, AttemptResult::Succeeded, T0 + HOUR);
    assert_eq!(g.check(&k, CardScheme::Visa, T0 + HOUR), Ok(()));
}

#[test]
fn unfinished_attempts_count_until_finished() {
    let k = key("a-1");
    let mut g = guard();
    let tickets: Vec<AttemptTicket> = (0..9)
        .map(|_| g.begin(&k, CardScheme::Mastercard, T0).unwrap())
        .collect();
    assert!(
        g.begin(&k, CardScheme::Mastercard, T0).is_err(),
        "9 in flight"
    );
    let mut it = tickets.into_iter();
    g.finish(it.next().unwrap(), AttemptResult::NotAttempted, T0);
    assert!(g.begin(&k, CardScheme::Mastercard, T0).is_ok());
    // Finished as failures, they go on counting.
    for t in it {
        g.finish(t, AttemptResult::Failed, T0);
    }
    assert!(g.check(&k, CardScheme::Mastercard, T0).is_err());
}

#[test]
fn other_schemes_have_no_quota_unless_configured() {
    let k = key("a-1");
    let mut g = guard();
    fail(&mut g, &k, CardScheme::Other, 50, T0);
    let mut policy = GuardPolicy::schemes();
    policy.other = Some(SchemeLimit {
        failures: 3,
        window: HOUR,
    });
    let mut g = CardGuard::with_policy(policy).unwrap();
    fail(&mut g, &k, CardScheme::Other, 2, T0);
    assert!(
        g.check(&k, CardScheme::Other, T0 + Duration::from_secs(120))
            .is_err()
    );
    policy.other = Some(SchemeLimit {
        failures: 1,
        window: HOUR,
    });
    assert_eq!(
        CardGuard::with_policy(policy).unwrap_err(),
        GuardPolicyError::TooFewFailures { scheme: "other" }
    );
}

#[test]
fn prune_forgets_only_what_no_longer_counts() {
    let mut g = guard();
    fail(&mut g, &key("a-1"), CardScheme::Mastercard, 3, T0);
    fail(
        &mut g,
        &key("a-2"),
        CardScheme::Visa,
        3,
        T0 + HOUR * 24 * 20,
    );
    g.prune(T0 + HOUR * 24 * 31);
    assert_eq!(
        g.len(),
        1,
        "the Mastercard failures are older than the longest window"
    );
    g.prune(T0 + HOUR * 24 * 60);
    assert!(g.is_empty());
}

#[test]
fn the_state_round_trips_through_json_without_card_data() {
    let k = key("a-1");
    let mut g = guard();
    fail(&mut g, &k, CardScheme::Mastercard, 9, T0);
    let json = serde_json::to_string(&g).unwrap();
    assert!(json.contains("\"fingerprint\":\"card_tok_8c1e\""), "{json}");
    let back: CardGuard = serde_json::from_str(&json).unwrap();
    assert_eq!(back, g);
    assert!(back.check(&k, CardScheme::Mastercard, T0 + HOUR).is_err());
    // A stored card number is refused on the way in, too.
    let tampered = json.replace("card_tok_8c1e", "5555555555554444");
    assert!(serde_json::from_str::<CardGuard>(&tampered).is_err());
}

#[test]
fn a_dintero_failed_transaction_feeds_the_guard() {
    use crate::providers::dintero::{PayAnswer, TransactionOutcome};

    let k = key("a-1");
    let mut g = guard();
    let t = g.begin(&k, CardScheme::Mastercard, T0).unwrap();
    let body = r#"{"id": "T2", "status": "FAILED", "events": [{"event": "AUTHORIZE", "success": false,
        "error": {"type": "DO_NOT_RETRY", "code": "payex:errorCode:DO_NOT_RETRY", "result_code": "14"}}]}"#;
    let PayAnswer::Transaction(tx) = PayAnswer::from_http(200, body) else {
        panic!()
    };
    let TransactionOutcome::Failed(failure) = tx.outcome() else {
        panic!()
    };
    g.finish(t, failure.attempt_result(), T0);
    assert!(matches!(
        g.check(&k, CardScheme::Mastercard, T0),
        Err(Refusal::DoNotRetry { .. })
    ));
}

#[derive(Clone, Debug)]
enum Step {
    Wait(u64),
    Attempt(u8),
    OutsideSuccess,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0u64..6 * 3600).prop_map(Step::Wait),
        8 => (0u8..20).prop_map(Step::Attempt),
        1 => Just(Step::OutsideSuccess),
    ]
}

proptest! {
    /// For random attempts, results and waits, a Mastercard never collects
    /// its 10th failure within 24 hours (since the last success), and a
    /// refusal's `retry_at` is when the guard allows again.
    #[test]
    fn the_guard_never_lets_a_mastercard_reach_10_failures_in_24_hours(
        steps in proptest::collection::vec(step(), 1..200),
    ) {
        let k = key("a-1");
        let mut g = guard();
        let mut now = T0;
        let mut failures: Vec<Timestamp> = Vec::new();
        let day = HOUR * 24;
        for s in steps {
            match s {
                Step::Wait(secs) => now = now + Duration::from_secs(secs),
                Step::OutsideSuccess => {
                    g.record(&k, AttemptResult::Succeeded, now);
                    failures.clear();
                }
                Step::Attempt(roll) => match g.begin(&k, CardScheme::Mastercard, now) {
                    Ok(t) => {
                        let result = match roll {
                            0 => AttemptResult::Succeeded,
                            1 => AttemptResult::NotAttempted,
                            _ => AttemptResult::Failed,
                        };
                        match result {
                            AttemptResult::Succeeded => failures.clear(),
                            AttemptResult::Failed => failures.push(now),
                            AttemptResult::NotAttempted | AttemptResult::DoNotRetry { .. } => {}
                        }
                        g.finish(t, result, now);
                        let in_day = failures.iter().filter(|f| f.saturating_add(day) > now).count();
                        prop_assert!(in_day < 10, "{} failures within 24 hours", in_day);
                    }
                    Err(refusal) => {
                        let at = refusal.retry_at().unwrap();
                        prop_assert!(at > now);
                        prop_assert!(g.check(&k, CardScheme::Mastercard, at).is_ok());
                        prop_assert!(g.check(&k, CardScheme::Mastercard, at.saturating_sub(Duration::from_millis(1))).is_err());
                    }
                },
            }
        }
    }
}
