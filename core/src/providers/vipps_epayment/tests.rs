//! The mappings, with payloads shaped like the provider's published
//! examples (ePayment API guide, "Get payment", "Cancel", "Capture",
//! "Get payment event log"; Webhooks API guide, "Register a webhook").
#![cfg(feature = "raw-vipps")]

use super::*;
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::providers::payload::StatusPayload;
use crate::status::{CancelledBy, PaymentState, PaymentStatus};

fn money(v: u64) -> Money {
    Money::new(Currency::Nok, v)
}

fn payment(state: &str, auth: u64, cancelled: u64, captured: u64, refunded: u64) -> String {
    format!(
        r#"{{"aggregate": {{
            "authorizedAmount": {{"currency": "NOK", "value": {auth}}},
            "cancelledAmount": {{"currency": "NOK", "value": {cancelled}}},
            "capturedAmount": {{"currency": "NOK", "value": {captured}}},
            "refundedAmount": {{"currency": "NOK", "value": {refunded}}}}},
          "amount": {{"currency": "NOK", "value": 1000}}, "state": "{state}",
          "paymentMethod": {{"type": "WALLET"}}, "profile": {{}},
          "pspReference": "70b6ebe0-b400-4652-a3ea-70645e025035",
          "reference": "acme-shop-123-order123abc"}}"#
    )
}

fn status_of(json: &str) -> PaymentStatus {
    GetPaymentResponse::parse_json(json)
        .unwrap_or_else(|e| panic!("{e}: {json}"))
        .to_status()
}

#[test]
fn every_state_maps_as_documented() {
    let cases = [
        ("CREATED", PaymentState::Initiated),
        ("AUTHORIZED", PaymentState::Reserved),
        (
            "ABORTED",
            PaymentState::Cancelled {
                by: CancelledBy::User,
            },
        ),
        ("EXPIRED", PaymentState::Rejected),
        (
            "TERMINATED",
            PaymentState::Cancelled {
                by: CancelledBy::Merchant,
            },
        ),
        // A state this crate does not know proves nothing.
        ("SOMETHING_NEW", PaymentState::Initiated),
    ];
    for (state, want) in cases {
        let auth = if state == "AUTHORIZED" { 1000 } else { 0 };
        assert_eq!(
            status_of(&payment(state, auth, 0, 0, 0)).state(),
            want,
            "{state}"
        );
    }
    // Only an authorization (or a capture) is success.
    for state in State::KNOWN {
        let s = status_of(&payment(state.as_str(), 0, 0, 0, 0));
        assert_eq!(s.is_success(), state == State::Authorized, "{state}");
    }
}

