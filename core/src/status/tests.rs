use proptest::prelude::*;

use super::*;

fn a(minor: u64) -> Amount {
    Amount::from_minor(minor)
}

/// The forward order of states: merging never lowers it.
fn rank(s: &PaymentState) -> u8 {
    match s {
        PaymentState::Initiated => 0,
        PaymentState::Rejected => 1,
        PaymentState::Failed { .. } => 2,
        PaymentState::Reserved => 3,
        PaymentState::Cancelled { .. } => 4,
        PaymentState::Captured { .. } => 5,
        PaymentState::Refunded { .. } => 6,
    }
}

#[test]
fn derives_the_state_from_the_strongest_fact() {
    let s = PaymentStatus::initiated();
    assert_eq!(s.state(), PaymentState::Initiated);
    assert!(!s.is_final());
    let reserved = s.clone().with_reserved(a(20000));
    assert_eq!(reserved.state(), PaymentState::Reserved);
    assert!(reserved.is_success() && reserved.is_final());
    assert_eq!(
        reserved.clone().with_captured(a(10000)).state(),
        PaymentState::Captured { full: false }
    );
    assert_eq!(
        reserved.clone().with_captured(a(20000)).state(),
        PaymentState::Captured { full: true }
    );
    assert_eq!(
        reserved
            .clone()
            .with_captured(a(20000))
            .with_refunded(a(5000))
            .state(),
        PaymentState::Refunded { full: false }
    );
    assert_eq!(
        reserved
            .clone()
            .with_captured(a(20000))
            .with_refunded(a(20000))
            .state(),
        PaymentState::Refunded { full: true }
    );
    assert_eq!(
        reserved
            .clone()
            .with_cancelled(CancelledBy::Merchant)
            .state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
    assert_eq!(s.clone().with_rejected().state(), PaymentState::Rejected);
    assert_eq!(
        s.clone().with_failure("Refused by issuer bank").state(),
        PaymentState::Failed {
            reason: "Refused by issuer bank".into()
        }
    );
}

#[test]
fn money_beats_words() {
    // A reservation that arrives after a timeout report is still a
    // reservation: somebody has to capture or cancel it.
    let late = PaymentStatus::initiated()
        .with_rejected()
        .with_reserved(a(100));
    assert_eq!(late.state(), PaymentState::Reserved);
    let after_failure = PaymentStatus::initiated()
        .with_failure("card declined")
        .with_reserved(a(100));
    assert_eq!(after_failure.state(), PaymentState::Reserved);
    // A failed operation in the history is a fact, not a state.
    let op = FailedOperation {
        operation: "RESERVE".into(),
        amount: a(100),
        at: None,
        transaction_id: None,
    };
    assert_eq!(
        PaymentStatus::initiated().with_failed_operation(op).state(),
        PaymentState::Initiated
    );
}

#[test]
fn merchant_wins_when_cancel_reports_disagree() {
    let user = PaymentStatus::initiated().with_cancelled(CancelledBy::User);
    let merchant = PaymentStatus::initiated().with_cancelled(CancelledBy::Merchant);
    assert_eq!(user.clone().merge(&merchant), merchant.clone().merge(&user));
    assert_eq!(
        user.merge(&merchant).state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );
}

#[test]
fn amounts_are_consistent_even_when_only_the_later_step_was_told() {
    let s = PaymentStatus::initiated().with_refunded(a(500));
    let am = s.amounts();
    assert_eq!(
        (am.reserved, am.captured, am.refunded),
        (a(500), a(500), a(500))
    );
    assert_eq!(am.remaining_to_refund, Amount::ZERO);
    let c = PaymentStatus::initiated()
        .with_reserved(a(1000))
        .with_cancelled(CancelledBy::Merchant);
    assert_eq!(c.amounts().remaining_to_capture, Amount::ZERO);
}

#[test]
fn document_round_trips_and_checks_itself() {
    let s = PaymentStatus::initiated()
        .with_reserved(a(20000))
        .with_captured(a(10000))
        .with_updated_at(crate::foundation::time::Timestamp::from_millis(
            1_544_613_518_246,
        ));
    let doc = StatusDocument::from_status("order123abc", "vipps", &s);
    assert_eq!(doc.status, StatusName::Captured);
    assert!(doc.is_final);
    assert_eq!(doc.updated_at.as_deref(), Some("2018-12-12T11:18:38.246Z"));
    assert_eq!(doc.to_status().unwrap().state(), s.state());

    let mut bad = doc.clone();
    bad.is_final = false;
    assert_eq!(
        bad.to_status(),
        Err(DocumentError::FinalMismatch {
            found: false,
            status: "captured"
        })
    );
    let mut newer = doc.clone();
    newer.version = 2;
    assert!(matches!(
        newer.to_status(),
        Err(DocumentError::UnsupportedVersion { found: 2, .. })
    ));
    let unknown = StatusDocument::unknown("o", "vipps", "provider unreachable");
    assert_eq!(unknown.to_status().unwrap(), PaymentStatus::initiated());
}

#[test]
fn document_json_uses_the_documented_names() {
    let json = r#"{"version":1,"orderId":"o-1","provider":"vipps","status":"reserved","final":true,
        "amounts":{"reserved":20000},"updatedAt":"2018-12-12T11:18:38.246Z","extra":"ignored"}"#;
    let doc: StatusDocument = serde_json::from_str(json).unwrap();
    assert_eq!(doc.amounts.reserved, a(20000));
    assert_eq!(doc.to_status().unwrap().state(), PaymentState::Reserved);
    let back = serde_json::to_value(&doc).unwrap();
    assert_eq!(back["final"], serde_json::json!(true));
    assert_eq!(back["orderId"], serde_json::json!("o-1"));
}

