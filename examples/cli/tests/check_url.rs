//! `appswitch check-url` run as a binary.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appswitch"))
        .arg("check-url")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn acceptable_urls_print_ok() {
    let cases: &[&[&str]] = &[
        &[
            "--kind",
            "web",
            "https://example.com/vipps/fallback-result-page/order123abc",
        ],
        &["--kind", "web", "http://127.0.0.1:8080/return"],
        &["--kind=web", "https://bücher.de/return?x=1"],
        &["https://shop.example.no/r", "--kind", "web"],
        &["--kind", "app", "merchantApp://result?myAppData"],
        &[
            "--kind",
            "callback",
            "https://example.com/vipps/callbacks-for-payment-update",
        ],
        &[
            "--kind",
            "callback",
            "https://[2001:4860:4860::8888]:8080/cb",
        ],
    ];
    for args in cases {
        let out = run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), "ok\n", "{args:?}");
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn warnings_are_printed_but_still_ok() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--kind", "callback", "https://shop.example.no:8443/cb"],
            "warning[uncommon-callback-port]: port 8443",
        ),
        (
            &["--kind", "callback", "https://shop.example.no/cb/"],
            "warning[callback-trailing-slash]",
        ),
        (&["--kind", "app", "INTENT"], "warning[intent-android-only]"),
        (
            &["--kind", "web", "http://shop.example.no/r"],
            "warning[plain-http]",
        ),
    ];
    for (args, warning) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(text(&out.stdout), "ok\n");
        assert!(
            text(&out.stderr).starts_with(warning),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn broken_rules_exit_1_with_the_rule() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--kind", "web", "https://localhost/return"],
            "localhost: host `localhost` is not allowed for https fallback URLs; use http://127.0.0.1 for local development\n",
        ),
        (
            &["--kind", "web", "https://shop.local/r"],
            "tld-not-delegated: ",
        ),
        (
            &["--kind", "web", "https://shop.x/r"],
            "tld-not-delegated: ",
        ),
        (
            &["--kind", "web", "https://shop.example.no//r"],
            "path-double-slash: ",
        ),
        (
            &["--kind", "web", "https://shop.example.no/../r"],
            "path-dot-dot: ",
        ),
        (
            &["--kind", "web", "https://shop.example.no:70000/"],
            "port-out-of-range: ",
        ),
        (&["--kind", "web", "https://[1::2::3]/"], "invalid-ipv6: "),
        (
            &["--kind", "web", "https://shop.example.no/r#top"],
            "fallback-fragment: ",
        ),
        (
            &["--kind", "web", "merchantapp://result"],
            "scheme-not-allowed: ",
        ),
        (
            &["--kind", "app", "vipps://back"],
            "app-scheme-not-allowed: ",
        ),
        (&["--kind", "app", "intent"], "intent-not-exact: "),
        (
            &["--kind", "callback", "http://127.0.0.1/cb"],
            "callback-not-public: ",
        ),
        (
            &["--kind", "callback", "http://shop.example.no/cb"],
            "callback-not-https: ",
        ),
        (
            &["--kind", "callback", "https://10.0.0.2/cb"],
            "callback-not-public: ",
        ),
        (
            &["--kind", "callback", "https://shop.example.no/cb?x"],
            "callback-query-or-fragment: ",
        ),
        (&["--kind", "web", ""], "empty: "),
    ];
    for (args, stderr) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stdout), "", "{args:?}");
        assert!(
            text(&out.stderr).starts_with(stderr),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// Without `--kind` a URL is checked as a web fallback, like the JS API's
/// check: the web rules accept a shop page and refuse an app scheme.
#[test]
fn the_kind_defaults_to_web() {
    let out = run(&["https://shop.example.no/return"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok\n");
    let web = run(&["--kind", "web", "merchantapp://result"]);
    let default = run(&["merchantapp://result"]);
    assert_eq!(default.status.code(), Some(1));
    assert_eq!(text(&default.stderr), text(&web.stderr));
}

#[test]
fn version_prints_the_crate_version() {
    for flag in ["--version", "-V"] {
        let out = Command::new(env!("CARGO_BIN_EXE_appswitch"))
            .arg(flag)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            text(&out.stdout),
            format!("appswitch {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &[],
        &["--kind", "web"],
        &["--kind"],
        &["--kind", "ftp", "ftp://x.no"],
        &["--kind", "web", "--kind", "app", "x://y"],
        &["--kind", "web", "https://a.no", "https://b.no"],
        &["--verbose", "--kind", "web", "https://a.no"],
    ];
    for args in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("usage: appswitch check-url"),
            "{args:?}"
        );
    }
}
