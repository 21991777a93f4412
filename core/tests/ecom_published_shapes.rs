//! Every response body the provider's published eCom v2 material shows —
//! the OpenAPI specification's schemas and the API guide's examples — is
//! read, in every form a field has been published in; one odd field never
//! refuses the body around it; and what the specification defines is kept.
//!
//! The bodies are written here from the specification and the guide (the
//! section is named above each), not copied from a file.
#![cfg(feature = "raw-vipps")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use appswitch_core::foundation::money::Amount;
use appswitch_core::providers::vipps_ecom::*;
use appswitch_core::status::PaymentState;
use serde_json::{Value, json};

fn a(minor: u64) -> Amount {
    Amount::from_minor(minor)
}

/// Vipps eCom API guide, "Get payment details" → "Example response", with
/// the `userDetails` block the guide shows for a payment with a `scope`
/// (`"bankIdVerified": 0`) and `sub`.
fn details_example() -> Value {
    json!({
        "orderId": "acme-shop-123-order123abc",
        "transactionSummary": {
            "capturedAmount": 20000, "remainingAmountToCapture": 0,
            "refundedAmount": 20000, "remainingAmountToRefund": 0,
            "bankIdentificationNumber": 492560
        },
        "transactionLogHistory": [
            {"amount": 20000, "transactionText": "Refund of Vipps socks", "transactionId": "5600727726",
             "timeStamp": "2018-11-14T15:23:02.286Z", "operation": "REFUND", "requestId": "1542208972",
             "operationSuccess": true},
            {"amount": 20000, "transactionText": "One pair of Vipps socks", "transactionId": "5001420058",
             "timeStamp": "2018-11-14T15:22:46.680Z", "operation": "CAPTURE", "requestId": "1542208966",
             "operationSuccess": true},
            {"amount": 20000, "transactionText": "One pair of Vipps socks", "transactionId": "5001420062",
             "timeStamp": "2018-11-14T15:21:22.126Z", "operation": "RESERVE", "requestId": "",
             "operationSuccess": true},
            {"amount": 20000, "transactionText": "One pair of Vipps socks", "transactionId": "5001420062",
             "timeStamp": "2018-11-14T15:21:04.697Z", "operation": "INITIATE", "requestId": "",
             "operationSuccess": true}
        ],
        "userDetails": {
            "bankIdVerified": 0, "email": "user@example.com", "firstName": "Ada",
            "lastName": "Lovelace", "mobileNumber": "91234567",
            "userId": "c06c4afe-d9e1-4c5d-939a-177d752a0944"
        },
        "sub": "c06c4afe-d9e1-4c5d-939a-177d752a0944"
    })
}

/// Vipps eCom API guide, "Callback examples" → "eComm Express Payment"
/// callback (the address says `zipCode` and `"country": "NO"`; the
/// merchant serial number is a number).
fn express_callback_example() -> Value {
    json!({
        "merchantSerialNumber": 123456,
        "orderId": "acme-shop-123-order123abc",
        "shippingDetails": {
            "address": {
                "addressLine1": "Dronning Eufemias gate 42", "addressLine2": "Att: Rune Garborg",
                "city": "OSLO", "country": "NO", "zipCode": "0191"
            },
            "shippingCost": 99, "shippingMethod": "By cannon",
            "shippingMethodId": "53DBB6BA-89DB-4997-B444-5E9F1681E3D3"
        },
        "transactionInfo": {
            "amount": 20000, "status": "RESERVE", "timeStamp": "2018-12-12T11:18:38.246Z",
            "transactionId": "5001420062"
        },
        "userDetails": {
            "firstName": "Ada", "lastName": "Lovelace", "email": "user@example.com",
            "mobileNumber": "12345678", "userId": "1234567"
        }
    })
}

