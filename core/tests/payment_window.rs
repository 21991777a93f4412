//! What the details history means once the payment window has closed:
//! a declined card whose callback was lost settles as failed, a payment
//! nobody acted on as rejected, and everything already decided stays as
//! it was (Vipps eCom API guide, "Callback statuses"; knowledge base
//! "Timeouts": "the user has a total of 10 minutes").
#![cfg(feature = "raw-vipps")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::limits::{
    FINAL_CHECK_GRACE, PAYMENT_WINDOW, payment_window_closed,
};
use appswitch_core::providers::vipps_ecom::{Callback, PaymentDetails};
use appswitch_core::status::PaymentState;
use proptest::prelude::*;
use serde_json::json;

/// An entry of the provider's shape.
fn entry(op: &str, ok: bool, amount: u64, i: usize) -> serde_json::Value {
    json!({"amount": amount, "operation": op, "operationSuccess": ok,
           "timeStamp": format!("2018-11-14T15:{:02}:04.697Z", 21 + i),
           "transactionId": format!("50014200{i:02}"), "requestId": "",
           "transactionText": "One pair of Vipps socks"})
}

fn details(entries: Vec<serde_json::Value>) -> PaymentDetails {
    PaymentDetails::parse_json(
        &json!({"orderId": "acme-shop-123-order123abc", "transactionLogHistory": entries})
            .to_string(),
    )
    .unwrap()
}

#[test]
fn a_declined_card_with_a_lost_callback_settles_as_failed() {
    let d = details(vec![
        entry("RESERVE", false, 20000, 1),
        entry("INITIATE", true, 20000, 0),
    ]);
    // Inside the window the shopper may still pay with another card.
    assert_eq!(d.to_status().state(), PaymentState::Initiated);
    let settled = d.to_status_after_payment_window();
    assert_eq!(
        settled.state(),
        PaymentState::Failed {
            reason: "RESERVE_FAILED".into()
        }
    );
    // The callback that was lost would have said the same.
    let callback = Callback::parse_json(
        r#"{"merchantSerialNumber": 123456, "orderId": "acme-shop-123-order123abc",
            "transactionInfo": {"amount": 20000, "status": "RESERVE_FAILED",
            "timeStamp": "2018-11-14T15:22:04.697Z", "transactionId": "5001420001"}}"#,
    )
    .unwrap()
    .to_status();
    assert_eq!(
        callback.merge(&settled).state(),
        settled.state(),
        "one fact, whichever way it came"
    );
    // Direct capture: a failed SALE.
    let d = details(vec![
        entry("SALE", false, 20000, 1),
        entry("INITIATE", true, 20000, 0),
    ]);
    assert_eq!(
        d.to_status_after_payment_window().state(),
        PaymentState::Failed {
            reason: "SALE_FAILED".into()
        }
    );
    // Declined, then paid with another card: reserved.
    let d = details(vec![
        entry("RESERVE", true, 20000, 2),
        entry("RESERVE", false, 20000, 1),
        entry("INITIATE", true, 20000, 0),
    ]);
    assert_eq!(
        d.to_status_after_payment_window().state(),
        PaymentState::Reserved
    );
}

#[test]
fn the_window_closes_ten_minutes_and_the_grace_after_initiation() {
    let t0 = Timestamp::from_millis(1_700_000_000_000);
    let closes = t0 + PAYMENT_WINDOW + FINAL_CHECK_GRACE;
    assert!(!payment_window_closed(t0, t0));
    assert!(!payment_window_closed(
        t0,
        closes.saturating_sub(Duration::from_millis(1))
    ));
    assert!(payment_window_closed(t0, closes));
    assert_eq!(PAYMENT_WINDOW, Duration::from_secs(600));
}

fn history() -> impl Strategy<Value = Vec<(&'static str, bool)>> {
    let step = prop_oneof![
        3 => Just(("RESERVE", false)),
        1 => Just(("SALE", false)),
        2 => Just(("RESERVE", true)),
        1 => Just(("SALE", true)),
        1 => Just(("CANCEL", true)),
        1 => Just(("VOID", true)),
        1 => Just(("CAPTURE", true)),
        1 => Just(("CAPTURE", false)),
        1 => Just(("VOID", false)),
    ];
    proptest::collection::vec(step, 0..5)
}

proptest! {
    /// The rule over any history: after the window every payment is
    /// decided; what was decided stays; an undecided one is failed if a
    /// RESERVE or SALE failed and rejected otherwise; and the settled
    /// status only adds to what the history proved.
    #[test]
    fn after_the_window_every_payment_is_decided(steps in history()) {
        let mut entries = vec![entry("INITIATE", true, 20000, 0)];
        for (i, (op, ok)) in steps.iter().enumerate() {
            entries.push(entry(op, *ok, 20000, i + 1));
        }
        entries.reverse();
        let d = details(entries);
        let before = d.to_status();
        let after = d.to_status_after_payment_window();
        prop_assert!(after.is_final());
        prop_assert_eq!(before.clone().merge(&after), after.clone(), "only adds facts");
        if before.is_final() {
            prop_assert_eq!(after.state(), before.state());
        } else {
            let failed = |op: &str| steps.iter().any(|(o, ok)| *o == op && !ok);
            let expected = if failed("SALE") {
                PaymentState::Failed { reason: "SALE_FAILED".into() }
            } else if failed("RESERVE") {
                PaymentState::Failed { reason: "RESERVE_FAILED".into() }
            } else {
                PaymentState::Rejected
            };
            prop_assert_eq!(after.state(), expected);
        }
    }
}