#[test]
fn the_guides_cancel_examples() {
    // "Cancel before Authorization": TERMINATED, the amount cancelled.
    let s = status_of(&payment("TERMINATED", 0, 1000, 0, 0));
    assert_eq!(
        s.state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
    assert!(!s.is_success());
    // "Cancel after Authorization": still AUTHORIZED, cancelledAmount set.
    let s = status_of(&payment("AUTHORIZED", 49900, 49900, 0, 0));
    assert_eq!(
        s.state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
    assert_eq!(s.amounts().reserved, Amount::from_minor(49900));
    assert_eq!(s.amounts().remaining_to_capture, Amount::ZERO);
    // "Cancel after a partial capture": 250 of 1000 captured, 750 released.
    let s = status_of(&payment("AUTHORIZED", 1000, 750, 250, 0));
    assert_eq!(s.state(), PaymentState::Captured { full: false });
    assert_eq!(s.amounts().captured, Amount::from_minor(250));
    assert_eq!(s.cancelled, Some(CancelledBy::Merchant));
}

#[test]
fn the_guides_capture_and_refund_examples() {
    let s = status_of(&payment("AUTHORIZED", 49900, 0, 49900, 0));
    assert_eq!(s.state(), PaymentState::Captured { full: true });
    let s = status_of(&payment("AUTHORIZED", 49900, 0, 10000, 0));
    assert_eq!(s.state(), PaymentState::Captured { full: false });
    assert_eq!(s.amounts().remaining_to_capture, Amount::from_minor(39900));
    let s = status_of(&payment("AUTHORIZED", 49900, 0, 10000, 10000));
    assert_eq!(s.state(), PaymentState::Refunded { full: true });
    // Money beats words: a captured amount is a capture whatever the state.
    let s = status_of(&payment("CREATED", 0, 0, 500, 0));
    assert!(s.is_success());
}

/// ePayment API guide, "Get payment event log": the example response.
const LOG: &str = r#"[
    {"reference": "acme-shop-123-order123abc", "pspReference": "83b3fdb0-9547-4ec5-bdb7-5600ce70e792",
     "name": "CREATED", "amount": {"currency": "NOK", "value": 49900},
     "timestamp": "2023-03-27T10:51:44.5333258Z", "idempotencyKey": "19986263-dedf-4b8e-a424-8d042eee4013", "success": true},
    {"reference": "acme-shop-123-order123abc", "pspReference": "1304787731",
     "name": "AUTHORIZED", "amount": {"currency": "NOK", "value": 49900},
     "timestamp": "2023-03-27T10:51:59.378Z", "idempotencyKey": "19986263-dedf-4b8e-a424-8d042eee4013", "success": true},
    {"reference": "acme-shop-123-order123abc", "pspReference": "2018200034",
     "name": "CAPTURED", "amount": {"currency": "NOK", "value": 10000},
     "timestamp": "2023-03-27T10:52:07.748Z", "idempotencyKey": "19986263-dedf-4b8e-a424-8d042eee4013", "success": true},
    {"reference": "acme-shop-123-order123abc", "pspReference": "2019200034",
     "name": "CANCELLED", "amount": {"currency": "NOK", "value": 750},
     "timestamp": "2023-03-27T10:52:15.616Z", "success": true}
]"#;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

#[test]
fn the_guides_event_log() {
    let log = EventLog::parse_json(LOG).unwrap();
    assert_eq!(log.len(), 4);
    let s = log.to_status();
    assert_eq!(s.state(), PaymentState::Captured { full: false });
    assert_eq!(s.reserved, Some(Amount::from_minor(49900)));
    assert_eq!(s.captured, Some(Amount::from_minor(10000)));
    assert_eq!(s.cancelled, Some(CancelledBy::Merchant));
    assert_eq!(s.captured_at, Some(at("2023-03-27T10:52:07.748Z")));
    assert_eq!(s.updated_at, Some(at("2023-03-27T10:52:15.616Z")));
    assert_eq!(
        log.event_for_key("19986263-dedf-4b8e-a424-8d042eee4013")
            .map(|e| &e.name),
        Some(&PaymentEventName::Created)
    );
}

fn event(name: &str, value: u64, psp: &str, time: &str, success: bool) -> PaymentEvent {
    PaymentEvent {
        reference: "acme-shop-123-order123abc".into(),
        psp_reference: Some(psp.into()),
        name: PaymentEventName::from_name(name),
        amount: money(value),
        timestamp: Some(at(time)),
        idempotency_key: None,
        success,
    }
}

#[test]
fn the_log_sums_partial_steps_and_keeps_each_event_once() {
    let events = [
        event("AUTHORIZED", 1000, "1", "2023-03-27T10:00:00Z", true),
        event("CAPTURED", 300, "2", "2023-03-27T10:01:00Z", true),
        event("CAPTURED", 300, "3", "2023-03-27T10:02:00Z", true),
        event("CAPTURED", 400, "4", "2023-03-27T10:03:00Z", true),
        event("REFUNDED", 100, "5", "2023-03-27T10:04:00Z", true),
        event("REFUNDED", 100, "6", "2023-03-27T10:05:00Z", true),
    ];
    let mut log: EventLog = events.iter().cloned().collect();
    assert_eq!(log.to_status().amounts().captured, Amount::from_minor(1000));
    assert_eq!(log.to_status().amounts().refunded, Amount::from_minor(200));
    assert_eq!(
        log.to_status().state(),
        PaymentState::Refunded { full: false }
    );
    // The same capture reported again (a webhook redelivery, or the log
    // polled again, its time written with more digits) is not counted twice.
    let mut again = events[1].clone();
    again.timestamp = Some(at("2023-03-27T10:01:00.0000000Z"));
    again.idempotency_key = Some("k".into());
    assert!(!log.insert(again));
    assert_eq!(log.len(), 6);
    assert_eq!(log.to_status().amounts().captured, Amount::from_minor(1000));
}

#[test]
fn unsuccessful_events_are_facts_that_move_nothing() {
    let log: EventLog = [
        event("CREATED", 1000, "0", "2023-03-27T10:00:00Z", true),
        event("AUTHORIZED", 1000, "1", "2023-03-27T10:01:00Z", false),
    ]
    .into_iter()
    .collect();
    let s = log.to_status();
    assert_eq!(s.state(), PaymentState::Initiated);
    assert_eq!(s.failed_operations.len(), 1);
    let failed = s.failed_operations.iter().next().unwrap();
    assert_eq!(failed.operation, "AUTHORIZED");
    assert_eq!(failed.transaction_id.as_deref(), Some("1"));
    assert_eq!(s.updated_at, Some(at("2023-03-27T10:01:00Z")));
    let w = event("CAPTURED", 500, "2", "2023-03-27T10:02:00Z", false);
    assert_eq!(w.to_status().state(), PaymentState::Initiated);
}

/// Webhooks API guide, "Register a webhook": the payload example.
const WEBHOOK: &str = r#"{"msn": "123456", "reference": "24ab7cd6ef658155992",
    "pspReference": "1234567891", "name": "AUTHORIZED",
    "amount": {"currency": "NOK", "value": 35000},
    "timestamp": "2023-08-14T12:48:46.260Z", "idempotencyKey": "49ca711a9487112e1def",
    "success": true}"#;

