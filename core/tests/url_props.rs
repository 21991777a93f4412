//! Property tests: no string panics any parser, and what the builder makes
//! the return recognises — exactly.

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{
    AttemptNonce, FallbackSpec, FallbackTarget, QueryParam, ReturnError, UrlKind, UrlParts,
    check_url, validate_url,
};
use proptest::prelude::*;

/// Strings that look like URLs often enough to reach the deep rules: pieces
/// of schemes, hosts, ports, paths and queries, glued at random.
fn urlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("https://".to_string()),
        Just("http://".to_string()),
        Just("vipps://".to_string()),
        Just("vippsMT://?token=".to_string()),
        Just("merchantapp://".to_string()),
        Just("INTENT".to_string()),
        Just("localhost".to_string()),
        Just("127.0.0.1".to_string()),
        Just("[::1]".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("api.vipps.no".to_string()),
        Just("shop.example.no".to_string()),
        Just("xn--".to_string()),
        Just("bücher".to_string()),
        Just(".".to_string()),
        Just(":".to_string()),
        Just(":8080".to_string()),
        Just("@".to_string()),
        Just("/".to_string()),
        Just("//".to_string()),
        Just("..".to_string()),
        Just("?".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("#".to_string()),
        Just("%".to_string()),
        Just("%C3%A6".to_string()),
        Just("status=301".to_string()),
        Just("orderId=o".to_string()),
        Just("attempt=".to_string()),
        "[a-zA-Z0-9]{0,8}",
        "[0-9a-fA-F:.]{0,12}",
        "\\PC{0,4}",
        "[\\x00-\\x7f]{0,4}",
    ];
    proptest::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![urlish(), "\\PC{0,60}", ".{0,60}"]
}

fn expectations() -> Vec<appswitch_core::shopper::url::ReturnExpectation> {
    let nonce = || AttemptNonce::from_random([9; 16]);
    [
        (
            Platform::MobileWeb,
            FallbackTarget::Web {
                base: "https://shop.example.no/r?x".into(),
            },
        ),
        (
            Platform::Ios,
            FallbackTarget::App {
                base: "merchantapp://result".into(),
            },
        ),
        (Platform::Android, FallbackTarget::AndroidIntent),
        (
            Platform::MobileWeb,
            FallbackTarget::Web {
                base: "http://[::1]:3000".into(),
            },
        ),
    ]
    .into_iter()
    .map(|(platform, target)| {
        FallbackSpec::new(platform, target, "o")
            .build(nonce())
            .unwrap()
            .expectation
    })
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_string_panics_any_parser(s in any_input()) {
        let _ = UrlParts::parse(&s);
        let _ = validate_url(&s);
        for kind in [UrlKind::Web, UrlKind::App, UrlKind::Callback] {
            let _ = check_url(kind, &s);
        }
        let _ = AttemptNonce::parse(&s);
        if let Ok(link) = Deeplink::classify(&s, Timestamp::from_millis(1)) {
            for platform in Platform::ALL {
                let _ = link.open_plan(platform, Timestamp::from_millis(2));
            }
        }
        for expectation in expectations() {
            let _ = expectation.check_return(&s);
        }
        for target in [
            FallbackTarget::Web { base: s.clone() },
            FallbackTarget::App { base: s.clone() },
        ] {
            for platform in Platform::ALL {
                let _ = FallbackSpec::new(platform, target.clone(), s.clone())
                    .with_param(s.clone(), s.clone())
                    .build(AttemptNonce::from_random([1; 16]));
            }
        }
    }

    /// What the provider's rules accept stays accepted as the WHATWG
    /// parser writes it (the form the shopper's browser opens): lower case,
    /// Punycode, `..` resolved, characters percent-encoded.
    #[test]
    fn accepted_urls_stay_accepted_as_the_browser_writes_them(s in urlish()) {
        if let Ok(valid) = validate_url(&s) {
            let again = validate_url(valid.url.as_str());
            prop_assert!(again.is_ok(), "{} → {}: {:?}", s, valid.url, again);
            prop_assert_eq!(again.map(|v| v.url), Ok(valid.url));
        }
    }

    /// Whatever the merchant puts in the order id and the parameters, the
    /// return gives back exactly that — with or without the provider's
    /// `status` — and another attempt's nonce is refused.
    #[test]
    fn the_return_recovers_exactly_what_was_built(
        order_id in "\\PC{1,30}",
        params in proptest::collection::vec(("\\PC{1,12}", "\\PC{0,12}"), 0..4),
        base in prop_oneof![
            Just(("https://shop.example.no/return", Platform::MobileWeb)),
            Just(("https://shop.example.no/return?lang=nb&flag", Platform::DesktopWeb)),
            Just(("http://127.0.0.1:8080", Platform::MobileWeb)),
            Just(("https://bücher.de/r/", Platform::Ios)),
            Just(("merchantapp://result", Platform::Ios)),
            Just(("merchantApp://result?myAppData", Platform::Android)),
            Just(("com.example.shop:/pay", Platform::Android)),
        ],
        nonce in any::<[u8; 16]>(),
        other in any::<[u8; 16]>(),
        status in prop_oneof![Just(None), Just(Some("&status=301")), Just(Some("?status=0")), Just(Some("&status="))],
    ) {
        let reserved = ["orderId", "attempt", "status"];
        prop_assume!(params.iter().all(|(name, _)| !reserved.contains(&name.as_str())));
        let (base, platform) = base;
        let target = if base.starts_with("http") {
            FallbackTarget::Web { base: base.into() }
        } else {
            FallbackTarget::App { base: base.into() }
        };
        let mut spec = FallbackSpec::new(platform, target.clone(), order_id.clone());
        for (name, value) in &params {
            spec = spec.with_param(name.clone(), value.clone());
        }
        let fallback = spec.build(AttemptNonce::from_random(nonce)).unwrap();
        if matches!(target, FallbackTarget::Web { .. }) {
            prop_assert!(check_url(UrlKind::Web, &fallback.url).is_ok(), "{}", fallback.url);
        } else {
            prop_assert!(check_url(UrlKind::App, &fallback.url).is_ok(), "{}", fallback.url);
        }
        let url = format!("{}{}", fallback.url, status.unwrap_or(""));
        let back = fallback.expectation.check_return(&url).unwrap();
        prop_assert_eq!(&back.order_id, &order_id);
        let base_params: Vec<QueryParam> = url::Url::parse(base)
            .unwrap()
            .query_pairs()
            .map(|(n, v)| QueryParam::new(n, v))
            .collect();
        let mut expected = base_params;
        expected.extend(params.iter().map(|(n, v)| QueryParam::new(n.clone(), v.clone())));
        prop_assert_eq!(back.params, expected);

        if other != nonce {
            let stale = fallback.url.replace(
                AttemptNonce::from_random(nonce).as_str(),
                AttemptNonce::from_random(other).as_str(),
            );
            prop_assert_eq!(fallback.expectation.check_return(&stale), Err(ReturnError::NonceMismatch));
        }
    }
}
