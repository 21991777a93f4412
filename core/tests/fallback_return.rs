//! Building fallback URLs and recognising the shopper's return.

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{
    AttemptNonce, ExpectedReturn, Fallback, FallbackError, FallbackSpec, FallbackTarget,
    QueryParam, ReturnError, ReturnExpectation, ReturnVia, ShopperReturned, UrlWarning,
};

const NONCE: [u8; 16] = [0x5a; 16];
const NONCE_HEX: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

fn web(base: &str) -> FallbackTarget {
    FallbackTarget::Web { base: base.into() }
}

fn app(base: &str) -> FallbackTarget {
    FallbackTarget::App { base: base.into() }
}

fn build(platform: Platform, target: FallbackTarget, order: &str) -> Fallback {
    FallbackSpec::new(platform, target, order)
        .build(AttemptNonce::from_random(NONCE))
        .unwrap()
}

#[test]
fn builds_the_three_kinds() {
    let cases: &[(Platform, FallbackTarget, &str, bool)] = &[
        (
            Platform::MobileWeb,
            web("https://shop.example.no/return"),
            "https://shop.example.no/return?orderId=order-1&attempt=",
            false,
        ),
        (
            Platform::DesktopWeb,
            web("https://shop.example.no/return?lang=nb"),
            "https://shop.example.no/return?lang=nb&orderId=order-1&attempt=",
            false,
        ),
        (
            Platform::MobileWeb,
            web("https://shop.example.no/return?"),
            "https://shop.example.no/return?orderId=order-1&attempt=",
            false,
        ),
        (
            Platform::MobileWeb,
            web("https://shop.example.no/return?a=1&"),
            "https://shop.example.no/return?a=1&orderId=order-1&attempt=",
            false,
        ),
        (
            Platform::MobileWeb,
            web("http://127.0.0.1:3000"),
            "http://127.0.0.1:3000?orderId=order-1&attempt=",
            false,
        ),
        (
            // A native app may return to a web page (a universal link).
            Platform::Ios,
            web("https://shop.example.no/app-return"),
            "https://shop.example.no/app-return?orderId=order-1&attempt=",
            false,
        ),
        (
            Platform::Ios,
            app("merchantapp://result"),
            "merchantapp://result?orderId=order-1&attempt=",
            true,
        ),
        (
            Platform::Android,
            app("merchantApp://result?myAppData"),
            "merchantApp://result?myAppData&orderId=order-1&attempt=",
            true,
        ),
        (
            Platform::Android,
            FallbackTarget::AndroidIntent,
            "INTENT",
            true,
        ),
        // `INTENT` given as an app base is the same thing.
        (Platform::Android, app("INTENT"), "INTENT", true),
    ];
    for (platform, target, prefix, is_app) in cases {
        let fallback = build(*platform, target.clone(), "order-1");
        assert!(
            fallback.url.starts_with(prefix),
            "{} !~ {prefix}",
            fallback.url
        );
        if *prefix != "INTENT" {
            assert_eq!(fallback.url, format!("{prefix}{NONCE_HEX}"));
        } else {
            assert_eq!(fallback.url, "INTENT");
        }
        assert_eq!(fallback.is_app, *is_app, "{target:?}");
        assert_eq!(fallback.expectation.order_id, "order-1");
        assert_eq!(fallback.expectation.nonce.as_str(), NONCE_HEX);
    }
}

#[test]
fn encodes_the_merchants_parameters() {
    let spec = FallbackSpec::new(
        Platform::Android,
        app("merchantapp://result"),
        "æ ø/å&=?#%+",
    )
    .with_param("from", "checkout page")
    .with_param("emoji", "💳")
    .with_param("a&b", "c=d")
    .with_param("empty", "");
    let fallback = spec.build(AttemptNonce::from_random(NONCE)).unwrap();
    assert_eq!(
        fallback.url,
        format!(
            "merchantapp://result?from=checkout%20page&emoji=%F0%9F%92%B3&a%26b=c%3Dd&empty=\
             &orderId=%C3%A6%20%C3%B8%2F%C3%A5%26%3D%3F%23%25%2B&attempt={NONCE_HEX}"
        )
    );
    let back = fallback.expectation.check_return(&fallback.url).unwrap();
    assert_eq!(back.order_id, "æ ø/å&=?#%+");
    assert_eq!(back.params, spec.params);
}

