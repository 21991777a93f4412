//! The stored form of the pending store: what is written reads back
//! exactly, every other version reads as empty, a damaged store is an
//! error naming the field — never a panic.

use proptest::collection::{btree_set, vec};
use proptest::option::of;
use proptest::prelude::*;

use core::time::Duration;

use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::shopper::deeplink::{Deadlines, Deeplink, Environment, LinkKind};
use crate::shopper::pending::{PendingError, PendingPayment, PendingStore};
use crate::shopper::tracker::Ping;
use crate::shopper::tracker::{
    BackoffPolicy, HiddenPolling, LongPollSupport, Outcome, Policy, Snapshot, TrackerConfig,
    UnknownReason,
};
use crate::shopper::url::{AttemptNonce, ExpectedReturn, ReturnExpectation};
use crate::status::{CancelledBy, FailedOperation, PaymentStatus};

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,12}", "[\"\\\\\u{0}-\u{1f}a-z]{0,6}"]
}

fn time() -> impl Strategy<Value = Timestamp> {
    any::<u64>().prop_map(Timestamp::from_millis)
}

fn span() -> impl Strategy<Value = Duration> {
    any::<u64>().prop_map(Duration::from_millis)
}

fn amount() -> impl Strategy<Value = Amount> {
    any::<u64>().prop_map(Amount::from_minor)
}

fn pick<T: Copy + core::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all.to_vec())
}

const CANCELLED_BY: [CancelledBy; 2] = CancelledBy::ALL;
const UNKNOWN_REASONS: [UnknownReason; 4] = [
    UnknownReason::DeadlinePassed,
    UnknownReason::BackendUnreachable,
    UnknownReason::TooManyErrors,
    UnknownReason::Stopped,
];
const LONG_POLL_SUPPORT: [LongPollSupport; 3] = [
    LongPollSupport::Unknown,
    LongPollSupport::Holds,
    LongPollSupport::DoesNotHold,
];
const LINK_KINDS: [LinkKind; 2] = [LinkKind::LandingPage, LinkKind::App];
const ENVIRONMENTS: [Environment; 4] = [
    Environment::Production,
    Environment::Test,
    Environment::Local,
    Environment::Unrecognised,
];

fn status() -> impl Strategy<Value = PaymentStatus> {
    (
        (of(amount()), of(amount()), of(amount())),
        of(pick(&CANCELLED_BY)),
        any::<bool>(),
        btree_set(text(), 0..3),
        btree_set(
            (text(), amount(), of(time()), of(text())).prop_map(
                |(operation, amount, at, transaction_id)| FailedOperation {
                    operation,
                    amount,
                    at,
                    transaction_id,
                },
            ),
            0..3,
        ),
        (of(time()), of(time())),
    )
        .prop_map(
            |(
                (reserved, captured, refunded),
                cancelled,
                rejected,
                failures,
                failed_operations,
                (updated_at, captured_at),
            )| {
                PaymentStatus {
                    reserved,
                    captured,
                    refunded,
                    cancelled,
                    rejected,
                    failures: failures.into_iter().collect(),
                    failed_operations: failed_operations.into_iter().collect(),
                    updated_at,
                    captured_at,
                }
            },
        )
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        status().prop_map(|status| Outcome::Success { status }),
        pick(&CANCELLED_BY).prop_map(|by| Outcome::Cancelled { by }),
        Just(Outcome::Rejected),
        text().prop_map(|reason| Outcome::Failed { reason }),
        pick(&UNKNOWN_REASONS).prop_map(|reason| Outcome::Unknown { reason }),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        (span(), span(), of(span()), span(), span(), of(span())),
        (any::<u32>(), span(), span(), span()),
        (span(), span(), span(), span(), any::<u32>()),
    )
        .prop_map(|(a, b, c)| Policy {
            first_poll_after: a.0,
            poll_interval: a.1,
            while_hidden: a
                .2
                .map_or(HiddenPolling::Pause, |interval| HiddenPolling::Every {
                    interval,
                }),
            connect_timeout: a.3,
            read_timeout: a.4,
            long_poll: a.5,
            rate_cap: b.0,
            rate_window: b.1,
            backoff: BackoffPolicy {
                base: b.2,
                max: b.3,
            },
            deeplink_validity: c.0,
            payment_window: c.1,
            grace: c.2,
            return_debounce: c.3,
            max_bad_answers: c.4,
        })
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (
        (
            any::<u32>(),
            (text(), text(), time(), policy(), any::<u64>()),
            status(),
        ),
        (
            of(time()),
            any::<bool>(),
            of(time()),
            any::<u64>(),
            vec(time(), 0..4),
        ),
        (
            any::<u32>(),
            of(time()),
            of(time()),
            any::<u64>(),
            any::<u32>(),
        ),
        (
            of((text(), time())),
            any::<bool>(),
            any::<bool>(),
            of(outcome()),
            of(time()),
            pick(&LONG_POLL_SUPPORT),
            any::<u32>(),
        ),
    )
        .prop_map(|(a, b, c, d)| Snapshot {
            version: a.0,
            config: TrackerConfig {
                order_id: a.1.0,
                status_url: a.1.1,
                initiated_at: a.1.2,
                policy: a.1.3,
                jitter_seed: a.1.4,
            },
            status: a.2,
            switched_out_at: b.0,
            deeplink_checked: b.1,
            last_fetch_started: b.2,
            next_request_id: b.3,
            rate_window: b.4,
            backoff_failures: c.0,
            backoff_until: c.1,
            retry_after_until: c.2,
            jitter_state: c.3,
            bad_answers: c.4,
            ping: d.0.map(|(url, not_before)| Ping { url, not_before }),
            verify_pending: d.1,
            final_check: d.2,
            outcome: d.3,
            last_poll_started: d.4,
            long_poll_support: d.5,
            quick_answers: d.6,
        })
}

