//! No input panics: every parser, on arbitrary text and on arbitrary JSON
//! built from the provider's own field names and values — and everything
//! computed from what parses (status, amounts, classes, rules).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::providers::vipps_ecom::endpoints::MerchantEndpoint;
use appswitch_core::providers::vipps_ecom::mobile_number::MobileNumber;
use appswitch_core::providers::vipps_ecom::order_id::OrderId;
use appswitch_core::providers::vipps_ecom::*;
use appswitch_core::status::PaymentStatus;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Uses a status the way a backend would; nothing here may panic.
fn exercise(s: &PaymentStatus) {
    let state = s.state();
    let _ = (
        state.is_final(),
        state.is_success(),
        state.name(),
        s.amounts(),
    );
    let _ = appswitch_core::status::StatusDocument::from_status("o", "vipps", s).to_status();
    let msn = MerchantSerialNumber::new("123456").unwrap();
    let far = Timestamp::from_millis(u64::MAX);
    for amount in [None, Some(Amount::ZERO), Some(Amount::from_minor(u64::MAX))] {
        let _ = OperationRequest::capture(&msn, s, amount, "t");
    }
    let _ = OperationRequest::refund(&msn, s, Amount::from_minor(u64::MAX), "t", far);
    let _ = OperationRequest::cancel(&msn, s, "t");
    let _ = s.clone().merge(s);
}

/// Every text parser in the crate.
fn parse_everything(text: &str) {
    if let Ok(p) = StatusPayload::parse_json(text) {
        let _ = (p.kind(), p.order_id(), p.provider());
        if let Ok(s) = p.to_status() {
            exercise(&s);
        }
    }
    if let Ok(d) = PaymentDetails::parse_json(text) {
        exercise(&d.to_status());
        let _ = d.entry_for_request("x");
    }
    if let Ok(c) = Callback::parse_json(text) {
        exercise(&c.to_status());
        let _ = c.is_express();
    }
    if let Ok(r) = OperationResponse::parse_json(text) {
        exercise(&r.to_status());
        let _ = serde_json::to_string(&r);
    }
    if let Ok(r) = OrderStatusResponse::parse_json(text) {
        exercise(&r.to_status());
    }
    if let Ok(b) = ErrorBody::parse_json(text) {
        let _ = (b.class(), b.known_codes());
        for status in [0, 200, 400, 429, 500, 599, u16::MAX] {
            let _ = classify(CallFailure::Http {
                status,
                body: Some(&b),
            });
        }
    }
    if let Ok(t) = AccessTokenResponse::parse_json(text) {
        for now in [0, 1_495_271_273_000, u64::MAX] {
            let now = Timestamp::from_millis(now);
            let _ = t.needs_refresh(now, Duration::MAX);
            let _ = t.expires_at_received(now);
        }
        let _ = format!("{t:?}");
    }
    let _ = InitiateRequest::parse_json(text);
    let _ = InitiateResponse::parse_json(text);
    let _ = OperationRequest::parse_json(text);
    let _ = ShippingDetailsResponse::parse_json(text);
    let _ = parse_shipping_details_request(text);
    // The small text parsers.
    let _ = OrderId::new(text).map(|id| id.warnings());
    let _ = MobileNumber::normalise(text);
    let _ = MerchantSerialNumber::new(text);
    let _ = Timestamp::parse_rfc3339(text);
    let _ = MerchantEndpoint::from_path(text);
    let _ = (
        ErrorGroup::from_name(text),
        KnownErrorCode::from_group_code(&ErrorGroup::from_name(text), text),
        Operation::from_name(text),
    );
    let _ = (
        CallbackStatus::from_name(text),
        OperationStatus::from_name(text),
    );
    let _ = verify_callback_authorization(&AuthToken::new("tok"), Some(text));
    retries_and_cards(text);
}

