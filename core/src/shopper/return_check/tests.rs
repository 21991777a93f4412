use super::*;
use crate::shopper::platform::Platform;
use crate::shopper::url::{AttemptNonce, Fallback, FallbackSpec, FallbackTarget, UrlParts};
use crate::status::PaymentStatus;

const NOW: Timestamp = Timestamp::from_millis(1_700_000_000_000);

fn fallback(order: &str, seed: u8) -> Fallback {
    FallbackSpec::new(
        Platform::Android,
        FallbackTarget::App {
            base: "merchantapp://result".into(),
        },
        order,
    )
    .build(AttemptNonce::from_random([seed; 16]))
    .unwrap()
}

/// The answer a backend gives for `expectation`, in the reference
/// backend's shape (with its status document).
fn answer(order: &str, expectation: &ReturnExpectation) -> String {
    let status = StatusDocument::from_status(order, "vipps", &PaymentStatus::initiated());
    serde_json::json!({
        "orderId": order,
        "statusUrl": format!("https://shop.example/api/payments/{order}/status"),
        "returnExpectation": expectation,
        "status": status,
    })
    .to_string()
}

fn claim_of(url: &str) -> ReturnClaim {
    ReturnClaim::from_url(url).unwrap()
}

#[test]
fn the_check_url_names_the_claim_where_the_template_says_or_in_the_query() {
    let claim = ReturnClaim {
        order_id: "a b/c?d&e".into(),
        nonce: AttemptNonce::from_random([0xab; 16]),
    };
    let n = claim.nonce.as_str();
    let cases = [
        (
            "https://shop.example/api/payments/{orderId}/return",
            format!("https://shop.example/api/payments/a%20b%2Fc%3Fd%26e/return?attempt={n}"),
        ),
        (
            "https://shop.example/return-check?o={orderId}&t={attempt}",
            format!("https://shop.example/return-check?o=a%20b%2Fc%3Fd%26e&t={n}"),
        ),
        (
            "http://127.0.0.1:8080/return-check.php?shop=1",
            format!(
                "http://127.0.0.1:8080/return-check.php?shop=1&orderId=a+b%2Fc%3Fd%26e&attempt={n}"
            ),
        ),
    ];
    for (template, expected) in cases {
        let url = return_check_url(template, &claim).unwrap();
        assert_eq!(url, expected, "{template}");
        // Whatever the order id holds, the URL reads back to the claim.
        let parsed = url::Url::parse(&url).unwrap();
        let decoded = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .to_string()
        };
        let values: Vec<String> = parsed
            .query_pairs()
            .map(|(_, v)| v.into_owned())
            .chain(parsed.path_segments().into_iter().flatten().map(decoded))
            .collect();
        assert!(values.contains(&claim.order_id), "{url}");
        assert!(values.iter().any(|v| v == n), "{url}");
    }
    for template in [
        "",
        "shop.example/{orderId}",
        "ftp://shop.example/{orderId}",
        "mailto:x@y",
    ] {
        assert_eq!(
            return_check_url(template, &claim),
            Err(ReturnCheckError::BadTemplate {
                template: template.into()
            }),
            "{template}"
        );
    }
}

/// The page's path (its own parser splits) builds the same URL as the
/// `url` crate's, and refuses the same templates.
#[test]
fn the_page_path_builds_the_same_check_url() {
    let claim = ReturnClaim {
        order_id: "a b/c?d&e".into(),
        nonce: AttemptNonce::from_random([0x5c; 16]),
    };
    for template in [
        "https://shop.example/api/payments/{orderId}/return",
        "https://shop.example/return-check?o={orderId}&t={attempt}",
        "http://127.0.0.1:8080/return-check.php?shop=1",
        "http://127.0.0.1:8080/return-check.php?",
        "https://shop.example/check#top",
        "",
        "shop.example/{orderId}",
        "ftp://shop.example/{orderId}",
        "mailto:x@y",
    ] {
        assert_eq!(
            return_check_url_with(template, &claim, UrlParts::parse),
            return_check_url(template, &claim),
            "{template}"
        );
    }
}

