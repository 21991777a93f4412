//! The Webhooks API side of the simulator: registration, deliveries signed
//! exactly as "Request authentication" publishes (checked with
//! appswitch-core's verifier), the provider's in-order retries, and the
//! faults: dropped, duplicated, late and reordered webhooks. Whatever the
//! fault, the facts the merchant merges end up as the provider's own.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::Duration;

use appswitch_core::providers::vipps_epayment::{GetPaymentResponse, WebhookEvent};
use appswitch_core::status::{PaymentState, PaymentStatus};
use appswitch_simulator::{Faults, ShopperChoice, WebhookOutcome};
use serde_json::json;
use support::epayment::*;
use support::*;

async fn setup() -> (
    appswitch_simulator::RunningSimulator,
    Merchant,
    WebhookReceiver,
) {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let hooks = WebhookReceiver::start().await;
    hooks.register(&m, &sim).await;
    (sim, m, hooks)
}

async fn pay_and_capture(
    sim: &appswitch_simulator::RunningSimulator,
    m: &Merchant,
    reference: &str,
) {
    let a = m
        .ep_create(&create_body(reference, "NOK", 1000), reference)
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    sim.control()
        .epayment_shopper(reference, ShopperChoice::Approve)
        .await
        .unwrap();
    let a = m.ep_capture(reference, 1000, "cap").await;
    assert_eq!(a.status, 200, "{}", a.text);
}

fn merged(delivered: &[Delivered]) -> PaymentStatus {
    delivered
        .iter()
        .filter(|d| d.authentic.is_ok())
        .fold(PaymentStatus::initiated(), |s, d| {
            s.merge(&d.event.to_status())
        })
}

/// The same state and amounts (a poll has no timestamps, webhooks do).
fn assert_same(a: &PaymentStatus, b: &PaymentStatus) {
    assert_eq!((a.state(), a.amounts()), (b.state(), b.amounts()));
}

async fn truth(m: &Merchant, reference: &str) -> PaymentStatus {
    GetPaymentResponse::parse_json(&m.ep_get(reference).await.text)
        .unwrap()
        .to_status()
}

#[tokio::test]
async fn registration_answers_an_id_and_a_secret() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let a = m
        .ep_post(
            "/webhooks/v1/webhooks",
            &json!({"url": "http://127.0.0.1:9/hooks", "events": ["epayments.payment.captured.v1"]}),
            None,
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.json()["id"].as_str().unwrap().len(), 36);
    assert!(!a.json()["secret"].as_str().unwrap().is_empty());
    let list = m.get("/webhooks/v1/webhooks").await;
    assert_eq!(
        list.json()["webhooks"][0]["events"][0],
        "epayments.payment.captured.v1"
    );
    for bad in [
        json!({"url": "http://127.0.0.1:9/hooks", "events": ["epayments.payment.paid.v1"]}),
        json!({"url": "http://127.0.0.1:9/hooks", "events": []}),
        json!({"url": "ftp://example.com/hooks", "events": ["epayments.payment.captured.v1"]}),
    ] {
        let a = m.ep_post("/webhooks/v1/webhooks", &bad, None).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.text);
    }
    let id = a.json()["id"].as_str().unwrap().to_string();
    let del = m
        .http
        .delete(format!("{}/webhooks/v1/webhooks/{id}", m.base))
        .header("Authorization", format!("Bearer {}", m.token))
        .header(
            "Ocp-Apim-Subscription-Key",
            appswitch_simulator::DEMO_SUBSCRIPTION_KEY,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
    assert!(sim.control().webhook_registrations().is_empty());
}

#[tokio::test]
async fn every_delivery_is_signed_and_in_order() {
    let (sim, m, hooks) = setup().await;
    pay_and_capture(&sim, &m, "acme-shop-123-signed").await;
    let delivered = hooks.delivered();
    assert_eq!(hooks.names(), ["CREATED", "AUTHORIZED", "CAPTURED"]);
    for d in &delivered {
        assert_eq!(d.authentic, Ok(()), "{}", d.body);
        // The date is the simulator's, as an HTTP-date.
        assert_eq!(d.date, sim.control().now().to_http_date());
        assert_eq!(d.event.msn, "123456");
        assert_eq!(WebhookEvent::parse_json(&d.body).unwrap(), d.event);
    }
    assert_same(
        &merged(&delivered),
        &truth(&m, "acme-shop-123-signed").await,
    );
    // The capture's webhook carries the merchant's key.
    assert_eq!(delivered[2].event.idempotency_key.as_deref(), Some("cap"));
}

