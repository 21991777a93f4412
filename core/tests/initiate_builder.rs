//! The initiate builder refuses every invalid combination — and every
//! value the provider would answer `400 Bad Request` to — with a typed
//! error that names the field and the limit (eCom API specification
//! (OpenAPI), schemas `InitiatePaymentCommand`, `MerchantInfo`,
//! `TransactionInfoInitiate`, `AdditionalTransactionData`); what it can
//! only improve (a mobile number) it leaves out with a warning.
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
            InitiateRequest::builder().merchant_serial_number("123456"),
            "transaction.orderId",
        ),
        (
            InitiateRequest::builder()
                .merchant_serial_number("123456")
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
        Err(InitiateError::AmountBelowMinimum {
            amount: Amount::ZERO,
            minimum: Amount::from_minor(100)
        })
    );
    assert_eq!(
        regular().order_id("order 1").build(),
        Err(InitiateError::OrderId(OrderIdError::InvalidCharacter {
            found: ' ',
            position: 5
        }))
    );
    assert_eq!(
        regular().order_id("x".repeat(51)).build(),
        Err(InitiateError::OrderId(OrderIdError::TooLong { len: 51 }))
    );
    assert!(matches!(
        regular().merchant_serial_number("12-34").build(),
        Err(InitiateError::MerchantSerialNumber(MsnError::NotDigits(_)))
    ));
    let built = regular()
        .mobile_number("+46 70 123 45 67")
        .build_with_warnings()
        .unwrap();
    assert_eq!(built.request.customer_info.mobile_number, None);
    assert_eq!(
        built.warnings,
        vec![InitiateWarning::MobileNumberDropped(
            MobileNumberError::ForeignCountryCode("467".into())
        )]
    );
    assert!(matches!(
        regular().auth_token(" ").build(),
        Err(InitiateError::Missing {
            field: "merchantInfo.authToken"
        })
    ));
    assert_eq!(
        regular().skip_landing_page(true).build(),
        Err(InitiateError::SkipLandingPageNeedsMobileNumber { why: None })
    );
    // skipLandingPage "Requires a valid customerInfo.mobileNumber": one
    // that cannot be used refuses it, and says why.
    assert_eq!(
        regular()
            .skip_landing_page(true)
            .mobile_number("2212 3456")
            .build(),
        Err(InitiateError::SkipLandingPageNeedsMobileNumber {
            why: Some(MobileNumberError::NotMobile("22123456".into()))
        })
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
    // A mobile number in the wrong format is kept as sent (Vipps "Technical update 2022-01": the
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

/// Every length the specification publishes, as a rule: a value of
/// exactly the limit is sent, one character more is refused naming the
/// field and the limit. Lengths count characters, not bytes.
#[test]
fn every_published_length_limit_is_enforced_at_the_limit() {
    type Set = fn(InitiateBuilder, String) -> InitiateBuilder;
    type Value = fn(usize) -> String;
    let url = |len: usize| format!("https://example.com/{}", "a".repeat(len - 20));
    let cases: [(&str, usize, Set, Value); 6] = [
        (
            "transaction.transactionText",
            100,
            |b, v| b.transaction_text(v),
            |n| "ø".repeat(n),
        ),
        (
            "merchantInfo.callbackPrefix",
            255,
            |b, v| b.callback_prefix(v),
            url,
        ),
        ("merchantInfo.fallBack", 255, |b, v| b.fallback(v), url),
        (
            "merchantInfo.authToken",
            255,
            |b, v| b.auth_token(v),
            |n| "t".repeat(n),
        ),
        (
            "merchantInfo.consentRemovalPrefix",
            255,
            |b, v| {
                b.express()
                    .consent_removal_prefix(v)
                    .shipping_details_prefix("https://example.com/s")
            },
            url,
        ),
        (
            "merchantInfo.shippingDetailsPrefix",
            255,
            |b, v| {
                b.express()
                    .consent_removal_prefix("https://example.com/c")
                    .shipping_details_prefix(v)
            },
            url,
        ),
    ];
    for (field, max, set, value) in cases {
        assert!(
            set(regular(), value(max)).build().is_ok(),
            "{field} at {max}"
        );
        let e = set(regular(), value(max + 1)).build().unwrap_err();
        assert_eq!(
            e,
            InitiateError::TooLong {
                field,
                len: max + 1,
                max
            },
            "{field}"
        );
        assert!(
            e.to_string().contains(field) && e.to_string().contains(&max.to_string()),
            "{e}"
        );
    }
    // The orderId: 50, as the specification publishes (the seed said 30).
    assert!(regular().order_id("a".repeat(50)).build().is_ok());
    assert!(regular().order_id("a".repeat(51)).build().is_err());
    // Static shipping: shippingMethod 256, shippingMethodId 100.
    let mut o = option("a", true);
    o.shipping_method = "m".repeat(256);
    o.shipping_method_id = "i".repeat(100);
    assert!(
        express()
            .static_shipping_details(vec![o.clone()])
            .build()
            .is_ok()
    );
    o.shipping_method_id.push('i');
    assert_eq!(
        express().static_shipping_details(vec![o]).build(),
        Err(InitiateError::TooLong {
            field: "merchantInfo.staticShippingDetails.shippingMethodId",
            len: 101,
            max: 100
        })
    );
}

/// "Minimum 1 NOK" (`minimum: 100` øre), over the amounts around it.
#[test]
fn the_amount_is_at_least_one_krone() {
    for ore in [0u64, 1, 50, 99, 100, 101, 49900] {
        let r = regular().amount(Amount::from_minor(ore)).build();
        assert_eq!(r.is_ok(), ore >= 100, "{ore}");
        if ore < 100 {
            assert!(r.unwrap_err().to_string().contains("100 øre"));
        }
    }
}

/// "Early MSNs were five digits, new ones are six digits"
/// (`minLength: 5`, `maxLength: 6`).
#[test]
fn the_merchant_serial_number_has_five_or_six_digits() {
    for digits in 1..=10usize {
        let r = regular().merchant_serial_number("7".repeat(digits)).build();
        assert_eq!(r.is_ok(), (5..=6).contains(&digits), "{digits}");
        if !(5..=6).contains(&digits) {
            assert_eq!(
                r.unwrap_err(),
                InitiateError::MerchantSerialNumber(MsnError::DigitCount {
                    msn: "7".repeat(digits),
                    digits
                })
            );
        }
    }
}

/// `mobileNumber` is a prefill hint (technical update 2022-01: the
/// provider accepts wrongly formatted numbers rather than refuse the
/// payment): a number that can be normalised is sent as `91234567`, one
/// that cannot is left out with a warning — never a refused payment.
#[test]
fn a_mobile_number_that_cannot_be_normalised_is_dropped_with_a_warning() {
    let usable = [
        "91234567",
        "+47 912 34 567",
        "0047 91234567",
        "47 91 23 45 67",
        "(+47) 412-34-567",
    ];
    for n in usable {
        let built = regular().mobile_number(n).build_with_warnings().unwrap();
        let sent = built.request.customer_info.mobile_number.unwrap();
        assert_eq!(sent.len(), 8, "{n}");
        assert!(built.warnings.is_empty(), "{n}: {:?}", built.warnings);
    }
    let unusable = [
        "",
        "   ",
        "+46 70 123 45 67",
        "2212 3456",
        "912345",
        "call me",
        "9123456789012",
    ];
    for n in unusable {
        let built = regular()
            .mobile_number(n)
            .build_with_warnings()
            .unwrap_or_else(|e| panic!("{n:?} refused the payment: {e}"));
        assert_eq!(built.request.customer_info.mobile_number, None, "{n:?}");
        assert!(
            matches!(
                built.warnings[..],
                [InitiateWarning::MobileNumberDropped(_)]
            ),
            "{n:?}: {:?}",
            built.warnings
        );
        let json = serde_json::to_value(&built.request).unwrap();
        assert_eq!(json["customerInfo"], serde_json::json!({}), "{n:?}");
    }
}

/// `additionalData` (schema `AdditionalTransactionData`) is sent, and its
/// lengths are the specification's.
#[test]
fn airline_data_can_be_sent() {
    let data = AdditionalTransactionData {
        passenger_name: "FLYER / MARY MS.".into(),
        airline_code: "074".into(),
        airline_designator_code: "KL".into(),
        ticket_number: Some("074-5799804843".into()),
        agency_invoice_number: "123456".into(),
    };
    let r = regular().additional_data(data.clone()).build().unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["transaction"]["additionalData"]["airlineDesignatorCode"],
        "KL"
    );
    assert_eq!(
        v["transaction"]["additionalData"]["passengerName"],
        "FLYER / MARY MS."
    );
    assert_eq!(InitiateRequest::parse_json(&v.to_string()).unwrap(), r);
    let mut short = data.clone();
    short.airline_code = "74".into();
    assert_eq!(
        regular().additional_data(short).build(),
        Err(InitiateError::TooShort {
            field: "transaction.additionalData.airlineCode",
            len: 2,
            min: 3
        })
    );
    let mut long = data;
    long.passenger_name = "P".repeat(50);
    assert_eq!(
        regular().additional_data(long).build(),
        Err(InitiateError::TooLong {
            field: "transaction.additionalData.passengerName",
            len: 50,
            max: 49
        })
    );
}
