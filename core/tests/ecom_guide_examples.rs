//! Every JSON example of the Vipps eCom API guide is read into the right type, and gives
//! the right status. The examples are in `ecom_guide/examples.rs`, verbatim.
// Reads raw provider payloads: the crate as a backend builds it.
#![cfg(feature = "raw-vipps")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "ecom_guide/examples.rs"]
mod examples;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::retry::ErrorClass;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::payload::{PayloadError, StatusPayload};
use appswitch_core::providers::vipps_ecom::*;
use appswitch_core::status::{CancelledBy, PaymentState, PaymentStatus};
use examples::*;

fn a(minor: u64) -> Amount {
    Amount::from_minor(minor)
}

fn t(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// Reads, writes and reads again: the second read equals the first.
fn round_trip<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, value, "round trip through {text}");
}

/// The example through the sniffing parser: its kind and its state.
fn sniffed(text: &str, kind: &str) -> PaymentStatus {
    let p = StatusPayload::parse_json(text).unwrap();
    assert_eq!(p.kind(), kind);
    assert_eq!(p.provider(), "vipps");
    p.to_status().unwrap()
}

fn socks() -> InitiateBuilder {
    InitiateRequest::builder()
        .merchant_serial_number("123456")
        .order_id("order123abc")
        .amount(a(20000))
        .transaction_text("One pair of Vipps socks")
        .callback_prefix("https://example.com/vipps/callbacks-for-payment-update")
        .fallback("https://example.com/vipps/fallback-result-page/order123abc")
}

#[test]
fn initiate_minimal_is_what_the_builder_writes() {
    let r = InitiateRequest::parse_json(INITIATE_MINIMAL).unwrap();
    assert!(!r.is_express());
    assert_eq!(r.merchant_info.merchant_serial_number.as_str(), "123456");
    assert_eq!(r.transaction.order_id.as_str(), "order123abc");
    assert_eq!(r.transaction.amount, a(20000));
    assert_eq!(r.customer_info.mobile_number, None);
    let built = socks().build().unwrap();
    assert_eq!(built, r);
    // Byte for byte the same JSON value as the guide's.
    let seed: serde_json::Value = serde_json::from_str(INITIATE_MINIMAL).unwrap();
    assert_eq!(serde_json::to_value(&built).unwrap(), seed);
    round_trip(&r);
}

#[test]
fn initiate_express_is_what_the_builder_writes() {
    let r = InitiateRequest::parse_json(INITIATE_EXPRESS).unwrap();
    assert!(r.is_express());
    let m = &r.merchant_info;
    assert_eq!(
        m.merchant_serial_number.as_str(),
        "123456",
        "a number in the guide"
    );
    assert_eq!(m.is_app, Some(false));
    assert_eq!(
        m.auth_token.as_ref().map(AuthToken::expose),
        Some("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1Ni <snip>")
    );
    let options = m.static_shipping_details.as_ref().unwrap();
    assert_eq!(options.len(), 2);
    assert_eq!(options[0].shipping_cost, a(3000), "30.0 kroner");
    assert!(!options[0].is_default && options[1].is_default);
    assert_eq!(r.customer_info.mobile_number.as_deref(), Some("48059528"));
    assert_eq!(
        r.transaction.time_stamp,
        Some(t("2018-12-12T11:18:38.246Z"))
    );
    let built = socks()
        .mobile_number("48059528")
        .auth_token("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1Ni <snip>")
        .consent_removal_prefix("https://example.com/vipps/consents/")
        .is_app(false)
        .shipping_details_prefix("https://example.com/vipps/shipping/")
        .express()
        .static_shipping_details(options.clone())
        .time_stamp(t("2018-12-12T11:18:38.246Z"))
        .build()
        .unwrap();
    assert_eq!(built, r);
    round_trip(&r);
}

#[test]
fn initiate_responses_give_the_url() {
    let landing = InitiateResponse::parse_json(INITIATE_RESPONSE_LANDING_PAGE).unwrap();
    assert_eq!(landing.order_id, "order123abc");
    assert!(landing.url.starts_with("https://api.vipps.no/"));
    let deeplink = InitiateResponse::parse_json(INITIATE_RESPONSE_DEEPLINK).unwrap();
    assert!(deeplink.url.starts_with("vipps://?token="));
    round_trip(&deeplink);
}

#[test]
fn regular_callback_reserves() {
    let c = Callback::parse_json(CALLBACK_REGULAR).unwrap();
    assert_eq!(c.transaction_info.status, CallbackStatus::Reserved);
    assert!(!c.is_express());
    assert_eq!(
        c.transaction_info.transaction_id.as_deref(),
        Some("5001420062")
    );
    let s = sniffed(CALLBACK_REGULAR, "vipps-callback");
    assert_eq!(s, c.to_status());
    assert_eq!(s.state(), PaymentState::Reserved);
    assert_eq!(s.amounts().reserved, a(20000));
    assert_eq!(s.updated_at, Some(t("2018-12-12T11:18:38.246Z")));
    round_trip(&c);
}

