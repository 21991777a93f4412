//! `appswitch error` run as a binary.

mod run_binary;

use run_binary::{json_of, run};

#[test]
fn the_seeds_ecom_error() {
    let v = json_of(&run(
        &["error"],
        r#"[{"errorGroup": "Payment", "errorMessage": "Refused by issuer because of expired card", "errorCode": "44"}]"#,
    ));
    assert_eq!(v["kind"], "ecom");
    assert_eq!(v["class"], "final");
    // The group as the specification spells it; the meaning in the
    // provider's current words (Vipps eCom API guide, "Error codes").
    assert_eq!(v["errors"][0]["group"], "Payment");
    assert_eq!(v["errors"][0]["known"], "RefusedExpiredCard");
    assert_eq!(
        v["errors"][0]["meaning"],
        "Refused by the issuer: Expired card."
    );
}

#[test]
fn each_class_is_reported() {
    let cases = [
        (
            r#"[{"errorGroup": "Merchant", "errorCode": "34"}]"#,
            "new-order-id",
        ),
        (
            r#"[{"errorGroup": "VippsError", "errorCode": "98"}]"#,
            "retry-later",
        ),
        (
            r#"[{"errorGroup": "Payments", "errorCode": "63"}]"#,
            "check-then-retry",
        ),
        (
            r#"{"statusCode": 401, "message": "Access denied"}"#,
            "final",
        ),
        (r#"{"error": "temporarily_unavailable"}"#, "retry-later"),
    ];
    for (body, class) in cases {
        assert_eq!(
            json_of(&run(&["error", "-"], body))["class"],
            class,
            "{body}"
        );
    }
}

#[test]
fn the_http_status_counts_too() {
    let body = r#"[{"errorGroup": "Merchant", "errorCode": "34"}]"#;
    let v = json_of(&run(&["error", "--http-status", "500"], body));
    assert_eq!(v["class"], "check-then-retry");
    assert_eq!(v["httpStatus"], 500);
    let v = json_of(&run(&["error", "--http-status", "429", "-"], body));
    assert_eq!(v["class"], "retry-later");
}

#[test]
fn the_token_error() {
    let v = json_of(&run(
        &["error"],
        r#"{"error": "unauthorized_client", "error_description": "AADSTS70001: not found",
            "error_codes": [70001], "trace_id": "3bc2b2a0"}"#,
    ));
    assert_eq!(v["kind"], "token");
    assert_eq!(v["class"], "final");
    assert_eq!(v["errorCodes"][0], 70001);
}

#[test]
fn not_an_error_body_exits_1() {
    let out = run(&["error"], r#"{"orderId": "o"}"#);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a provider error body"), "{err}");
    let out = run(&["error"], "<html>Bad gateway</html>");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["error", "--http-status"][..],
        &["error", "--http-status", "abc"][..],
        &["error", "--nope"][..],
        &["error", "a", "b"][..],
    ] {
        assert_eq!(run(args, "").status.code(), Some(2), "{args:?}");
    }
}
