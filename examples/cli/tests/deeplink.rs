//! `appswitch deeplink` run as a binary.

use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appswitch"))
        .arg("deeplink")
        .args(args)
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const AT: &[&str] = &[
    "--received-at",
    "2018-12-12T11:18:38.246Z",
    "--now",
    "2018-12-12T11:20:00Z",
];

#[test]
fn an_app_deeplink_with_its_plans() {
    let mut args = AT.to_vec();
    args.push("vipps://?token=eyJraWQiOiJqd3RrZXkiLCJhbGciOiJSUzI1NiJ9");
    let v = json(&args);
    assert_eq!(v["kind"], "app");
    assert_eq!(v["environment"], "production");
    assert_eq!(v["expired"], false);
    assert_eq!(v["deadlines"]["receivedAt"], "2018-12-12T11:18:38.246Z");
    assert_eq!(v["deadlines"]["linkValidUntil"], "2018-12-12T11:23:38.246Z");
    assert_eq!(
        v["deadlines"]["paymentDeadline"],
        "2018-12-12T11:28:38.246Z"
    );
    assert_eq!(v["plans"]["ios"]["action"], "iosOpenApp");
    assert_eq!(v["plans"]["ios"]["queryScheme"], "vipps");
    assert_eq!(
        v["plans"]["ios"]["appStoreUrl"],
        "https://itunes.apple.com/no/app/Vipps-by-dnb/id984380185"
    );
    assert_eq!(v["plans"]["android"]["action"], "androidViewIntent");
    assert_eq!(v["plans"]["android"]["package"], "no.dnb.vipps");
    assert!(
        v["plans"]["mobileWeb"]["error"]
            .as_str()
            .unwrap()
            .contains("isApp: false")
    );
    assert!(v["plans"]["desktopWeb"]["error"].is_string());
}

#[test]
fn a_test_landing_page() {
    let mut args = AT.to_vec();
    args.push("https://apitest.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x");
    let v = json(&args);
    assert_eq!(v["kind"], "landingPage");
    assert_eq!(v["environment"], "test");
    assert_eq!(v["plans"]["desktopWeb"]["action"], "openLandingPage");
    assert_eq!(v["plans"]["desktopWeb"]["confirmPhoneNumber"], true);
    assert_eq!(v["plans"]["mobileWeb"]["confirmPhoneNumber"], false);
    assert_eq!(v["plans"]["android"]["externalBrowser"], true);
}

#[test]
fn an_expired_link_says_start_a_new_attempt() {
    let v = json(&[
        "--received-at",
        "2018-12-12T11:18:38.246Z",
        "--now",
        "2018-12-12T11:23:38.246Z",
        "vippsMT://?token=abc",
    ]);
    assert_eq!(v["environment"], "test");
    assert_eq!(v["expired"], true);
    for platform in ["ios", "android"] {
        assert_eq!(
            v["plans"][platform]["action"], "startNewAttempt",
            "{platform}"
        );
    }
}

#[test]
fn without_times_it_uses_the_clock() {
    let v = json(&["https://api.vipps.no/x?token=y"]);
    assert_eq!(v["expired"], false);
    assert_eq!(v["plans"]["mobileWeb"]["action"], "openLandingPage");
}

#[test]
fn bad_links_exit_1_and_bad_usage_exits_2() {
    for url in [
        "ftp://x.no",
        "vipps://",
        "http://api.vipps.no/x",
        "",
        "not a url",
    ] {
        let out = run(&[url]);
        assert_eq!(out.status.code(), Some(1), "{url:?}");
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty());
    }
    let cases: &[&[&str]] = &[
        &[],
        &["--now"],
        &["--now", "yesterday", "vipps://?token=x"],
        &["--frobnicate", "vipps://?token=x"],
        &["vipps://?token=x", "vipps://?token=y"],
    ];
    for args in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: appswitch deeplink"));
    }
}
