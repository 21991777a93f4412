//! No ePayment input panics: every parser on arbitrary text and on
//! arbitrary JSON built from the ePayment API's own field names and
//! values, the webhook verifier on arbitrary headers and bodies, and
//! everything computed from what parses (status, rules, classes, plans).
#![cfg(all(feature = "raw-vipps", feature = "webhook-auth"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use core::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::providers::vipps_epayment::signature::{Freshness, WebhookRequest, verify};
use appswitch_core::providers::vipps_epayment::*;
use appswitch_core::status::PaymentStatus;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

fn exercise(s: &PaymentStatus) {
    let _ = (s.state(), s.amounts(), s.is_success(), s.clone().merge(s));
}

fn rules(amount: Money, state: &State, aggregate: &Aggregate) {
    for value in [0, 1, u64::MAX] {
        for currency in Currency::ALL {
            let requested = Money::new(currency, value);
            let _ = check_capture(amount, state, aggregate, requested);
            let _ = check_refund(amount, state, aggregate, requested);
        }
    }
    let _ = (
        check_cancel(state, aggregate),
        aggregate.capturable(),
        aggregate.refundable(),
    );
}

fn parse_everything(text: &str) {
    if let Ok(p) = StatusPayload::parse_json(text) {
        let _ = (p.kind(), p.order_id(), p.provider());
        if let Ok(s) = p.to_status() {
            exercise(&s);
        }
    }
    if let Ok(p) = GetPaymentResponse::parse_json(text) {
        exercise(&p.to_status());
        rules(p.amount, &p.state, &p.aggregate);
    }
    if let Ok(m) = ModificationResponse::parse_json(text) {
        exercise(&m.to_status());
        rules(m.amount, &m.state, &m.aggregate);
    }
    if let Ok(log) = EventLog::parse_json(text) {
        exercise(&log.to_status());
        let _ = (log.events(), log.reference(), log.event_for_key(text));
    }
    if let Ok(w) = WebhookEvent::parse_json(text) {
        exercise(&w.to_status());
        let _ = (w.key(), w.event_type());
    }
    if let Ok(p) = Problem::parse_json(text) {
        for status in [0, 200, 409, 429, 503, u16::MAX] {
            for creating in [false, true] {
                let _ = classify(
                    CallFailure::Http {
                        status,
                        problem: Some(&p),
                    },
                    creating,
                );
            }
        }
        let _ = (p.error_code(), p.summary());
    }
    if let Ok(r) = CreatePaymentResponse::parse_json(text) {
        for flow in UserFlow::ALL {
            let _ = Redirect::for_response(flow, &r).map(|r| r.url_to_open().map(str::len));
        }
    }
    let _ = CreatePaymentRequest::parse_json(text);
    let _ = RegisterWebhookResponse::parse_json(text);
    let _ = (
        Reference::new(text),
        IdempotencyKey::new(text),
        Msisdn::normalise(text),
        State::from_name(text),
        PaymentEventName::from_name(text),
        EventType::from_name(text),
        UserFlow::from_name(text),
        Currency::from_code(text),
    );
    let _ = CreatePaymentRequest::builder()
        .reference(text)
        .amount(Money::new(Currency::Nok, 100))
        .user_flow(UserFlow::PushMessage)
        .phone_number(text)
        .payment_description(text)
        .metadata(text, text)
        .build();
}

const KEYS: &[&str] = &[
    "state",
    "aggregate",
    "authorizedAmount",
    "cancelledAmount",
    "capturedAmount",
    "refundedAmount",
    "amount",
    "currency",
    "value",
    "reference",
    "pspReference",
    "paymentMethod",
    "type",
    "profile",
    "msn",
    "name",
    "timestamp",
    "idempotencyKey",
    "success",
    "redirectUrl",
    "title",
    "status",
    "extraDetails",
    "reason",
    "version",
];

const STRINGS: &[&str] = &[
    "CREATED",
    "AUTHORIZED",
    "ABORTED",
    "EXPIRED",
    "TERMINATED",
    "CANCELLED",
    "CAPTURED",
    "REFUNDED",
    "NOK",
    "DKK",
    "EUR",
    "WALLET",
    "CARD",
    "2023-03-27T10:52:07.748Z",
    "acme-shop-123-order123abc",
    "ErrorCode",
    "6080",
    "Order processing",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| Value::Number(n.into())),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        prop::sample::select(STRINGS).prop_map(|s| Value::String(s.into())),
        "\\PC{0,12}".prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (prop::sample::select(KEYS).prop_map(String::from), inner),
                0..10
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_text(s in "\\PC{0,200}") {
        parse_everything(&s);
    }

    #[test]
    fn arbitrary_json(v in json()) {
        parse_everything(&v.to_string());
        let _ = serde_json::from_value::<StatusPayload>(v);
    }

    #[test]
    fn the_verifier_on_arbitrary_requests(
        parts in prop::collection::vec("\\PC{0,40}", 6),
        body in prop::collection::vec(any::<u8>(), 0..64),
        now in any::<u64>(),
        window in any::<u64>(),
    ) {
        let request = WebhookRequest {
            method: &parts[0],
            path_and_query: &parts[1],
            host: &parts[2],
            date: &parts[3],
            content_sha256: &parts[4],
            authorization: &parts[5],
        };
        let freshness = Freshness { now: Timestamp::from_millis(now), window: Duration::from_millis(window) };
        // Arbitrary headers are (almost surely) not authentic — and never a panic.
        prop_assert!(verify(&WebhookSecret::new(parts[0].clone()), &request, &body, Some(freshness)).is_err());
    }
}