#[test]
fn webhook_events_map_like_log_events() {
    let w = WebhookEvent::parse_json(WEBHOOK).unwrap();
    assert_eq!(w.event_type(), Some(EventType::Authorized));
    assert_eq!(w.to_status(), w.to_event().to_status());
    assert_eq!(w.to_status().state(), PaymentState::Reserved);
    for (name, want) in [
        ("CREATED", PaymentState::Initiated),
        ("AUTHORIZED", PaymentState::Reserved),
        ("CAPTURED", PaymentState::Captured { full: true }),
        ("REFUNDED", PaymentState::Refunded { full: true }),
        (
            "ABORTED",
            PaymentState::Cancelled {
                by: CancelledBy::User,
            },
        ),
        ("EXPIRED", PaymentState::Rejected),
        (
            "CANCELLED",
            PaymentState::Cancelled {
                by: CancelledBy::Merchant,
            },
        ),
        (
            "TERMINATED",
            PaymentState::Cancelled {
                by: CancelledBy::Merchant,
            },
        ),
    ] {
        let body = WEBHOOK.replace("\"AUTHORIZED\"", &format!("\"{name}\""));
        let w = WebhookEvent::parse_json(&body).unwrap();
        assert_eq!(w.to_status().state(), want, "{name}");
        assert_eq!(
            w.event_type().map(|t| t.event_name().as_str().to_string()),
            Some(name.to_string())
        );
    }
    // `msn` as a number, an unknown event name: read, proving nothing.
    let w = WebhookEvent::parse_json(
        &WEBHOOK
            .replace("\"123456\"", "123456")
            .replace("\"AUTHORIZED\"", "\"PAUSED\""),
    )
    .unwrap();
    assert_eq!(w.msn, "123456");
    assert_eq!(w.event_type(), None);
    assert_eq!(w.to_status().state(), PaymentState::Initiated);
    // What is genuinely wrong names the field.
    let e = WebhookEvent::parse_json(&WEBHOOK.replace("\"success\": true", "\"success\": \"yes\""))
        .unwrap_err();
    assert!(e.to_string().starts_with("`success`"), "{e}");
}

