//! The initiate builder refuses every invalid combination with a typed
//! error that names the field.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use appswitch_core::foundation::money::Amount;
use appswitch_core::providers::vipps_ecom::mobile_number::MobileNumberError;
use appswitch_core::providers::vipps_ecom::order_id::OrderIdError;
use appswitch_core::providers::vipps_ecom::*;

fn regular() -> InitiateBuilder {
    InitiateRequest::builder()
        .merchant_serial_number("123456")
        .order_id("order123abc")
        .amount(Amount::from_minor(20000))
        .transaction_text("One pair of Vipps socks")
        .callback_prefix("https://example.com/vipps/callbacks")
        .fallback("https://example.com/vipps/fallback/order123abc")
}

fn option(id: &str, default: bool) -> ShippingOption {
    ShippingOption {
        is_default: default,
        priority: 0,
        shipping_cost: Amount::from_minor(3000),
        shipping_method: "Walking".into(),
        shipping_method_id: id.into(),
    }
}

fn express() -> InitiateBuilder {
    regular()
        .express()
        .consent_removal_prefix("https://example.com/vipps/consents")
}

#[test]
fn every_required_field_is_named() {
    use InitiateError::Missing;
    let cases: [(InitiateBuilder, &str); 6] = [
        (
            InitiateRequest::builder()
                .order_id("o-1")
                .amount(Amount::from_minor(1)),
            "merchantInfo.merchantSerialNumber",
        ),
        (
            InitiateRequest::builder().merchant_serial_number("1"),
            "transaction.orderId",
        ),
        (
            InitiateRequest::builder()
                .merchant_serial_number("1")
                .order_id("o-1"),
            "transaction.amount",
        ),
        (
            regular().transaction_text("   "),
            "transaction.transactionText",
        ),
        (regular().callback_prefix(""), "merchantInfo.callbackPrefix"),
        (regular().fallback(" "), "merchantInfo.fallBack"),
    ];
    for (builder, field) in cases {
        let e = builder.build().unwrap_err();
        assert_eq!(e, Missing { field }, "{field}");
        assert!(e.to_string().contains(field), "{e}");
    }
    assert_eq!(
        InitiateRequest::builder().build().unwrap_err().to_string(),
        "`merchantInfo.merchantSerialNumber` is required"
    );
}

#[test]
fn field_rules() {
    assert_eq!(
        regular().amount(Amount::ZERO).build(),
        Err(InitiateError::ZeroAmount)
    );
    assert_eq!(
        regular().order_id("order 1").build(),
        Err(InitiateError::OrderId(OrderIdError::InvalidCharacter {
            found: ' ',
            position: 5
        }))
    );
    assert_eq!(
        regular().order_id("x".repeat(31)).build(),
        Err(InitiateError::OrderId(OrderIdError::TooLong { len: 31 }))
    );
    assert!(matches!(
        regular().merchant_serial_number("12-34").build(),
        Err(InitiateError::MerchantSerialNumber(MsnError::NotDigits(_)))
    ));
    assert_eq!(
        regular().mobile_number("+46 70 123 45 67").build(),
        Err(InitiateError::MobileNumber(
            MobileNumberError::ForeignCountryCode("467".into())
        ))
    );
    assert!(matches!(
        regular().auth_token(" ").build(),
        Err(InitiateError::Missing {
            field: "merchantInfo.authToken"
        })
    ));
    assert_eq!(
        regular().skip_landing_page(true).build(),
        Err(InitiateError::SkipLandingPageNeedsMobileNumber)
    );
    let ok = regular()
        .skip_landing_page(true)
        .mobile_number("0047 912 34 567")
        .build()
        .unwrap();
    assert_eq!(ok.customer_info.mobile_number.as_deref(), Some("91234567"));
    assert_eq!(ok.transaction.skip_landing_page, Some(true));
}

#[test]
fn express_combinations() {
    assert_eq!(
        regular()
            .express()
            .shipping_details_prefix("https://e.com/s")
            .build(),
        Err(InitiateError::ExpressNeedsConsentRemovalPrefix)
    );
    assert_eq!(express().build(), Err(InitiateError::ExpressNeedsShipping));
    assert!(
        express()
            .shipping_details_prefix("https://e.com/s")
            .build()
            .unwrap()
            .is_express()
    );
    assert!(
        express()
            .static_shipping_details(vec![option("a", true)])
            .build()
            .is_ok()
    );
    assert_eq!(
        express().static_shipping_details(vec![]).build(),
        Err(InitiateError::EmptyStaticShippingDetails)
    );
    assert_eq!(
        express()
            .static_shipping_details(vec![option("a", true), option("a", false)])
            .build(),
        Err(InitiateError::DuplicateShippingMethodId("a".into()))
    );
    assert_eq!(
        express().consent_removal_prefix("").build(),
        Err(InitiateError::Missing {
            field: "merchantInfo.consentRemovalPrefix"
        })
    );
}

