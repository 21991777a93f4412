use super::*;

const DOCUMENT: &str =
    r#"{"version":1,"orderId":"o","provider":"vipps","status":"reserved","final":true}"#;
const DETAILS: &str = r#"{"orderId":"o","transactionLogHistory":[{"operation":"RESERVE",
    "operationSuccess":true,"amount":100,"transactionId":"1","timeStamp":"2018-11-14T15:21:22.126Z"}]}"#;
const CALLBACK: &str = r#"{"merchantSerialNumber":123456,"orderId":"o","transactionInfo":
    {"amount":100,"status":"RESERVED","timeStamp":"2018-12-12T11:18:38.246Z","transactionId":"5"}}"#;
const OPERATION: &str = r#"{"orderId":"o","transactionInfo":{"amount":100,"status":"Captured",
    "timeStamp":"2018-12-12T11:18:38.246Z","transactionId":"5"}}"#;
const ORDER_STATUS: &str = r#"{"orderId":"o","transactionInfo":{"amount":100,"status":"RESERVE",
    "timeStamp":"2018-12-12T11:18:38.246Z","transactionId":"5"}}"#;

#[test]
fn the_status_document_comes_first() {
    let p = StatusPayload::parse_json(DOCUMENT).unwrap();
    assert_eq!(p.kind(), "status-document");
    // A document that also has Vipps keys is still a document.
    let both = DOCUMENT.replace('}', r#","transactionLogHistory":[]}"#);
    assert_eq!(
        StatusPayload::parse_json(&both).unwrap().kind(),
        "status-document"
    );
}

#[test]
#[cfg(feature = "raw-vipps")]
fn reads_each_vipps_shape_as_its_recogniser_says() {
    for (text, kind) in [
        (DETAILS, "vipps-details"),
        (CALLBACK, "vipps-callback"),
        (OPERATION, "vipps-operation"),
        (ORDER_STATUS, "vipps-order-status"),
    ] {
        assert_eq!(StatusPayload::parse_json(text).unwrap().kind(), kind);
    }
}

#[test]
#[cfg(not(feature = "raw-vipps"))]
fn refuses_each_vipps_shape_by_name_and_says_what_to_serve() {
    for (text, what) in [
        (DETAILS, "raw Vipps details response"),
        (CALLBACK, "raw Vipps callback"),
        (OPERATION, "raw Vipps capture, cancel or refund response"),
        (ORDER_STATUS, "raw Vipps order status response"),
    ] {
        let e = StatusPayload::parse_json(text).unwrap_err();
        assert_eq!(
            e,
            PayloadError::NotRead {
                what,
                feature: "raw-vipps"
            }
        );
        assert!(
            e.to_string().ends_with(
                "(appswitch-core without `raw-vipps`): serve appswitch's status document"
            ),
            "{e}"
        );
    }
}

#[test]
fn explains_what_it_cannot_recognise() {
    assert_eq!(
        StatusPayload::parse_json("[1]").unwrap_err(),
        PayloadError::NotAnObject { found: "an array" }
    );
    assert_eq!(
        StatusPayload::parse_json(r#"{"b":{"c":2},"a":1}"#).unwrap_err(),
        PayloadError::Unrecognised {
            keys: vec!["a".into(), "b".into()]
        }
    );
    assert_eq!(
        StatusPayload::parse_json(r#"{"transactionInfo":{"status":"PENDING"}}"#).unwrap_err(),
        PayloadError::UnknownStatus {
            field: "transactionInfo.status",
            value: "PENDING".into()
        }
    );
    let Err(PayloadError::Json { path, message }) = StatusPayload::parse_json(r#"{"a":1} x"#)
    else {
        panic!()
    };
    assert_eq!(path, "");
    assert!(
        message.starts_with("not JSON: trailing characters"),
        "{message}"
    );
}

#[test]
fn a_serde_reader_goes_through_the_same_recogniser() {
    for text in [
        DOCUMENT,
        DETAILS,
        CALLBACK,
        OPERATION,
        ORDER_STATUS,
        "[1]",
        "{}",
    ] {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let serde = serde_json::from_value::<StatusPayload>(value).map_err(|e| e.to_string());
        let ours = StatusPayload::parse_json(text).map_err(|e| e.to_string());
        assert_eq!(serde, ours, "{text}");
    }
}
