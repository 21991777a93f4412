//! Who may do what: only the merchant's key moves money or reads the
//! merchant's view; callbacks must agree with their order; the shopper's
//! answers carry no token; a forged return is refused.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::return_check::{ReturnCheck, ReturnCheckError, return_check_url};
use appswitch_core::shopper::tracker::Policy;
use appswitch_core::shopper::url::ReturnClaim;
use appswitch_core::status::StatusName;
use appswitch_simulator::{Endpoint, ShopperChoice};
use serde_json::{Value, json};
use support::*;

async fn reserved(shop: &Shop, basket: &str) -> String {
    let c = shop.checkout(basket).await;
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    c.order_id
}

/// The callback's `authToken` of an order, from the store (a test's
/// privilege: no answer of the backend carries it).
async fn auth_token(shop: &Shop, order_id: &str) -> String {
    shop.backend
        .backend()
        .store()
        .order(order_id)
        .await
        .unwrap()
        .unwrap()
        .order
        .auth_token
        .expose()
        .to_string()
}

#[tokio::test]
async fn without_the_merchant_key_nothing_moves_money_whatever_the_origin_or_content_type() {
    let shop = shop().await;
    let id = reserved(&shop, "b-sec").await;
    let paths = ["ship", "cancel", "refund"].map(|a| shop.url(&format!("/api/orders/{id}/{a}")));
    // A cross-site "simple" request: no preflight, text/plain, an evil Origin.
    for url in &paths {
        for auth in [
            None,
            Some("Bearer wrong-key-wrong-key-wrong-key"),
            Some("Basic eA=="),
        ] {
            let mut r = shop
                .http
                .post(url)
                .header("Origin", "https://evil.example")
                .header("Content-Type", "text/plain")
                .body(r#"{"amount": 20000}"#);
            if let Some(a) = auth {
                r = r.header("Authorization", a);
            }
            let r = r.send().await.unwrap();
            assert_eq!(r.status().as_u16(), 401, "{url} {auth:?}");
            assert!(
                r.headers()["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .starts_with("Bearer")
            );
            assert!(r.headers().get("access-control-allow-origin").is_none());
        }
    }
    // Nor may anyone read the merchant's view (it has the landing link).
    let r = shop
        .http
        .get(shop.url(&format!("/api/orders/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = shop
        .http
        .get(shop.url("/api/orders/no-such-order"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "not even whether an order exists");
    let view = shop.sim.control().order(&id).unwrap();
    assert_eq!(
        (
            view.record.captures,
            view.record.cancels,
            view.record.refunds
        ),
        (0, 0, 0)
    );
    assert_eq!(view.record.calls_to(Endpoint::Capture), 0);

    // With the key, a body that is not JSON is refused: 415.
    let r = shop
        .http
        .post(&paths[0])
        .bearer_auth(MERCHANT_KEY)
        .header("Content-Type", "text/plain")
        .body(r#"{"amount": 100}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert_eq!(shop.sim.control().order(&id).unwrap().record.captures, 0);
    // An empty body needs no content type; the key alone ships.
    let r = shop
        .http
        .post(&paths[0])
        .bearer_auth(MERCHANT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(shop.sim.control().order(&id).unwrap().record.captures, 1);
}

#[tokio::test]
async fn a_checkout_must_be_json() {
    let shop = shop().await;
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut r = shop
            .http
            .post(shop.url("/api/checkout"))
            .body(r#"{"basketId": "b", "amount": 100}"#);
        if let Some(ct) = ct {
            r = r.header("Content-Type", ct);
        }
        assert_eq!(r.send().await.unwrap().status().as_u16(), 415, "{ct:?}");
    }
    let r = shop
        .http
        .post(shop.url("/api/checkout"))
        .header("Content-Type", "application/json; charset=utf-8")
        .body(r#"{"basketId": "b", "amount": 100}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn the_shoppers_answers_carry_no_token() {
    let shop = shop().await;
    let c = shop.checkout("b-tokens").await;
    let token = auth_token(&shop, &c.order_id).await;
    assert_eq!(token.len(), 32);
    let landing_token = c.url.rsplit("token=").next().unwrap().to_string();
    let checkout_json = serde_json::to_string(&c).unwrap();
    assert!(
        !checkout_json.contains(&token),
        "no authToken in the checkout answer"
    );
    shop.sim
        .control()
        .shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let nonce = c.return_expectation.nonce.as_str().to_string();
    for path in [
        format!("/api/payments/{}/status", c.order_id),
        format!("/api/payments/{}/status?wait=1", c.order_id),
        format!("/api/payments/{}/return?attempt={nonce}", c.order_id),
    ] {
        let r = shop.http.get(shop.url(&path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let headers = format!("{:?}", r.headers());
        let body = r.text().await.unwrap();
        for secret in [&token, &landing_token, &MERCHANT_KEY.to_string()] {
            assert!(!body.contains(secret.as_str()), "{path}: {body}");
            assert!(!headers.contains(secret.as_str()), "{path}: {headers}");
        }
        assert!(
            !body.to_ascii_lowercase().contains("token"),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn a_return_check_accepts_the_attempts_nonce_and_refuses_any_other() {
    let shop = shop().await;
    let c = shop.checkout("b-return").await;
    let first = shop.checkout("b-return").await;
    let ok = shop
        .http
        .get(shop.url(&format!(
            "/api/payments/{}/return?attempt={}",
            c.order_id,
            c.return_expectation.nonce.as_str()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["statusUrl"], c.status_url.as_str());
    assert_eq!(body["status"]["status"], "initiated");
    assert_eq!(
        body["returnExpectation"],
        serde_json::to_value(&c.return_expectation).unwrap()
    );
    // Another attempt's nonce, a made-up one, none, an unknown order.
    for path in [
        format!(
            "/api/payments/{}/return?attempt={}",
            c.order_id,
            first.return_expectation.nonce.as_str()
        ),
        format!(
            "/api/payments/{}/return?attempt=00000000000000000000000000000000",
            c.order_id
        ),
        format!("/api/payments/{}/return", c.order_id),
        "/api/payments/nope/return?attempt=00000000000000000000000000000000".to_string(),
    ] {
        let r = shop.http.get(shop.url(&path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "{path}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["code"], "forged-return", "{path}");
    }
}

/// The reference backend serves the core's return check contract
/// (`appswitch_core::shopper::return_check`): what a page or app with
/// nothing stored asks with the claim of its return URL, and reads with the
/// core, is the attempt the checkout started, with its initiation.
#[tokio::test]
async fn the_return_check_is_the_cores_contract_read_by_a_client_with_nothing_stored() {
    let shop = shop().await;
    let c = shop.checkout("b-contract").await;
    let newer = shop.checkout("b-contract").await;
    let template = shop.url("/api/payments/{orderId}/return");
    let ask = |url: String| {
        let claim = ReturnClaim::from_url(&url).unwrap();
        let request = return_check_url(&template, &claim).unwrap();
        let http = shop.http.clone();
        async move {
            let r = http.get(request).send().await.unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            ReturnCheck::read(&claim, &url, status, &body)
        }
    };
    // The shopper comes back on the fallback, the provider's status appended.
    let back = format!("{}&status=RESERVE", c.fallback_url);
    let check = ask(back).await.unwrap();
    assert_eq!(check.order_id, c.order_id);
    assert_eq!(check.status_url, c.status_url);
    assert_eq!(check.return_expectation, c.return_expectation);
    assert_eq!(
        check.initiated_at.map(|t| t.as_millis()),
        Some(c.initiated_at)
    );
    let later = Timestamp::from_millis(c.initiated_at + 60_000);
    let config = check.tracker_config(later, Policy::vipps(), 1);
    assert_eq!(
        config.initiated_at.as_millis(),
        c.initiated_at,
        "the deadlines count from the initiation, not from the return"
    );
    // Another attempt's token on this order (stale or forged): refused, as
    // the core reads a refusal.
    let stale = c.fallback_url.replace(
        c.return_expectation.nonce.as_str(),
        newer.return_expectation.nonce.as_str(),
    );
    assert_eq!(
        ask(stale).await,
        Err(ReturnCheckError::Refused { status: 403 })
    );
}

async fn post_callback(shop: &Shop, order_id: &str, token: &str, body: Value) -> u16 {
    shop.http
        .post(shop.url(&format!("/vipps/callbacks/v2/payments/{order_id}")))
        .header("Authorization", token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn callback_body(order_id: &str, amount: u64, status: &str) -> Value {
    json!({"merchantSerialNumber": 123456, "orderId": order_id,
        "transactionInfo": {"amount": amount, "status": status,
        "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "5001420062"}})
}

#[tokio::test]
async fn a_callback_that_disagrees_with_its_order_is_refused_and_changes_nothing() {
    let shop = shop().await;
    let c = shop.checkout("b-amount").await;
    let other = shop.checkout("b-amount-2").await;
    let token = auth_token(&shop, &c.order_id).await;
    // The right token, but not this order's amount, order or shop.
    let mut wrong_msn = callback_body(&c.order_id, 20000, "RESERVED");
    wrong_msn["merchantSerialNumber"] = json!(654321);
    for body in [
        callback_body(&c.order_id, 999_999, "RESERVED"),
        callback_body(&c.order_id, 19_999, "RESERVED"),
        callback_body(&other.order_id, 20000, "RESERVED"),
        wrong_msn,
    ] {
        assert_eq!(
            post_callback(&shop, &c.order_id, &token, body.clone()).await,
            400,
            "{body}"
        );
    }
    // Another order's token for this order.
    let other_token = auth_token(&shop, &other.order_id).await;
    let body = callback_body(&c.order_id, 20000, "RESERVED");
    assert_eq!(
        post_callback(&shop, &c.order_id, &other_token, body).await,
        401
    );
    assert_eq!(shop.backend.stats().callbacks_refused(), 5);
    assert_eq!(shop.backend.stats().callbacks_accepted(), 0);
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(
        (doc.status, doc.amounts.reserved.minor()),
        (StatusName::Initiated, 0),
        "nothing changed"
    );
    // The history keeps the refusals.
    let (_, info) = shop
        .merchant_get(&format!("/api/orders/{}", c.order_id))
        .await;
    let refused: Vec<&str> = info["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["accepted"] == false)
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(refused.len(), 5, "{refused:?}");
    assert!(
        refused[0].contains("amount 999999 øre is not the order's 20000 øre"),
        "{refused:?}"
    );
    // The true callback is accepted.
    let body = callback_body(&c.order_id, 20000, "RESERVED");
    assert_eq!(post_callback(&shop, &c.order_id, &token, body).await, 200);
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(
        (doc.status, doc.amounts.reserved.minor()),
        (StatusName::Reserved, 20000)
    );
}

#[tokio::test]
async fn an_express_callback_may_add_an_offered_shipping_cost_only() {
    let shop = shop().await;
    let c = shop
        .checkout_with(json!({"basketId": "b-xs", "amount": 5000, "express": true}))
        .await;
    let token = auth_token(&shop, &c.order_id).await;
    let with_shipping = |method: &str, kroner: f64, amount: u64| {
        let mut b = callback_body(&c.order_id, amount, "RESERVE");
        b["shippingDetails"] = json!({"shippingCost": kroner, "shippingMethodId": method});
        b
    };
    // 99 kr is the home delivery's cost, but not click and collect's;
    // 5000 + 9900 øre is the only total with it.
    for (method, amount, answer) in [
        ("click-and-collect", 14900, 400),
        ("home", 14901, 400),
        ("home", 14900, 200),
    ] {
        let body = with_shipping(method, 99.0, amount);
        let code = post_callback(&shop, &c.order_id, &token, body).await;
        assert_eq!(code, answer, "{method} {amount}");
    }
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(doc.status, StatusName::Reserved);
}

#[tokio::test]
async fn amounts_are_bounded_by_the_provider_and_javascript() {
    let shop = shop().await;
    for amount in [
        2_147_483_648u64,
        9_007_199_254_740_991,
        9_007_199_254_740_993,
    ] {
        let r = shop
            .post("/api/checkout", json!({"basketId": "b", "amount": amount}))
            .await;
        assert_eq!(r.status().as_u16(), 400, "{amount}");
        let e: Value = r.json().await.unwrap();
        assert!(e["error"].as_str().unwrap().contains("2147483647"), "{e}");
    }
    let c = shop
        .checkout_with(json!({"basketId": "b", "amount": 2_147_483_647u64}))
        .await;
    let (code, body) = shop
        .merchant_post(
            &format!("/api/orders/{}/refund", c.order_id),
            json!({"amount": 9_007_199_254_740_992u64}),
            None,
        )
        .await;
    assert_eq!(code, 400, "{body}");
    assert!(
        shop.sim.control().orders().len() == 1,
        "only the valid checkout reached the provider"
    );
}

#[tokio::test]
async fn an_idempotency_key_answers_its_first_request_and_only_that_request() {
    let shop = shop().await;
    let id = reserved(&shop, "b-key").await;
    let path = format!("/api/orders/{id}/ship");
    let (code, first) = shop
        .merchant_post(&path, json!({"amount": 5000}), Some("ship-key-1"))
        .await;
    assert_eq!(code, 200, "{first}");
    let (code, again) = shop
        .merchant_post(&path, json!({"amount": 5000}), Some("ship-key-1"))
        .await;
    assert_eq!((code, &again), (200, &first), "the same answer");
    assert_eq!(
        shop.sim
            .control()
            .order(&id)
            .unwrap()
            .record
            .calls_to(Endpoint::Capture),
        1
    );
    let (code, body) = shop
        .merchant_post(&path, json!({"amount": 6000}), Some("ship-key-1"))
        .await;
    assert_eq!(code, 422, "{body}");
    let (code, body) = shop
        .merchant_post(
            &format!("/api/orders/{id}/cancel"),
            json!({}),
            Some("ship-key-1"),
        )
        .await;
    assert_eq!(code, 422, "{body}");
}
