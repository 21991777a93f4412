use super::*;
use crate::shopper::platform::Platform;
use crate::shopper::tracker::TrackerConfig;
use crate::shopper::url::{AttemptNonce, Fallback, FallbackSpec, FallbackTarget};

const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);
const LANDING: &str =
    "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x";

fn fallback(order: &str, nonce: u8) -> Fallback {
    FallbackSpec::new(
        Platform::MobileWeb,
        FallbackTarget::Web {
            base: "https://shop.example.no/return".into(),
        },
        order,
    )
    .build(AttemptNonce::from_random([nonce; 16]))
    .unwrap()
}

fn pending(order: &str, nonce: u8, at: Timestamp) -> (PendingPayment, Fallback) {
    let fb = fallback(order, nonce);
    let config = TrackerConfig::new(
        order,
        format!("https://shop.example.no/status/{order}"),
        at,
        1,
    );
    let tracker = Tracker::new(config).unwrap();
    let deeplink = Deeplink::classify(LANDING, at).unwrap();
    (
        PendingPayment::new(&tracker, deeplink, fb.expectation.clone(), at).unwrap(),
        fb,
    )
}

#[test]
fn refuses_a_tracker_and_expectation_of_different_orders() {
    let (p, _) = pending("order-a", 1, T0);
    let other = fallback("order-b", 1);
    let tracker = p.restore(T0).unwrap();
    let deeplink = Deeplink::classify(LANDING, T0).unwrap();
    let mismatch = PendingError::OrderMismatch {
        tracker: "order-a".into(),
        expectation: "order-b".into(),
    };
    let e = PendingPayment::new(&tracker, deeplink, other.expectation.clone(), T0).unwrap_err();
    assert_eq!(e, mismatch);
    // The same rule for a payment resumed from its return URL.
    let e = PendingPayment::returned(&tracker, other.expectation, T0).unwrap_err();
    assert_eq!(e, mismatch);
}

#[test]
fn round_trips_through_json_and_holds_nothing_secret() {
    let (p, _) = pending("order-a", 1, T0);
    let mut store = PendingStore::default();
    store.put(p.clone());
    let json = store.to_json();
    for secret in [
        "client_secret",
        "subscription",
        "access_token",
        "authToken",
        "Ocp-Apim",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    let back = PendingStore::from_json(&json).unwrap();
    assert_eq!(back.get("order-a"), Some(&p));
    assert_eq!(
        PendingStore::from_json("").unwrap(),
        PendingStore::default()
    );
}

#[test]
fn unreadable_or_newer_stores_are_refused_by_name_and_read_as_empty() {
    assert!(matches!(
        PendingStore::from_json("{nope"),
        Err(PendingError::Corrupt(_))
    ));
    let newer = r#"{"version": 99, "payments": []}"#;
    assert_eq!(
        PendingStore::from_json(newer),
        Err(PendingError::UnsupportedVersion {
            found: 99,
            supported: PENDING_VERSION
        })
    );
    assert_eq!(
        PendingStore::from_stored(Some(newer)),
        PendingStore::default()
    );
    assert_eq!(PendingStore::from_stored(None), PendingStore::default());
}

#[test]
fn keeps_one_entry_per_order_and_at_most_max_pending() {
    let mut store = PendingStore::default();
    for i in 0..(MAX_PENDING + 3) {
        store.put(pending(&format!("order-{i}"), 1, T0).0);
    }
    store.put(pending("order-5", 2, T0).0);
    assert_eq!(store.payments().len(), MAX_PENDING);
    assert!(store.get("order-0").is_none(), "the oldest went first");
    assert_eq!(
        store.payments().last().map(|p| p.order_id.as_str()),
        Some("order-5")
    );
    assert!(store.remove("order-5").is_some());
    assert!(store.get("order-5").is_none());
}

#[test]
fn expires_an_hour_after_the_trackers_deadline() {
    let (p, _) = pending("order-a", 1, T0);
    let deadline = p.tracker.deadline();
    assert!(!p.is_expired(deadline + KEEP_AFTER_DEADLINE));
    assert!(p.is_expired(deadline + KEEP_AFTER_DEADLINE + Duration::from_millis(1)));
    let mut store = PendingStore::default();
    store.put(p);
    assert_eq!(store.prune(deadline), 0);
    assert_eq!(
        store.prune(deadline + KEEP_AFTER_DEADLINE + Duration::from_secs(1)),
        1
    );
    assert!(store.latest_unsettled(T0).is_none());
}

#[test]
fn matches_the_return_to_its_attempt_and_ignores_the_providers_status() {
    let (a, fa) = pending("order-a", 1, T0);
    let (b, fb) = pending("order-b", 2, T0);
    let mut store = PendingStore::default();
    store.put(a);
    store.put(b);
    for url in [format!("{}&status=301", fa.url), fa.url.clone()] {
        let (p, returned) = store.match_return(&url, T0).unwrap();
        assert_eq!(
            (p.order_id.as_str(), returned.order_id.as_str()),
            ("order-a", "order-a")
        );
    }
    assert_eq!(
        store.match_return(&fb.url, T0).unwrap().0.order_id,
        "order-b"
    );
    assert_eq!(
        store.latest_unsettled(T0).map(|p| p.order_id.as_str()),
        Some("order-b")
    );
}

#[test]
fn a_stale_or_forged_return_is_refused_with_the_reason() {
    let (a, _) = pending("order-a", 1, T0);
    let mut store = PendingStore::default();
    assert_eq!(
        store
            .match_return("https://shop.example.no/return?orderId=order-a", T0)
            .unwrap_err(),
        ResumeError::NothingPending
    );
    store.put(a);
    // The same order, another attempt's nonce: a stale link.
    let stale = fallback("order-a", 9).url;
    assert_eq!(
        store.match_return(&stale, T0).unwrap_err(),
        ResumeError::NotThisAttempt {
            order_id: "order-a".into(),
            error: ReturnError::NonceMismatch
        }
    );
    // An order that is not pending here.
    let unknown = fallback("order-z", 1).url;
    assert_eq!(
        store.match_return(&unknown, T0).unwrap_err(),
        ResumeError::UnknownOrder {
            found: Some("order-z".into())
        }
    );
    // Another page altogether, with one attempt pending: say what is wrong.
    assert!(matches!(
        store.match_return("https://evil.example.no/return?orderId=order-a", T0),
        Err(ResumeError::NotThisAttempt {
            error: ReturnError::HostMismatch { .. },
            ..
        })
    ));
}

#[test]
fn restores_the_tracker_it_saved() {
    let (p, _) = pending("order-a", 1, T0);
    let later = T0 + Duration::from_secs(30);
    let tracker = p.restore(later).unwrap();
    assert_eq!(tracker.config().order_id, "order-a");
    assert_eq!(tracker.deadline(), p.tracker.deadline());
}

#[test]
fn an_unreadable_store_reads_as_empty() {
    let mut store = PendingStore::default();
    store.put(pending("shop-1", 1, T0).0);
    let text = store.to_json();
    assert_eq!(PendingStore::from_stored(Some(&text)), store);
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    for unreadable in [
        None,
        Some(""),
        Some("garbage"),
        Some(r#"{"version":99}"#),
        Some("[[[[[["),
        Some(deep.as_str()),
        Some(&text[..text.len() - 1]),
    ] {
        assert_eq!(
            PendingStore::from_stored(unreadable),
            PendingStore::default(),
            "{unreadable:?}"
        );
    }
}