fn details(v: &Value) -> PaymentDetails {
    PaymentDetails::parse_json(&v.to_string()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

fn callback(v: &Value) -> Callback {
    Callback::parse_json(&v.to_string()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

/// `userDetails.bankIdVerified` has been published as `"Y"`/`"N"` (the
/// specification until 2023), as the number `0` (the guide's details
/// example), and is sent as a boolean: every form is read, none refuses
/// the body, and an unreadable one is "not said".
#[test]
fn bank_id_verified_is_read_in_every_published_form() {
    let forms: [(Value, Option<bool>); 16] = [
        (json!("Y"), Some(true)),
        (json!("N"), Some(false)),
        (json!("y"), Some(true)),
        (json!(0), Some(false)),
        (json!(1), Some(true)),
        (json!(true), Some(true)),
        (json!(false), Some(false)),
        (json!("true"), Some(true)),
        (json!("false"), Some(false)),
        (json!("1"), Some(true)),
        (json!("0"), Some(false)),
        (json!(null), None),
        (json!(2), None),
        (json!("[Expired]"), None),
        (json!({"verified": true}), None),
        (json!([1]), None),
    ];
    for (form, expected) in forms {
        let mut d = details_example();
        d["userDetails"]["bankIdVerified"] = form.clone();
        let read = details(&d);
        let user = read.user_details.as_ref().unwrap();
        assert_eq!(user.bank_id_verified, expected, "{form}");
        assert_eq!(user.first_name.as_deref(), Some("Ada"), "{form}");
        assert_eq!(
            read.to_status().state(),
            PaymentState::Refunded { full: true }
        );
        // Written back with the specification's types.
        let back = serde_json::to_value(&read).unwrap();
        assert_eq!(
            back["transactionSummary"]["bankIdentificationNumber"],
            492560
        );
        // The express callback carries the same block.
        let mut c = express_callback_example();
        c["userDetails"]["bankIdVerified"] = form.clone();
        let cb = callback(&c);
        assert_eq!(
            cb.user_details.unwrap().bank_id_verified,
            expected,
            "{form}"
        );
    }
}

/// The post code: `zipCode` in the specification's `AddressExpress` (the
/// express callback), `postCode` in its `Address` and in the guide's
/// earlier callback example. Both are read and kept as sent.
#[test]
fn express_addresses_read_zip_code_and_post_code() {
    let c = callback(&express_callback_example());
    let address = c
        .shipping_details
        .as_ref()
        .unwrap()
        .address
        .as_ref()
        .unwrap();
    assert_eq!(address.zip_code.as_deref(), Some("0191"));
    assert_eq!(address.post_code, None);
    assert_eq!(address.postal_code(), Some("0191"));
    assert_eq!(address.country.as_deref(), Some("NO"));
    assert_eq!(c.shipping_details.as_ref().unwrap().shipping_cost, a(9900));
    // Written back under the name it came with.
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["shippingDetails"]["address"]["zipCode"], "0191");
    assert!(back["shippingDetails"]["address"].get("postCode").is_none());

    let mut older = express_callback_example();
    let addr = older["shippingDetails"]["address"].as_object_mut().unwrap();
    addr.remove("zipCode");
    addr.insert("postCode".into(), json!("0191"));
    let c = callback(&older);
    let address = c.shipping_details.unwrap().address.unwrap();
    assert_eq!(
        (address.post_code.as_deref(), address.postal_code()),
        (Some("0191"), Some("0191"))
    );

    // Both at once are both kept; neither refuses the body.
    let mut both = express_callback_example();
    both["shippingDetails"]["address"]["postCode"] = json!("0150");
    let address = callback(&both).shipping_details.unwrap().address.unwrap();
    assert_eq!(
        (address.post_code.as_deref(), address.zip_code.as_deref()),
        (Some("0150"), Some("0191"))
    );

    // The details response's `shippingDetails.address` (schema `Address`).
    let mut d = details_example();
    d["shippingDetails"] = json!({"address": {"addressLine1": "Robert Levins gate 5",
        "city": "Oslo", "country": "Norway", "postCode": "0154"},
        "shippingCost": 499.00, "shippingMethod": "Posten Servicepakke",
        "shippingMethodId": "posten-servicepakke"});
    let ship = details(&d).shipping_details.unwrap();
    assert_eq!(ship.address.unwrap().postal_code(), Some("0154"));
    assert_eq!(ship.shipping_cost, a(49900));
}

/// The JSON pointers of every field of `v` that no status is derived from
/// (descriptive text, ids, optional blocks), and of each optional block.
fn descriptive_fields(v: &Value, at: &str, out: &mut Vec<String>) {
    const DECISIVE: [&str; 5] = [
        "operation",
        "operationSuccess",
        "amount",
        "status",
        "merchantSerialNumber",
    ];
    const SUMMARY_AMOUNTS: [&str; 4] = [
        "capturedAmount",
        "remainingAmountToCapture",
        "refundedAmount",
        "remainingAmountToRefund",
    ];
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = format!("{at}/{k}");
                let decisive = DECISIVE.contains(&k.as_str())
                    || SUMMARY_AMOUNTS.contains(&k.as_str())
                    || k == "orderId"
                    || k == "transactionLogHistory"
                    || k == "transactionInfo";
                if !decisive {
                    out.push(path.clone());
                }
                descriptive_fields(child, &path, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                descriptive_fields(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

const ODD_VALUES: [&str; 8] = [
    "12345",
    "\"some text\"",
    "true",
    "null",
    "{}",
    "{\"nested\": [1, 2]}",
    "[]",
    "1.5",
];

/// The rule: one odd value in any field no decision depends on never
/// refuses a details response or a callback, and never changes the state
/// or the amounts derived from it.
#[test]
fn one_odd_field_never_refuses_the_body() {
    let examples: [(&str, Value); 2] = [
        ("details", details_example()),
        ("callback", express_callback_example()),
    ];
    for (kind, example) in examples {
        let mut paths = Vec::new();
        descriptive_fields(&example, "", &mut paths);
        assert!(paths.len() > 15, "{kind}: {paths:?}");
        let status = |v: &Value| match kind {
            "details" => details(v).to_status(),
            _ => callback(v).to_status(),
        };
        let before = status(&example);
        for path in &paths {
            for odd in ODD_VALUES {
                let mut v = example.clone();
                *v.pointer_mut(path).unwrap() = serde_json::from_str(odd).unwrap();
                let after = status(&v);
                assert_eq!(after.state(), before.state(), "{kind} {path} = {odd}");
                assert_eq!(after.amounts(), before.amounts(), "{kind} {path} = {odd}");
            }
        }
        // An unknown field anywhere is ignored.
        let mut v = example.clone();
        v["somethingNew"] = json!({"x": 1});
        assert_eq!(status(&v), before, "{kind}");
    }
}

/// What the status is derived from is read in every form it has been
/// seen in (numbers as text, integral numbers with a decimal point, flags
/// as text or 0/1), and refused — naming the field — only when it is none
/// of them: money is never guessed.
#[test]
fn decisive_fields_are_read_in_every_form_and_refused_only_when_none() {
    let base = details_example();
    let before = details(&base).to_status();
    let entry = "/transactionLogHistory/1";
    for (field, form) in [
        ("amount", json!("20000")),
        ("amount", json!(20000.0)),
        ("operationSuccess", json!("true")),
        ("operationSuccess", json!(1)),
        ("operationSuccess", json!("Y")),
        ("operation", json!(" CAPTURE")),
    ] {
        let mut v = base.clone();
        v.pointer_mut(entry).unwrap()[field] = form.clone();
        assert_eq!(details(&v).to_status(), before, "{field} = {form}");
    }
    for (field, form, says) in [
        ("amount", json!(-1), "negative"),
        ("amount", json!(19999.5), "whole number"),
        ("amount", json!("lots"), "not an unsigned integer"),
        ("operationSuccess", json!("perhaps"), "expected a boolean"),
        ("operationSuccess", json!(7), "expected a boolean"),
    ] {
        let mut v = base.clone();
        v.pointer_mut(entry).unwrap()[field] = form.clone();
        let e = PaymentDetails::parse_json(&v.to_string())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("`transactionLogHistory[1].{field}`")) && e.contains(says),
            "{field} = {form}: {e}"
        );
    }
    // An operation this crate does not know proves nothing, and refuses
    // nothing.
    let mut v = base.clone();
    v.pointer_mut(entry).unwrap()["operation"] = json!("SOMETHING_NEW");
    let s = details(&v).to_status();
    assert_eq!(
        s.state(),
        PaymentState::Refunded { full: true },
        "the REFUND still proves it"
    );
}

/// eCom API specification (OpenAPI), schema `RegularCheckOutPaymentRequest`
/// / `ExpressCheckOutPaymentRequest`: `errorInfo` (schema `Error`) is kept.
#[test]
fn the_callbacks_error_info_is_kept() {
    let text = r#"{"merchantSerialNumber": "123456", "orderId": "acme-shop-123-order123abc",
        "transactionInfo": {"amount": 20000, "status": "RESERVE_FAILED",
          "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "5001420062"},
        "errorInfo": {"errorGroup": "Payment", "errorCode": "44",
          "errorMessage": "Refused by issuer because of expired card",
          "contextId": "f70b8bf7-c843-4bea-95d9-94725b19895f"}}"#;
    let c = Callback::parse_json(text).unwrap();
    let info = c.error_info.as_ref().unwrap();
    assert_eq!(info.known_code(), Some(KnownErrorCode::RefusedExpiredCard));
    assert_eq!(
        info.context_id.as_deref(),
        Some("f70b8bf7-c843-4bea-95d9-94725b19895f")
    );
    assert!(matches!(c.to_status().state(), PaymentState::Failed { .. }));
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["errorInfo"]["errorCode"], "44");
    // An `errorInfo` of another shape is skipped, not a refusal.
    let odd = text.replace(r#""errorCode": "44","#, "");
    assert_eq!(Callback::parse_json(&odd).unwrap().error_info, None);
}

/// eCom API specification (OpenAPI), schemas `TransactionResponse` and
/// `CancelTransactionResponse`: `paymentInstrument` ("Mastercard") is kept
/// and written back.
#[test]
fn payment_instrument_is_kept_in_operation_responses() {
    let text = r#"{"paymentInstrument": "Mastercard", "orderId": "acme-shop-123-order123abc",
        "transactionInfo": {"amount": 20000, "timeStamp": "2018-11-14T15:22:46.736Z",
          "transactionText": "Socks on the way! Tracking code: abc-tracking-123",
          "status": "Captured", "transactionId": "5001420058"},
        "transactionSummary": {"capturedAmount": 20000, "remainingAmountToCapture": 0,
          "refundedAmount": 0, "remainingAmountToRefund": 20000}}"#;
    let r = OperationResponse::parse_json(text).unwrap();
    assert_eq!(r.payment_instrument.as_deref(), Some("Mastercard"));
    let back = serde_json::to_value(&r).unwrap();
    assert_eq!(back["paymentInstrument"], "Mastercard");
    assert_eq!(OperationResponse::parse_json(&back.to_string()).unwrap(), r);
    // "Not included until a user has chosen and approved in the app."
    let without = text.replace(r#""paymentInstrument": "Mastercard", "#, "");
    assert_eq!(
        OperationResponse::parse_json(&without)
            .unwrap()
            .payment_instrument,
        None
    );
}

/// eCom API specification (OpenAPI), schema `FetchShippingCostResponse`:
/// `addressId`, `orderId` and `shippingDetails` are required; the guide's
/// "Get shipping details" example answers with the request's `addressId`.
#[test]
fn the_shipping_details_response_requires_the_address_id() {
    let with = r#"{"addressId": 3960, "orderId": "123456abc", "shippingDetails": [
        {"isDefault": "N", "priority": 1, "shippingCost": 99, "shippingMethod": "Walking", "shippingMethodId": "123abc"},
        {"isDefault": "Y", "priority": 2, "shippingCost": 199, "shippingMethod": "Running", "shippingMethodId": "321abc"}]}"#;
    let r = ShippingDetailsResponse::parse_json(with).unwrap();
    assert_eq!(r.address_id, 3960);
    assert_eq!(r.shipping_details[1].shipping_cost, a(19900));
    assert_eq!(serde_json::to_value(&r).unwrap()["addressId"], 3960);
    let without = with.replace(r#""addressId": 3960, "#, "");
    let e = ShippingDetailsResponse::parse_json(&without).unwrap_err();
    assert!(e.to_string().contains("addressId"), "{e}");
    // The request it answers (schema `ShippingCostAndMethod`, the guide's
    // example with `"addressLine2": null`).
    let request = parse_shipping_details_request(
        r#"{"addressId": 3960, "addressLine1": "Dronning Eufemias gate 42", "addressLine2": null,
            "country": "Norway", "city": "OSLO", "postCode": "0191", "addressType": "H"}"#,
    )
    .unwrap();
    assert_eq!(
        (request.address_id, request.postal_code()),
        (Some(3960), Some("0191"))
    );
}