/// The same payment, as eCom's details history and as ePayment reads it
/// (ePayment API guide, "Migration": eCom payments "can be … retrieved
/// using the ePayment API").
#[test]
fn an_ecom_payment_read_through_epayment_has_the_same_status() {
    use crate::providers::vipps_ecom::PaymentDetails;

    fn ecom(ops: &[(&str, u64)]) -> PaymentStatus {
        let entries: Vec<String> = ops
            .iter()
            .map(|(op, amount)| {
                format!(r#"{{"operation": "{op}", "operationSuccess": true, "amount": {amount}}}"#)
            })
            .collect();
        PaymentDetails::parse_json(&format!(
            r#"{{"orderId": "order123abc", "transactionLogHistory": [{}]}}"#,
            entries.join(",")
        ))
        .unwrap()
        .to_status()
    }
    let cases: [(&[(&str, u64)], String); 8] = [
        (&[("INITIATE", 1000)], payment("CREATED", 0, 0, 0, 0)),
        (
            &[("INITIATE", 1000), ("RESERVE", 1000)],
            payment("AUTHORIZED", 1000, 0, 0, 0),
        ),
        (
            &[("INITIATE", 1000), ("CANCEL", 1000)],
            payment("ABORTED", 0, 0, 0, 0),
        ),
        (
            &[("INITIATE", 1000), ("REJECTED", 1000)],
            payment("EXPIRED", 0, 0, 0, 0),
        ),
        (
            &[("INITIATE", 1000), ("RESERVE", 1000), ("VOID", 1000)],
            payment("AUTHORIZED", 1000, 1000, 0, 0),
        ),
        (
            &[("INITIATE", 1000), ("RESERVE", 1000), ("CAPTURE", 400)],
            payment("AUTHORIZED", 1000, 0, 400, 0),
        ),
        (
            &[
                ("INITIATE", 1000),
                ("RESERVE", 1000),
                ("CAPTURE", 1000),
                ("REFUND", 300),
            ],
            payment("AUTHORIZED", 1000, 0, 1000, 300),
        ),
        // Direct capture: "The ePayment API only offers reserve capture",
        // so a SALE reads as authorized and captured.
        (
            &[("INITIATE", 1000), ("SALE", 1000)],
            payment("AUTHORIZED", 1000, 0, 1000, 0),
        ),
    ];
    for (ops, epayment) in cases {
        let via_ecom = ecom(ops);
        let via_epayment = status_of(&epayment);
        assert_eq!(via_ecom.state(), via_epayment.state(), "{ops:?}");
        assert_eq!(via_ecom.amounts(), via_epayment.amounts(), "{ops:?}");
    }
}

#[test]
fn status_payload_reads_every_epayment_body() {
    let p = StatusPayload::parse_json(&payment("AUTHORIZED", 1000, 0, 0, 0)).unwrap();
    assert_eq!(p.kind(), "epayment-payment");
    assert_eq!(p.provider(), PROVIDER_NAME);
    assert_eq!(p.order_id(), "acme-shop-123-order123abc");
    assert_eq!(p.to_status().unwrap().state(), PaymentState::Reserved);

    let log = StatusPayload::parse_json(LOG).unwrap();
    assert_eq!(log.kind(), "epayment-event-log");
    assert_eq!(log.order_id(), "acme-shop-123-order123abc");
    assert_eq!(
        log.to_status().unwrap().state(),
        PaymentState::Captured { full: false }
    );

    let w = StatusPayload::parse_json(WEBHOOK).unwrap();
    assert_eq!(w.kind(), "epayment-webhook");
    assert_eq!(w.order_id(), "24ab7cd6ef658155992");

    // A capture response (the guide's aggregate after a capture).
    let m = StatusPayload::parse_json(
        r#"{"amount": {"currency": "NOK", "value": 49900}, "state": "AUTHORIZED",
            "aggregate": {"authorizedAmount": {"currency": "NOK", "value": 49900},
              "cancelledAmount": {"currency": "NOK", "value": 0},
              "capturedAmount": {"currency": "NOK", "value": 49900},
              "refundedAmount": {"currency": "NOK", "value": 0}},
            "pspReference": "37c34d8c", "reference": "acme-shop-123-order123abc"}"#,
    )
    .unwrap();
    assert_eq!(m.kind(), "epayment-modification");
    assert_eq!(
        m.to_status().unwrap().state(),
        PaymentState::Captured { full: true }
    );

    // A wrong field in a recognised body names the field.
    let e = StatusPayload::parse_json(
        &payment("AUTHORIZED", 1000, 0, 0, 0).replace("\"NOK\"", "\"SEK\""),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("aggregate.authorizedAmount.currency"),
        "{e}"
    );
}

