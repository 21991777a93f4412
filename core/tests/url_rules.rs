//! Table-driven tests of the provider's URL rules, through the public API:
//! web fallbacks, app fallbacks and callback prefixes.

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use appswitch_core::shopper::url::{
    NotPublic, UrlError, UrlKind, UrlWarning, check_url, validate_url,
};

/// Asserts that every URL is acceptable for `kind` without warnings.
fn accepts(kind: UrlKind, urls: &[&str]) {
    for url in urls {
        match check_url(kind, url) {
            Ok(checked) => assert!(
                checked.warnings.is_empty(),
                "{kind:?} {url:?}: unexpected warnings {:?}",
                checked.warnings
            ),
            Err(e) => panic!("{kind:?} {url:?} should be accepted, got: {e}"),
        }
    }
}

/// Asserts that every URL is rejected for `kind` by the named rule.
fn rejects(kind: UrlKind, cases: &[(&str, &str)]) {
    for (url, rule) in cases {
        match check_url(kind, url) {
            Ok(_) => panic!("{kind:?} {url:?} should break `{rule}`, but was accepted"),
            Err(e) => assert_eq!(e.rule(), *rule, "{kind:?} {url:?}: {e}"),
        }
    }
}

// What the provider's validator accepts and refuses, rule by rule, is
// `commons_url_validator.rs`; these are the uses on top of it.

#[test]
fn web_fallbacks_refuse_a_fragment_for_their_own_reason() {
    // The general validator takes fragments (`NO_FRAGMENTS` is off)…
    assert!(validate_url("https://shop.example.no/return#top").is_ok());
    // …but the provider appends `status` at the very end of a fallback.
    rejects(
        UrlKind::Web,
        &[
            ("https://shop.example.no/return#top", "fallback-fragment"),
            ("https://shop.example.no/return?x=1#", "fallback-fragment"),
            // The validator's own rules come first.
            ("https://shop.example.no/#a b", "illegal-character"),
        ],
    );
    accepts(
        UrlKind::Web,
        &[
            "https://example.com/vipps/fallback-result-page/order123abc",
            "http://127.0.0.1",
            "http://127.0.0.1:8080/return",
            "https://127.0.0.1/return",
            "https://shop.example.no/hello..world",
            "https://[::ffff:1.2.3.4]/return",
        ],
    );
}

#[test]
fn the_localhost_rejection_gives_the_seeds_advice() {
    let e = check_url(UrlKind::Web, "https://localhost/return").unwrap_err();
    assert_eq!(
        e.to_string(),
        "host `localhost` is not allowed for https fallback URLs; use http://127.0.0.1 for local development"
    );
    assert_eq!(
        e,
        UrlError::Localhost {
            host: "localhost".into(),
            scheme: "https".into()
        }
    );
    // The advice itself is accepted.
    assert!(check_url(UrlKind::Web, "http://127.0.0.1/return").is_ok());
}

#[test]
fn messages_name_the_part_and_the_place() {
    let cases = [
        (
            "https://shop.example.no/a b",
            "a space at byte 25 is not allowed in the path; percent-encode it",
        ),
        (
            "https://shop.example.no/?q=%zz",
            "`%` at byte 27 in the query is not followed by two hex digits",
        ),
        (
            "https://my_shop.no/",
            "host `my_shop.no`: `_` is not allowed in a host name (letters, digits, `-` and `.`)",
        ),
        (
            "https://shop.example.no/\t",
            "U+0009 at byte 24 is not allowed in the path; percent-encode it",
        ),
        (
            "https://bøtte😀.no/",
            "host `bøtte😀.no`: `😀` (U+1F600) is not allowed in a host name (letters, digits, `-` and `.`)",
        ),
        (
            "https://shop.local/",
            "host `shop.local`: `.local` is not a delegated top-level domain (IANA's root zone)",
        ),
        (
            "https://shop.example.no:70000/",
            "port `70000` is not between 0 and 65535",
        ),
        (
            "https://shop.example.no//x",
            "the path `//x` contains `//`, which the provider's URL validator rejects",
        ),
        (
            "https://shop.example.no/a/../../x",
            "the path `/a/../../x` climbs above the root with `..`, which the provider's URL validator rejects",
        ),
    ];
    for (url, message) in cases {
        assert_eq!(
            check_url(UrlKind::Web, url).unwrap_err().to_string(),
            message,
            "{url}"
        );
    }
}