#[tokio::test]
async fn a_refused_delivery_is_retried_and_holds_back_the_next() {
    let (sim, m, hooks) = setup().await;
    m.ep_create(&create_body("acme-shop-123-retry", "NOK", 1000), "k")
        .await;
    assert_eq!(hooks.names(), ["CREATED"]);
    // The merchant answers 500, then 503, to the next deliveries.
    hooks.answer_with(&[500, 503]);
    sim.control()
        .epayment_shopper("acme-shop-123-retry", ShopperChoice::Approve)
        .await
        .unwrap();
    m.ep_capture("acme-shop-123-retry", 1000, "cap").await;
    // AUTHORIZED failed once; CAPTURED waits behind it.
    assert_eq!(hooks.names(), ["CREATED", "AUTHORIZED"]);
    let c = sim.control();
    c.advance(Duration::from_secs(4)).await;
    assert_eq!(
        hooks.names(),
        ["CREATED", "AUTHORIZED"],
        "not before the first retry (5 s)"
    );
    c.advance(Duration::from_secs(1)).await;
    assert_eq!(hooks.names(), ["CREATED", "AUTHORIZED", "AUTHORIZED"]);
    c.advance(Duration::from_secs(9)).await;
    assert_eq!(hooks.names().len(), 3, "the second retry waits 10 s");
    c.advance(Duration::from_secs(1)).await;
    assert_eq!(
        hooks.names(),
        [
            "CREATED",
            "AUTHORIZED",
            "AUTHORIZED",
            "AUTHORIZED",
            "CAPTURED"
        ]
    );
    let outcomes: Vec<WebhookOutcome> = c.webhook_deliveries().iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            WebhookOutcome::Delivered,
            WebhookOutcome::Refused,
            WebhookOutcome::Refused,
            WebhookOutcome::Delivered,
            WebhookOutcome::Delivered
        ]
    );
    // Each retry is signed afresh, with its own date.
    assert!(hooks.delivered().iter().all(|d| d.authentic.is_ok()));
    assert_ne!(hooks.delivered()[1].date, hooks.delivered()[3].date);
    assert_eq!(c.webhooks_pending(), 0);
}

#[tokio::test]
async fn a_delivery_that_never_succeeds_is_given_up_after_seven_days() {
    let (sim, m, hooks) = setup().await;
    hooks.answer_with(&[500; 1000]);
    m.ep_create(&create_body("acme-shop-123-never", "NOK", 1000), "k")
        .await;
    let c = sim.control();
    // Step through the schedule: 5 s, 10 s, … capped at an hour.
    for _ in 0..4000 {
        if c.webhook_deliveries()
            .iter()
            .any(|r| r.outcome == WebhookOutcome::GaveUp)
        {
            break;
        }
        match c.next_webhook_due() {
            Some(next) => {
                let wait = next.saturating_since(c.now()).max(Duration::from_millis(1));
                c.advance(wait).await;
            }
            // An attempt is in flight (the simulator's own ticker sends too).
            None => tokio::time::sleep(Duration::from_millis(2)).await,
        }
    }
    let records = c.webhook_deliveries();
    let created: Vec<_> = records
        .iter()
        .filter(|r| r.event_type == "epayments.payment.created.v1")
        .collect();
    let last = created.last().unwrap();
    assert_eq!(last.outcome, WebhookOutcome::GaveUp, "{last:?}");
    let span = last.at_ms - created[0].at_ms;
    assert!(span <= 7 * 86_400_000, "{span}");
    assert!(span > 6 * 86_400_000, "{span}");
    // 5 s doubling to one hour, then hourly: about 170 attempts in 7 days.
    assert!((150..200).contains(&created.len()), "{}", created.len());
    // The payment expired meanwhile; its webhook waited behind, and goes
    // out once the first is given up ("never sent again").
    assert!(
        records
            .iter()
            .any(|r| r.event_type == "epayments.payment.expired.v1" && r.at_ms >= last.at_ms)
    );
}

#[tokio::test]
async fn dropped_webhooks_leave_only_polling() {
    let (sim, m, hooks) = setup().await;
    sim.control()
        .set_faults(Faults {
            drop_webhooks: true,
            ..Faults::default()
        })
        .unwrap();
    pay_and_capture(&sim, &m, "acme-shop-123-drop").await;
    assert!(hooks.delivered().is_empty());
    let records = sim.control().webhook_deliveries();
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r.outcome == WebhookOutcome::Dropped));
    // The truth is still there for a poll.
    assert_eq!(
        truth(&m, "acme-shop-123-drop").await.state(),
        PaymentState::Captured { full: true }
    );
}

