use super::*;
use crate::status::PaymentState;

/// The Flutterwave "Handling timeouts via API" guide's completed ping answer, verbatim.
const COMPLETED_FAILED: &str = r#"{
  "status": "success",
  "message": "REQSPONSE",
  "data": {
    "id": 61,
    "reqid": "RCORE_CHREQ_17F0B216FD488F229EA0",
    "status": "completed",
    "response": "{\"code\":\"FLW_ERR\",\"message\":\"Sorry that account number is invalid. Please check and try again\",\"err_tx\":{\"id\":83146,\"flwRef\":\"ACHG-1511212902957\",\"chargeResponseCode\":\"RR\",\"chargeResponseMessage\":\"Sorry that account number is invalid. Please check and try again\",\"status\":\"failed\",\"merchantbearsfee\":0,\"appfee\":\"10.0736\",\"merchantfee\":\"0\",\"charged_amount\":\"330.07\"},\"is_err\":1}",
    "createdAt": "2017-11-20T21:21:44.000Z",
    "updatedAt": "2017-11-20T21:21:57.000Z",
    "deletedAt": null,
    "response_parsed": {
      "code": "FLW_ERR",
      "message": "Sorry that account number is invalid. Please check and try again",
      "err_tx": {
        "id": 83146,
        "flwRef": "ACHG-1511212902957",
        "chargeResponseCode": "RR",
        "chargeResponseMessage": "Sorry that account number is invalid. Please check and try again",
        "status": "failed",
        "merchantbearsfee": 0,
        "appfee": "10.0736",
        "merchantfee": "0",
        "charged_amount": "330.07"
      },
      "is_err": 1
    }
  }
}"#;

/// The Flutterwave "Handling timeouts via API" guide's pending ping answer, verbatim.
const PENDING: &str = r#"{
  "status": "success",
  "message": "REQSPONSE",
  "data": {
    "id": 61,
    "reqid": "RCORE_CHREQ_17F0B216FD488F229EA0",
    "status": "pending",
    "response": null,
    "createdAt": "2017-11-20T21:21:44.000Z",
    "updatedAt": "2017-11-20T21:21:44.000Z",
    "deletedAt": null,
    "response_parsed": null
  }
}"#;

/// The Flutterwave "Handling timeouts via API" guide's timeout answer, verbatim.
const TIMEOUT: &str = r#"{
  "status": "error",
  "message": "No Message",
  "data": {
    "code": "FLW_ERR",
    "message": "No Message",
    "err_tx": {
      "id": 60335,
      "chargeResponseCode": "NR",
      "chargeResponseMessage": "No Message",
      "status": "failed",
      "merchantbearsfee": 1,
      "appfee": 96.25,
      "merchantfee": 0,
      "charged_amount": 4500.00
    }
  }
}"#;

/// What the reader makes of `s`; serde (the same derives) agrees.
fn read_str(s: &str) -> Option<Result<FlutterwaveBody, FlutterwaveError>> {
    let read = read(s);
    if let Some(Ok(FlutterwaveBody::Ping(ping))) = &read {
        let envelope: Envelope<PingAnswer> = serde_json::from_str(s).unwrap();
        assert_eq!(envelope.data, **ping);
    }
    read
}

#[test]
fn reads_the_seed_long_request() {
    let body = r#"{"status":"success","message":"LONG-REQ","data":{
        "ping_url":"http://localhost:9329/flwv3-pug/getpaidx/api/requests/RCORE_CHREQ_529B140C1A06B38AD413",
        "message":"The request is taking too long. Please poll the ping_url to get response",
        "REQUEST":"RCORE_CHREQ_529B140C1A06B38AD413","wait":7468}}"#;
    let Some(Ok(FlutterwaveBody::LongRequest(long))) = read_str(body) else {
        panic!("not a long request")
    };
    assert_eq!(long.wait(), Duration::from_millis(7468));
    assert_eq!(
        long.request.as_deref(),
        Some("RCORE_CHREQ_529B140C1A06B38AD413")
    );
}

#[test]
fn a_completed_ping_maps_its_embedded_response() {
    let Some(Ok(FlutterwaveBody::Ping(ping))) = read_str(COMPLETED_FAILED) else {
        panic!("not a ping")
    };
    assert_eq!(ping.status, PingStatus::Completed);
    let charge = ping.charge_response().unwrap().unwrap();
    assert_eq!(
        charge.err_tx.as_ref().unwrap().charged_amount,
        Some(Amount::from_minor(33007))
    );
    let status = charge.observation().unwrap();
    assert_eq!(
        status.state(),
        PaymentState::Failed {
            reason: "Sorry that account number is invalid. Please check and try again".into()
        }
    );
    // Without `response_parsed`, the `response` text is read instead.
    let mut text_only = ping.clone();
    text_only.response_parsed = None;
    assert_eq!(text_only.charge_response().unwrap(), Some(charge));
}

