//! The shopper's side: the landing page, the decision, the one callback,
//! the redirect with the deprecated `status`, and the 5 + 5 minute
//! timeouts.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::Duration;

use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::providers::vipps_ecom::{Callback, CallbackStatus, PaymentDetails};
use appswitch_core::status::PaymentState;
use appswitch_simulator::ShopperChoice;
use serde_json::json;
use support::*;

async fn decide(token_page: &str, choice: &str) -> reqwest::Response {
    let base = token_page
        .split("/dwo-api")
        .next()
        .unwrap()
        .split("/deeplink")
        .next()
        .unwrap();
    let token = token_page.rsplit("token=").next().unwrap();
    http()
        .post(format!("{base}/landing/decide"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}&choice={choice}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn approving_calls_back_once_and_redirects_with_the_status_appended() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    assert_eq!(
        m.initiate(&initiate_body("order-ok-1", &cb.prefix))
            .await
            .status,
        200
    );
    let page_url = sim.control().order("order-ok-1").unwrap().shopper_url;
    let page = http().get(&page_url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("200,00 kr") && html.contains("One pair of socks"),
        "{html}"
    );

    let r = decide(&page_url, "approve").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers()["location"],
        "http://127.0.0.1:9/return?orderId=x&status=RESERVE",
        "the deprecated status is appended with `&` after a query"
    );
    let got = cb.all();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].order_id, "order-ok-1");
    assert_eq!(got[0].authorization.as_deref(), Some("secret-auth-token"));
    let callback: Callback = serde_json::from_value(got[0].body.clone()).unwrap();
    assert_eq!(callback.transaction_info.status, CallbackStatus::Reserved);
    assert_eq!(callback.transaction_info.amount.minor(), 20000);
    assert!(!callback.is_express());

    // The details now prove the reservation, with a summary.
    let d = m.details("order-ok-1").await;
    let details = PaymentDetails::parse_json(&d.text).unwrap();
    assert_eq!(details.to_status().state(), PaymentState::Reserved);
    let s = details.transaction_summary.unwrap();
    assert_eq!(
        (
            s.remaining_amount_to_capture.minor(),
            s.captured_amount.minor()
        ),
        (20000, 0)
    );
    assert_eq!(
        details.transaction_log_history[0].operation.as_str(),
        "RESERVE"
    );

    // Deciding again is refused; the callback is not repeated.
    assert_eq!(decide(&page_url, "reject").await.status().as_u16(), 409);
    assert_eq!(cb.all().len(), 1);
    let view = sim.control().order("order-ok-1").unwrap();
    assert_eq!(view.record.callbacks_delivered(), 1);
}

#[tokio::test]
async fn rejecting_and_a_refused_card_are_reported_as_the_seed_names_them() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    for (order, choice, callback_status, op, state) in [
        (
            "order-no-1",
            ShopperChoice::Reject,
            "CANCELLED",
            "CANCEL",
            "cancelled",
        ),
        (
            "order-no-2",
            ShopperChoice::Fail,
            "RESERVE_FAILED",
            "RESERVE",
            "failed",
        ),
    ] {
        let mut body = initiate_body(order, &cb.prefix);
        body["merchantInfo"]["fallBack"] = json!("http://127.0.0.1:9/return");
        assert_eq!(m.initiate(&body).await.status, 200);
        let out = sim.control().shopper(order, choice).await.unwrap();
        assert!(
            out.redirect
                .unwrap()
                .starts_with("http://127.0.0.1:9/return?status=")
        );
        let received = cb.all().into_iter().find(|r| r.order_id == order).unwrap();
        assert_eq!(received.body["transactionInfo"]["status"], callback_status);
        let payload = StatusPayload::parse_json(&received.body.to_string()).unwrap();
        assert_eq!(payload.to_status().unwrap().state().name().as_str(), state);
        let d = PaymentDetails::parse_json(&m.details(order).await.text).unwrap();
        assert_eq!(d.transaction_log_history[0].operation.as_str(), op);
        assert!(d.transaction_summary.is_some(), "the shopper reacted");
    }
}

#[tokio::test]
async fn an_express_callback_says_reserve_and_carries_the_shoppers_details() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    let mut body = initiate_body("order-express-1", &cb.prefix);
    body["merchantInfo"]["paymentType"] = json!("eComm Express Payment");
    body["merchantInfo"]["consentRemovalPrefix"] = json!("http://127.0.0.1:9/consents");
    body["merchantInfo"]["staticShippingDetails"] = json!([
        {"isDefault": "N", "priority": 1, "shippingCost": 30.0, "shippingMethod": "Walking", "shippingMethodId": "walk"},
        {"isDefault": "Y", "priority": 2, "shippingCost": 49.5, "shippingMethod": "Running", "shippingMethodId": "run"}
    ]);
    let a = m.initiate(&body).await;
    assert_eq!(a.status, 200, "{}", a.text);
    // Force approve does not do express.
    let fa = m
        .post(
            "/ecomm/v2/integration-test/payments/order-express-1/approve",
            &json!({}),
            None,
        )
        .await;
    assert_eq!(fa.status, 400);
    sim.control()
        .shopper("order-express-1", ShopperChoice::Approve)
        .await
        .unwrap();
    let got = cb.all();
    let callback: Callback = serde_json::from_value(got[0].body.clone()).unwrap();
    assert_eq!(callback.transaction_info.status, CallbackStatus::Reserve);
    assert!(callback.is_express());
    let shipping = callback.shipping_details.unwrap();
    assert_eq!(shipping.shipping_method_id.as_deref(), Some("run"));
    assert_eq!(shipping.shipping_cost.minor(), 4950);
    assert_eq!(
        callback.user_details.unwrap().user_id.as_deref(),
        Some("1234567")
    );
}

