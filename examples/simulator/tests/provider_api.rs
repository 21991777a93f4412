//! The provider's API over HTTP: authentication, initiate rules, details,
//! rate limits.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::Duration;

use appswitch_core::providers::vipps_ecom::{
    AccessTokenResponse, ErrorBody, InitiateResponse, PaymentDetails,
};
use appswitch_simulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SUBSCRIPTION_KEY, SimConfig};
use serde_json::json;
use support::*;

#[tokio::test]
async fn the_access_token_is_issued_with_string_numbers_and_expires() {
    let sim = sim().await;
    let http = http();
    let a = token_request(
        &http,
        sim.base_url(),
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        DEMO_SUBSCRIPTION_KEY,
    )
    .await;
    assert_eq!(a.status, 200);
    let raw = a.json();
    assert_eq!(raw["expires_in"], "3600", "numbers are sent as strings");
    assert_eq!(raw["token_type"], "Bearer");
    let token = AccessTokenResponse::parse_json(&a.text).unwrap();
    let now = sim.control().now();
    assert_eq!(
        token.expires_at(),
        Some(appswitch_core::foundation::time::Timestamp::from_millis(
            (now.as_millis() / 1000 + 3600) * 1000
        ))
    );

    // Wrong secret: the token service's own error shape.
    let a = token_request(
        &http,
        sim.base_url(),
        DEMO_CLIENT_ID,
        "wrong",
        DEMO_SUBSCRIPTION_KEY,
    )
    .await;
    assert_eq!(a.status, 401);
    assert!(matches!(a.error(), ErrorBody::Token(t) if t.error == "unauthorized_client"));
    // Wrong subscription key: the gateway's object.
    let a = token_request(
        &http,
        sim.base_url(),
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "nope",
    )
    .await;
    assert_eq!(a.status, 401);
    assert!(matches!(a.error(), ErrorBody::Gateway(g) if g.status_code == 401));
    assert_eq!(sim.control().record().tokens_issued, 1);
    assert_eq!(sim.control().record().unauthorized, 2);

    // The token works for an hour of simulated time.
    let m = Merchant::new(&sim).await;
    assert_eq!(m.details("nope").await.status, 404);
    sim.control().advance(Duration::from_secs(3600)).await;
    let a = m.details("nope").await;
    assert_eq!(a.status, 401, "{}", a.text);
    assert!(a.text.contains("expired"), "{}", a.text);
}

#[tokio::test]
async fn calls_without_credentials_get_the_gateways_401() {
    let sim = sim().await;
    let http = http();
    let url = format!("{}/ecomm/v2/payments/x/details", sim.base_url());
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body = ErrorBody::parse_json(&r.text().await.unwrap()).unwrap();
    assert!(matches!(body, ErrorBody::Gateway(g) if g.status_code == 401));
    let m = Merchant::new(&sim).await;
    let r = http
        .get(&url)
        .header("Authorization", format!("Bearer {}", m.token))
        .header("Ocp-Apim-Subscription-Key", DEMO_SUBSCRIPTION_KEY)
        .header("Merchant-Serial-Number", "999999")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "another merchant's MSN");
}

#[tokio::test]
async fn initiate_answers_a_landing_page_or_an_app_deeplink() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let a = m
        .initiate(&initiate_body("order-web-1", "http://127.0.0.1:9/cb"))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let r = InitiateResponse::parse_json(&a.text).unwrap();
    assert_eq!(r.order_id, "order-web-1");
    assert!(r.url.starts_with(&format!(
        "{}/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=",
        sim.base_url()
    )));

    let mut body = initiate_body("order-app-1", "http://127.0.0.1:9/cb");
    body["merchantInfo"]["isApp"] = json!(true);
    body["merchantInfo"]["fallBack"] = json!("demoshop://result?orderId=order-app-1");
    let a = m.initiate(&body).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let url = InitiateResponse::parse_json(&a.text).unwrap().url;
    assert!(url.starts_with("vippsMT://?token="), "{url}");
    // There is no Vipps app here: the same page over HTTP.
    let view = sim.control().order("order-app-1").unwrap();
    assert!(view.is_app);
    let page = http().get(&view.shopper_url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("Approve"));

    // The details: the history so far, no summary before the shopper reacted.
    let d = m.details("order-web-1").await;
    assert_eq!(d.status, 200);
    assert!(d.json().get("transactionSummary").is_none(), "{}", d.text);
    let d = PaymentDetails::parse_json(&d.text).unwrap();
    assert_eq!(d.transaction_log_history.len(), 1);
    assert_eq!(d.transaction_log_history[0].operation.as_str(), "INITIATE");
}