#[test]
fn plain_http_away_from_this_machine_is_a_warning() {
    let cases: &[(&str, &[UrlWarning])] = &[
        ("http://127.0.0.1/", &[]),
        ("http://127.1.2.3:8000/", &[]),
        ("http://[::1]/", &[]),
        ("https://shop.example.no/", &[]),
        (
            "http://shop.example.no/",
            &[UrlWarning::PlainHttp {
                host: "shop.example.no".into(),
            }],
        ),
        (
            "http://192.168.1.20:8080/",
            &[UrlWarning::PlainHttp {
                host: "192.168.1.20".into(),
            }],
        ),
    ];
    for (url, warnings) in cases {
        assert_eq!(
            check_url(UrlKind::Web, url).unwrap().warnings,
            *warnings,
            "{url}"
        );
    }
}

#[test]
fn the_general_validator_hands_over_the_whatwg_parse() {
    let v = validate_url("https://Bücher.de:8443/a%20b?x=1#frag").unwrap();
    assert_eq!(v.url.scheme(), "https");
    assert_eq!(v.url.host_str(), Some("xn--bcher-kva.de"));
    assert_eq!(v.url.port(), Some(8443));
    assert_eq!(v.url.path(), "/a%20b");
    assert_eq!(v.url.query(), Some("x=1"));
    assert_eq!(v.url.fragment(), Some("frag"));
    let v = validate_url("HTTP://[::FFFF:10.0.0.1]").unwrap();
    assert_eq!(v.url.scheme(), "http");
    assert_eq!(v.host().to_string(), "[::ffff:a00:1]");
    assert_eq!(v.port_or_default(), 80);
    assert_eq!(
        validate_url("https://1.2.3.4").unwrap().host(),
        url::Host::<&str>::Ipv4(core::net::Ipv4Addr::new(1, 2, 3, 4))
    );
    // `..` below the root is resolved, as the browser will.
    assert_eq!(
        validate_url("https://shop.example.no/a/../b")
            .unwrap()
            .url
            .path(),
        "/b"
    );
}

#[test]
fn app_fallbacks() {
    accepts(
        UrlKind::App,
        &[
            "merchantapp://result",
            "merchantApp://result?myAppData",
            "sampleApps://",
            "my.app+x-y://result",
            "com.example.shop://payment/return?x=1&y=%20",
            "merchantapp:result",
            "merchantapp://result/",
            "MerchantApp://Result/Path?Q=1",
            "x://",
        ],
    );
    rejects(
        UrlKind::App,
        &[
            ("", "empty"),
            ("result", "app-missing-scheme"),
            ("://result", "app-missing-scheme"),
            ("/path", "app-missing-scheme"),
            ("1app://x", "invalid-scheme"),
            ("my_app://x", "invalid-scheme"),
            ("my app://x", "invalid-scheme"),
            ("æpp://x", "invalid-scheme"),
            ("http://shop.example.no/", "app-scheme-not-allowed"),
            ("https://shop.example.no/", "app-scheme-not-allowed"),
            ("HTTPS://shop.example.no/", "app-scheme-not-allowed"),
            ("javascript:alert(1)", "app-scheme-not-allowed"),
            ("JavaScript://%0aalert(1)", "app-scheme-not-allowed"),
            ("data:text/html,<b>", "app-scheme-not-allowed"),
            ("file:///etc/passwd", "app-scheme-not-allowed"),
            ("vipps://result", "app-scheme-not-allowed"),
            ("VIPPS://result", "app-scheme-not-allowed"),
            ("vippsMT://result", "app-scheme-not-allowed"),
            ("vippsmt://result", "app-scheme-not-allowed"),
            ("intent", "intent-not-exact"),
            ("Intent", "intent-not-exact"),
            ("INTENT?order=1", "intent-not-exact"),
            ("INTENT/", "intent-not-exact"),
            ("intents", "intent-not-exact"),
            ("merchantapp://result#x", "fallback-fragment"),
            ("merchantapp://user@result", "user-info"),
            ("merchantapp://user:pw@result?x", "user-info"),
            // Found by the fuzzer: `j://@` parses, `j://@?x` does not.
            ("J://@", "user-info"),
            ("merchantapp://result:x", "not-whatwg"),
            ("merchantapp://res ult", "illegal-character"),
            ("merchantapp://result?q=æ", "illegal-character"),
            ("merchantapp://result?q=<x>", "illegal-character"),
            ("merchantapp://result/a|b", "illegal-character"),
            ("merchantapp://result?q=%G1", "bad-percent-encoding"),
            ("merchantapp://result\n", "illegal-character"),
        ],
    );
    let e = check_url(UrlKind::App, "vippsMT://x").unwrap_err();
    assert_eq!(
        e.to_string(),
        "scheme `vippsMT` cannot be an app's fallback scheme: it is the payment app's own scheme, \
         which would send the shopper back into the payment app"
    );
}