#[test]
fn the_expectation_is_plain_data() {
    let fallback = build(
        Platform::MobileWeb,
        web("https://Shop.Example.NO:443/return"),
        "order-1",
    );
    assert_eq!(
        fallback.expectation.target,
        ExpectedReturn::Web {
            scheme: "https".into(),
            host: "shop.example.no".into(),
            port: 443,
            path: "/return".into(),
        }
    );
    let json = serde_json::to_value(&fallback.expectation).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "orderId": "order-1",
            "nonce": NONCE_HEX,
            "target": {"kind": "web", "scheme": "https", "host": "shop.example.no", "port": 443, "path": "/return"}
        })
    );
    let back: ReturnExpectation = serde_json::from_value(json).unwrap();
    assert_eq!(back, fallback.expectation);

    let intent = build(Platform::Android, FallbackTarget::AndroidIntent, "o");
    assert_eq!(
        serde_json::to_value(&intent.expectation.target).unwrap(),
        serde_json::json!({"kind": "androidIntent"})
    );
    let app_fallback = build(Platform::Ios, app("MerchantApp://Result"), "o");
    assert_eq!(
        app_fallback.expectation.target,
        ExpectedReturn::App {
            scheme: "merchantapp".into(),
            host: Some("result".into()),
            path: "/".into()
        }
    );
    // A tampered store entry does not deserialise.
    let bad =
        serde_json::json!({"orderId": "o", "nonce": "xyz", "target": {"kind": "androidIntent"}});
    assert!(serde_json::from_value::<ReturnExpectation>(bad).is_err());
}