#[test]
fn express_fields_on_a_regular_payment_are_refused() {
    let cases: [(InitiateBuilder, &str); 4] = [
        (
            regular().consent_removal_prefix("https://e.com/c"),
            "merchantInfo.consentRemovalPrefix",
        ),
        (
            regular().shipping_details_prefix("https://e.com/s"),
            "merchantInfo.shippingDetailsPrefix",
        ),
        (
            regular().static_shipping_details(vec![option("a", true)]),
            "merchantInfo.staticShippingDetails",
        ),
        (
            regular().explicit_checkout_flow(true),
            "transaction.useExplicitCheckoutFlow",
        ),
    ];
    for (b, field) in cases {
        assert_eq!(b.build(), Err(InitiateError::ExpressOnly { field }));
    }
}

#[test]
fn the_request_is_written_with_the_providers_names() {
    let r = express()
        .shipping_details_prefix("https://e.com/s")
        .explicit_checkout_flow(true)
        .is_app(true)
        .scope("name email")
        .auth_token("tok")
        .build()
        .unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["merchantInfo"]["paymentType"], "eComm Express Payment");
    assert_eq!(v["merchantInfo"]["isApp"], true);
    assert_eq!(v["merchantInfo"]["authToken"], "tok");
    assert_eq!(v["merchantInfo"]["merchantSerialNumber"], "123456");
    assert_eq!(v["transaction"]["useExplicitCheckoutFlow"], true);
    assert_eq!(v["transaction"]["scope"], "name email");
    assert!(v["transaction"].get("timeStamp").is_none());
    assert!(
        !format!("{r:?}").contains("\"tok\""),
        "authToken hidden in Debug"
    );
}

#[test]
fn reading_a_request_names_the_wrong_field() {
    let e = InitiateRequest::parse_json(
        r#"{"merchantInfo": {"merchantSerialNumber": "12a", "callbackPrefix": "x", "fallBack": "y"},
            "transaction": {"orderId": "o-1", "amount": 1, "transactionText": "t"}}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("`merchantInfo.merchantSerialNumber`: `merchantSerialNumber` `12a`"),
        "{e}"
    );
    let e = InitiateRequest::parse_json(
        r#"{"merchantInfo": {"merchantSerialNumber": 1, "callbackPrefix": "x", "fallBack": "y"},
            "transaction": {"orderId": "o_1", "amount": 1, "transactionText": "t"}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("`transaction.orderId`:"), "{e}");
    // Also when the bad field is the last of its object (the reader has
    // already seen the closing brace when the value is checked).
    let e = InitiateRequest::parse_json(
        r#"{"merchantInfo": {"merchantSerialNumber": 1, "callbackPrefix": "x", "fallBack": "y"},
            "transaction": {"amount": 1, "transactionText": "t", "orderId": "o_1"}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("`transaction.orderId`:"), "{e}");
    let e = InitiateRequest::parse_json(
        r#"{"merchantInfo": {"merchantSerialNumber": 1, "callbackPrefix": "x", "fallBack": "y",
            "paymentType": "eComm Instant Payment"},
            "transaction": {"orderId": "o-1", "amount": 1, "transactionText": "t"}}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("`merchantInfo.paymentType`:"),
        "{e}"
    );
    // A mobile number in the wrong format is kept as sent (seed 003: the
    // provider accepts it), and unknown fields are ignored.
    let r = InitiateRequest::parse_json(
        r#"{"customerInfo": {"mobileNumber": "+47 91 23 45 67"},
            "merchantInfo": {"merchantSerialNumber": 1, "callbackPrefix": "x", "fallBack": "y", "newField": 1},
            "transaction": {"orderId": "o-1", "amount": 1, "transactionText": "t"}}"#,
    )
    .unwrap();
    assert_eq!(
        r.customer_info.mobile_number.as_deref(),
        Some("+47 91 23 45 67")
    );
}