#[tokio::test]
async fn initiate_applies_the_seeds_rules() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let ok = initiate_body("order-rules-1", "http://127.0.0.1:9/cb");
    assert_eq!(m.initiate(&ok).await.status, 200);

    // "Unique constraint violation of the order id".
    let a = m.initiate(&ok).await;
    assert_eq!((a.status, a.code()), (409, "34".to_string()));

    let cases: Vec<(&str, serde_json::Value, &str, &str)> = vec![
        (
            "orderId",
            json!("order 1"),
            "transaction.orderId",
            "only a-z, A-Z, 0-9 and '-'",
        ),
        (
            "orderId",
            json!("a".repeat(51)),
            "transaction.orderId",
            "the maximum is 50",
        ),
        ("amount", json!(-5), "transaction.amount", ""),
        ("amount", json!(0), "transaction.amount", "larger than zero"),
        // The specification's limits: "Minimum 1 NOK", transactionText
        // `maxLength: 100`.
        ("amount", json!(99), "transaction.amount", "Minimum 1 NOK"),
        (
            "transactionText",
            json!(" "),
            "transaction.transactionText",
            "required",
        ),
        (
            "transactionText",
            json!("x".repeat(101)),
            "transaction.transactionText",
            "maxLength is 100",
        ),
    ];
    for (i, (field, value, code, message)) in cases.into_iter().enumerate() {
        let mut body = initiate_body(&format!("order-rules-2{i}"), "http://127.0.0.1:9/cb");
        body["transaction"][field] = value;
        let a = m.initiate(&body).await;
        assert_eq!(a.status, 400, "{field}: {}", a.text);
        let ErrorBody::Ecom(e) = a.error() else {
            panic!()
        };
        assert_eq!(e[0].error_group.as_str(), "InvalidRequest");
        assert_eq!(e[0].error_code, code);
        assert!(
            e[0].error_message.contains(message),
            "{}",
            e[0].error_message
        );
    }
    // The URL rules are the core's.
    for (i, (field, url, message)) in [
        (
            "fallBack",
            "https://localhost/return",
            "use http://127.0.0.1 for local development",
        ),
        ("fallBack", "demoshop://result", "scheme"),
        (
            "callbackPrefix",
            "https://10.0.0.5/cb",
            "not publicly reachable",
        ),
        ("callbackPrefix", "http://127.0.0.1:9/cb?x=1", "?query"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = initiate_body(&format!("order-rules-3{i}"), "http://127.0.0.1:9/cb");
        body["merchantInfo"][field] = json!(url);
        let a = m.initiate(&body).await;
        assert_eq!(a.status, 400, "{url}: {}", a.text);
        let ErrorBody::Ecom(e) = a.error() else {
            panic!()
        };
        assert_eq!(e[0].error_code, format!("merchantInfo.{field}"));
        assert!(
            e[0].error_message.contains(message),
            "{url}: {}",
            e[0].error_message
        );
    }
    // Express needs its prefixes; skipLandingPage needs whitelisting (38).
    let mut body = initiate_body("order-rules-4", "http://127.0.0.1:9/cb");
    body["merchantInfo"]["paymentType"] = json!("eComm Express Payment");
    assert_eq!(
        m.initiate(&body).await.code(),
        "merchantInfo.consentRemovalPrefix"
    );
    body["merchantInfo"]["consentRemovalPrefix"] = json!("http://127.0.0.1:9/consents");
    assert_eq!(
        m.initiate(&body).await.code(),
        "merchantInfo.shippingDetailsPrefix"
    );
    let mut body = initiate_body("order-rules-5", "http://127.0.0.1:9/cb");
    body["transaction"]["skipLandingPage"] = json!(true);
    assert_eq!(m.initiate(&body).await.code(), "38");
    // Another merchant's MSN.
    let mut body = initiate_body("order-rules-6", "http://127.0.0.1:9/cb");
    body["merchantInfo"]["merchantSerialNumber"] = json!("654321");
    assert_eq!(m.initiate(&body).await.status, 403);
    assert_eq!(
        sim.control().orders().len(),
        1,
        "refused requests make no order"
    );
}

#[tokio::test]
async fn a_strict_simulator_refuses_local_callbacks_as_the_provider_does() {
    let sim = sim_with(SimConfig {
        strict_callbacks: true,
        ..SimConfig::default()
    })
    .await;
    let m = Merchant::new(&sim).await;
    let a = m
        .initiate(&initiate_body("order-strict-1", "http://127.0.0.1:9/cb"))
        .await;
    assert_eq!(
        (a.status, a.code()),
        (400, "merchantInfo.callbackPrefix".to_string())
    );
    let a = m
        .initiate(&initiate_body(
            "order-strict-1",
            "https://shop.example.no/vipps",
        ))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn rate_limits_follow_the_seeds_table() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    // InitiatePayment: 2 per minute per orderId.
    let body = initiate_body("order-rate-1", "http://127.0.0.1:9/cb");
    assert_eq!(m.initiate(&body).await.status, 200);
    assert_eq!(m.initiate(&body).await.status, 409);
    let a = m.initiate(&body).await;
    assert_eq!(a.status, 429);
    assert!(matches!(a.error(), ErrorBody::Gateway(g) if g.status_code == 429));

    // GetPaymentDetails: 120 per minute per orderId.
    for i in 0..120 {
        assert_eq!(m.details("order-rate-1").await.status, 200, "call {i}");
    }
    let a = m.details("order-rate-1").await;
    assert_eq!(a.status, 429);
    let retry: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let view = sim.control().order("order-rate-1").unwrap();
    assert_eq!(
        view.record
            .calls
            .iter()
            .filter(|c| c.fault.as_deref() == Some("rate-limit"))
            .count(),
        2
    );
    sim.control().advance(Duration::from_secs(60)).await;
    assert_eq!(m.details("order-rate-1").await.status, 200);
    // Other orders have their own budget.
    assert_eq!(
        m.initiate(&initiate_body("order-rate-2", "http://127.0.0.1:9/cb"))
            .await
            .status,
        200
    );
    assert_eq!(m.details("order-rate-2").await.status, 200);
}