#[test]
fn only_200_is_read_403_404_410_refuse_and_anything_else_is_not_now() {
    let fb = fallback("shop-1", 1);
    let claim = claim_of(&fb.url);
    let body = answer("shop-1", &fb.expectation);
    for status in 100..=599u16 {
        let read = ReturnCheck::read(&claim, &fb.url, status, &body);
        match status {
            200 => assert!(read.is_ok(), "{read:?}"),
            403 | 404 | 410 => assert_eq!(read, Err(ReturnCheckError::Refused { status })),
            _ => assert_eq!(read, Err(ReturnCheckError::Unavailable { status })),
        }
    }
}

#[test]
fn a_check_for_another_order_attempt_or_return_is_refused() {
    let fb = fallback("shop-1", 1);
    let back = format!("{}&status=301", fb.url);
    let claim = claim_of(&back);
    // Another order, in the answer or in its expectation.
    let other = fallback("shop-2", 1);
    let e = ReturnCheck::read(&claim, &back, 200, &answer("shop-2", &other.expectation));
    assert!(matches!(
        e,
        Err(ReturnCheckError::NotThisReturn(
            ReturnError::OrderIdMismatch { .. }
        ))
    ));
    let mixed = answer("shop-1", &other.expectation);
    assert!(matches!(
        ReturnCheck::read(&claim, &back, 200, &mixed),
        Err(ReturnCheckError::NotThisReturn(
            ReturnError::OrderIdMismatch { .. }
        ))
    ));
    // The same order, another attempt's nonce: a stale link.
    let stale = fallback("shop-1", 2);
    assert_eq!(
        ReturnCheck::read(&claim, &back, 200, &answer("shop-1", &stale.expectation)),
        Err(ReturnCheckError::NotThisReturn(ReturnError::NonceMismatch))
    );
    // The right attempt, but the URL came to another app's scheme.
    let elsewhere = back.replace("merchantapp://", "otherapp://");
    assert!(matches!(
        ReturnCheck::read(
            &claim_of(&elsewhere),
            &elsewhere,
            200,
            &answer("shop-1", &fb.expectation)
        ),
        Err(ReturnCheckError::NotThisReturn(
            ReturnError::SchemeMismatch { .. }
        ))
    ));
    // And the attempt's own return passes, the provider's status ignored.
    let check = ReturnCheck::read(&claim, &back, 200, &answer("shop-1", &fb.expectation)).unwrap();
    assert_eq!(check.return_expectation, fb.expectation);
}

#[test]
fn a_body_that_is_not_a_return_check_names_the_field() {
    let fb = fallback("shop-1", 1);
    let claim = claim_of(&fb.url);
    let Err(ReturnCheckError::Malformed(e)) = ReturnCheck::read(
        &claim,
        &fb.url,
        200,
        r#"{"orderId": "shop-1", "statusUrl": 7}"#,
    ) else {
        panic!("not malformed")
    };
    assert_eq!(e.path, "statusUrl");
    assert!(matches!(
        ReturnCheck::read(&claim, &fb.url, 200, "<html>"),
        Err(ReturnCheckError::Malformed(_))
    ));
}

#[test]
fn the_tracker_counts_from_the_initiation_the_backend_names_or_from_now() {
    let fb = fallback("shop-1", 1);
    let mut check: ReturnCheck = serde_json::from_str(&answer("shop-1", &fb.expectation)).unwrap();
    let policy = Policy {
        poll_interval: core::time::Duration::from_millis(50),
        ..Policy::vipps()
    };
    let config = check.tracker_config(NOW, policy, 7);
    assert_eq!(
        (
            config.order_id.as_str(),
            config.initiated_at,
            config.jitter_seed
        ),
        ("shop-1", NOW, 7)
    );
    assert_eq!(config.status_url, check.status_url);
    assert_eq!(config.policy, policy);
    let initiated = Timestamp::from_millis(NOW.as_millis() - 60_000);
    check.initiated_at = Some(initiated);
    assert_eq!(check.tracker_config(NOW, policy, 7).initiated_at, initiated);
    // What a backend writes is what the client reads.
    let again: ReturnCheck = json::from_str(&json::to_string(&check).unwrap()).unwrap();
    assert_eq!(again, check);
}