#[test]
fn intent_is_acceptable_with_a_warning() {
    let checked = check_url(UrlKind::App, "INTENT").unwrap();
    assert_eq!(checked.warnings, [UrlWarning::IntentAndroidOnly]);
    assert!(
        checked.warnings[0]
            .to_string()
            .contains("https://intent/...")
    );
    // But it is no web fallback.
    assert_eq!(
        check_url(UrlKind::Web, "INTENT").unwrap_err().rule(),
        "missing-scheme"
    );
}

#[test]
fn callback_prefixes() {
    accepts(
        UrlKind::Callback,
        &[
            "https://example.com/vipps/callbacks-for-payment-update",
            "https://shop.example.no",
            "https://shop.example.no:443/cb",
            "https://shop.example.no:80/cb",
            "https://shop.example.no:8080/cb",
            "https://shop.example.no:/cb",
            "https://8.8.8.8/cb",
            "https://[2001:4860:4860::8888]/cb",
            "https://[::FFFF:8.8.8.8]/cb",
            "https://bücher.de/callbacks",
            "https://172.32.0.1/cb",
        ],
    );
    // The rule is the same for all of them; the reason says which block.
    let reasons = [
        ("https://localhost/cb", NotPublic::Localhost),
        ("https://api.localhost/cb", NotPublic::Localhost),
        ("http://127.0.0.1/cb", NotPublic::Loopback),
        ("https://127.0.0.1/cb", NotPublic::Loopback),
        ("https://127.8.9.1:8080/cb", NotPublic::Loopback),
        ("https://[::1]/cb", NotPublic::Loopback),
        ("https://[::FFFF:127.0.0.1]/cb", NotPublic::Loopback),
        ("https://10.1.2.3/cb", NotPublic::Private),
        ("https://172.16.0.1/cb", NotPublic::Private),
        ("https://172.31.255.254/cb", NotPublic::Private),
        ("https://192.168.1.1/cb", NotPublic::Private),
        ("https://[::FFFF:192.168.0.1]/cb", NotPublic::Private),
        ("https://[fd00::1]/cb", NotPublic::Private),
        ("https://[fc12:3456::1]/cb", NotPublic::Private),
        ("https://169.254.169.254/cb", NotPublic::LinkLocal),
        ("https://[fe80::1]/cb", NotPublic::LinkLocal),
        ("https://0.0.0.0/cb", NotPublic::Unspecified),
        ("https://[::]/cb", NotPublic::Unspecified),
        ("https://100.64.0.1/cb", NotPublic::SharedAddressSpace),
        ("https://224.0.0.1/cb", NotPublic::Multicast),
        ("https://[ff02::1]/cb", NotPublic::Multicast),
        ("https://192.0.2.10/cb", NotPublic::Documentation),
        ("https://[2001:db8::1]/cb", NotPublic::Documentation),
        ("https://255.255.255.255/cb", NotPublic::Reserved),
    ];
    for (url, reason) in reasons {
        match check_url(UrlKind::Callback, url) {
            Err(UrlError::CallbackNotPublic { reason: got, .. }) => {
                assert_eq!(got, reason, "{url}")
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    rejects(
        UrlKind::Callback,
        &[
            ("http://shop.example.no/cb", "callback-not-https"),
            ("HTTP://shop.example.no/cb", "callback-not-https"),
            (
                "https://shop.example.no/cb?x=1",
                "callback-query-or-fragment",
            ),
            ("https://shop.example.no/cb?", "callback-query-or-fragment"),
            ("https://shop.example.no/cb#x", "callback-query-or-fragment"),
            ("https://shop.local/cb", "tld-not-delegated"),
            ("https://myserver/cb", "host-single-label"),
            ("ftp://shop.example.no/cb", "scheme-not-allowed"),
            ("https://shop.example.no//cb", "path-double-slash"),
            ("https://user:pw@shop.example.no/cb", "user-info"),
            ("https://shop.example.no:65536/cb", "port-out-of-range"),
        ],
    );
    let e = check_url(UrlKind::Callback, "http://127.0.0.1/cb").unwrap_err();
    assert_eq!(
        e.to_string(),
        "callback host `127.0.0.1` is not publicly reachable: it is a loopback address, so the provider would call itself"
    );
}

#[test]
fn callback_warnings() {
    let cases: &[(&str, &[UrlWarning])] = &[
        ("https://shop.example.no/cb", &[]),
        ("https://shop.example.no:8080/cb", &[]),
        (
            "https://shop.example.no:8443/cb",
            &[UrlWarning::UncommonCallbackPort { port: 8443 }],
        ),
        (
            "https://shop.example.no:0/cb",
            &[UrlWarning::UncommonCallbackPort { port: 0 }],
        ),
        (
            "https://shop.example.no/cb/",
            &[UrlWarning::CallbackTrailingSlash],
        ),
        (
            "https://shop.example.no/",
            &[UrlWarning::CallbackTrailingSlash],
        ),
        (
            "https://shop.example.no:9000/",
            &[
                UrlWarning::UncommonCallbackPort { port: 9000 },
                UrlWarning::CallbackTrailingSlash,
            ],
        ),
    ];
    for (url, warnings) in cases {
        assert_eq!(
            check_url(UrlKind::Callback, url).unwrap().warnings,
            *warnings,
            "{url}"
        );
    }
    let json = serde_json::to_string(&UrlWarning::UncommonCallbackPort { port: 8443 }).unwrap();
    assert_eq!(json, r#"{"rule":"uncommon-callback-port","port":8443}"#);
}

#[test]
fn a_simulator_on_this_machine_accepts_loopback_callbacks_and_nothing_else_more() {
    use appswitch_core::shopper::url::check_local_callback_prefix;
    for url in [
        "http://127.0.0.1:8123/vipps/callbacks",
        "https://127.0.0.1/vipps",
        "http://127.0.0.2:1/cb",
        "http://[::1]:9000/cb",
    ] {
        let checked = check_local_callback_prefix(url).unwrap();
        assert!(checked.warnings.is_empty(), "{url}: {:?}", checked.warnings);
        // … which the real provider refuses: it would call itself.
        assert!(check_url(UrlKind::Callback, url).is_err(), "{url}");
    }
    assert_eq!(
        check_local_callback_prefix("http://127.0.0.1:8123/cb/")
            .unwrap()
            .warnings,
        [UrlWarning::CallbackTrailingSlash]
    );
    // Everything that is not a loopback address gets the provider's answer.
    for url in [
        "https://shop.example.no/cb",
        "https://shop.example.no:8443/cb",
        "http://shop.example.no/cb",
        "https://10.0.0.5/cb",
        "https://192.168.1.1/cb",
        "http://localhost:8123/cb",
        "https://localhost/cb",
        "ftp://127.0.0.1/cb",
        "127.0.0.1:8123/cb",
        "",
    ] {
        assert_eq!(
            check_local_callback_prefix(url).map(|c| c.warnings),
            check_url(UrlKind::Callback, url).map(|c| c.warnings),
            "{url}"
        );
    }
    for (url, rule) in [
        ("http://127.0.0.1:8123/cb?x=1", "callback-query-or-fragment"),
        ("http://127.0.0.1:8123/cb#f", "callback-query-or-fragment"),
        (
            "http://127.0.0.1:99999/cb",
            check_url(UrlKind::Callback, "http://127.0.0.1:99999/cb")
                .unwrap_err()
                .rule(),
        ),
    ] {
        assert_eq!(
            check_local_callback_prefix(url).unwrap_err().rule(),
            rule,
            "{url}"
        );
    }
}
