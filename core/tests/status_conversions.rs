//! From every provider word to the right status, and from every wrong
//! payload to an error that names the field.
// Reads raw provider payloads: the crate as a backend builds it.
#![cfg(feature = "raw-vipps")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::payload::{PayloadError, StatusPayload};
use appswitch_core::providers::vipps_ecom::*;
use appswitch_core::status::{CancelledBy, PaymentState, PaymentStatus, StatusName};

fn a(minor: u64) -> Amount {
    Amount::from_minor(minor)
}

fn callback(status: &str) -> String {
    format!(
        r#"{{"merchantSerialNumber": "123456", "orderId": "o-1", "transactionInfo":
            {{"amount": 20000, "status": "{status}", "timeStamp": "2018-12-12T11:18:38.246Z"}}}}"#
    )
}

fn state_of(text: &str) -> PaymentState {
    StatusPayload::parse_json(text)
        .unwrap()
        .to_status()
        .unwrap()
        .state()
}

#[test]
fn every_callback_status() {
    let cases = [
        ("RESERVED", PaymentState::Reserved),
        ("RESERVE", PaymentState::Reserved),
        ("SALE", PaymentState::Captured { full: true }),
        (
            "RESERVE_FAILED",
            PaymentState::Failed {
                reason: "RESERVE_FAILED".into(),
            },
        ),
        (
            "SALE_FAILED",
            PaymentState::Failed {
                reason: "SALE_FAILED".into(),
            },
        ),
        (
            "CANCELLED",
            PaymentState::Cancelled {
                by: CancelledBy::User,
            },
        ),
        ("REJECTED", PaymentState::Rejected),
    ];
    assert_eq!(cases.len(), CallbackStatus::ALL.len());
    for (status, want) in cases {
        let text = callback(status);
        let c = Callback::parse_json(&text).unwrap();
        assert_eq!(c.transaction_info.status.as_str(), status);
        assert_eq!(c.to_status().state(), want, "{status}");
        assert_eq!(state_of(&text), want, "{status} through the sniffer");
    }
    let sale = Callback::parse_json(&callback("SALE")).unwrap().to_status();
    assert_eq!(sale.amounts().reserved, a(20000));
    assert_eq!(
        sale.captured_at,
        Timestamp::parse_rfc3339("2018-12-12T11:18:38.246Z").ok()
    );
}

#[test]
fn every_deprecated_status_name() {
    let cases = [
        ("INITIATE", PaymentState::Initiated),
        ("REGISTER", PaymentState::Initiated),
        ("RESERVE", PaymentState::Reserved),
        ("SALE", PaymentState::Captured { full: true }),
        ("CAPTURE", PaymentState::Captured { full: true }),
        ("REFUND", PaymentState::Refunded { full: true }),
        (
            "CANCEL",
            PaymentState::Cancelled {
                by: CancelledBy::User,
            },
        ),
        (
            "USER_CANCEL",
            PaymentState::Cancelled {
                by: CancelledBy::User,
            },
        ),
        (
            "VOID",
            PaymentState::Cancelled {
                by: CancelledBy::Merchant,
            },
        ),
        (
            "FAILED",
            PaymentState::Failed {
                reason: "FAILED".into(),
            },
        ),
        ("REJECTED", PaymentState::Rejected),
        ("REJECT", PaymentState::Rejected),
    ];
    for (name, want) in cases {
        let op = Operation::from_name(name);
        assert!(!matches!(op, Operation::Other(_)), "{name}");
        assert_eq!(op.facts(a(20000), None).state(), want, "{name}");
        // The deprecated order-status response has no MSN.
        let text = format!(
            r#"{{"orderId": "o-1", "transactionInfo": {{"amount": 20000, "status": "{name}",
                "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": 5001420062}}}}"#
        );
        let p = StatusPayload::parse_json(&text).unwrap();
        assert_eq!(p.kind(), "vipps-order-status", "{name}");
        let s = p.to_status().unwrap();
        assert_eq!(s.state(), want, "{name}");
        assert_eq!(s.captured_at, None, "the latest status is no capture time");
    }
    assert_eq!(
        Operation::from_name("AUTHORISE").facts(a(1), None),
        PaymentStatus::initiated()
    );
}

fn details(entries: &[(&str, bool, u64, &str)]) -> PaymentDetails {
    let history: Vec<String> = entries
        .iter()
        .map(|(op, ok, amount, at)| {
            format!(
                r#"{{"operation": "{op}", "operationSuccess": {ok}, "amount": {amount}, "timeStamp": "{at}"}}"#
            )
        })
        .collect();
    PaymentDetails::parse_json(&format!(
        r#"{{"orderId": "o-1", "transactionLogHistory": [{}]}}"#,
        history.join(",")
    ))
    .unwrap()
}