#[test]
fn express_callback_reserves_and_shares_details() {
    let c = Callback::parse_json(CALLBACK_EXPRESS).unwrap();
    assert_eq!(c.transaction_info.status, CallbackStatus::Reserve);
    assert!(c.is_express());
    let ship = c.shipping_details.as_ref().unwrap();
    assert_eq!(ship.shipping_cost, a(10999), "109.99 kroner");
    assert_eq!(ship.shipping_method.as_deref(), Some("By cannon"));
    assert_eq!(
        ship.address.as_ref().unwrap().post_code.as_deref(),
        Some("0191")
    );
    let user = c.user_details.as_ref().unwrap();
    assert_eq!(user.user_id.as_deref(), Some("1234567"));
    assert_eq!(
        user.bank_id_verified,
        Some(true),
        "\"Y\" in the earlier guide"
    );
    assert!(
        !format!("{user:?}").contains("12345678901"),
        "no ssn in logs"
    );
    let s = sniffed(CALLBACK_EXPRESS, "vipps-callback");
    assert_eq!(s.state(), PaymentState::Reserved);
    assert_eq!(s.amounts().reserved, a(20000));
    round_trip(&c);
}

#[test]
fn shipping_details_request_is_json_once_the_trailing_comma_is_gone() {
    // The guide's example ends with `"addressType": "H",\n}`: not JSON.
    let e = parse_shipping_details_request(SHIPPING_DETAILS_REQUEST).unwrap_err();
    assert!(
        matches!(&e, PayloadError::Json { message, .. } if message.contains("trailing comma")),
        "{e}"
    );
    let fixed = SHIPPING_DETAILS_REQUEST.replace("\"H\",\n}", "\"H\"\n}");
    let r = parse_shipping_details_request(&fixed).unwrap();
    assert_eq!(r.address_id, Some(3960));
    assert_eq!(r.address_line2, None, "null");
    assert_eq!(r.city.as_deref(), Some("OSLO"));
    assert_eq!(r.address_type.as_deref(), Some("H"));
    round_trip(&r);
}

#[test]
fn shipping_details_response() {
    let r = ShippingDetailsResponse::parse_json(SHIPPING_DETAILS_RESPONSE).unwrap();
    assert_eq!(r.order_id, "123456abc");
    assert_eq!(r.shipping_details.len(), 2);
    assert_eq!(r.shipping_details[1].shipping_method_id, "321abc");
    round_trip(&r);
}

#[test]
fn partial_capture_summaries_read_both_spellings() {
    // "These two truncated examples show the responses for a reservation of
    // 200.00 NOK, and a partial capture of 100.00 NOK" — completed into
    // capture responses.
    let full = format!(
        r#"{{"orderId": "order123abc", "transactionInfo": {{"amount": 20000, "status": "Captured"}}, {SUMMARY_FULL_CAPTURE_FRAGMENT}}}"#
    );
    let partial = format!(
        r#"{{"orderId": "order123abc", "transactionInfo": {{"amount": 10000, "status": "Captured"}}, {SUMMARY_PARTIAL_CAPTURE_FRAGMENT}}}"#
    );
    let full = OperationResponse::parse_json(&full).unwrap();
    let partial = OperationResponse::parse_json(&partial).unwrap();
    let summary = partial.transaction_summary.as_ref().unwrap();
    assert_eq!(
        summary.remaining_amount_to_capture,
        a(10000),
        "lowercase key read"
    );
    assert_eq!(
        full.to_status().state(),
        PaymentState::Captured { full: true }
    );
    let p = partial.to_status();
    assert_eq!(p.state(), PaymentState::Captured { full: false });
    assert_eq!(p.amounts().reserved, a(20000));
    assert_eq!(p.amounts().remaining_to_capture, a(10000));
    // Written back with the documented spelling.
    let back = serde_json::to_value(&partial).unwrap();
    assert!(back.get("transactionSummary").is_some());
    assert!(back.get("transactionsummary").is_none());
}

