//! A whole payment through the backend: checkout, the landing page, the
//! callback, the return, the status — and what the backend refuses.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::Duration;

use appswitch_core::shopper::deeplink::{Environment, LinkKind};
use appswitch_core::shopper::url::ReturnVia;
use appswitch_core::status::StatusName;
use appswitch_simulator::{CallbackOutcome, Faults, ShopperChoice, SimConfig};
use serde_json::json;
use support::*;

#[tokio::test]
async fn checkout_landing_page_approve_return_and_status() {
    let shop = shop().await;
    let c = shop.checkout("basket-1").await;
    assert!(
        c.order_id.starts_with("123456-"),
        "an MSN-prefixed orderId: {}",
        c.order_id
    );
    assert_eq!(c.basket_id, "basket-1");
    assert!(!c.is_app);
    assert_eq!(c.deeplink.kind, LinkKind::LandingPage);
    assert_eq!(c.deeplink.environment, Environment::Local);
    assert_eq!(c.initiated_at, c.deeplink.deadlines.received_at.as_millis());
    assert_eq!(
        c.deeplink.deadlines.payment_deadline.as_millis() - c.initiated_at,
        600_000
    );
    assert_eq!(
        c.status_url,
        shop.url(&format!("/api/payments/{}/status", c.order_id))
    );
    assert!(c.fallback_url.starts_with(&shop.url("/return?orderId=")));
    let (code, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(
        (code, doc.status, doc.is_final),
        (200, StatusName::Initiated, false)
    );

    // The shopper opens the landing page and approves.
    let page = shop.http.get(&c.url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let token = c.url.rsplit("token=").next().unwrap();
    let r = shop
        .http
        .post(format!("{}/landing/decide", shop.sim.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}&choice=approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    // The browser is back on the shop: the core recognises the return.
    let returned = c.return_expectation.check_return(&back).unwrap();
    assert_eq!(
        (returned.order_id.as_str(), returned.via),
        (c.order_id.as_str(), ReturnVia::WebPage)
    );
    let page = shop.http.get(&back).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.text().await.unwrap().contains("/status?wait="),
        "the built-in return page tracks"
    );

    // The callback reached the backend and was accepted.
    assert_eq!(shop.backend.stats().callbacks_accepted(), 1);
    let view = shop.sim.control().order(&c.order_id).unwrap();
    assert_eq!(view.record.callbacks[0].outcome, CallbackOutcome::Delivered);
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(
        (doc.status, doc.is_final, doc.amounts.reserved.minor()),
        (StatusName::Reserved, true, 20000)
    );
    // The merchant's view agrees, with the order's history.
    let (code, info) = shop
        .merchant_get(&format!("/api/orders/{}", c.order_id))
        .await;
    assert_eq!(code, 200, "{info}");
    assert_eq!(info["status"]["status"], "reserved");
    assert_eq!(info["basketId"], "basket-1");
    let sources: Vec<&str> = info["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources[..2], ["checkout", "checkout"], "{sources:?}");
    assert!(sources.contains(&"callback"), "{sources:?}");
}

#[tokio::test]
async fn an_app_checkout_gets_a_deeplink_and_returns_to_the_app() {
    let shop = shop().await;
    let c = shop
        .checkout_with(
            json!({"basketId": "b-app", "amount": 12300, "platform": "ios",
            "fallback": {"kind": "app", "base": "demoshop://result"}, "isApp": true}),
        )
        .await;
    assert!(c.is_app);
    assert!(c.url.starts_with("vippsMT://?token="), "{}", c.url);
    assert_eq!(
        (c.deeplink.kind, c.deeplink.environment),
        (LinkKind::App, Environment::Test)
    );
    let out = shop
        .sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let back = out.redirect.unwrap();
    assert!(back.starts_with("demoshop://result?orderId="), "{back}");
    let returned = c.return_expectation.check_return(&back).unwrap();
    assert_eq!(returned.via, ReturnVia::AppLink);
    // Android's INTENT.
    let c = shop
        .checkout_with(json!({"basketId": "b-app", "amount": 100, "platform": "android", "fallback": {"kind": "androidIntent"}}))
        .await;
    assert!(c.is_app && c.fallback_url == "INTENT");
}

#[tokio::test]
async fn an_express_checkout_is_reserved_by_its_callback() {
    let shop = shop().await;
    let c = shop
        .checkout_with(json!({"basketId": "b-x", "amount": 5000, "express": true}))
        .await;
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    assert_eq!(shop.backend.stats().callbacks_accepted(), 1);
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(doc.status, StatusName::Reserved);
    let r = shop
        .http
        .delete(shop.url("/vipps/consents/v2/consents/1234567"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn express_with_dynamic_shipping_asks_the_backend_for_its_options() {
    let shop = shop().await;
    let c = shop
        .checkout_with(
            json!({"basketId": "b-dyn", "amount": 5000, "express": true, "dynamicShipping": true}),
        )
        .await;
    let path = format!(
        "/vipps/callbacks/v2/payments/{}/shippingDetails",
        c.order_id
    );
    let ask = |auth: Option<String>, body: serde_json::Value| {
        let mut r = shop.http.post(shop.url(&path)).json(&body);
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        async move { r.send().await.unwrap() }
    };
    let address = json!({"addressId": 292, "addressLine1": "Dronning Eufemias gate 42",
        "city": "Oslo", "country": "Norway", "postCode": "0191"});
    // Without the order's authToken: refused.
    assert_eq!(ask(None, address.clone()).await.status().as_u16(), 401);
    assert_eq!(
        ask(Some("not-the-token".into()), address.clone())
            .await
            .status()
            .as_u16(),
        401
    );
    // The shopper approves: the provider asks for the address's options
    // with the authToken, picks the default, and the callback's amount
    // agrees with it.
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let view = shop.sim.control().order(&c.order_id).unwrap();
    assert_eq!(
        (
            view.record.shipping_details_requests,
            view.record.shipping_details_answered
        ),
        (1, 1)
    );
    assert_eq!(shop.backend.stats().callbacks_accepted(), 1);
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(doc.status, StatusName::Reserved);
    // A request without the `addressId` the answer must echo: refused,
    // naming it. A static-shipping order's token does not open another's.
    let token = shop
        .backend
        .backend()
        .store()
        .order(&c.order_id)
        .await
        .unwrap()
        .unwrap()
        .order
        .auth_token
        .expose()
        .to_string();
    let r = ask(Some(token.clone()), json!({"city": "Oslo"})).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("addressId"));
    let r = ask(Some(token), address).await;
    assert_eq!(r.status().as_u16(), 200);
    let answer: serde_json::Value = r.json().await.unwrap();
    assert_eq!(answer["addressId"], 292);
    assert_eq!(answer["orderId"], c.order_id.as_str());
    assert_eq!(answer["shippingDetails"].as_array().unwrap().len(), 2);
    assert_eq!(answer["shippingDetails"][1]["shippingCost"], 99.0);
}

#[tokio::test]
async fn bad_checkouts_are_refused_naming_the_rule() {
    let shop = shop().await;
    for (body, message) in [
        (
            json!({"basketId": "b", "amount": 0}),
            "`transaction.amount` is 0",
        ),
        (
            json!({"basketId": "", "amount": 1}),
            "`basketId` must be 1 to 100 characters",
        ),
        (json!({"basketId": "b", "amount": -1}), "body:"),
        (
            json!({"basketId": "b", "amount": 1, "dynamicShipping": true}),
            "`dynamicShipping` needs `express`",
        ),
        (
            json!({"basketId": "b", "amount": 1, "colour": "red"}),
            "unknown field `colour`",
        ),
        (
            json!({"basketId": "b", "amount": 1, "fallback": {"kind": "app", "base": "demoshop://r"}}),
            "an app-scheme fallback needs `isApp: true`",
        ),
        (
            json!({"basketId": "b", "amount": 1, "fallback": {"kind": "app", "base": "vipps://r"}, "platform": "ios"}),
            "vipps",
        ),
        (
            json!({"basketId": "b", "amount": 1, "isApp": true}),
            "`isApp` disagrees with `fallback`",
        ),
        // The provider's minimum: "Minimum 1 NOK" (a mobile number that
        // cannot be normalised is no longer a refusal: it only prefills).
        (
            json!({"basketId": "b", "amount": 99, "mobileNumber": "call me"}),
            "the smallest payment is 100 øre",
        ),
    ] {
        let r = shop.post("/api/checkout", body.clone()).await;
        assert_eq!(r.status().as_u16(), 400, "{body}");
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(
            e["error"].as_str().unwrap().contains(message),
            "{body}: {e}"
        );
    }
    assert!(
        shop.sim.control().orders().is_empty(),
        "nothing reached the provider"
    );
    let (code, doc) = shop.status("no-such-order", None).await;
    assert_eq!((code, doc.status), (404, StatusName::Unknown));
}

#[tokio::test]
async fn a_callback_with_the_wrong_authorization_is_refused() {
    let shop = shop().await;
    let c = shop.checkout("b-auth").await;
    let body = json!({"merchantSerialNumber": 123456, "orderId": c.order_id,
        "transactionInfo": {"amount": 20000, "status": "RESERVED", "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "1"}});
    let url = shop.url(&format!("/vipps/callbacks/v2/payments/{}", c.order_id));
    for auth in [None, Some("guess")] {
        let mut r = shop.http.post(&url).json(&body);
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        assert_eq!(r.send().await.unwrap().status().as_u16(), 401);
    }
    assert_eq!(shop.backend.stats().callbacks_refused(), 2);
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(
        doc.status,
        StatusName::Initiated,
        "a forged callback proves nothing"
    );
}

#[tokio::test]
async fn the_deadline_passes_and_the_payment_is_rejected() {
    let shop = shop().await;
    let c = shop.checkout("b-late").await;
    shop.sim.control().advance(Duration::from_secs(600)).await;
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!((doc.status, doc.is_final), (StatusName::Rejected, true));
}

/// The provider's window closed and its timeout callback was lost: the
/// history still shows only `INITIATE`, and the details read after the
/// window (plus the one last check's grace) settle it as rejected.
#[tokio::test]
async fn a_lost_timeout_callback_is_settled_by_the_read_after_the_window() {
    let sim = SimConfig {
        faults: Faults {
            drop_callback: true,
            ..Faults::default()
        },
        ..SimConfig::default()
    };
    let shop = shop_with(sim, |_| {}).await;
    let c = shop.checkout("b-lost-timeout").await;
    // Inside the window a bare history is still undecided.
    shop.sim.control().advance(Duration::from_secs(300)).await;
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!((doc.status, doc.is_final), (StatusName::Initiated, false));
    // Past the window and the grace, the next read decides.
    shop.sim.control().advance(Duration::from_secs(360)).await;
    eventually(
        "a bare history after the window to read as rejected",
        || async { shop.status(&c.order_id, None).await.1.status == StatusName::Rejected },
    )
    .await;
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert!(doc.is_final);
}
