//! Every error code of the provider's table is known under its group, with
//! its class; a code the table does not have under its group falls back to
//! the group; the HTTP status and the body together decide what to do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use appswitch_core::foundation::retry::ErrorClass::{self, *};
use appswitch_core::providers::payload::PayloadError;
use appswitch_core::providers::vipps_ecom::*;

/// The provider's table (Vipps eCom API guide, "Error codes"), written the
/// way the guide writes each group, plus the earlier guide's four codes —
/// and the class appswitch gives each.
#[rustfmt::skip]
const TABLE: &[(&str, &str, ErrorClass)] = &[
    ("Payment", "41", Final),
    ("Payment", "42", Final),
    ("Payment", "43", Final),
    ("Payment", "44", Final),
    ("Payment", "45", Final),
    ("Payment", "51", Final),
    ("Payment", "52", CheckThenRetry),
    ("Payments", "53", Final),
    ("Payment", "61", Final),
    ("Payment", "62", Final),
    ("Payment", "63", CheckThenRetry),
    ("Payment", "71", Final),
    ("Payment", "72", Final),
    ("Payment", "73", Final),
    ("Payment", "74", Final),
    ("Payment", "93", Final),
    ("Payment", "95", Final),
    ("Payment", "98", Final),
    ("Payment", "1082", Final),
    ("Payments", "1501", Final),
    ("VippsError", "91", Final),
    ("VippsError", "92", CheckThenRetry),
    ("VippsError", "93", Final),
    ("VippsError", "94", RetryLater),
    ("VippsError", "98", RetryLater),
    ("VippsError", "99", CheckThenRetry),
    ("user", "81", Final),
    ("user", "82", Final),
    ("Merchant", "31", Final),
    ("Merchant", "32", Final),
    ("Merchant", "33", Final),
    ("Merchant", "34", NewOrderId),
    ("Merchant", "35", Final),
    ("Merchant", "36", Final),
    ("Merchant", "37", Final),
    ("Merchant", "38", Final),
    ("Merchant", "39", Final),
    ("Merchant", "51", Final),
    ("Merchant", "97", Final),
    ("Merchant", "21", Final),
    ("Merchant", "22", Final),
];

/// The class of a code the table does not have under its group: "Internal
/// Vipps application error" leaves the outcome unknown, every other group
/// is final.
fn group_fallback(group: &ErrorGroup) -> ErrorClass {
    match group {
        ErrorGroup::VippsError => CheckThenRetry,
        _ => Final,
    }
}

fn body(group: &str, code_json: &str) -> ErrorBody {
    ErrorBody::parse_json(&format!(
        r#"[{{"errorGroup": "{group}", "errorCode": {code_json}, "errorMessage": "…"}}]"#
    ))
    .unwrap()
}

#[test]
fn every_code_of_the_table_is_known_under_its_group_and_classified() {
    assert_eq!(TABLE.len(), KnownErrorCode::ALL.len());
    for &(group, code, class) in TABLE {
        let g = ErrorGroup::from_name(group);
        let known =
            KnownErrorCode::from_group_code(&g, code).unwrap_or_else(|| panic!("{group} {code}"));
        assert_eq!(known.group(), g, "{code}");
        assert_eq!(known.class(), class, "{group} {code}");
        // As the provider would send it, code as text or as a number.
        for code_json in [format!("\"{code}\""), code.to_string()] {
            let b = body(group, &code_json);
            assert_eq!(b.known_codes(), vec![known]);
            assert_eq!(b.class(), class, "{group} {code}");
        }
    }
}

/// The rule, over every group and every number the table uses (and some
/// it does not): a pair in the table has the table's class, any other pair
/// its group's.
#[test]
fn a_code_is_classified_by_its_group_and_number_together() {
    let mut numbers: Vec<&str> = TABLE.iter().map(|(_, c, _)| *c).collect();
    numbers.extend(["0", "40", "7777", "100000"]);
    let groups = [
        "Authentication",
        "Payment",
        "VippsError",
        "User",
        "Merchant",
        "Shipping",
    ];
    for group in groups {
        let g = ErrorGroup::from_name(group);
        for &number in &numbers {
            let listed = TABLE
                .iter()
                .find(|(tg, tc, _)| ErrorGroup::from_name(tg) == g && *tc == number);
            let expected = listed.map_or_else(|| group_fallback(&g), |(_, _, class)| *class);
            let b = body(group, &format!("\"{number}\""));
            assert_eq!(b.class(), expected, "{group} {number}");
            assert_eq!(
                b.known_codes().is_empty(),
                listed.is_none(),
                "{group} {number}"
            );
        }
    }
}