#[test]
fn cancel_request_and_response() {
    let req = OperationRequest::parse_json(CANCEL_REQUEST).unwrap();
    assert_eq!(req.transaction.amount, None);
    assert_eq!(req.transaction.transaction_text, "No socks for you!");
    let built = OperationRequest::cancel(
        &MerchantSerialNumber::new("123456").unwrap(),
        &PaymentStatus::initiated().with_reserved(a(20000)),
        "No socks for you!",
    )
    .unwrap();
    assert_eq!(built, req);
    let resp = OperationResponse::parse_json(CANCEL_RESPONSE).unwrap();
    assert_eq!(resp.transaction_info.status, OperationStatus::Cancelled);
    let s = sniffed(CANCEL_RESPONSE, "vipps-operation");
    assert_eq!(
        s.state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
    assert_eq!(s.amounts().remaining_to_capture, Amount::ZERO);
    round_trip(&req);
    round_trip(&resp);
}

#[test]
fn refund_request_and_response_with_its_own_key() {
    let req = OperationRequest::parse_json(REFUND_REQUEST).unwrap();
    assert_eq!(req.transaction.amount, Some(a(20000)));
    let captured = PaymentStatus::initiated()
        .with_reserved(a(20000))
        .with_captured(a(20000))
        .with_captured_at(t("2018-11-14T15:22:46.680Z"));
    let built = OperationRequest::refund(
        &MerchantSerialNumber::new("123456").unwrap(),
        &captured,
        a(20000),
        "Refund of Vipps socks",
        t("2018-11-14T15:23:00Z"),
    )
    .unwrap();
    assert_eq!(built, req);
    let resp = OperationResponse::parse_json(REFUND_RESPONSE).unwrap();
    assert_eq!(resp.transaction_info.status, OperationStatus::Refund);
    assert_eq!(
        resp.transaction_info.time_stamp,
        Some(t("2018-11-14T15:23:02.286Z")),
        "no zone: read as UTC"
    );
    let s = sniffed(REFUND_RESPONSE, "vipps-operation");
    assert_eq!(s.state(), PaymentState::Refunded { full: true });
    assert_eq!(s.amounts().captured, a(20000));
    // Written back under `transaction`, as the provider does.
    let back = serde_json::to_value(&resp).unwrap();
    assert_eq!(back["transaction"]["status"], "Refund");
    assert!(back.get("transactionInfo").is_none());
    round_trip(&resp);
}

#[test]
fn details_response_is_the_whole_history() {
    let d = PaymentDetails::parse_json(DETAILS_RESPONSE).unwrap();
    assert_eq!(d.transaction_log_history.len(), 4);
    let summary = d.transaction_summary.as_ref().unwrap();
    assert_eq!(
        summary.bank_identification_number.as_deref(),
        Some("492560")
    );
    assert_eq!(
        d.entry_for_request("1542208966").map(|e| &e.operation),
        Some(&Operation::Capture)
    );
    assert_eq!(
        d.entry_for_request(""),
        None,
        "empty request ids match nothing"
    );
    let s = sniffed(DETAILS_RESPONSE, "vipps-details");
    assert_eq!(s, d.to_status());
    assert_eq!(s.state(), PaymentState::Refunded { full: true });
    let am = s.amounts();
    assert_eq!(
        (am.reserved, am.captured, am.refunded),
        (a(20000), a(20000), a(20000))
    );
    assert_eq!(s.captured_at, Some(t("2018-11-14T15:22:46.680Z")));
    assert_eq!(s.updated_at, Some(t("2018-11-14T15:23:02.286Z")));
    assert!(s.failed_operations.is_empty());
    round_trip(&d);
}

#[test]
fn sub_fragment_is_read_in_a_details_response() {
    let text =
        format!(r#"{{{SUB_FRAGMENT} "orderId": "order123abc", "transactionLogHistory": []}}"#);
    let d = PaymentDetails::parse_json(&text).unwrap();
    assert_eq!(
        d.sub.as_deref(),
        Some("c06c4afe-d9e1-4c5d-939a-177d752a0944")
    );
    assert_eq!(d.to_status().state(), PaymentState::Initiated);
}

#[test]
fn cancelling_a_pending_order() {
    // "$.transactionLogHistory.0.operation: "CANCEL"" and
    // "transactionInfo.status: "Cancelled"", as whole payloads.
    assert!(CANCEL_PENDING_DETAILS_FRAGMENT.ends_with("\"CANCEL\""));
    assert!(CANCEL_PENDING_STATUS_FRAGMENT.ends_with("\"Cancelled\""));
    let details = sniffed(
        r#"{"orderId": "o-1", "transactionLogHistory": [
          {"operation": "CANCEL", "operationSuccess": true, "amount": 20000},
          {"operation": "INITIATE", "operationSuccess": true, "amount": 20000}]}"#,
        "vipps-details",
    );
    assert_eq!(
        details.state(),
        PaymentState::Cancelled {
            by: CancelledBy::User
        },
        "the history cannot tell who"
    );
    let response = sniffed(
        r#"{"orderId": "o-1", "transactionInfo": {"amount": 20000, "status": "Cancelled"}}"#,
        "vipps-operation",
    );
    // The merchant knows it cancelled: either order, the merchant.
    for s in [
        details.clone().merge(&response),
        response.clone().merge(&details),
    ] {
        assert_eq!(
            s.state(),
            PaymentState::Cancelled {
                by: CancelledBy::Merchant
            }
        );
    }
}