#[test]
fn a_document_reads_absent_and_null_as_nothing_and_names_a_wrong_field() {
    let read = |text: &str| crate::foundation::json::from_str::<StatusDocument>(text);
    let base =
        r#""version":1,"orderId":"o-1","provider":"vipps","status":"initiated","final":false"#;
    for extra in [
        "",
        r#","amounts":null"#,
        r#","amounts":{"reserved":null}"#,
        r#","cancelledBy":null,"reason":null,"updatedAt":null"#,
    ] {
        let doc = read(&format!("{{{base}{extra}}}")).unwrap();
        assert_eq!(doc.amounts, DocumentAmounts::default(), "{extra}");
        assert_eq!(
            (doc.cancelled_by, doc.reason, doc.updated_at),
            (None, None, None)
        );
    }
    let e = read(&format!(r#"{{{base},"amounts":{{"reserved":"lots"}}}}"#)).unwrap_err();
    assert_eq!(e.path, "amounts.reserved");
    let e = read(r#"{"version":1,"orderId":7}"#).unwrap_err();
    assert_eq!(e.path, "orderId");
    assert!(
        e.message
            .starts_with("invalid type: integer `7`, expected a string"),
        "{e}"
    );
    let e = read(&format!(r#"{{{base},"cancelledBy":"bank"}}"#)).unwrap_err();
    assert_eq!(e.path, "cancelledBy");
}

fn amount() -> impl Strategy<Value = Option<Amount>> {
    prop::option::of((0u64..50_000).prop_map(Amount::from_minor))
}

prop_compose! {
    fn status()(
        reserved in amount(),
        captured in amount(),
        refunded in amount(),
        cancelled in prop::option::of(prop_oneof![Just(CancelledBy::User), Just(CancelledBy::Merchant)]),
        rejected in any::<bool>(),
        failures in prop::collection::btree_set("[a-c]{1,3}", 0..3),
        updated_at in prop::option::of((0u64..10_000).prop_map(Timestamp::from_millis)),
        captured_at in prop::option::of((0u64..10_000).prop_map(Timestamp::from_millis)),
    ) -> PaymentStatus {
        PaymentStatus {
            reserved, captured, refunded, cancelled, rejected,
            failures: failures.into_iter().collect(),
            failed_operations: Default::default(), updated_at, captured_at,
        }
    }
}

proptest! {
    #[test]
    fn merge_is_commutative(x in status(), y in status()) {
        prop_assert_eq!(x.clone().merge(&y), y.merge(&x));
    }

    #[test]
    fn merge_is_associative(x in status(), y in status(), z in status()) {
        prop_assert_eq!(x.clone().merge(&y).merge(&z), x.merge(&y.merge(&z)));
    }

    #[test]
    fn merge_is_idempotent(x in status(), y in status()) {
        let m = x.clone().merge(&y);
        prop_assert_eq!(m.clone().merge(&y), m.clone());
        prop_assert_eq!(x.clone().merge(&x), x);
    }

    #[test]
    fn merge_never_moves_backwards(x in status(), y in status()) {
        let m = x.clone().merge(&y);
        prop_assert!(rank(&m.state()) >= rank(&x.state()).max(rank(&y.state())));
        prop_assert!(m.amounts().captured >= x.amounts().captured);
        prop_assert!(m.amounts().refunded >= x.amounts().refunded);
    }

    #[test]
    fn success_needs_a_successful_money_step(x in status()) {
        if x.is_success() {
            prop_assert!(x.reserved.is_some() || x.captured.is_some() || x.refunded.is_some());
        }
    }

    #[test]
    fn document_preserves_state_and_amounts(x in status()) {
        let doc = StatusDocument::from_status("o", "vipps", &x);
        let back = doc.to_status().unwrap();
        prop_assert_eq!(back.state(), x.state());
        prop_assert_eq!(back.amounts().captured, x.amounts().captured);
        prop_assert_eq!(back.amounts().refunded, x.amounts().refunded);
    }

    #[test]
    fn snapshot_json_round_trips(x in status()) {
        let json = serde_json::to_string(&x).unwrap();
        prop_assert_eq!(serde_json::from_str::<PaymentStatus>(&json).unwrap(), x);
    }
}