#[test]
fn the_same_number_in_another_group_is_another_code() {
    // "Payment 98": too late to capture — final, however often it is tried.
    assert_eq!(body("Payment", "\"98\"").class(), Final);
    assert_eq!(
        body("Payment", "\"98\"").known_codes(),
        vec![KnownErrorCode::CaptureTooLate]
    );
    // "VippsError 98": too many concurrent requests — nothing happened.
    assert_eq!(body("VippsError", "\"98\"").class(), RetryLater);
    // "Merchant 51" is the Nin scope, not a cancel after capture.
    assert_eq!(
        body("Merchant", "\"51\"").known_codes(),
        vec![KnownErrorCode::NinScopeNotAllowed]
    );
    assert_eq!(
        body("Payment", "\"51\"").known_codes(),
        vec![KnownErrorCode::CancelAfterCapture]
    );
    assert_eq!(
        body("VippsError", "\"93\"").known_codes(),
        vec![KnownErrorCode::IdempotentRequestMismatch]
    );
    assert_eq!(
        body("Payment", "\"93\"").known_codes(),
        vec![KnownErrorCode::IdempotentAmountMismatch]
    );
}

#[test]
fn invalid_request_codes_are_field_names() {
    let body = ErrorBody::parse_json(
        r#"[{"errorGroup": "InvalidRequest", "errorCode": "transaction.amount",
             "errorMessage": "must be greater than 0", "contextId": "abc-123"}]"#,
    )
    .unwrap();
    let ErrorBody::Ecom(errors) = &body else {
        panic!()
    };
    assert_eq!(errors[0].known_code(), None);
    assert_eq!(errors[0].context_id.as_deref(), Some("abc-123"));
    assert_eq!(body.class(), Final);
    // A numeric-looking field name is still not a known code.
    let body =
        ErrorBody::parse_json(r#"[{"errorGroup": "InvalidRequest", "errorCode": "34"}]"#).unwrap();
    assert_eq!(body.known_codes(), vec![]);
}

#[test]
fn unknown_codes_by_group() {
    let class = |group: &str| {
        ErrorBody::parse_json(&format!(
            r#"{{"errorGroup": "{group}", "errorCode": "7777", "errorMessage": "?"}}"#
        ))
        .unwrap()
        .class()
    };
    assert_eq!(class("VippsError"), CheckThenRetry);
    for g in [
        "Payment",
        "Payments",
        "Merchant",
        "User",
        "Authentication",
        "Brand new",
    ] {
        assert_eq!(class(g), Final, "{g}");
    }
}

#[test]
fn the_most_decisive_entry_wins() {
    let body = ErrorBody::parse_json(
        r#"[{"errorGroup": "VippsError", "errorCode": "98"},
            {"errorGroup": "Merchant", "errorCode": "34"},
            {"errorGroup": "VippsError", "errorCode": "99"}]"#,
    )
    .unwrap();
    assert_eq!(body.class(), NewOrderId);
    let body = ErrorBody::parse_json(
        r#"[{"errorGroup": "Merchant", "errorCode": "34"}, {"errorGroup": "Payment", "errorCode": "42"}]"#,
    )
    .unwrap();
    assert_eq!(body.class(), Final);
    assert_eq!(ErrorBody::parse_json("[]").unwrap().class(), Final);
}

