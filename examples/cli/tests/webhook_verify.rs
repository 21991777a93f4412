//! `appswitch webhook-verify` run as a binary, against the Webhooks API's
//! published sample ("Request authentication").

mod run_binary;

use run_binary::run;

const SECRET: &str =
    "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
const BODY: &str = r#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
const DATE: &str = "Thu, 30 Mar 2023 08:38:32 GMT";
const HASH: &str = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=";
const AUTH: &str = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=";

fn args<'a>(secret: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "webhook-verify",
        "--secret",
        secret,
        "--method",
        "POST",
        "--path",
        "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63",
        "--host",
        "webhook.site",
        "--date",
        DATE,
        "--content-sha256",
        HASH,
        "--authorization",
        AUTH,
    ];
    v.extend_from_slice(extra);
    v
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_published_example_is_authentic() {
    let out = run(&args(SECRET, &[]), BODY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n");
    // `--flag=value` is the same.
    let mut a = args(SECRET, &[]);
    let joined = format!("--secret={SECRET}");
    a.splice(1..3, [joined.as_str()]);
    assert_eq!(run(&a, BODY).status.code(), Some(0));
}

#[test]
fn a_tampered_request_is_refused_with_the_reason() {
    let cases: [(Vec<&str>, &str, &str); 4] = [
        (
            args("another-secret", &[]),
            BODY,
            "signature does not match",
        ),
        (
            args(SECRET, &[]),
            r#"{"some-unique-content":"x"}"#,
            "x-ms-content-sha256",
        ),
        (
            args(
                "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A=",
                &[],
            ),
            BODY,
            "signature does not match",
        ),
        (
            args(SECRET, &[]),
            &format!("{BODY}\n"),
            "content was modified",
        ),
    ];
    for (a, body, reason) in cases {
        let out = run(&a, body);
        assert_eq!(out.status.code(), Some(1), "{a:?}");
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains(reason), "{}", stderr(&out));
    }
    let mut a = args(SECRET, &[]);
    a[6] = "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63?replayed=1";
    assert_eq!(run(&a, BODY).status.code(), Some(1));
}

#[test]
fn now_checks_the_freshness_window() {
    for (now, code) in [
        ("2023-03-30T08:38:32Z", 0),
        ("2023-03-30T08:50:00Z", 0),
        ("2023-03-30T08:30:00+00:00", 0),
        ("2023-03-30T09:00:00Z", 1),
        ("2023-03-29T08:38:32Z", 1),
    ] {
        let out = run(&args(SECRET, &["--now", now]), BODY);
        assert_eq!(out.status.code(), Some(code), "{now}: {}", stderr(&out));
        if code == 1 {
            assert!(stderr(&out).contains("x-ms-date"), "{}", stderr(&out));
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let mut missing = args(SECRET, &[]);
    missing.truncate(13); // no --authorization
    for a in [
        missing,
        args(SECRET, &["--now", "yesterday"]),
        args(SECRET, &["--method", "PUT"]),
        args(SECRET, &["--bogus", "1"]),
        args(SECRET, &["--now"]),
    ] {
        let out = run(&a, BODY);
        assert_eq!(out.status.code(), Some(2), "{a:?}");
        assert!(
            stderr(&out).contains("usage: appswitch webhook-verify"),
            "{}",
            stderr(&out)
        );
    }
    let out = run(&["webhook-verify", "--help"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("x-ms-content-sha256"));
}
