//! Every error code of seed 001's table is known, with its group and
//! class; the HTTP status and the body together decide what to do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use appswitch_core::foundation::retry::ErrorClass::{self, *};
use appswitch_core::providers::payload::PayloadError;
use appswitch_core::providers::vipps_ecom::*;

/// The seed's table: group, code, message — and the class appswitch gives.
#[rustfmt::skip]
const TABLE: &[(&str, &str, &str, ErrorClass)] = &[
    ("Payments", "41", "User do not have a valid card", Final),
    ("Payments", "42", "Refused by issuer bank", Final),
    ("Payments", "43", "Refused by issuer bank because of invalid a amount", Final),
    ("Payments", "44", "Refused by issuer because of expired card", Final),
    ("Payments", "45", "Reservation failed for some unknown reason", Final),
    ("Payments", "51", "Cannot cancel already captured order", Final),
    ("Payments", "52", "Cancellation failed", CheckThenRetry),
    ("Payments", "53", "Cannot cancel order which is not reserved yet", Final),
    ("Payments", "61", "Captured amount exceeds the reserved amount ordered", Final),
    ("Payments", "62", "The amount you tried to capture is not reserved", Final),
    ("Payments", "63", "Capture failed for some unknown reason, please use Get Payment Details API to know the exact status", CheckThenRetry),
    ("Payments", "71", "Cannot refund more than captured amount", Final),
    ("Payments", "72", "Cannot refund for reserved order, please use Cancel API", Final),
    ("Payments", "73", "Cannot refund on cancelled order", Final),
    ("Payments", "93", "Captured amount should be same in Idempotent retry", Final),
    ("Payments", "1501", "This person can not pay to companies", Final),
    ("VippsError", "91", "Transaction is not allowed", Final),
    ("VippsError", "92", "Transaction already processed", CheckThenRetry),
    ("VippsError", "98", "Too many concurrent requests", RetryLater),
    ("VippsError", "99", "Description of the internal error", CheckThenRetry),
    ("user", "81", "User not registered with Vipps", Final),
    ("user", "82", "User App version not supported", Final),
    ("Merchant", "31", "Merchant is blocked because of <reason>", Final),
    ("Merchant", "32", "Receiving limit of merchant is exceeded", Final),
    ("Merchant", "33", "Number of payment requests has been exceeded", RetryLater),
    ("Merchant", "34", "Unique constraint violation of the order id", NewOrderId),
    ("Merchant", "35", "Registered order not found", Final),
    ("Merchant", "36", "Merchant agreement not signed", Final),
    ("Merchant", "37", "Merchant not available, deactivated or blocked", Final),
    ("Merchant", "38", "Sale unit is not allowed to skip the landing page", Final),
    ("Merchant", "21", "Reference Order ID is not valid", Final),
    ("Merchant", "22", "Reference Order ID is not in valid state", Final),
];

#[test]
fn every_code_of_the_seed_is_known_and_classified() {
    assert_eq!(TABLE.len(), KnownErrorCode::ALL.len());
    for &(group, code, message, class) in TABLE {
        let known = KnownErrorCode::from_code(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(known.group(), ErrorGroup::from_name(group), "{code}");
        assert_eq!(known.meaning(), message, "{code}");
        assert_eq!(known.class(), class, "{code}");
        // As the provider would send it, code as text or as a number.
        for code_json in [format!("\"{code}\""), code.to_string()] {
            let body = ErrorBody::parse_json(&format!(
                r#"[{{"errorGroup": "{group}", "errorCode": {code_json}, "errorMessage": "{message}"}}]"#
            ))
            .unwrap();
            assert_eq!(body.known_codes(), vec![known]);
            assert_eq!(body.class(), class, "{code}");
        }
    }
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
        r#"[{"errorGroup": "Merchant", "errorCode": "34"}, {"errorGroup": "Payments", "errorCode": "42"}]"#,
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
    let e = ErrorBody::parse_json(r#"[{"errorGroup": "Payments"}]"#).unwrap_err();
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
    let e = check_cancel(&reserved.clone().with_captured(Amount::from_minor(1))).unwrap_err();
    assert_eq!(e.provider_code(), Some(KnownErrorCode::CancelAfterCapture));
    let cancelled = reserved.with_cancelled(appswitch_core::status::CancelledBy::Merchant);
    let e = check_capture(&cancelled, None).unwrap_err();
    assert_eq!(e.provider_code(), Some(KnownErrorCode::CaptureNotReserved));
    let e = check_refund(&cancelled, Amount::from_minor(1), Default::default()).unwrap_err();
    assert_eq!(e.provider_code(), Some(KnownErrorCode::RefundAfterCancel));
}
