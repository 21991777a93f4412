//! Classifying the initiate `url`, its deadlines and the open plans.

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use core::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::app::VIPPS;
use appswitch_core::providers::vipps_ecom::limits::{DEEPLINK_VALIDITY, PAYMENT_WINDOW};
use appswitch_core::shopper::deeplink::{Deeplink, DeeplinkError, Environment, LinkKind, OpenPlan};
use appswitch_core::shopper::platform::Platform;

const T0: Timestamp = Timestamp::from_millis(1_544_613_518_246);

/// The Vipps eCom API guide's two example answers (their `url`s, truncated as in the seed).
const SEED_LANDING: &str = "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=eyJraWQiOiJqd3RrZXkiLC";
const SEED_APP: &str = "vipps://?token=eyJraWQiOiJqd3RrZXkiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiO";

#[test]
fn classifies_landing_pages_and_app_links() {
    use Environment::*;
    use LinkKind::*;
    let cases: &[(&str, LinkKind, Environment)] = &[
        (SEED_LANDING, LandingPage, Production),
        (SEED_APP, App, Production),
        ("vippsMT://?token=abc", App, Test),
        ("vippsmt://?token=abc", App, Test),
        ("VIPPSMT://?token=abc", App, Test),
        ("VIPPS://?token=abc", App, Production),
        ("vipps:?token=abc", App, Production),
        ("vipps://?v=2&token=abc&x", App, Production),
        (
            "https://apitest.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=abc",
            LandingPage,
            Test,
        ),
        ("https://APITEST.vipps.no/x", LandingPage, Test),
        ("https://vipps.no/x", LandingPage, Production),
        ("https://pay.vipps.no/?token=abc", LandingPage, Production),
        ("https://api.vipps.no.:443/x", LandingPage, Production),
        // A provider simulator on this machine.
        (
            "http://127.0.0.1:8080/landing?token=abc",
            LandingPage,
            Local,
        ),
        ("https://127.0.0.1/landing", LandingPage, Local),
        ("http://localhost:3000/landing", LandingPage, Local),
        ("http://[::1]:3000/landing", LandingPage, Local),
        // Hosts appswitch does not know are opened all the same.
        ("https://pay.example.no/x", LandingPage, Unrecognised),
        ("https://evilvipps.no/x", LandingPage, Unrecognised),
        ("https://api.vipps.no.evil.com/x", LandingPage, Unrecognised),
        ("https://8.8.8.8/x", LandingPage, Unrecognised),
    ];
    for (url, kind, environment) in cases {
        let link = Deeplink::classify(url, T0).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(
            (link.kind, link.environment),
            (*kind, *environment),
            "{url}"
        );
        assert_eq!(link.url, *url);
    }
}

#[test]
fn refuses_anything_else() {
    let cases: &[(&str, DeeplinkError)] = &[
        ("", DeeplinkError::Empty),
        ("api.vipps.no/x", DeeplinkError::MissingScheme),
        (
            "vipps://?token=a b",
            DeeplinkError::IllegalCharacter { ch: ' ', at: 16 },
        ),
        (
            " https://api.vipps.no/",
            DeeplinkError::IllegalCharacter { ch: ' ', at: 0 },
        ),
        (
            "vipps://",
            DeeplinkError::MissingToken {
                scheme: "vipps".into(),
            },
        ),
        (
            "vipps://?token=",
            DeeplinkError::MissingToken {
                scheme: "vipps".into(),
            },
        ),
        (
            "vippsMT://?tokens=abc",
            DeeplinkError::MissingToken {
                scheme: "vippsMT".into(),
            },
        ),
        (
            "ftp://api.vipps.no/",
            DeeplinkError::UnsupportedScheme {
                scheme: "ftp".into(),
            },
        ),
        (
            "intent://pay#Intent;scheme=vipps;end",
            DeeplinkError::UnsupportedScheme {
                scheme: "intent".into(),
            },
        ),
        (
            "javascript:alert(1)",
            DeeplinkError::UnsupportedScheme {
                scheme: "javascript".into(),
            },
        ),
        (
            "merchantapp://result",
            DeeplinkError::UnsupportedScheme {
                scheme: "merchantapp".into(),
            },
        ),
        (
            "http://api.vipps.no/x",
            DeeplinkError::InsecureLandingPage {
                host: "api.vipps.no".into(),
            },
        ),
        (
            "http://10.0.0.1/x",
            DeeplinkError::InsecureLandingPage {
                host: "10.0.0.1".into(),
            },
        ),
    ];
    for (url, error) in cases {
        assert_eq!(Deeplink::classify(url, T0), Err(error.clone()), "{url}");
    }
    // What no browser can open is refused; what a browser opens (the
    // WHATWG URL Standard, as the page and the app will read it) is a
    // landing page on a host appswitch does not know.
    for url in [
        "https://[::1/",
        "https://shop.no:99999/",
        "https://a%25b.no/",
        "vipps://x:y?token=abc",
        "https://",
    ] {
        assert_eq!(
            Deeplink::classify(url, T0),
            Err(DeeplinkError::NotAUrl),
            "{url}"
        );
    }
    for url in [
        "https:///x",
        "https://bad_host.no/",
        "https://api.vipps.local/",
    ] {
        let link = Deeplink::classify(url, T0).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(link.environment, Environment::Unrecognised, "{url}");
    }
    assert_eq!(
        Deeplink::classify("ftp://x.no", T0)
            .unwrap_err()
            .to_string(),
        "scheme `ftp` is neither a landing page (`https://…`) nor an app deeplink (`vipps://…`, `vippsMT://…`, `mobilepay://…`)"
    );
}

