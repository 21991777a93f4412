//! Dintero's answers, read and classified.

use super::*;

fn tx(status: &str, events: Vec<TransactionEvent>) -> Transaction {
    Transaction {
        id: "T1".into(),
        status: TransactionStatus::from_name(status),
        events,
    }
}

fn authorize_error(error_type: &str, code: &str) -> TransactionEvent {
    TransactionEvent {
        event: "AUTHORIZE".into(),
        success: false,
        error: Some(EventError {
            error_type: error_type.into(),
            code: code.into(),
            message: None,
            result_code: None,
        }),
    }
}

#[test]
fn do_not_retry_is_final_and_blocks() {
    for (t, c) in [
        ("DO_NOT_RETRY", "payex:errorCode:DO_NOT_RETRY"),
        ("REJECTED", "payex:errorCode:DO_NOT_RETRY"),
        ("do_not_retry", ""),
    ] {
        let TransactionOutcome::Failed(f) = tx("FAILED", vec![authorize_error(t, c)]).outcome()
        else {
            panic!()
        };
        assert!(f.do_not_retry, "{t} {c}");
        assert_eq!(f.class(), ErrorClass::Final);
    }
    let TransactionOutcome::Failed(f) = tx(
        "FAILED",
        vec![authorize_error(
            "INSUFFICIENT_FUNDS",
            "payex:errorCode:DO_NOT_RETRY_LATER",
        )],
    )
    .outcome() else {
        panic!()
    };
    assert!(!f.do_not_retry);
}

#[test]
fn statuses_decide_the_outcome() {
    assert_eq!(
        tx("AUTHORIZED", vec![]).outcome(),
        TransactionOutcome::Succeeded
    );
    assert_eq!(
        tx("captured", vec![]).outcome(),
        TransactionOutcome::Succeeded
    );
    assert_eq!(
        tx("INITIATED", vec![]).outcome(),
        TransactionOutcome::Pending
    );
    assert_eq!(
        tx("SOMETHING_NEW", vec![]).outcome(),
        TransactionOutcome::Pending
    );
    // A failure without an error event is still a failure.
    let TransactionOutcome::Failed(f) = tx("DECLINED", vec![]).outcome() else {
        panic!()
    };
    assert_eq!((f.do_not_retry, f.code.as_str()), (false, ""));
    assert_eq!(
        TransactionStatus::from_name("INITIALIZED").to_string(),
        "INITIATED"
    );
}

#[test]
fn reads_the_seed_examples() {
    let dup = r#"{"session_id": "T11223445.5cyWnV68vzJ1kYjZPrKWWm",
        "error": {"message": "session.order.merchant_reference", "code": "DUPLICATE"}}"#;
    let PayAnswer::Refused(e) = PayAnswer::from_http(400, dup) else {
        panic!()
    };
    assert_eq!(
        e,
        DinteroError::DuplicateReference {
            field: "session.order.merchant_reference".into(),
            session_id: Some("T11223445.5cyWnV68vzJ1kYjZPrKWWm".into())
        }
    );
    assert!(
        e.to_string()
            .contains("`session.order.merchant_reference` is taken"),
        "{e}"
    );
    let other = PayAnswer::from_http(400, r#"{"error": {"code": "INVALID", "message": "x"}}"#);
    assert!(matches!(
        other,
        PayAnswer::Refused(DinteroError::Other { status: 400, .. })
    ));
    let bad = PayAnswer::from_http(200, r#"{"id": "T1"}"#);
    assert!(
        matches!(&bad, PayAnswer::Unreadable { reason, .. } if reason.contains("status")),
        "{bad:?}"
    );
    assert!(matches!(
        PayAnswer::from_http(500, "<html>"),
        PayAnswer::Unreadable { status: 500, .. }
    ));
}