#[test]
fn a_pending_ping_proves_nothing() {
    let Some(Ok(FlutterwaveBody::Ping(ping))) = read_str(PENDING) else {
        panic!("not a ping")
    };
    assert_eq!(ping.status, PingStatus::Pending);
    assert_eq!(ping.charge_response().unwrap(), None);
}

#[test]
fn the_timeout_answer_is_an_error_not_a_failure() {
    let Some(Ok(FlutterwaveBody::Error(e))) = read_str(TIMEOUT) else {
        panic!("not an error")
    };
    assert_eq!(e.code.as_deref(), Some("FLW_ERR"));
    let Ok(Envelope {
        data: ChargeResponse {
            err_tx: Some(tx), ..
        },
        ..
    }) = crate::foundation::json::from_str::<Envelope<ChargeResponse>>(TIMEOUT)
    else {
        panic!("the error's transaction")
    };
    assert_eq!(tx.charged_amount, Some(Amount::from_minor(450000)));
}

#[test]
fn only_an_approved_successful_transaction_is_money() {
    let ok: ChargeResponse = serde_json::from_str(
        r#"{"code":"00","tx":{"status":"successful","chargeResponseCode":"00","charged_amount":4500.00}}"#,
    )
    .unwrap();
    let s = ok.observation().unwrap();
    assert_eq!(s.state(), PaymentState::Captured { full: true });
    assert_eq!(s.amounts().captured, Amount::from_minor(450000));
    let needs_otp: ChargeResponse =
        serde_json::from_str(r#"{"tx":{"status":"successful","chargeResponseCode":"02"}}"#)
            .unwrap();
    assert_eq!(needs_otp.observation(), None);
    assert_eq!(ChargeResponse::default().observation(), None);
}

#[test]
fn rejects_what_it_cannot_use() {
    assert!(read_str(r#"{"orderId":"x"}"#).is_none());
    assert!(read_str(r#"[1,2]"#).is_none());
    let err = read_str(
        r#"{"status":"success","message":"LONG-REQ","data":{"ping_url":"javascript:alert(1)","wait":1}}"#,
    )
    .unwrap()
    .unwrap_err();
    assert!(err.to_string().contains("ping_url"), "{err}");
    let err = read_str(r#"{"status":"success","message":"LONG-REQ","data":{"wait":1}}"#)
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().contains("ping_url"), "{err}");
    let err = read_str(r#"{"status":"success","message":"V-COMP","data":{"x":1}}"#)
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, FlutterwaveError::UnknownKind(_)));
}

#[test]
fn major_units_are_read_exactly() {
    assert_eq!(parse_major_units("330.07"), Some(Amount::from_minor(33007)));
    assert_eq!(parse_major_units("4500"), Some(Amount::from_minor(450000)));
    assert_eq!(parse_major_units("0.5"), Some(Amount::from_minor(50)));
    assert_eq!(parse_major_units("10.0736"), None);
    assert_eq!(parse_major_units("-1"), None);
    assert_eq!(parse_major_units(".5"), None);
    assert_eq!(parse_major_units("1e3"), None);
    assert_eq!(parse_major_units("99999999999999999999"), None);
    // As JSON numbers.
    for (number, cents) in [
        ("4500.00", Some(450000)),
        ("330.07", Some(33007)),
        ("0.1", Some(10)),
        ("19.99", Some(1999)),
        ("10.0736", None),
        ("-1.5", None),
        ("-3", None),
        ("7", Some(700)),
        ("1e300", None),
        ("null", None),
    ] {
        let text = format!(r#"{{"charged_amount":{number}}}"#);
        let read: ChargeTransaction = serde_json::from_str(&text).unwrap();
        assert_eq!(
            read.charged_amount,
            cents.map(Amount::from_minor),
            "{number}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn reading_never_panics(s in "\\PC{0,80}") {
        let _ = read_str(&s);
        let _ = parse_major_units(&s);
    }

    #[test]
    fn cents_are_exact_for_two_decimals(cents in 0u64..1_000_000_000_000) {
        let text = format!("{}.{:02}", cents / 100, cents % 100);
        let x: f64 = text.parse().unwrap();
        proptest::prop_assert_eq!(cents_of(x), Some(cents));
    }
}