#[test]
fn failed_operations_are_facts_not_states() {
    let d = details(&[
        ("INITIATE", true, 20000, "2024-01-01T10:00:00Z"),
        ("RESERVE", false, 20000, "2024-01-01T10:01:00Z"),
    ]);
    let s = d.to_status();
    assert_eq!(s.state(), PaymentState::Initiated);
    let failed: Vec<_> = s.failed_operations.iter().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].operation, "RESERVE");
    assert_eq!(failed[0].amount, a(20000));
    // A failed capture after a reservation leaves it reserved.
    let d = details(&[
        ("RESERVE", true, 20000, "2024-01-01T10:01:00Z"),
        ("CAPTURE", false, 20000, "2024-01-01T11:00:00Z"),
    ]);
    assert_eq!(d.to_status().state(), PaymentState::Reserved);
    assert_eq!(d.to_status().amounts().captured, Amount::ZERO);
    // A failed refund leaves it captured, and refunds remain possible.
    let d = details(&[
        ("RESERVE", true, 20000, "2024-01-01T10:01:00Z"),
        ("CAPTURE", true, 20000, "2024-01-01T11:00:00Z"),
        ("REFUND", false, 5000, "2024-01-02T11:00:00Z"),
    ]);
    assert_eq!(d.to_status().state(), PaymentState::Captured { full: true });
    assert_eq!(d.to_status().amounts().remaining_to_refund, a(20000));
}

#[test]
fn partial_captures_and_refunds_add_up_in_any_order() {
    let entries = [
        ("REFUND", true, 3000, "2024-01-03T10:00:00Z"),
        ("CAPTURE", true, 5000, "2024-01-02T10:00:00Z"),
        ("CAPTURE", true, 10000, "2024-01-01T12:00:00Z"),
        ("RESERVE", true, 20000, "2024-01-01T10:01:00Z"),
        ("INITIATE", true, 20000, "2024-01-01T10:00:00Z"),
    ];
    let newest_first = details(&entries).to_status();
    let mut reversed = entries;
    reversed.reverse();
    let oldest_first = details(&reversed).to_status();
    assert_eq!(newest_first, oldest_first);
    let am = newest_first.amounts();
    assert_eq!(
        (am.reserved, am.captured, am.refunded),
        (a(20000), a(15000), a(3000))
    );
    assert_eq!(am.remaining_to_capture, a(5000));
    assert_eq!(newest_first.state(), PaymentState::Refunded { full: false });
    assert_eq!(
        newest_first.captured_at,
        Timestamp::parse_rfc3339("2024-01-01T12:00:00Z").ok(),
        "the first capture"
    );
    assert_eq!(
        newest_first.updated_at,
        Timestamp::parse_rfc3339("2024-01-03T10:00:00Z").ok()
    );
}

#[test]
fn direct_capture_sale_and_void() {
    let sale = details(&[("SALE", true, 20000, "2024-01-01T10:01:00Z")]).to_status();
    assert_eq!(sale.state(), PaymentState::Captured { full: true });
    assert_eq!(sale.amounts().reserved, a(20000));
    let void = details(&[
        ("RESERVE", true, 20000, "2024-01-01T10:01:00Z"),
        ("VOID", true, 20000, "2024-01-01T10:05:00Z"),
    ])
    .to_status();
    assert_eq!(
        void.state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
}

#[test]
fn the_summary_never_proves_a_step_alone() {
    let text = r#"{"orderId": "o-1",
        "transactionSummary": {"capturedAmount": 20000, "remainingAmountToCapture": 5000,
                               "refundedAmount": 20000, "remainingAmountToRefund": 0},
        "transactionLogHistory": [{"operation": "INITIATE", "operationSuccess": true, "amount": 20000}]}"#;
    let s = PaymentDetails::parse_json(text).unwrap().to_status();
    assert_eq!(s.state(), PaymentState::Initiated);
    assert!(!s.is_success());
    // But it refines the amounts of steps the history proves.
    let text = r#"{"orderId": "o-1",
        "transactionSummary": {"capturedAmount": 10000, "remainingAmountToCapture": 10000},
        "transactionLogHistory": [{"operation": "CAPTURE", "operationSuccess": true, "amount": 4000}]}"#;
    let am = PaymentDetails::parse_json(text)
        .unwrap()
        .to_status()
        .amounts();
    assert_eq!((am.reserved, am.captured), (a(20000), a(10000)));
}