#[test]
fn refuses_what_cannot_work() {
    let nonce = || AttemptNonce::from_random(NONCE);
    let cases: Vec<(FallbackSpec, &str)> = vec![
        (
            FallbackSpec::new(Platform::Ios, FallbackTarget::AndroidIntent, "o"),
            "`INTENT` works only in an Android app: on iOS the provider turns it into a broken \
             `https://intent/...` page; use the app's URL scheme (`merchantapp://result`)",
        ),
        (
            FallbackSpec::new(Platform::Ios, app("INTENT"), "o"),
            "`INTENT` works only in an Android app: on iOS the provider turns it into a broken \
             `https://intent/...` page; use the app's URL scheme (`merchantapp://result`)",
        ),
        (
            FallbackSpec::new(Platform::MobileWeb, FallbackTarget::AndroidIntent, "o"),
            "`INTENT` works only in an Android app: a web checkout has no activity to resume; \
             use an https fallback page",
        ),
        (
            FallbackSpec::new(Platform::DesktopWeb, app("merchantapp://result"), "o"),
            "an app-scheme fallback needs `isApp: true`, which only a native app sends; \
             a desktop web checkout returns to an https page",
        ),
        (
            FallbackSpec::new(Platform::Android, FallbackTarget::AndroidIntent, "o")
                .with_param("x", "1"),
            "`INTENT` carries no parameters (the provider takes \"only INTENT, no parameters\"); keep them in the app",
        ),
        (
            FallbackSpec::new(Platform::MobileWeb, web("https://shop.example.no/r"), ""),
            "the order id is empty",
        ),
        (
            FallbackSpec::new(Platform::MobileWeb, web("https://shop.example.no/r"), "o")
                .with_param("", "x"),
            "a fallback parameter has an empty name",
        ),
        (
            FallbackSpec::new(Platform::MobileWeb, web("https://localhost/r"), "o"),
            "host `localhost` is not allowed for https fallback URLs; use http://127.0.0.1 for local development",
        ),
        (
            FallbackSpec::new(Platform::Ios, app("vipps://back"), "o"),
            "scheme `vipps` cannot be an app's fallback scheme: it is the payment app's own scheme, \
             which would send the shopper back into the payment app",
        ),
    ];
    for (spec, message) in cases {
        assert_eq!(
            spec.build(nonce()).unwrap_err().to_string(),
            message,
            "{spec:?}"
        );
    }
    for (target, param) in [
        (web("https://shop.example.no/r"), "orderId"),
        (web("https://shop.example.no/r"), "attempt"),
        (web("https://shop.example.no/r"), "status"),
        (app("merchantapp://r"), "status"),
    ] {
        let spec = FallbackSpec::new(Platform::Android, target, "o").with_param(param, "1");
        assert_eq!(
            spec.build(nonce()),
            Err(FallbackError::ReservedParam { name: param.into() })
        );
    }
    for base in [
        "https://shop.example.no/r?orderId=1",
        "https://shop.example.no/r?x=1&attempt",
        "https://shop.example.no/r?status=0",
        "https://shop.example.no/r?order%49d=1",
    ] {
        let spec = FallbackSpec::new(Platform::MobileWeb, web(base), "o");
        assert!(
            matches!(
                spec.build(nonce()),
                Err(FallbackError::ReservedParam { .. })
            ),
            "{base}"
        );
    }
    for base in [
        "https://shop.example.no/r?x=%FF",
        "https://shop.example.no/r?%C3=1",
    ] {
        let spec = FallbackSpec::new(Platform::MobileWeb, web(base), "o");
        assert!(
            matches!(
                spec.build(nonce()),
                Err(FallbackError::UndecodableParam { .. })
            ),
            "{base}"
        );
    }
    let spec = FallbackSpec::new(Platform::Android, app("ppD:rslt?myygADo%AA"), "o");
    assert_eq!(
        spec.build(nonce()),
        Err(FallbackError::UndecodableParam {
            query: "myygADo%AA".into()
        })
    );
    // The web rules apply to the base, with their rule ids.
    let spec = FallbackSpec::new(Platform::MobileWeb, web("https://shop.example.no/r#x"), "o");
    match spec.build(nonce()) {
        Err(FallbackError::Url(e)) => assert_eq!(e.rule(), "fallback-fragment"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn warns_about_plain_http() {
    let fallback = build(Platform::MobileWeb, web("http://shop.example.no/r"), "o");
    assert_eq!(
        fallback.warnings,
        [UrlWarning::PlainHttp {
            host: "shop.example.no".into()
        }]
    );
    assert!(
        build(Platform::MobileWeb, web("http://127.0.0.1/r"), "o")
            .warnings
            .is_empty()
    );
}

fn returned(order: &str, via: ReturnVia, params: &[(&str, &str)]) -> ShopperReturned {
    ShopperReturned {
        order_id: order.into(),
        via,
        params: params
            .iter()
            .map(|(n, v)| QueryParam::new(*n, *v))
            .collect(),
    }
}

#[test]
fn recognises_web_returns() {
    let fallback = build(
        Platform::MobileWeb,
        web("https://shop.example.no/return?lang=nb"),
        "order-1",
    );
    let q = format!("lang=nb&orderId=order-1&attempt={NONCE_HEX}");
    let expected = returned("order-1", ReturnVia::WebPage, &[("lang", "nb")]);
    let accepted = [
        format!("https://shop.example.no/return?{q}"),
        // The provider's deprecated status, appended with `&` or `?`.
        format!("https://shop.example.no/return?{q}&status=301"),
        format!("https://shop.example.no/return?{q}?status=301"),
        format!("https://shop.example.no/return?{q}&status="),
        format!("https://shop.example.no/return?status=0&{q}"),
        // What browsers do to a URL.
        format!("https://SHOP.example.no/return?{q}"),
        format!("HTTPS://shop.example.no:443/return?{q}"),
        format!("https://shop.example.no./return?{q}"),
        format!("https://shop.example.no/%72eturn?{q}"),
        format!("https://shop.example.no/return?{q}#top"),
        format!("https://shop.example.no/return?{q}&&"),
        // The order of the parameters does not matter.
        format!("https://shop.example.no/return?attempt={NONCE_HEX}&orderId=order-1&lang=nb"),
    ];
    for url in &accepted {
        assert_eq!(
            fallback.expectation.check_return(url).as_ref(),
            Ok(&expected),
            "{url}"
        );
    }
}

#[test]
fn the_deprecated_status_never_decides_anything() {
    let fallback = build(Platform::Ios, app("merchantApp://result?myAppData"), "o-1");
    let plain = fallback.expectation.check_return(&fallback.url).unwrap();
    assert_eq!(
        plain,
        returned("o-1", ReturnVia::AppLink, &[("myAppData", "")])
    );
    for status in [
        "301",
        "0",
        "RESERVED",
        "SALE",
        "CANCELLED",
        "REJECTED",
        "",
        "%20",
        "a%26b",
    ] {
        for sep in ["&", "?"] {
            let url = format!("{}{sep}status={status}", fallback.url);
            assert_eq!(
                fallback.expectation.check_return(&url),
                Ok(plain.clone()),
                "{url}"
            );
        }
    }
    // The Vipps eCom API guide's exact example, for an expectation built from it.
    let seed = FallbackSpec::new(
        Platform::Android,
        app("merchantApp://result?myAppData"),
        "x",
    )
    .build(AttemptNonce::from_random([1; 16]))
    .unwrap();
    let back = seed
        .expectation
        .check_return(&format!("{}&status=301", seed.url))
        .unwrap();
    assert_eq!(back.params, [QueryParam::new("myAppData", "")]);
}

#[test]
fn recognises_app_returns() {
    let fallback = build(Platform::Android, app("merchantapp://result/done"), "o");
    let q = format!("orderId=o&attempt={NONCE_HEX}");
    for url in [
        format!("merchantapp://result/done?{q}"),
        format!("MerchantApp://RESULT/done?{q}"),
        format!("merchantapp://result/done?{q}&status=301"),
    ] {
        assert_eq!(
            fallback.expectation.check_return(&url),
            Ok(returned("o", ReturnVia::AppLink, &[])),
            "{url}"
        );
    }
    // An empty path and `/` are the same place.
    let root = build(Platform::Ios, app("merchantapp://result"), "o");
    for url in [
        format!("merchantapp://result?{q}"),
        format!("merchantapp://result/?{q}"),
    ] {
        assert!(root.expectation.check_return(&url).is_ok(), "{url}");
    }
}

#[test]
fn refuses_returns_of_other_attempts_and_forgeries() {
    let fallback = build(
        Platform::MobileWeb,
        web("https://shop.example.no/return"),
        "order-1",
    );
    let other_nonce = "00000000000000000000000000000000";
    let q = format!("orderId=order-1&attempt={NONCE_HEX}");
    let cases: Vec<(String, ReturnError)> = vec![
        (String::new(), ReturnError::Empty),
        (
            format!("http://shop.example.no/return?{q}"),
            ReturnError::SchemeMismatch {
                expected: "https".into(),
                found: "http".into(),
            },
        ),
        (
            format!("merchantapp://shop.example.no/return?{q}"),
            ReturnError::SchemeMismatch {
                expected: "https".into(),
                found: "merchantapp".into(),
            },
        ),
        (format!("/return?{q}"), ReturnError::NotAUrl),
        (
            format!("https://evil.example.com/return?{q}"),
            ReturnError::HostMismatch {
                expected: "shop.example.no".into(),
                found: "evil.example.com".into(),
            },
        ),
        (
            format!("https://shop.example.no.evil.com/return?{q}"),
            ReturnError::HostMismatch {
                expected: "shop.example.no".into(),
                found: "shop.example.no.evil.com".into(),
            },
        ),
        (
            format!("https://shop.example.no:8443/return?{q}"),
            ReturnError::HostMismatch {
                expected: "shop.example.no".into(),
                found: "shop.example.no:8443".into(),
            },
        ),
        (
            format!("https://shop.example.no@evil.example.com/return?{q}"),
            ReturnError::HostMismatch {
                expected: "shop.example.no".into(),
                found: "shop.example.no@evil.example.com".into(),
            },
        ),
        (
            format!("https://evil.example.com@shop.example.no/return?{q}"),
            ReturnError::HostMismatch {
                expected: "shop.example.no".into(),
                found: "evil.example.com@shop.example.no".into(),
            },
        ),
        (
            format!("https://shop.example.no/other?{q}"),
            ReturnError::PathMismatch {
                expected: "/return".into(),
                found: "/other".into(),
            },
        ),
        (
            format!("https://shop.example.no/return/?{q}"),
            ReturnError::PathMismatch {
                expected: "/return".into(),
                found: "/return/".into(),
            },
        ),
        (
            format!("https://shop.example.no/return?orderId=order-2&attempt={NONCE_HEX}"),
            ReturnError::OrderIdMismatch {
                expected: "order-1".into(),
                found: "order-2".into(),
            },
        ),
        (
            format!("https://shop.example.no/return?orderId=order-1&attempt={other_nonce}"),
            ReturnError::NonceMismatch,
        ),
        (
            format!(
                "https://shop.example.no/return?orderId=order-1&attempt={}",
                &NONCE_HEX[1..]
            ),
            ReturnError::NonceMismatch,
        ),
        (
            "https://shop.example.no/return?orderId=order-1".to_string(),
            ReturnError::MissingNonce,
        ),
        (
            format!("https://shop.example.no/return?attempt={NONCE_HEX}"),
            ReturnError::MissingOrderId,
        ),
        (
            "https://shop.example.no/return".to_string(),
            ReturnError::MissingOrderId,
        ),
        (
            format!("https://shop.example.no/return?{q}&attempt={NONCE_HEX}"),
            ReturnError::DuplicateParam {
                name: "attempt".into(),
            },
        ),
        (
            format!("https://shop.example.no/return?{q}&orderId=order-1"),
            ReturnError::DuplicateParam {
                name: "orderId".into(),
            },
        ),
        (
            "https://shop.example.no:99999/return".to_string(),
            ReturnError::NotAUrl,
        ),
        ("https://[::1/return".to_string(), ReturnError::NotAUrl),
    ];
    for (url, error) in cases {
        assert_eq!(fallback.expectation.check_return(&url), Err(error), "{url}");
    }
    // A parameter is read as the page's `URLSearchParams` reads it: what is
    // no UTF-8 becomes U+FFFD, a lone `%` is itself. The attempt still
    // decides.
    for (extra, value) in [("x=%FF", "\u{FFFD}"), ("x=%", "%"), ("x=a+b", "a b")] {
        let url = format!("https://shop.example.no/return?{q}&{extra}");
        let back = fallback.expectation.check_return(&url).unwrap();
        assert_eq!(
            back.params.last().map(|p| p.value.as_str()),
            Some(value),
            "{url}"
        );
    }
}

#[test]
fn idn_and_ip_hosts_return_in_either_form() {
    let idn = build(Platform::MobileWeb, web("https://bücher.de/r"), "o");
    let ipv6 = build(
        Platform::MobileWeb,
        web("https://[2001:DB8:0:0::1]:8443/r"),
        "o",
    );
    let q = format!("orderId=o&attempt={NONCE_HEX}");
    for url in [
        format!("https://bücher.de/r?{q}"),
        format!("https://xn--bcher-kva.de/r?{q}"),
        format!("https://BÜCHER.de/r?{q}"),
    ] {
        assert!(idn.expectation.check_return(&url).is_ok(), "{url}");
    }
    for url in [
        format!("https://[2001:db8::1]:8443/r?{q}"),
        format!("https://[2001:0db8:0000:0000:0000:0000:0000:0001]:8443/r?{q}"),
    ] {
        assert!(ipv6.expectation.check_return(&url).is_ok(), "{url}");
    }
    assert!(
        ipv6.expectation
            .check_return(&format!("https://[2001:db8::2]:8443/r?{q}"))
            .is_err()
    );
}

#[test]
fn every_way_back_ends_in_the_same_signal() {
    // iOS: the scheme URL. Android: the scheme URL, or INTENT (app resumed).
    let ios = build(Platform::Ios, app("merchantapp://result"), "o");
    let android = build(Platform::Android, app("merchantapp://result"), "o");
    let intent = build(Platform::Android, FallbackTarget::AndroidIntent, "o");
    let web_page = build(Platform::MobileWeb, web("https://shop.example.no/r"), "o");

    let signals = [
        ios.expectation.check_return(&ios.url).unwrap(),
        android.expectation.check_return(&android.url).unwrap(),
        android.expectation.app_resumed().unwrap(),
        intent.expectation.app_resumed().unwrap(),
        web_page.expectation.check_return(&web_page.url).unwrap(),
    ];
    for signal in &signals {
        assert_eq!(signal.order_id, "o");
    }
    assert_eq!(
        signals.iter().map(|s| s.via).collect::<Vec<_>>(),
        [
            ReturnVia::AppLink,
            ReturnVia::AppLink,
            ReturnVia::AppResumed,
            ReturnVia::AppResumed,
            ReturnVia::WebPage
        ]
    );
    assert_eq!(
        intent.expectation.check_return("merchantapp://result"),
        Err(ReturnError::IntentHasNoUrl)
    );
    assert_eq!(
        web_page.expectation.app_resumed(),
        Err(ReturnError::NoAppToResume)
    );
    assert_eq!(
        serde_json::to_value(&signals[3]).unwrap(),
        serde_json::json!({"orderId": "o", "via": "appResumed", "params": []})
    );
}