#[tokio::test]
async fn force_approve_reserves_without_the_app() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-force-1", &cb.prefix))
        .await;
    let a = m
        .post(
            "/ecomm/v2/integration-test/payments/order-force-1/approve",
            &json!({}),
            None,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(cb.all()[0].body["transactionInfo"]["status"], "RESERVED");
    let a = m
        .post(
            "/ecomm/v2/integration-test/payments/order-force-1/approve",
            &json!({}),
            None,
        )
        .await;
    assert_eq!(a.code(), "92", "already processed");
    assert_eq!(
        m.post(
            "/ecomm/v2/integration-test/payments/nope/approve",
            &json!({}),
            None
        )
        .await
        .code(),
        "35"
    );
}

#[tokio::test]
async fn an_unopened_link_dies_after_five_minutes() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-late-1", &cb.prefix)).await;
    let page_url = sim.control().order("order-late-1").unwrap().shopper_url;
    sim.control().advance(Duration::from_secs(299)).await;
    assert!(cb.all().is_empty());
    sim.control().advance(Duration::from_secs(1)).await;
    // "User did not act on the payment (timeout, etc)".
    let got = cb.all();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body["transactionInfo"]["status"], "REJECTED");
    let d = m.details("order-late-1").await;
    assert!(
        d.json().get("transactionSummary").is_none(),
        "the shopper never reacted"
    );
    // The history has no entry for the timeout (the specification's
    // `TransactionLogHistory.operation` has no `REJECTED`): only INITIATE.
    let history = d.json()["transactionLogHistory"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["operation"], "INITIATE");
    let details = PaymentDetails::parse_json(&d.text).unwrap();
    assert_eq!(details.to_status().state(), PaymentState::Initiated);
    // Read at the deadline's final check, it is rejected.
    assert_eq!(
        details.to_status_after_payment_window().state(),
        PaymentState::Rejected
    );
    assert_eq!(
        sim.control().order("order-late-1").unwrap().status,
        appswitch_core::status::StatusName::Rejected
    );
    let page = http().get(&page_url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 410, "the link is dead");
    assert_eq!(decide(&page_url, "approve").await.status().as_u16(), 409);
}

#[tokio::test]
async fn an_opened_link_gives_the_shopper_five_more_minutes() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    m.initiate(&initiate_body("order-slow-1", &cb.prefix)).await;
    let page_url = sim.control().order("order-slow-1").unwrap().shopper_url;
    sim.control().advance(Duration::from_secs(240)).await;
    assert_eq!(
        http()
            .get(&page_url)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    // Nine minutes after initiation, the shopper is still in the app.
    sim.control().advance(Duration::from_secs(299)).await;
    assert!(cb.all().is_empty());
    assert_eq!(
        sim.control().order("order-slow-1").unwrap().phase,
        "awaitingShopper"
    );
    sim.control().advance(Duration::from_secs(1)).await;
    assert_eq!(cb.all()[0].body["transactionInfo"]["status"], "REJECTED");

    // And one that approves in time.
    m.initiate(&initiate_body("order-slow-2", &cb.prefix)).await;
    let page_url = sim.control().order("order-slow-2").unwrap().shopper_url;
    http().get(&page_url).send().await.unwrap();
    sim.control().advance(Duration::from_secs(299)).await;
    assert_eq!(decide(&page_url, "approve").await.status().as_u16(), 303);
    assert_eq!(cb.all()[1].body["transactionInfo"]["status"], "RESERVED");
}

#[tokio::test]
async fn an_intent_fallback_closes_the_app_instead_of_redirecting() {
    let sim = sim().await;
    let cb = Receiver::start().await;
    let m = Merchant::new(&sim).await;
    let mut body = initiate_body("order-intent-1", &cb.prefix);
    body["merchantInfo"]["isApp"] = json!(true);
    body["merchantInfo"]["fallBack"] = json!("INTENT");
    assert_eq!(m.initiate(&body).await.status, 200);
    let page_url = sim.control().order("order-intent-1").unwrap().shopper_url;
    assert!(page_url.contains("/deeplink?token="));
    let r = decide(&page_url, "approve").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("INTENT"));
    assert_eq!(cb.all().len(), 1);
    // Closing the app without deciding changes nothing.
    m.initiate(&initiate_body("order-intent-2", &cb.prefix))
        .await;
    let page_url = sim.control().order("order-intent-2").unwrap().shopper_url;
    assert_eq!(decide(&page_url, "close").await.status().as_u16(), 200);
    assert_eq!(
        sim.control().order("order-intent-2").unwrap().phase,
        "awaitingShopper"
    );
}