#[test]
fn deadlines_come_from_the_providers_numbers() {
    let link = Deeplink::classify(SEED_APP, T0).unwrap();
    assert_eq!(link.deadlines.received_at, T0);
    assert_eq!(link.deadlines.link_valid_until, T0 + DEEPLINK_VALIDITY);
    assert_eq!(link.deadlines.payment_deadline, T0 + PAYMENT_WINDOW);
    assert_eq!(
        link.deadlines.link_valid_until.as_millis() - T0.as_millis(),
        5 * 60 * 1000
    );
    assert_eq!(
        link.deadlines.payment_deadline.as_millis() - T0.as_millis(),
        10 * 60 * 1000
    );
    let almost = link
        .deadlines
        .link_valid_until
        .saturating_sub(Duration::from_millis(1));
    assert!(!link.is_expired(T0));
    assert!(!link.is_expired(almost));
    assert!(link.is_expired(link.deadlines.link_valid_until));
    assert!(link.is_expired(link.deadlines.payment_deadline));
    // A `now` before the answer (a clock that stepped back) is not expiry.
    assert!(!link.is_expired(Timestamp::EPOCH));
}

#[test]
fn open_plans_per_platform() {
    let prod_app = Deeplink::classify(SEED_APP, T0).unwrap();
    let test_app = Deeplink::classify("vippsMT://?token=abc", T0).unwrap();
    let landing = Deeplink::classify(SEED_LANDING, T0).unwrap();
    let now = T0 + Duration::from_secs(60);

    assert_eq!(
        prod_app.open_plan(Platform::Ios, now),
        Ok(OpenPlan::IosOpenApp {
            url: SEED_APP.into(),
            query_scheme: "vipps".into(),
            app_store_url: Some("https://itunes.apple.com/no/app/Vipps-by-dnb/id984380185".into()),
        })
    );
    assert_eq!(
        prod_app.open_plan(Platform::Android, now),
        Ok(OpenPlan::AndroidViewIntent {
            url: SEED_APP.into(),
            package: Some("no.dnb.vipps".into()),
            play_store_url: Some(
                "https://play.google.com/store/apps/details?id=no.dnb.vipps".into()
            ),
        })
    );
    // The test app is not in the stores.
    assert_eq!(
        test_app.open_plan(Platform::Ios, now),
        Ok(OpenPlan::IosOpenApp {
            url: "vippsMT://?token=abc".into(),
            query_scheme: "vippsMT".into(),
            app_store_url: None,
        })
    );
    assert_eq!(
        test_app.open_plan(Platform::Android, now),
        Ok(OpenPlan::AndroidViewIntent {
            url: "vippsMT://?token=abc".into(),
            package: None,
            play_store_url: None,
        })
    );
    for (platform, external_browser, confirm_phone_number) in [
        (Platform::MobileWeb, false, false),
        (Platform::DesktopWeb, false, true),
        (Platform::Ios, true, false),
        (Platform::Android, true, false),
    ] {
        assert_eq!(
            landing.open_plan(platform, now),
            Ok(OpenPlan::OpenLandingPage {
                url: SEED_LANDING.into(),
                external_browser,
                confirm_phone_number,
            }),
            "{platform}"
        );
    }
    for platform in [Platform::MobileWeb, Platform::DesktopWeb] {
        assert_eq!(
            prod_app.open_plan(platform, now),
            Err(DeeplinkError::AppLinkOnWeb { platform })
        );
    }
}

#[test]
fn an_expired_link_means_a_new_attempt() {
    let expired_at = T0 + DEEPLINK_VALIDITY;
    for url in [SEED_APP, SEED_LANDING, "vippsMT://?token=abc"] {
        let link = Deeplink::classify(url, T0).unwrap();
        for platform in Platform::ALL {
            if link.kind == LinkKind::App && !platform.is_native_app() {
                continue;
            }
            for now in [expired_at, expired_at + Duration::from_secs(3600)] {
                assert_eq!(
                    link.open_plan(platform, now),
                    Ok(OpenPlan::StartNewAttempt { expired_at }),
                    "{url} {platform}"
                );
            }
            assert_ne!(
                link.open_plan(
                    platform,
                    expired_at.saturating_sub(Duration::from_millis(1))
                ),
                Ok(OpenPlan::StartNewAttempt { expired_at })
            );
        }
    }
}

#[test]
fn plans_are_plain_json() {
    let link = Deeplink::classify(SEED_APP, T0).unwrap();
    assert_eq!(
        serde_json::to_value(link.open_plan(Platform::Ios, T0).unwrap()).unwrap(),
        serde_json::json!({
            "action": "iosOpenApp",
            "url": SEED_APP,
            "queryScheme": "vipps",
            "appStoreUrl": VIPPS.app_store_url,
        })
    );
    assert_eq!(
        serde_json::to_value(link.open_plan(Platform::Android, T0).unwrap()).unwrap(),
        serde_json::json!({
            "action": "androidViewIntent",
            "url": SEED_APP,
            "package": VIPPS.android_package,
            "playStoreUrl": VIPPS.play_store_url,
        })
    );
    let expired = link.open_plan(Platform::Ios, T0 + PAYMENT_WINDOW).unwrap();
    assert_eq!(
        serde_json::to_value(&expired).unwrap(),
        serde_json::json!({"action": "startNewAttempt", "expiredAt": (T0 + DEEPLINK_VALIDITY).as_millis()})
    );
    let json = serde_json::to_value(&link).unwrap();
    assert_eq!(json["kind"], "app");
    assert_eq!(json["environment"], "production");
    assert_eq!(
        json["deadlines"]["linkValidUntil"],
        (T0 + DEEPLINK_VALIDITY).as_millis()
    );
    assert_eq!(serde_json::from_value::<Deeplink>(json).unwrap(), link);
}
