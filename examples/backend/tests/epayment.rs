//! The backend on the ePayment API: checkouts in NOK, DKK and EUR, signed
//! webhooks (and the ones that are not), polling when webhooks are lost,
//! capture and refund, and the clean-up of a basket paid twice — through
//! the simulator's ePayment API.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::Duration;

use appswitch_core::providers::vipps_epayment::signature;
use appswitch_core::providers::vipps_epayment::{PaymentEventName, WebhookSecret};
use appswitch_core::status::StatusName;
use appswitch_merchant_backend::{BackendConfig, ProviderApi};
use appswitch_simulator::{Faults, ShopperChoice, SimConfig, WebhookOutcome};
use serde_json::json;
use support::*;

const ROUTE: &str = "/vipps/webhooks/v1/epayment";

fn on_epayment(c: &mut BackendConfig) {
    c.provider_api = ProviderApi::Epayment;
}

async fn epayment_shop(faults: Faults) -> Shop {
    let shop = shop_with(
        SimConfig {
            faults,
            ..SimConfig::default()
        },
        on_epayment,
    )
    .await;
    // The backend registers its webhook when it starts.
    eventually("the webhook registration", || async {
        shop.sim.control().webhook_registrations().len() == 1
    })
    .await;
    shop
}

/// The webhook's secret, as the provider gave it at registration.
fn secret(shop: &Shop) -> WebhookSecret {
    WebhookSecret::new(shop.sim.control().webhook_registrations()[0].secret.clone())
}

fn host(shop: &Shop) -> String {
    shop.backend.addr().to_string()
}

/// Posts `body` to the webhook route with the headers given.
async fn deliver(shop: &Shop, body: &str, headers: &[(&str, String)]) -> u16 {
    let mut r = shop
        .http
        .post(shop.url(ROUTE))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        r = r.header(*name, value);
    }
    r.send().await.unwrap().status().as_u16()
}

/// A delivery signed with `secret` at `date` (the provider's headers).
fn signed(
    shop: &Shop,
    secret: &WebhookSecret,
    body: &str,
    at_ms: u64,
) -> Vec<(&'static str, String)> {
    let s = signature::sign(
        secret,
        "POST",
        ROUTE,
        &host(shop),
        appswitch_core::foundation::time::Timestamp::from_millis(at_ms),
        body.as_bytes(),
    );
    vec![
        (signature::X_MS_DATE, s.date),
        (signature::X_MS_CONTENT_SHA256, s.content_sha256),
        (signature::AUTHORIZATION, s.authorization),
    ]
}

fn authorized_event(reference: &str, currency: &str, value: u64) -> String {
    json!({"msn": appswitch_simulator::DEMO_MSN, "reference": reference,
        "pspReference": "7686f7788898767977", "name": "AUTHORIZED",
        "amount": {"currency": currency, "value": value},
        "timestamp": "2026-12-03T10:00:00Z", "success": true})
    .to_string()
}

