//! The committed JSON Schema of the status document is what the core's
//! types generate, and it says what the core's reader says.

mod run_binary;

use appswitch_core::foundation::money::Amount;
use appswitch_core::status::{CancelledBy, PaymentStatus, StatusDocument};
use run_binary::{json_of, run};
use serde_json::{Value, json};

const COMMITTED: &str = include_str!("../../../schema/status-document.v1.json");

#[test]
fn the_committed_schema_is_what_the_types_generate() {
    let generated = json_of(&run(&["schema"], ""));
    let committed: Value = serde_json::from_str(COMMITTED).expect("the committed schema is JSON");
    assert!(
        generated == committed,
        "schema/status-document.v1.json is not what appswitch-core's types generate; regenerate it:\n  \
         cargo run -p appswitch-cli -- schema > schema/status-document.v1.json"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(COMMITTED).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn every_document_the_backend_writes_is_valid_and_the_reader_agrees_with_the_schema() {
    let v = validator();
    let r = Amount::from_minor(20000);
    let statuses = [
        PaymentStatus::initiated(),
        PaymentStatus::initiated().with_reserved(r),
        PaymentStatus::initiated().with_reserved(r).with_captured(r),
        PaymentStatus::initiated()
            .with_reserved(r)
            .with_captured(r)
            .with_refunded(Amount::from_minor(5)),
        PaymentStatus::initiated().with_cancelled(CancelledBy::Merchant),
        PaymentStatus::initiated().with_rejected(),
        PaymentStatus::initiated().with_failure("insufficient funds"),
    ];
    for s in &statuses {
        let doc =
            serde_json::to_value(StatusDocument::from_status("shop-1042", "vipps", s)).unwrap();
        assert!(v.is_valid(&doc), "{doc}");
    }
    let unknown =
        serde_json::to_value(StatusDocument::unknown("x", "vipps", "no such order")).unwrap();
    assert!(v.is_valid(&unknown));

    let good = json!({"version": 1, "orderId": "o", "provider": "vipps", "status": "reserved",
        "final": true, "amounts": {"reserved": 20000}, "updatedAt": "2018-12-12T11:18:38.246Z"});
    assert!(v.is_valid(&good));
    let with = |key: &str, value: Value| {
        let mut d = good.clone();
        d[key] = value;
        d
    };
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("status");
    for bad in [
        with("status", json!("paid")),
        with("final", json!(false)),
        with("version", json!(2)),
        with("amounts", json!({"reserved": -1})),
        with("amounts", json!({"reserved": 9_007_199_254_740_992u64})),
        with("cancelledBy", json!("bank")),
        with("orderId", json!(42)),
        missing,
    ] {
        assert!(!v.is_valid(&bad), "the schema lets through {bad}");
    }
    // What the schema refuses as inconsistent, the core's reader refuses too.
    let inconsistent: StatusDocument = serde_json::from_value(with("final", json!(false))).unwrap();
    assert!(inconsistent.to_status().is_err());
}