#[tokio::test]
async fn duplicated_webhooks_change_nothing() {
    let (sim, m, hooks) = setup().await;
    sim.control()
        .set_faults(Faults {
            duplicate_webhooks: true,
            ..Faults::default()
        })
        .unwrap();
    pay_and_capture(&sim, &m, "acme-shop-123-dup").await;
    assert_eq!(
        hooks.names(),
        [
            "CREATED",
            "CREATED",
            "AUTHORIZED",
            "AUTHORIZED",
            "CAPTURED",
            "CAPTURED"
        ]
    );
    let d = hooks.delivered();
    assert_eq!(
        d[0].event.key(),
        d[1].event.key(),
        "a redelivery is the same event"
    );
    assert_eq!(
        merged(&d),
        merged(&d[..].iter().step_by(2).cloned().collect::<Vec<_>>())
    );
    assert_same(&merged(&d), &truth(&m, "acme-shop-123-dup").await);
}

#[tokio::test]
async fn late_and_reordered_webhooks_end_at_the_truth() {
    let (sim, m, hooks) = setup().await;
    let c = sim.control();
    c.set_faults(Faults {
        webhook_delay_ms: Some(20_000),
        ..Faults::default()
    })
    .unwrap();
    pay_and_capture(&sim, &m, "acme-shop-123-late").await;
    assert!(hooks.delivered().is_empty());
    c.advance(Duration::from_secs(19)).await;
    assert!(hooks.delivered().is_empty());
    c.advance(Duration::from_secs(1)).await;
    assert_eq!(hooks.names(), ["CREATED", "AUTHORIZED", "CAPTURED"]);

    let hooks2 = WebhookReceiver::start().await;
    c.set_faults(Faults {
        reorder_webhooks_ms: Some(2_000),
        ..Faults::default()
    })
    .unwrap();
    hooks2.register(&m, &sim).await;
    pay_and_capture(&sim, &m, "acme-shop-123-reorder").await;
    c.advance(Duration::from_secs(2)).await;
    let names: Vec<String> = hooks2
        .delivered()
        .iter()
        .filter(|d| d.event.reference == "acme-shop-123-reorder")
        .map(|d| d.event.name.as_str().to_string())
        .collect();
    assert_eq!(names, ["CAPTURED", "AUTHORIZED", "CREATED"]);
    let d: Vec<Delivered> = hooks2
        .delivered()
        .into_iter()
        .filter(|d| d.event.reference == "acme-shop-123-reorder")
        .collect();
    assert_same(&merged(&d), &truth(&m, "acme-shop-123-reorder").await);
    assert_eq!(merged(&d).state(), PaymentState::Captured { full: true });
}

#[tokio::test]
async fn a_wrong_secret_or_a_stale_date_is_caught_by_the_verifier() {
    use appswitch_core::providers::vipps_epayment::WebhookSecret;
    use appswitch_core::providers::vipps_epayment::signature::{Freshness, WebhookRequest, verify};

    let (sim, m, hooks) = setup().await;
    m.ep_create(&create_body("acme-shop-123-verify", "NOK", 1000), "k")
        .await;
    let d = &hooks.delivered()[0];
    let secret = WebhookSecret::new(sim.control().webhook_registrations()[0].secret.clone());
    let url = reqwest::Url::parse(&hooks.url).unwrap();
    let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let signed = appswitch_core::providers::vipps_epayment::signature::sign(
        &secret,
        "POST",
        "/hooks/vipps?shop=1",
        &host,
        sim.control().now(),
        d.body.as_bytes(),
    );
    let request = WebhookRequest {
        method: "POST",
        path_and_query: "/hooks/vipps?shop=1",
        host: &host,
        date: &signed.date,
        content_sha256: &signed.content_sha256,
        authorization: &signed.authorization,
    };
    assert_eq!(verify(&secret, &request, d.body.as_bytes(), None), Ok(()));
    assert!(
        verify(
            &WebhookSecret::new("not-it"),
            &request,
            d.body.as_bytes(),
            None
        )
        .is_err()
    );
    let hour_later = Freshness::at(sim.control().now() + Duration::from_secs(3600));
    assert!(verify(&secret, &request, d.body.as_bytes(), Some(hour_later)).is_err());
}