#[test]
fn the_builder_refuses_what_the_provider_would_refuse() {
    let base = || {
        CreatePaymentRequest::builder()
            .reference("acme-shop-123-order123abc")
            .amount(money(49900))
            .user_flow(UserFlow::WebRedirect)
            .return_url("https://example.com/redirect?orderId=acme-shop-123-order123abc")
    };
    let r = base().phone_number("+47 91 23 45 67").build().unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["customer"]["phoneNumber"], "4791234567");
    assert_eq!(json["paymentMethod"]["type"], "WALLET");
    assert_eq!(json["userFlow"], "WEB_REDIRECT");
    assert_eq!(json["amount"]["value"], 49900);
    assert_eq!(
        CreatePaymentRequest::parse_json(&json.to_string()).unwrap(),
        r
    );

    let err = |b: CreatePaymentBuilder| b.build().unwrap_err().to_string();
    // Amount bounds per currency.
    assert!(err(base().amount(money(99))).contains("smallest payment in NOK is 100 øre"));
    assert!(base().amount(Money::new(Currency::Dkk, 1)).build().is_ok());
    assert!(base().amount(Money::new(Currency::Eur, 1)).build().is_ok());
    assert!(err(base().amount(Money::new(Currency::Eur, 0))).contains("1 cent"));
    assert!(base().amount(money(65_000_000)).build().is_ok());
    assert!(err(base().amount(money(65_000_001))).contains("at most 65000000"));
    // Reference rule.
    assert!(err(base().reference("short")).contains("8 to 64"));
    // Flow rules.
    assert_eq!(
        err(base().user_flow(UserFlow::PushMessage)),
        "`userFlow` PUSH_MESSAGE needs `customer`"
    );
    assert!(
        base()
            .user_flow(UserFlow::PushMessage)
            .phone_number("4791234567")
            .build()
            .is_ok()
    );
    assert_eq!(
        err(CreatePaymentRequest::builder()
            .reference("acme-shop-123-order123abc")
            .amount(money(1000))
            .user_flow(UserFlow::WebRedirect)),
        "`userFlow` WEB_REDIRECT needs `returnUrl`"
    );
    assert!(
        err(base()
            .user_flow(UserFlow::NativeRedirect)
            .payment_method(PaymentMethodType::Card))
        .contains("WEB_REDIRECT")
    );
    let qr = QrFormat {
        format: QrImageFormat::Png,
        size: Some(99),
    };
    assert!(err(base().qr_format(qr.clone())).contains("only allowed with `userFlow` QR"));
    assert!(err(base().user_flow(UserFlow::Qr).qr_format(qr)).contains("`qrFormat.size` is 99"));
    // Text and metadata limits.
    assert!(err(base().payment_description("ab")).contains("3 to 100"));
    assert!(err(base().payment_description("x".repeat(101))).contains("3 to 100"));
    let six = (0..6).fold(base(), |b, i| b.metadata(format!("k{i}"), "v"));
    assert!(err(six).contains("at most 5"));
    assert!(err(base().metadata("k".repeat(101), "v")).contains("metadata key"));
    assert!(err(base().phone_number("912 34 567")).contains("MSISDN"));
    assert!(err(base().customer(Customer::PersonalQr("abc".into()))).contains("5 to 255"));
}