fn target() -> impl Strategy<Value = ExpectedReturn> {
    prop_oneof![
        (text(), text(), any::<u16>(), text()).prop_map(|(scheme, host, port, path)| {
            ExpectedReturn::Web {
                scheme,
                host,
                port,
                path,
            }
        }),
        (text(), of(text()), text()).prop_map(|(scheme, host, path)| ExpectedReturn::App {
            scheme,
            host,
            path
        }),
        Just(ExpectedReturn::AndroidIntent),
    ]
}

fn payment() -> impl Strategy<Value = PendingPayment> {
    (
        text(),
        // A payment resumed from its return URL has no deeplink.
        proptest::option::of((
            text(),
            pick(&LINK_KINDS),
            pick(&ENVIRONMENTS),
            time(),
            time(),
            time(),
        )),
        (text(), any::<[u8; 16]>(), target()),
        snapshot(),
        time(),
    )
        .prop_map(|(order_id, d, e, tracker, saved_at)| PendingPayment {
            order_id,
            deeplink: d.map(|d| Deeplink {
                url: d.0,
                kind: d.1,
                environment: d.2,
                deadlines: Deadlines {
                    received_at: d.3,
                    link_valid_until: d.4,
                    payment_deadline: d.5,
                },
            }),
            expectation: ReturnExpectation {
                order_id: e.0,
                nonce: AttemptNonce::from_random(e.1),
                target: e.2,
            },
            tracker,
            saved_at,
        })
}

fn store(payments: Vec<PendingPayment>) -> PendingStore {
    PendingStore {
        version: crate::shopper::pending::PENDING_VERSION,
        payments,
    }
}

proptest! {
    #[test]
    fn every_store_reads_back_as_it_was_written(payments in vec(payment(), 0..3)) {
        let store = store(payments);
        let text = store.to_json();
        prop_assert_eq!(PendingStore::from_json(&text), Ok(store.clone()));
        // It is JSON, and nothing else follows it.
        prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }

    #[test]
    fn a_snapshot_alone_reads_back(s in snapshot()) {
        prop_assert_eq!(Snapshot::from_json(&s.to_json()), Ok(s));
    }

    #[test]
    fn a_damaged_store_is_an_error_never_a_panic(p in payment(), cut in any::<proptest::sample::Index>(), byte in any::<u8>()) {
        let text = store(vec![p]).to_json();
        let at = cut.index(text.len());
        if text.is_char_boundary(at) {
            let _ = PendingStore::from_json(&text[..at]);
            let mut changed = text.clone().into_bytes();
            changed[at] = byte;
            if let Ok(changed) = String::from_utf8(changed) {
                let _ = PendingStore::from_json(&changed);
            }
        }
    }

    #[test]
    fn any_text_is_an_error_or_a_store(s in "\\PC{0,60}") {
        let _ = PendingStore::from_json(&s);
        let _ = Snapshot::from_json(&s);
    }
}

#[test]
fn the_stored_form_is_versioned_json() {
    let text = store(vec![]).to_json();
    assert_eq!(text, r#"{"version":3,"payments":[]}"#);
    // Unknown members are skipped (a later minor addition), wherever they
    // are; the version is read first, whatever its place.
    assert_eq!(
        PendingStore::from_json(r#"{"note":{"a":[1]},"payments":[],"version":3}"#),
        Ok(store(vec![]))
    );
    assert_eq!(
        PendingStore::from_json(r#"{"version":3}"#),
        Ok(store(vec![]))
    );
}

#[test]
fn an_older_store_is_refused_by_its_version_and_reads_as_empty() {
    // What the previous versions of this crate wrote: serde's JSON of the
    // old types (1), and a positional form (2).
    let v1 = r#"{"version":1,"payments":[{"orderId":"o-1","deeplink":{"url":"https://x"}}]}"#;
    let v2 = r#"{"version":2,"payments":[["o-1",["https://x","landingPage"]]]}"#;
    for (text, found) in [(v1, 1), (v2, 2)] {
        assert_eq!(
            PendingStore::from_json(text),
            Err(PendingError::UnsupportedVersion {
                found,
                supported: 3
            })
        );
        assert_eq!(
            PendingStore::from_stored(Some(text)),
            PendingStore::default()
        );
    }
}

#[test]
fn errors_say_what_is_wrong_and_where() {
    let e = PendingStore::from_json(r#"{"version":3,"payments":[{"orderId":"o-1"}]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the stored pending payments (`appswitch.pending`) cannot be read: `payments[0]`: missing field `expectation`"
    );
    let e = PendingStore::from_json(r#"{"version":"3"}"#).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("`version`: invalid type: string \"3\", expected u32"),
        "{e}"
    );
    let e = PendingStore::from_json(r#"{"payments":[]}"#).unwrap_err();
    assert!(e.to_string().ends_with("missing field `version`"), "{e}");
    let e = PendingStore::from_json(r#"{"version":3,"payments":[1,"#).unwrap_err();
    assert!(
        matches!(e, PendingError::Corrupt(ref m) if m.starts_with("not JSON")),
        "{e}"
    );
}

#[test]
fn a_damaged_snapshot_is_an_error_naming_the_field() {
    let e = Snapshot::from_json(r#"{"version":3}"#).unwrap_err();
    assert_eq!(e.to_string(), "missing field `config`");
    assert!(
        Snapshot::from_json("")
            .unwrap_err()
            .message
            .starts_with("not JSON")
    );
}
