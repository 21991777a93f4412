//! Table-driven tests of the provider's URL rules, through the public API:
//! web fallbacks, app fallbacks and callback prefixes.

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use appswitch_core::shopper::url::{
    Host, NotPublic, UrlError, UrlKind, UrlWarning, check_url, validate_url,
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

#[test]
fn web_fallbacks_the_validator_accepts() {
    let long_label = format!("https://{}.no/", "a".repeat(63));
    let long_host = format!("https://{}.no/", vec!["a".repeat(60); 4].join("."));
    accepts(
        UrlKind::Web,
        &[
            // Seed 001's example, and its local-development advice.
            "https://example.com/vipps/fallback-result-page/order123abc",
            "http://127.0.0.1",
            "http://127.0.0.1:8080/return",
            "https://127.0.0.1/return",
            // Hosts.
            "https://shop.example.no",
            "https://shop.example.no/",
            "https://SHOP.Example.NO/Return",
            "https://shop.example.no./return",
            "https://a.b.c.d.e.example.com/",
            "https://my-shop.example.no/",
            "https://s.co/",
            "https://x1.io/",
            "https://123.example.com/",
            "https://1.2.3.com/",
            "https://shop.no/",
            "https://shop.se/",
            "https://shop.dk/",
            "https://shop.eu/",
            "https://shop.shop/",
            "https://home.arpa.net/",
            &long_label,
            &long_host,
            // IDN: Unicode hosts are checked as Punycode.
            "https://bücher.de/return",
            "https://xn--bcher-kva.de/return",
            "https://BÜCHER.de/",
            "https://blåbær.no/",
            "https://例え.jp/",
            "https://пример.рф/",
            "https://shop.xn--p1ai/",
            "https://δοκιμή.ελ/",
            "https://☃.net/",
            "https://cafe\u{301}.no/",
            // Ideographic and full-width full stops separate labels, as in IDNA.
            "https://shop。no/",
            "https://shop．example．no/",
            // IPv4 and IPv6 literals.
            "https://8.8.8.8/",
            "https://1.2.3.4:8080/return",
            "https://255.255.255.255/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[::1]:3000/return",
            "https://[2001:db8::1]:8443/x",
            "https://[2001:0DB8:0000:0000:0000:FF00:0042:8329]/",
            "https://[::FFFF:1.2.3.4]/",
            "https://[fe80::1]/",
            // Ports 0–65535, and an empty port.
            "https://shop.example.no:0/",
            "https://shop.example.no:1/",
            "https://shop.example.no:443/",
            "https://shop.example.no:65535/",
            "https://shop.example.no:00080/",
            "https://shop.example.no:/return",
            // Paths: RFC 3986 pchar, percent-encoding.
            "https://shop.example.no/a%20b/%C3%A6",
            "https://shop.example.no/~user/file.html",
            "https://shop.example.no/p;x=1/(a)*'$!+,=:@&",
            "https://shop.example.no/a.b/.c/d./e",
            "https://shop.example.no/%2e%2e/x",
            "https://shop.example.no/a_b-c",
            // Queries: anything but whitespace, `#` and the unwise characters.
            "https://shop.example.no/?",
            "https://shop.example.no/return?order=1&x=y",
            "https://shop.example.no/?a=[b]",
            "https://shop.example.no/?søk=æøå",
            "https://shop.example.no/?a=b?c",
            "https://shop.example.no/?a=%7B%7D",
            "https://shop.example.no/?a=/b:c@d",
            "https://shop.example.no?x=1",
        ],
    );
}

#[test]
fn web_fallbacks_the_validator_rejects() {
    let label_64 = format!("https://{}.no/", "a".repeat(64));
    let host_254 = format!("https://{}.no/", vec!["a".repeat(62); 4].join("."));
    let idn_label_too_long = format!("https://{}.no/", "æ".repeat(60));
    rejects(
        UrlKind::Web,
        &[
            ("", "empty"),
            // Schemes.
            ("shop.example.no/return", "missing-scheme"),
            ("//shop.example.no/return", "missing-scheme"),
            ("/return", "missing-scheme"),
            ("1http://shop.example.no", "invalid-scheme"),
            ("ht tp://shop.example.no", "invalid-scheme"),
            (" https://shop.example.no", "invalid-scheme"),
            ("ftp://shop.example.no/", "scheme-not-allowed"),
            ("javascript:alert(1)", "scheme-not-allowed"),
            ("merchantapp://result", "scheme-not-allowed"),
            ("vipps://?token=x", "scheme-not-allowed"),
            // Authority.
            ("https:shop.example.no", "missing-host"),
            ("https:/shop.example.no", "missing-host"),
            ("https://", "missing-host"),
            ("https:///return", "missing-host"),
            ("https://:443/", "missing-host"),
            ("https://user:pw@shop.example.no/", "user-info"),
            ("https://user@shop.example.no/", "user-info"),
            ("https://@shop.example.no/", "user-info"),
            // localhost, with the seed's advice.
            ("https://localhost/", "localhost"),
            ("https://localhost:8443/return", "localhost"),
            ("http://localhost/", "localhost"),
            ("https://LOCALHOST/", "localhost"),
            ("https://localhost./", "localhost"),
            ("https://app.localhost/", "localhost"),
            ("https://localhost.localdomain/", "localhost"),
            // Host names.
            ("https://myshop/", "host-single-label"),
            ("https://intranet-server/", "host-single-label"),
            ("https://shop..no/", "host-empty-label"),
            ("https://.shop.no/", "host-empty-label"),
            ("https://shop.no../", "host-empty-label"),
            ("https://-shop.no/", "host-label-hyphen"),
            ("https://shop-.no/", "host-label-hyphen"),
            ("https://shop.-no/", "host-label-hyphen"),
            ("https://my_shop.example.no/", "host-character"),
            ("https://shop*.no/", "host-character"),
            ("https://shop!.no/", "host-character"),
            ("https://sh%6Fp.no/", "host-character"),
            ("https://shop.no\t/", "illegal-character"),
            ("https://shop.no /", "illegal-character"),
            ("https://shop💳.no/", "host-character"),
            ("https://sh\u{200B}op.no/", "host-character"),
            ("https://shop\u{E000}.no/", "host-character"),
            ("https://shop\u{A0}.no/", "illegal-character"),
            (&label_64, "host-label-too-long"),
            (&idn_label_too_long, "host-label-too-long"),
            (&host_254, "host-too-long"),
            // Top-level domains.
            ("https://shop.example/", "tld-reserved"),
            ("https://shop.local/", "tld-reserved"),
            ("https://shop.test/", "tld-reserved"),
            ("https://shop.invalid/", "tld-reserved"),
            ("https://host.docker.internal/", "tld-reserved"),
            ("https://printer.lan/", "tld-reserved"),
            ("https://shop.LOCAL./", "tld-reserved"),
            ("https://shop.xx/", "tld-unknown-country-code"),
            ("https://shop.nx/", "tld-unknown-country-code"),
            ("https://shop.an/", "tld-unknown-country-code"),
            ("https://shop.123/", "tld-not-alphabetic"),
            ("https://shop.1no/", "tld-not-alphabetic"),
            // IPv4.
            ("https://1.2.3/", "invalid-ipv4"),
            ("https://256.1.1.1/", "invalid-ipv4"),
            ("https://1.2.3.256/", "invalid-ipv4"),
            ("https://01.2.3.4/", "invalid-ipv4"),
            ("https://1.2.3.4.5/", "invalid-ipv4"),
            ("https://1..2.3/", "invalid-ipv4"),
            ("https://4294967295/", "invalid-ipv4"),
            // IPv6.
            ("https://[::1/", "invalid-ipv6"),
            ("https://[]/", "invalid-ipv6"),
            ("https://[1::2::3]/", "invalid-ipv6"),
            ("https://[12345::]/", "invalid-ipv6"),
            ("https://[1:2:3:4:5:6:7]/", "invalid-ipv6"),
            ("https://[1:2:3:4:5:6:7:8:9]/", "invalid-ipv6"),
            ("https://[::ffff:1.2.3.4]/", "invalid-ipv6"),
            ("https://[::1.2.3.4]/", "invalid-ipv6"),
            ("https://[fe80::1%25eth0]/", "invalid-ipv6"),
            ("https://[v1.x]/", "invalid-ipv6"),
            ("https://[::1]x/", "invalid-ipv6"),
            ("https://[::g]/", "invalid-ipv6"),
            // Ports.
            ("https://shop.example.no:65536/", "port-out-of-range"),
            (
                "https://shop.example.no:99999999999999999999/",
                "port-out-of-range",
            ),
            ("https://[::1]:70000/", "port-out-of-range"),
            ("https://shop.example.no:-1/", "invalid-port"),
            ("https://shop.example.no:80a/", "invalid-port"),
            ("https://shop.example.no:0x50/", "invalid-port"),
            ("https://shop.example.no:80:81/", "invalid-port"),
            ("https://shop.example.no:8 0/", "illegal-character"),
            // Paths.
            ("https://shop.example.no//return", "path-double-slash"),
            ("https://shop.example.no/a//b", "path-double-slash"),
            ("https://shop.example.no/a/b//", "path-double-slash"),
            ("https://shop.example.no/../x", "path-dot-dot"),
            ("https://shop.example.no/a/../b", "path-dot-dot"),
            ("https://shop.example.no/..", "path-dot-dot"),
            ("https://shop.example.no/a/b/..", "path-dot-dot"),
            ("https://shop.example.no/a..b", "path-dot-dot"),
            ("https://shop.example.no/ret urn", "illegal-character"),
            ("https://shop.example.no/æ", "illegal-character"),
            ("https://shop.example.no/a|b", "illegal-character"),
            ("https://shop.example.no/a\\b", "illegal-character"),
            ("https://shop.example.no/a\"b", "illegal-character"),
            ("https://shop.example.no/[x]", "illegal-character"),
            ("https://shop.example.no/a{b}", "illegal-character"),
            ("https://shop.example.no/a^b", "illegal-character"),
            ("https://shop.example.no/a`b", "illegal-character"),
            ("https://shop.example.no/\n", "illegal-character"),
            ("https://shop.example.no/ ", "illegal-character"),
            ("https://shop.example.no/%zz", "bad-percent-encoding"),
            ("https://shop.example.no/%4", "bad-percent-encoding"),
            ("https://shop.example.no/100%", "bad-percent-encoding"),
            // Queries and fragments.
            ("https://shop.example.no/?q=a b", "illegal-character"),
            ("https://shop.example.no/?q=<x>", "illegal-character"),
            ("https://shop.example.no/?q=a|b", "illegal-character"),
            ("https://shop.example.no/?q=\u{7f}", "illegal-character"),
            ("https://shop.example.no/?q=\u{a0}", "illegal-character"),
            ("https://shop.example.no/?q=%", "bad-percent-encoding"),
            ("https://shop.example.no/?q=%g0", "bad-percent-encoding"),
            ("https://shop.example.no/#a b", "illegal-character"),
            ("https://shop.example.no/#a#b", "illegal-character"),
            // Our own rule: the provider appends `status` at the very end.
            ("https://shop.example.no/return#top", "fallback-fragment"),
            ("https://shop.example.no/return?x=1#", "fallback-fragment"),
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
            "host `shop.local`: `.local` is for private networks and tests, not a public top-level domain",
        ),
        (
            "https://shop.example.no:70000/",
            "port `70000` is not between 0 and 65535",
        ),
        (
            "https://shop.example.no//x",
            "the path `//x` contains `//`, which the provider's URL validator rejects",
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
fn the_general_validator_takes_urls_apart() {
    let v = validate_url("https://Bücher.de:8443/a%20b?x=1#frag").unwrap();
    assert_eq!(v.scheme, "https");
    assert_eq!(v.host, Host::Domain("xn--bcher-kva.de".into()));
    assert_eq!(v.port, Some(8443));
    assert_eq!(v.path, "/a%20b");
    assert_eq!(v.query.as_deref(), Some("x=1"));
    assert_eq!(v.fragment.as_deref(), Some("frag"));
    let v = validate_url("HTTP://[::FFFF:10.0.0.1]").unwrap();
    assert_eq!(v.scheme, "http");
    assert_eq!(v.host.to_string(), "[::ffff:a00:1]");
    assert_eq!(v.port_or_default(), 80);
    assert_eq!(
        validate_url("https://1.2.3.4").unwrap().host,
        Host::Ipv4([1, 2, 3, 4])
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
            ("https://shop.local/cb", "tld-reserved"),
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
