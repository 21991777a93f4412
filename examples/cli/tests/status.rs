//! `appswitch status` run as a binary.

mod run_binary;

use run_binary::{json_of, run};

/// The details response of the Vipps eCom API guide ("Example response").
const DETAILS: &str = r#"{
    "orderId": "order123abc",
    "transactionSummary": {"capturedAmount": 20000, "remainingAmountToCapture": 0,
        "refundedAmount": 20000, "remainingAmountToRefund": 0, "bankIdentificationNumber": 492560},
    "transactionLogHistory": [
        {"amount": 20000, "transactionText": "Refund of Vipps socks", "transactionId": "5600727726",
         "timeStamp": "2018-11-14T15:23:02.286Z", "operation": "REFUND", "requestId": "1542208972", "operationSuccess": true},
        {"amount": 20000, "transactionText": "One pair of Vipps socks", "transactionId": "5001420058",
         "timeStamp": "2018-11-14T15:22:46.680Z", "operation": "CAPTURE", "requestId": "1542208966", "operationSuccess": true},
        {"amount": 20000, "transactionText": "One pair of Vipps socks", "transactionId": "5001420062",
         "timeStamp": "2018-11-14T15:21:22.126Z", "operation": "RESERVE", "requestId": "", "operationSuccess": true},
        {"amount": 20000, "transactionText": "One pair of Vipps socks", "transactionId": "5001420062",
         "timeStamp": "2018-11-14T15:21:04.697Z", "operation": "INITIATE", "requestId": "", "operationSuccess": true}
    ]
}"#;

#[test]
fn details_from_stdin() {
    for args in [&["status"][..], &["status", "-"][..]] {
        let v = json_of(&run(args, DETAILS));
        assert_eq!(v["status"], "refunded");
        assert_eq!(v["final"], true);
        assert_eq!(v["orderId"], "order123abc");
        assert_eq!(v["source"], "vipps-details");
        assert_eq!(v["amounts"]["captured"], 20000);
        assert_eq!(v["amounts"]["refunded"], 20000);
        assert_eq!(v["amounts"]["remainingToRefund"], 0);
        assert_eq!(v["updatedAt"], "2018-11-14T15:23:02.286Z");
        assert_eq!(v["capturedAt"], "2018-11-14T15:22:46.680Z");
    }
}

#[test]
fn callback_from_a_file() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("callback.json");
    std::fs::write(
        &path,
        r#"{"merchantSerialNumber": 123456, "orderId": "order123abc", "transactionInfo":
           {"amount": 20000, "status": "RESERVE_FAILED", "timeStamp": "2018-12-12T11:18:38.246Z"}}"#,
    )
    .unwrap();
    let v = json_of(&run(&["status", path.to_str().unwrap()], ""));
    assert_eq!(v["status"], "failed");
    assert_eq!(v["final"], true);
    assert_eq!(v["reason"], "RESERVE_FAILED");
    assert_eq!(v["source"], "vipps-callback");
}

#[test]
fn a_pending_payment_is_not_final_and_failed_operations_are_shown() {
    let v = json_of(&run(
        &["status"],
        r#"{"orderId": "o-1", "transactionLogHistory": [
            {"operation": "RESERVE", "operationSuccess": false, "amount": 500, "transactionId": "t2"},
            {"operation": "INITIATE", "operationSuccess": true, "amount": 500}]}"#,
    ));
    assert_eq!(v["status"], "initiated");
    assert_eq!(v["final"], false);
    assert_eq!(v["failedOperations"][0]["operation"], "RESERVE");
    assert_eq!(v["failedOperations"][0]["transactionId"], "t2");
}

#[test]
fn the_merchants_cancel_and_a_status_document() {
    let v = json_of(&run(
        &["status"],
        r#"{"orderId": "order123abc", "transactionInfo": {"amount": 20000, "status": "Cancelled"}}"#,
    ));
    assert_eq!(v["status"], "cancelled");
    assert_eq!(v["cancelledBy"], "merchant");
    let v = json_of(&run(
        &["status"],
        r#"{"version": 1, "orderId": "o", "provider": "vipps", "status": "reserved", "final": true,
            "amounts": {"reserved": 20000}}"#,
    ));
    assert_eq!(v["status"], "reserved");
    assert_eq!(v["source"], "status-document");
    assert_eq!(v["amounts"]["remainingToCapture"], 20000);
}