#[test]
fn access_token_response_and_refresh() {
    let tok = AccessTokenResponse::parse_json(TOKEN_RESPONSE).unwrap();
    assert_eq!(tok.token_type, "Bearer");
    assert_eq!(tok.expires_in, 86398);
    assert_eq!(tok.ext_expires_in, Some(0));
    assert_eq!(tok.not_before, Some(1_495_184_574));
    assert_eq!(
        tok.expires_at(),
        Some(Timestamp::from_millis(1_495_271_273_000))
    );
    let margin = core::time::Duration::from_secs(300);
    assert!(!tok.needs_refresh(Timestamp::from_millis(1_495_184_574_000), margin));
    assert!(tok.needs_refresh(Timestamp::from_millis(1_495_270_973_000), margin));
    assert!(!format!("{tok:?}").contains("eyJ0eXAi"));
    // Written back as strings, the provider's way.
    let back = serde_json::to_value(&tok).unwrap();
    assert_eq!(back["expires_in"], "86398");
    round_trip(&tok);
}

#[test]
fn token_error_is_json_once_its_line_continuations_are_joined() {
    // "Example of an error response body (formatted for readability)": the
    // backslash-newline continuations inside the string are not JSON.
    let e = ErrorBody::parse_json(TOKEN_ERROR).unwrap_err();
    assert!(
        matches!(&e, PayloadError::Json { path, .. } if path == "error_description"),
        "{e}"
    );
    let joined = TOKEN_ERROR.replace("\\\n     ", "");
    let body = ErrorBody::parse_json(&joined).unwrap();
    let ErrorBody::Token(err) = &body else {
        panic!("{body:?}")
    };
    assert_eq!(err.error, "unauthorized_client");
    assert_eq!(err.error_codes, vec![70001]);
    assert!(
        err.error_description
            .as_deref()
            .unwrap()
            .contains("AADSTS70001")
    );
    assert_eq!(body.class(), ErrorClass::Final);
    round_trip(&body);
}

#[test]
fn capture_request_and_response() {
    let req = OperationRequest::parse_json(CAPTURE_REQUEST).unwrap();
    assert_eq!(req.transaction.amount, Some(a(20000)));
    let reserved = PaymentStatus::initiated().with_reserved(a(20000));
    let built = OperationRequest::capture(
        &MerchantSerialNumber::new("123456").unwrap(),
        &reserved,
        Some(a(20000)),
        "Socks on the way! Tracking code: abc-tracking-123",
    )
    .unwrap();
    assert_eq!(built, req);
    let resp = OperationResponse::parse_json(CAPTURE_RESPONSE).unwrap();
    assert_eq!(resp.transaction_info.status, OperationStatus::Captured);
    let s = sniffed(CAPTURE_RESPONSE, "vipps-operation");
    assert_eq!(s.state(), PaymentState::Captured { full: true });
    assert_eq!(s.captured_at, Some(t("2018-11-14T15:22:46.736Z")));
    assert_eq!(s.amounts().remaining_to_refund, a(20000));
    // The merchant's own capture merged with the reservation callback.
    let callback = Callback::parse_json(CALLBACK_REGULAR).unwrap().to_status();
    assert_eq!(
        callback.merge(&s).state(),
        PaymentState::Captured { full: true }
    );
    round_trip(&resp);
}

#[test]
fn ecom_error_array() {
    let body = ErrorBody::parse_json(ECOM_ERROR).unwrap();
    let ErrorBody::Ecom(errors) = &body else {
        panic!("{body:?}")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].error_group,
        ErrorGroup::Payment,
        "`Payment` in the guide and the specification"
    );
    assert_eq!(
        errors[0].known_code(),
        Some(KnownErrorCode::RefusedExpiredCard)
    );
    assert_eq!(body.class(), ErrorClass::Final);
    assert_eq!(
        classify(CallFailure::Http {
            status: 400,
            body: Some(&body)
        }),
        ErrorClass::Final
    );
    round_trip(&body);
}

#[test]
fn gateway_error_object() {
    let body = ErrorBody::parse_json(GATEWAY_ERROR).unwrap();
    let ErrorBody::Gateway(g) = &body else {
        panic!("{body:?}")
    };
    assert_eq!(g.status_code, 401);
    assert!(g.message.starts_with("Access denied"));
    assert_eq!(body.class(), ErrorClass::Final);
    round_trip(&body);
}