/// The mutation plans, Dintero's answers, the card guard's key and the
/// checkout session, on the same text.
fn retries_and_cards(text: &str) {
    use appswitch_core::merchant::card_guard::{CardFingerprint, CardGuard, CardKey, CardScheme};
    use appswitch_core::merchant::checkout::{CheckoutSession, SlowPaymentPolicy};
    use appswitch_core::merchant::mutation::*;
    use appswitch_core::providers::dintero::{PayAnswer, TransactionStatus};

    for status in [200, 400, 429, 500] {
        if let PayAnswer::Transaction(tx) = PayAnswer::from_http(status, text) {
            if let Some(result) = tx.outcome().attempt_result() {
                let key = CardKey::new("tok_1", "agreement").unwrap();
                let mut guard = CardGuard::new(Default::default());
                guard.record(&key, result, Timestamp::from_millis(0));
                let _ = guard.check(&key, CardScheme::Visa, Timestamp::from_millis(u64::MAX));
            }
        }
        for expected in [Expected::Operation, Expected::Initiated, Expected::Details] {
            let _ = ProviderAnswer::from_http(expected, status, Some(text), text).known_codes();
        }
    }
    let _ = (
        TransactionStatus::from_name(text),
        CardFingerprint::new(text),
        CardKey::new(text, text),
    );

    // A capture plan fed the text as every answer it could get.
    let now = Timestamp::from_millis(1_700_000_000_000);
    let reserved = PaymentStatus::initiated().with_reserved(Amount::from_minor(100));
    let order = OrderId::new("o-1").unwrap();
    let msn = MerchantSerialNumber::new("123456").unwrap();
    let key = IdempotencyKey::from_random([1; 16]);
    let mut plan = MutationPlan::capture(&order, &msn, &reserved, None, "t", key).unwrap();
    let mut t = now;
    for status in [200, 500, 200, 200] {
        match plan.poll(t) {
            MutationAction::Send(r) => plan.handle_http(r.id, status, Some(text), text, t),
            MutationAction::CheckDetails(c) => plan.handle_http(c.id, status, Some(text), text, t),
            MutationAction::WaitUntil(w) => t = w,
            MutationAction::Done(_) | MutationAction::Failed(_) => break,
        }
    }
    let _ = plan.snapshot().map(MutationPlan::restore);

    let mut session =
        CheckoutSession::new("b", SlowPaymentPolicy::tickets(Duration::from_secs(60)));
    let _ = session.start_attempt(text, now);
    if let Ok(p) = appswitch_core::providers::payload::StatusPayload::parse_json(text) {
        if let Ok(status) = p.to_status() {
            let _ = session.observe(text, &status, now);
            let _ = session.goods_issued(text, now);
            let _ = (session.next_action(), session.watch(now));
        }
    }
}

/// The provider's field names, so arbitrary JSON reaches deep into the
/// parsers instead of stopping at the first unknown key.
const KEYS: &[&str] = &[
    "orderId",
    "transactionLogHistory",
    "transactionSummary",
    "transactionsummary",
    "transactionInfo",
    "transaction",
    "status",
    "amount",
    "operation",
    "operationSuccess",
    "timeStamp",
    "transactionId",
    "requestId",
    "merchantSerialNumber",
    "capturedAmount",
    "remainingAmountToCapture",
    "refundedAmount",
    "remainingAmountToRefund",
    "bankIdentificationNumber",
    "shippingDetails",
    "userDetails",
    "shippingCost",
    "address",
    "errorGroup",
    "errorCode",
    "errorMessage",
    "statusCode",
    "message",
    "error",
    "error_codes",
    "expires_in",
    "expires_on",
    "not_before",
    "access_token",
    "version",
    "provider",
    "final",
    "amounts",
    "reserved",
    "captured",
    "refunded",
    "updatedAt",
    "cancelledBy",
    "reason",
    "isDefault",
    "merchantInfo",
    "customerInfo",
    "mobileNumber",
    "url",
    "sub",
    "id",
    "events",
    "event",
    "success",
    "type",
    "code",
    "result_code",
    "session_id",
];