#[test]
fn what_it_cannot_understand_exits_1_with_the_reason() {
    let out = run(
        &["status"],
        r#"{"orderId": "o", "transactionLogHistory": [{"operation": "RESERVE", "operationSuccess": true, "amount": "lots"}]}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`transactionLogHistory[0].amount`"), "{err}");
    let out = run(&["status"], r#"{"hello": "world"}"#);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("found keys: hello"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["status", "a.json", "b.json"][..],
        &["status", "--verbose"][..],
        &["status", "/nonexistent/appswitch/payload.json"][..],
        &["nonsense"][..],
        &[][..],
    ] {
        let out = run(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
    assert!(run(&["status", "--help"], "").status.success());
}

/// ePayment API guide, "Get payment": the example response.
const EPAYMENT_PAYMENT: &str = r#"{
    "aggregate": {
        "authorizedAmount": {"currency": "NOK", "value": 49900},
        "cancelledAmount": {"currency": "NOK", "value": 49900},
        "capturedAmount": {"currency": "NOK", "value": 0},
        "refundedAmount": {"currency": "NOK", "value": 0}},
    "amount": {"currency": "NOK", "value": 49900},
    "state": "AUTHORIZED",
    "paymentMethod": {"type": "WALLET"},
    "profile": {},
    "pspReference": "37c34d8c-2649-448e-864b-060d5d93e4c4",
    "reference": "acme-shop-123-order123abc"
}"#;

#[test]
fn an_epayment_get_payment_response() {
    let v = json_of(&run(&["status"], EPAYMENT_PAYMENT));
    assert_eq!(v["status"], "cancelled");
    assert_eq!(v["cancelledBy"], "merchant");
    assert_eq!(v["orderId"], "acme-shop-123-order123abc");
    assert_eq!(v["provider"], "vipps-epayment");
    assert_eq!(v["source"], "epayment-payment");
    assert_eq!(v["amounts"]["reserved"], 49900);
}

#[test]
fn an_epayment_webhook_and_event_log() {
    // Webhooks API guide, "Register a webhook": the payload example.
    let webhook = r#"{"msn": "123456", "reference": "24ab7cd6ef658155992", "pspReference": "1234567891",
        "name": "AUTHORIZED", "amount": {"currency": "DKK", "value": 35000},
        "timestamp": "2023-08-14T12:48:46.260Z", "idempotencyKey": "49ca711a9487112e1def", "success": true}"#;
    let v = json_of(&run(&["status"], webhook));
    assert_eq!(v["status"], "reserved");
    assert_eq!(v["final"], true);
    assert_eq!(v["source"], "epayment-webhook");
    assert_eq!(v["amounts"]["reserved"], 35000);
    assert_eq!(v["updatedAt"], "2023-08-14T12:48:46.260Z");

    let log = r#"[
        {"reference": "acme-shop-123-order123abc", "pspReference": "1304787731", "name": "AUTHORIZED",
         "amount": {"currency": "EUR", "value": 49900}, "timestamp": "2023-03-27T10:51:59.378Z", "success": true},
        {"reference": "acme-shop-123-order123abc", "pspReference": "2018200034", "name": "CAPTURED",
         "amount": {"currency": "EUR", "value": 10000}, "timestamp": "2023-03-27T10:52:07.748Z", "success": true},
        {"reference": "acme-shop-123-order123abc", "pspReference": "2018200035", "name": "CAPTURED",
         "amount": {"currency": "EUR", "value": 39900}, "timestamp": "2023-03-27T10:53:07.748Z", "success": false}
    ]"#;
    let v = json_of(&run(&["status"], log));
    assert_eq!(v["status"], "captured");
    assert_eq!(v["source"], "epayment-event-log");
    assert_eq!(v["amounts"]["captured"], 10000);
    assert_eq!(v["amounts"]["remainingToCapture"], 39900);
    assert_eq!(v["failedOperations"][0]["operation"], "CAPTURED");
    assert_eq!(v["capturedAt"], "2023-03-27T10:52:07.748Z");
}

#[test]
fn a_broken_epayment_body_names_the_field() {
    let out = run(
        &["status"],
        &EPAYMENT_PAYMENT.replace("\"AUTHORIZED\"", "7"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`state`"), "{err}");
}