#[test]
fn http_status_and_transport() {
    let rate =
        ErrorBody::parse_json(r#"[{"errorGroup": "VippsError", "errorCode": "98"}]"#).unwrap();
    let duplicate =
        ErrorBody::parse_json(r#"[{"errorGroup": "Merchant", "errorCode": "34"}]"#).unwrap();
    let http = |status, body| classify(CallFailure::Http { status, body });
    assert_eq!(classify(CallFailure::ConnectFailed), RetryLater);
    assert_eq!(classify(CallFailure::ReadTimeout), CheckThenRetry);
    assert_eq!(http(429, None), RetryLater);
    assert_eq!(http(429, Some(&duplicate)), RetryLater);
    for s in [500, 502, 503, 504] {
        assert_eq!(http(s, None), CheckThenRetry, "{s}");
        assert_eq!(
            http(s, Some(&duplicate)),
            CheckThenRetry,
            "{s}: outcome unknown"
        );
    }
    assert_eq!(http(401, None), Final);
    assert_eq!(http(403, Some(&rate)), Final);
    assert_eq!(http(400, Some(&duplicate)), NewOrderId);
    assert_eq!(http(409, Some(&rate)), RetryLater);
    assert_eq!(http(400, None), Final);
    assert_eq!(http(404, None), Final);
    let gateway =
        ErrorBody::parse_json(r#"{"statusCode": 429, "message": "Rate limit is exceeded."}"#)
            .unwrap();
    assert_eq!(gateway.class(), RetryLater);
    let gateway = ErrorBody::parse_json(r#"{"statusCode": 422, "message": "?"}"#).unwrap();
    assert_eq!(gateway.class(), Final);
}

/// eCom API specification (OpenAPI), schema `ErrorFromAzure`: "The most
/// important property is the HTTP status code" — classified like the
/// gateway's object, for every status.
#[test]
fn the_azure_error_shape_is_read_and_classified_by_its_status() {
    for status in [400u16, 401, 403, 404, 409, 422, 429, 500, 502, 503] {
        for code_json in [status.to_string(), format!("\"{status}\"")] {
            let text = format!(
                r#"{{"responseInfo": {{"responseCode": {code_json}, "responseMessage": "Unauthorized"}},
                    "result": {{"message": "(An error from Azure API Management, possibly related to authentication)"}}}}"#
            );
            let azure = ErrorBody::parse_json(&text).unwrap();
            let ErrorBody::Azure(a) = &azure else {
                panic!("{azure:?}")
            };
            assert_eq!(a.response_info.response_code, status);
            assert!(a.result.message.starts_with("(An error from Azure"));
            let gateway =
                ErrorBody::parse_json(&format!(r#"{{"statusCode": {status}, "message": "x"}}"#))
                    .unwrap();
            assert_eq!(azure.class(), gateway.class(), "{status}");
            assert!(azure.known_codes().is_empty());
            let expected = match status {
                429 => RetryLater,
                500..=599 => CheckThenRetry,
                _ => Final,
            };
            assert_eq!(azure.class(), expected, "{status}");
            // The HTTP status of the answer decides first, as for any body.
            assert_eq!(
                classify(CallFailure::Http {
                    status: 503,
                    body: Some(&azure)
                }),
                CheckThenRetry
            );
        }
    }
    // `result` may be missing; `responseCode` may not.
    let b = ErrorBody::parse_json(r#"{"responseInfo": {"responseCode": 401}}"#).unwrap();
    assert_eq!(b.class(), Final);
    let e = ErrorBody::parse_json(r#"{"responseInfo": {"responseMessage": "x"}}"#).unwrap_err();
    assert!(e.to_string().contains("responseCode"), "{e}");
}

#[test]
fn token_errors() {
    let body = ErrorBody::parse_json(r#"{"error": "temporarily_unavailable"}"#).unwrap();
    assert_eq!(body.class(), RetryLater);
    let body =
        ErrorBody::parse_json(r#"{"error": "invalid_client", "error_description": "bad secret"}"#)
            .unwrap();
    assert_eq!(body.class(), Final);
}

#[test]
fn what_is_not_an_error_body_says_so() {
    assert!(matches!(
        ErrorBody::parse_json(r#"{"hello": 1}"#),
        Err(PayloadError::UnrecognisedError { keys }) if keys == ["hello"]
    ));
    assert_eq!(
        ErrorBody::parse_json("42"),
        Err(PayloadError::NotAnObject { found: "a number" })
    );
    let e = ErrorBody::parse_json(r#"[{"errorGroup": "Payment"}]"#).unwrap_err();
    assert_eq!(e.to_string(), "`[0]`: missing field `errorCode`");
    let e = ErrorBody::parse_json(r#"{"statusCode": "x"}"#).unwrap_err();
    assert!(e.to_string().starts_with("`statusCode`:"), "{e}");
    assert!(matches!(
        ErrorBody::parse_json("<html>502 Bad Gateway</html>"),
        Err(PayloadError::Json { .. })
    ));
}

#[test]
fn amount_rule_errors_point_at_the_providers_code() {
    use appswitch_core::foundation::money::Amount;
    use appswitch_core::status::PaymentStatus;
    let reserved = PaymentStatus::initiated().with_reserved(Amount::from_minor(100));
    let e = check_capture(&reserved, Some(Amount::from_minor(101))).unwrap_err();
    assert_eq!(
        e.provider_code(),
        Some(KnownErrorCode::CaptureExceedsReserved)
    );
    let e = check_refund(&reserved, Amount::from_minor(1), Default::default()).unwrap_err();
    assert_eq!(e.provider_code(), Some(KnownErrorCode::RefundBeforeCapture));
    let e = check_cancel(
        &reserved.clone().with_captured(Amount::from_minor(1)),
        false,
    )
    .unwrap_err();
    assert_eq!(e.provider_code(), Some(KnownErrorCode::CancelAfterCapture));
    let cancelled = reserved.with_cancelled(appswitch_core::status::CancelledBy::Merchant);
    let e = check_capture(&cancelled, None).unwrap_err();
    assert_eq!(e.provider_code(), Some(KnownErrorCode::CaptureNotReserved));
    let e = check_refund(&cancelled, Amount::from_minor(1), Default::default()).unwrap_err();
    assert_eq!(e.provider_code(), Some(KnownErrorCode::RefundAfterCancel));
}