const STRINGS: &[&str] = &[
    "RESERVED",
    "RESERVE",
    "SALE",
    "RESERVE_FAILED",
    "SALE_FAILED",
    "CANCELLED",
    "REJECTED",
    "CAPTURE",
    "REFUND",
    "VOID",
    "CANCEL",
    "INITIATE",
    "FAILED",
    "Captured",
    "Cancelled",
    "Refund",
    "captured",
    "reserved",
    "refunded",
    "initiated",
    "unknown",
    "vipps",
    "Y",
    "N",
    "2018-11-14T15:23:02.286Z",
    "2018-11-14T15:23:02.286",
    "9999-12-31T23:59:59.999Z",
    "1970-01-01T00:00:00Z",
    "86398",
    "18446744073709551615",
    "-1",
    "",
    "Payments",
    "VippsError",
    "34",
    "99",
    "1501",
    "123456",
    "AUTHORIZE",
    "DO_NOT_RETRY",
    "payex:errorCode:DO_NOT_RETRY",
    "DUPLICATE",
    "4111 1111 1111 1111",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| Value::Number(n.into())),
        prop_oneof![
            Just(0u64),
            Just(1),
            Just(u64::MAX),
            Just(u64::MAX / 2),
            Just(20000)
        ]
        .prop_map(|n| Value::Number(n.into())),
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
                (
                    prop_oneof![
                        4 => prop::sample::select(KEYS).prop_map(String::from),
                        1 => "[a-z]{1,6}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A valid-looking payload of each kind with one arbitrary value spliced
/// in somewhere: the closest misses.
fn near_miss() -> impl Strategy<Value = Value> {
    let templates = [
        r#"{"orderId": "o", "transactionSummary": {"capturedAmount": 1}, "transactionLogHistory": [{"operation": "CAPTURE", "operationSuccess": true, "amount": 1, "timeStamp": "2018-11-14T15:23:02.286Z"}]}"#,
        r#"{"merchantSerialNumber": 1, "orderId": "o", "transactionInfo": {"amount": 1, "status": "SALE", "timeStamp": "2018-11-14T15:23:02.286Z"}}"#,
        r#"{"orderId": "o", "transaction": {"amount": 1, "status": "Refund"}, "transactionSummary": {"capturedAmount": 5}}"#,
        r#"{"version": 1, "orderId": "o", "provider": "vipps", "status": "captured", "final": true, "amounts": {"reserved": 1, "captured": 1}, "updatedAt": "2018-11-14T15:23:02.286Z"}"#,
        r#"{"token_type": "Bearer", "expires_in": "86398", "expires_on": "1495271273", "access_token": "x"}"#,
        r#"[{"errorGroup": "Payments", "errorCode": "44", "errorMessage": "m"}]"#,
    ];
    let values: Vec<Value> = templates
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect();
    (
        prop::sample::select(values),
        prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        json(),
    )
        .prop_map(|(mut v, path, replacement)| {
            splice(&mut v, &path, replacement);
            v
        })
}

/// Replaces the value at a random path with `replacement`.
fn splice(v: &mut Value, path: &[prop::sample::Index], replacement: Value) {
    let Some((first, rest)) = path.split_first() else {
        *v = replacement;
        return;
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let key = m.keys().nth(first.index(m.len())).cloned().unwrap();
            splice(m.get_mut(&key).unwrap(), rest, replacement);
        }
        Value::Array(a) if !a.is_empty() => {
            let i = first.index(a.len());
            splice(&mut a[i], rest, replacement);
        }
        other => *other = replacement,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_text(s in "\\PC{0,200}") {
        parse_everything(&s);
    }

    #[test]
    fn arbitrary_bytes_as_text(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        parse_everything(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_json(v in json()) {
        parse_everything(&v.to_string());
        // And the untagged reader, as the browser module would use it.
        let _ = serde_json::from_value::<StatusPayload>(v.clone());
        let _ = serde_json::from_value::<ErrorBody>(v);
    }

    #[test]
    fn near_misses(v in near_miss()) {
        parse_everything(&v.to_string());
        let _ = serde_json::from_value::<StatusPayload>(v);
    }

    #[test]
    fn truncated_payloads(v in near_miss(), cut in any::<prop::sample::Index>()) {
        let text = v.to_string();
        let cut = cut.index(text.len() + 1);
        if let Some(prefix) = text.get(..cut) {
            parse_everything(prefix);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    parse_everything(&deep);
    let deep = format!(
        r#"{{"transactionLogHistory": {}{}}}"#,
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    parse_everything(&deep);
}