#[tokio::test]
async fn a_dkk_payment_is_approved_by_signed_webhook_captured_and_refunded() {
    let shop = epayment_shop(Faults::default()).await;
    let c = shop
        .checkout_with(json!({"basketId": "b-dkk", "amount": 12500, "currency": "DKK"}))
        .await;
    assert_eq!(
        (c.provider_api, c.currency.code()),
        (ProviderApi::Epayment, "DKK")
    );
    assert!(
        c.url.contains("/epayment/landing"),
        "the landing page: {}",
        c.url
    );
    let view = shop.sim.control().epayment(&c.order_id).unwrap();
    assert_eq!(view.amount.value.minor(), 12500);
    assert_eq!(view.user_flow, "WEB_REDIRECT");
    shop.sim
        .control()
        .epayment_shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let (code, doc) = shop.status(&c.order_id, Some(10)).await;
    assert_eq!((code, doc.status), (200, StatusName::Reserved));
    assert_eq!(doc.provider, "vipps-epayment");
    eventually("the authorized webhook", || async {
        shop.backend.stats().webhooks_accepted() >= 1
    })
    .await;
    assert_eq!(shop.backend.stats().webhooks_refused(), 0);
    // The merchant captures part and refunds part of it.
    let id = &c.order_id;
    let (code, body) = shop
        .merchant_post(
            &format!("/api/orders/{id}/ship"),
            json!({"amount": 10000}),
            Some("cap-1"),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let (code, body) = shop
        .merchant_post(
            &format!("/api/orders/{id}/refund"),
            json!({"amount": 2500}),
            Some("ref-1"),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["status"]["status"], "refunded", "{body}");
    // The same request again: answered from the first, made once.
    let (code, _) = shop
        .merchant_post(
            &format!("/api/orders/{id}/ship"),
            json!({"amount": 10000}),
            Some("cap-1"),
        )
        .await;
    assert_eq!(code, 200);
    let view = shop.sim.control().epayment(id).unwrap();
    assert_eq!(view.record.modifications, 2, "one capture, one refund");
    assert_eq!(view.payment.aggregate.captured().minor(), 10000);
    assert_eq!(view.payment.aggregate.refunded().minor(), 2500);
    // The rules are the core's: more than is left is refused before any call.
    let (code, body) = shop
        .merchant_post(
            &format!("/api/orders/{id}/ship"),
            json!({"amount": 5000}),
            Some("cap-2"),
        )
        .await;
    assert_eq!(code, 409, "{body}");
    assert_eq!(
        shop.sim
            .control()
            .epayment(id)
            .unwrap()
            .record
            .modifications,
        2
    );
}

#[tokio::test]
async fn eur_and_nok_checkouts_work_and_ecom_refuses_dkk() {
    let shop = epayment_shop(Faults::default()).await;
    for (currency, amount) in [("EUR", 1), ("NOK", 100)] {
        let c = shop
            .checkout_with(json!({"basketId": format!("b-{currency}"), "amount": amount, "currency": currency}))
            .await;
        assert_eq!(c.currency.code(), currency);
    }
    // Below NOK's minimum of 100 øre: the core's rule, named.
    let r = shop
        .post(
            "/api/checkout",
            json!({"basketId": "b-low", "amount": 99, "currency": "NOK"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("amount"));
    let ecom = support::shop().await;
    let r = ecom
        .post(
            "/api/checkout",
            json!({"basketId": "b-e", "amount": 100, "currency": "DKK"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("NOK only"));
    let r = ecom
        .post(
            "/api/checkout",
            json!({"basketId": "b-e", "amount": 100, "currency": "SEK"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test]
async fn only_a_webhook_signed_with_the_secret_and_fresh_changes_anything() {
    let shop = epayment_shop(Faults {
        drop_webhooks: true,
        ..Faults::default()
    })
    .await;
    let c = shop.checkout("b-forged").await;
    let id = &c.order_id;
    let body = authorized_event(id, "NOK", 20000);
    let now = shop.sim.control().now().as_millis();
    let right = secret(&shop);
    // Unsigned; signed with another secret; a body changed after signing;
    // signed for another path; signed an hour ago.
    assert_eq!(deliver(&shop, &body, &[]).await, 401);
    let wrong = WebhookSecret::new("not-the-secret");
    assert_eq!(
        deliver(&shop, &body, &signed(&shop, &wrong, &body, now)).await,
        401
    );
    let tampered = body.replace("20000", "20001");
    assert_eq!(
        deliver(&shop, &tampered, &signed(&shop, &right, &body, now)).await,
        401
    );
    let mut elsewhere = signed(&shop, &right, &body, now);
    elsewhere[2].1 = signed(&shop, &right, &body, now + 5_000)[2].1.clone();
    assert_eq!(deliver(&shop, &body, &elsewhere).await, 401);
    let stale = now - 60 * 60 * 1000;
    assert_eq!(
        deliver(&shop, &body, &signed(&shop, &right, &body, stale)).await,
        401
    );
    assert_eq!(shop.backend.stats().webhooks_refused(), 5);
    // Nothing changed; the backend did not take any of them for a fact.
    let (_, doc) = shop.status(id, None).await;
    assert_eq!(doc.status, StatusName::Initiated);
    // Authentic, but not this order's amount: refused, kept in its history.
    let wrong_amount = authorized_event(id, "NOK", 1);
    assert_eq!(
        deliver(
            &shop,
            &wrong_amount,
            &signed(&shop, &right, &wrong_amount, now)
        )
        .await,
        400
    );
    // Authentic and agreeing: merged. A duplicate changes nothing.
    assert_eq!(
        deliver(&shop, &body, &signed(&shop, &right, &body, now)).await,
        200
    );
    let (_, doc) = shop.status(id, None).await;
    assert_eq!(doc.status, StatusName::Reserved);
    let (_, info) = shop.merchant_get(&format!("/api/orders/{id}")).await;
    let history = |info: &serde_json::Value| info["events"].as_array().unwrap().len();
    let before = history(&info);
    assert_eq!(
        deliver(&shop, &body, &signed(&shop, &right, &body, now)).await,
        200
    );
    let (_, info) = shop.merchant_get(&format!("/api/orders/{id}")).await;
    assert_eq!(history(&info), before, "a duplicate delivery adds nothing");
    let refused: Vec<_> = info["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == "webhook" && e["accepted"] == false)
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "the wrong amount is kept as refused: {info}"
    );
    // A delivery for a payment this shop does not know is acknowledged.
    let other = authorized_event("someone-elses-order", "NOK", 100);
    assert_eq!(
        deliver(&shop, &other, &signed(&shop, &right, &other, now)).await,
        200
    );
}

#[tokio::test]
async fn lost_webhooks_are_made_up_for_by_polling() {
    let shop = epayment_shop(Faults {
        drop_webhooks: true,
        ..Faults::default()
    })
    .await;
    let c = shop.checkout("b-lost").await;
    shop.sim
        .control()
        .epayment_shopper(&c.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let (_, doc) = shop.status(&c.order_id, Some(10)).await;
    assert_eq!(doc.status, StatusName::Reserved);
    let deliveries = shop.sim.control().webhook_deliveries();
    assert!(!deliveries.is_empty());
    assert!(
        deliveries
            .iter()
            .all(|d| d.outcome == WebhookOutcome::Dropped),
        "{deliveries:?}"
    );
    assert_eq!(shop.backend.stats().webhooks_accepted(), 0);
}

#[tokio::test]
async fn duplicated_and_reordered_webhooks_give_the_same_truth() {
    let shop = epayment_shop(Faults {
        duplicate_webhooks: true,
        reorder_webhooks_ms: Some(300),
        ..Faults::default()
    })
    .await;
    let c = shop.checkout("b-dup").await;
    shop.sim
        .control()
        .epayment_shopper(&c.order_id, ShopperChoice::Reject)
        .await
        .unwrap();
    let (_, doc) = shop.status(&c.order_id, Some(10)).await;
    assert_eq!(doc.status, StatusName::Cancelled);
    // The reordered deliveries are late on the provider's clock.
    shop.sim.control().advance(Duration::from_secs(2)).await;
    eventually("every delivery", || async {
        shop.sim.control().webhooks_pending() == 0
    })
    .await;
    let (_, doc) = shop.status(&c.order_id, None).await;
    assert_eq!(doc.status, StatusName::Cancelled);
    assert_eq!(shop.backend.stats().webhooks_refused(), 0);
}

#[tokio::test]
async fn a_basket_paid_twice_gets_its_late_reservation_cancelled() {
    let shop = epayment_shop(Faults::default()).await;
    // The shopper leaves the first payment open and pays again; the
    // second is approved and shipped.
    let first = shop.checkout("b-twice").await;
    let second = shop.checkout("b-twice").await;
    shop.sim
        .control()
        .epayment_shopper(&second.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let (_, doc) = shop.status(&second.order_id, Some(10)).await;
    assert_eq!(doc.status, StatusName::Reserved);
    let (code, body) = shop
        .merchant_post(
            &format!("/api/orders/{}/ship", second.order_id),
            json!({}),
            None,
        )
        .await;
    assert_eq!(code, 200, "{body}");
    // Then the first goes through after all: the backend releases it.
    shop.sim
        .control()
        .epayment_shopper(&first.order_id, ShopperChoice::Approve)
        .await
        .unwrap();
    let released = || {
        shop.sim
            .control()
            .epayment(&first.order_id)
            .unwrap()
            .events
            .iter()
            .any(|e| e.name == PaymentEventName::Cancelled && e.success)
    };
    eventually("the duplicate reservation to be released", || async {
        released()
    })
    .await;
    let (_, doc) = shop.status(&first.order_id, Some(5)).await;
    assert_eq!(doc.status, StatusName::Cancelled);
    let second_view = shop.sim.control().epayment(&second.order_id).unwrap();
    assert_eq!(second_view.payment.aggregate.captured().minor(), 20000);
}