#[test]
fn a_document_and_provider_payloads_merge() {
    let doc = r#"{"version": 1, "orderId": "o-1", "provider": "vipps", "status": "captured",
        "final": true, "amounts": {"reserved": 20000, "captured": 10000, "refunded": 0}}"#;
    let p = StatusPayload::parse_json(doc).unwrap();
    assert_eq!(p.kind(), "status-document");
    assert_eq!(p.order_id(), "o-1");
    let s = p.to_status().unwrap();
    let late_callback = Callback::parse_json(&callback("RESERVED"))
        .unwrap()
        .to_status();
    assert_eq!(
        s.clone().merge(&late_callback).state(),
        PaymentState::Captured { full: false },
        "a late callback does not move it back"
    );
    assert_eq!(s.state().name(), StatusName::Captured);
    let e = StatusPayload::parse_json(
        r#"{"version": 1, "orderId": "o", "provider": "vipps", "status": "reserved", "final": false}"#,
    )
    .unwrap_err();
    assert!(matches!(e, PayloadError::Document(_)), "{e}");
    let e = StatusPayload::parse_json(
        r#"{"version": 1, "orderId": "o", "provider": "vipps", "status": "paid", "final": true}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "`status`: unknown variant `paid`, expected one of `initiated`, `reserved`"
        ),
        "{e}"
    );
}

#[test]
fn wrong_payloads_name_the_field() {
    let cases = [
        (
            r#"{"orderId": "o", "transactionLogHistory": [{"operation": "RESERVE", "operationSuccess": true, "amount": -5}]}"#,
            "`transactionLogHistory[0].amount`: amount -5 is negative",
        ),
        (
            r#"{"orderId": "o", "transactionLogHistory": [{"operation": "RESERVE", "operationSuccess": true, "amount": 1.5}]}"#,
            "`transactionLogHistory[0].amount`: amount 1.5 is not a whole number of øre",
        ),
        (
            r#"{"orderId": "o", "transactionLogHistory": [{"operation": "RESERVE", "operationSuccess": "maybe"}]}"#,
            "`transactionLogHistory[0].operationSuccess`: expected a boolean",
        ),
        (
            r#"{"orderId": "o", "transactionLogHistory": [{"operation": "RESERVE"}]}"#,
            "`transactionLogHistory[0]`: missing field `operationSuccess`",
        ),
        (
            r#"{"orderId": "o", "transactionLogHistory": {}}"#,
            "`transactionLogHistory`: invalid type: map",
        ),
        (
            r#"{"merchantSerialNumber": "123456", "orderId": "o", "transactionInfo": {"status": "RESERVED"}}"#,
            "`transactionInfo`: missing field `amount`",
        ),
        (
            r#"{"orderId": "o", "transactionInfo": {"amount": 1, "status": "RESERVED"}}"#,
            "missing field `merchantSerialNumber`",
        ),
        (
            r#"{"merchantSerialNumber": true, "orderId": "o", "transactionInfo": {"amount": 1, "status": "SALE"}}"#,
            "`merchantSerialNumber`: invalid type: boolean `true`",
        ),
        (
            r#"{"orderId": "o", "transaction": {"amount": 1.5, "status": "Refund"}}"#,
            "`transaction.amount`: amount 1.5 is not a whole number of øre",
        ),
        (
            r#"{"orderId": "o", "transactionInfo": {"amount": 1, "status": "PENDING"}}"#,
            "`transactionInfo.status` is `PENDING`, which is no known status",
        ),
        (
            r#"{"orderId": "o", "transactionInfo": {"amount": 1}}"#,
            "`transactionInfo`: missing field `status`",
        ),
        (
            r#"{"orderId": "o"}"#,
            "not a payment payload this crate knows (found keys: orderId)",
        ),
        ("[]", "expected a JSON object, found an array"),
        ("", "not JSON: EOF while parsing a value at line 1 column 0"),
        (
            r#"{"orderId": "o""#,
            "not JSON: EOF while parsing an object at line 1 column 15",
        ),
    ];
    for (text, want) in cases {
        let e = StatusPayload::parse_json(text).unwrap_err().to_string();
        assert!(e.starts_with(want), "{text}\n  gave: {e}\n  want: {want}");
    }
}

#[test]
fn tolerates_what_real_payloads_vary_in() {
    let text = r#"{"orderId": "o-1", "newTopLevel": {"x": [1, 2]},
        "transactionLogHistory": [{"operation": "RESERVE", "operationSuccess": true,
          "amount": 20000, "transactionId": 5001420062, "requestId": null,
          "timeStamp": "2018-11-14T15:21:22.126+01:00", "somethingNew": true}],
        "userDetails": null, "shippingDetails": null, "transactionSummary": null}"#;
    let d = PaymentDetails::parse_json(text).unwrap();
    let e = &d.transaction_log_history[0];
    assert_eq!(e.transaction_id.as_deref(), Some("5001420062"));
    assert_eq!(e.request_id, None);
    assert_eq!(d.to_status().state(), PaymentState::Reserved);
    // serde's Deserialize reads the same payloads from an already-parsed
    // value (as from JSON.parse), through the same recogniser.
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let p: StatusPayload = serde_json::from_value(value).unwrap();
    assert_eq!(p.kind(), "vipps-details");
    let value: serde_json::Value = serde_json::from_str(&callback("RESERVE")).unwrap();
    let p: StatusPayload = serde_json::from_value(value).unwrap();
    assert_eq!(p.kind(), "vipps-callback");
}
