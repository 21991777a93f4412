//! The simulator's ePayment API over HTTP: create, get, the event log,
//! capture, cancel, refund, force approve, expiry — read back with
//! appswitch-core's wire types and status mapping.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::Duration;

use appswitch_core::providers::vipps_epayment::{
    CreatePaymentResponse, EventLog, GetPaymentResponse, ModificationResponse, Problem, State,
    endpoints,
};
use appswitch_core::status::{CancelledBy, PaymentState};
use appswitch_simulator::ShopperChoice;
use serde_json::json;
use support::epayment::*;
use support::*;

fn problem(a: &Answer) -> Problem {
    Problem::parse_json(&a.text).unwrap_or_else(|e| panic!("{e}: {}", a.text))
}

#[tokio::test]
async fn create_answers_per_user_flow_and_is_idempotent() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let body = create_body("acme-shop-123-order-1", "NOK", 49900);
    let a = m.ep_create(&body, "key-1").await;
    assert_eq!(a.status, 201, "{}", a.text);
    let r = CreatePaymentResponse::parse_json(&a.text).unwrap();
    assert_eq!(r.reference, "acme-shop-123-order-1");
    let url = r.redirect_url.unwrap();
    assert!(
        url.starts_with(&format!("{}/epayment/landing?token=", sim.base_url())),
        "{url}"
    );
    // The same request with the same key: the same answer.
    let again = m.ep_create(&body, "key-1").await;
    assert_eq!((again.status, again.text.clone()), (201, a.text.clone()));
    // The reference again with another key: a conflict.
    let conflict = m.ep_create(&body, "key-2").await;
    assert_eq!(conflict.status, 409);
    assert_eq!(
        problem(&conflict).title.as_deref(),
        Some("Idempotency error")
    );

    for (flow, extra, check) in [
        ("NATIVE_REDIRECT", json!({}), "vippsMT://?token="),
        ("QR", json!({}), "/epayment/qr?token="),
        (
            "PUSH_MESSAGE",
            json!({"customer": {"phoneNumber": "4791234567"}}),
            "",
        ),
    ] {
        let mut b = create_body(
            &format!("acme-shop-123-{}", flow.replace('_', "-")),
            "DKK",
            1,
        );
        b["userFlow"] = json!(flow);
        if let Some(c) = extra.get("customer") {
            b["customer"] = c.clone();
        }
        let a = m.ep_create(&b, &format!("k-{flow}")).await;
        assert_eq!(a.status, 201, "{flow}: {}", a.text);
        let r = CreatePaymentResponse::parse_json(&a.text).unwrap();
        match r.redirect_url {
            Some(u) => assert!(u.contains(check), "{flow}: {u}"),
            None => assert_eq!(flow, "PUSH_MESSAGE"),
        }
    }
}

#[tokio::test]
async fn create_refuses_what_the_provider_refuses() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    // No Idempotency-Key.
    let a = m
        .ep_post(
            endpoints::PAYMENTS,
            &create_body("acme-shop-123-nokey", "NOK", 1000),
            None,
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        problem(&a).title.as_deref(),
        Some("Missing required parameter")
    );
    let cases = [
        (create_body("short", "NOK", 1000), "reference"),
        (
            create_body("acme-shop-123-small", "NOK", 99),
            "amount.value",
        ),
        (
            create_body("acme-shop-123-sek", "SEK", 1000),
            "amount.currency",
        ),
        (
            {
                let mut b = create_body("acme-shop-123-noreturn", "NOK", 1000);
                b.as_object_mut().unwrap().remove("returnUrl");
                b
            },
            "returnUrl",
        ),
        (
            {
                let mut b = create_body("acme-shop-123-push", "NOK", 1000);
                b["userFlow"] = json!("PUSH_MESSAGE");
                b
            },
            "customer",
        ),
        (
            {
                let mut b = create_body("acme-shop-123-badurl", "NOK", 1000);
                b["returnUrl"] = json!("https://localhost/return");
                b
            },
            "returnUrl",
        ),
    ];
    for (body, field) in cases {
        let a = m.ep_create(&body, "k").await;
        assert_eq!(a.status, 400, "{field}: {}", a.text);
        let p = problem(&a);
        assert!(
            p.extra_details.iter().any(|d| d.name == field),
            "{field}: {}",
            a.text
        );
        assert_eq!(p.status, Some(400));
        assert!(p.trace_id.is_some());
    }
    // DKK and EUR may be 1 minor unit.
    for currency in ["DKK", "EUR"] {
        let a = m
            .ep_create(
                &create_body(&format!("acme-shop-123-{currency}"), currency, 1),
                "k",
            )
            .await;
        assert_eq!(a.status, 201, "{currency}: {}", a.text);
    }
}

async fn payment(m: &Merchant, reference: &str) -> GetPaymentResponse {
    let a = m.ep_get(reference).await;
    assert_eq!(a.status, 200, "{}", a.text);
    GetPaymentResponse::parse_json(&a.text).unwrap()
}

#[tokio::test]
async fn the_whole_life_of_a_payment() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let reference = "acme-shop-123-life";
    m.ep_create(&create_body(reference, "EUR", 1000), "create-1")
        .await;
    let p = payment(&m, reference).await;
    assert_eq!(p.state, State::Created);
    assert!(p.redirect_url.is_some());
    assert_eq!(p.to_status().state(), PaymentState::Initiated);

    let out = sim
        .control()
        .epayment_shopper(reference, ShopperChoice::Approve)
        .await
        .unwrap();
    assert_eq!(out.back, "redirect");
    assert_eq!(
        out.redirect.as_deref(),
        Some("http://127.0.0.1:9/return?reference=acme-shop-123-life")
    );
    let p = payment(&m, reference).await;
    assert_eq!(p.state, State::Authorized);
    assert_eq!(p.aggregate.authorized().minor(), 1000);
    assert!(p.redirect_url.is_none());

    let eur = |v| json!({"modificationAmount": {"currency": "EUR", "value": v}});
    let capture = |v: u64, key: &'static str| {
        let m = &m;
        async move {
            m.ep_post(&endpoints::capture(reference), &eur(v), Some(key))
                .await
        }
    };
    let a = capture(400, "cap-1").await;
    assert_eq!(a.status, 200, "{}", a.text);
    let r = ModificationResponse::parse_json(&a.text).unwrap();
    assert_eq!(r.aggregate.captured().minor(), 400);
    // A retry with the same key is the same answer, not a second capture.
    let again = capture(400, "cap-1").await;
    assert_eq!(again.text, a.text);
    // The same key for another request is a conflict.
    assert_eq!(capture(500, "cap-1").await.status, 409);
    // More than is left: the FAQ's "Capture amount too high".
    let too_much = capture(601, "cap-2").await;
    assert_eq!(too_much.status, 400);
    assert_eq!(
        problem(&too_much).title.as_deref(),
        Some("Capture amount too high")
    );
    // The wrong currency.
    let nok = m.ep_capture(reference, 100, "cap-nok").await;
    assert_eq!(nok.status, 400, "{}", nok.text);

    let refund = m
        .ep_post(&endpoints::refund(reference), &eur(150), Some("ref-1"))
        .await;
    assert_eq!(refund.status, 200, "{}", refund.text);
    let cancel = m.ep_cancel(reference, "cancel-1").await;
    assert_eq!(cancel.status, 200, "{}", cancel.text);
    let r = ModificationResponse::parse_json(&cancel.text).unwrap();
    assert_eq!(r.state, State::Authorized);
    assert_eq!(r.aggregate.cancelled().minor(), 600);
    assert_eq!(r.aggregate.capturable().minor(), 0);

    let p = payment(&m, reference).await;
    let log = EventLog::parse_json(&m.ep_events(reference).await.text).unwrap();
    let names: Vec<&str> = log.events().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"]
    );
    // The snapshot and the log tell the same story.
    assert_eq!(p.to_status().state(), log.to_status().state());
    assert_eq!(p.to_status().amounts(), log.to_status().amounts());
    assert_eq!(
        log.to_status().state(),
        PaymentState::Refunded { full: false }
    );
    assert_eq!(
        log.event_for_key("cap-1").map(|e| e.amount.value.minor()),
        Some(400)
    );
    let view = sim.control().epayment(reference).unwrap();
    assert_eq!(view.record.modifications, 3);
    assert_eq!(view.record.idempotent_replays, 1);
}

#[tokio::test]
async fn the_shoppers_other_choices_and_the_merchants_cancel() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    for r in [
        "acme-shop-123-rej",
        "acme-shop-123-fail",
        "acme-shop-123-term",
        "acme-shop-123-exp",
    ] {
        m.ep_create(&create_body(r, "NOK", 1000), r).await;
    }
    let c = sim.control();
    c.epayment_shopper("acme-shop-123-rej", ShopperChoice::Reject)
        .await
        .unwrap();
    assert_eq!(payment(&m, "acme-shop-123-rej").await.state, State::Aborted);
    assert_eq!(
        payment(&m, "acme-shop-123-rej").await.to_status().state(),
        PaymentState::Cancelled {
            by: CancelledBy::User
        }
    );

    // A refused card: logged unsuccessful, and the shopper may try again.
    let out = c
        .epayment_shopper("acme-shop-123-fail", ShopperChoice::Fail)
        .await
        .unwrap();
    assert_eq!(out.back, "tryAgain");
    let log = EventLog::parse_json(&m.ep_events("acme-shop-123-fail").await.text).unwrap();
    assert_eq!(log.to_status().failed_operations.len(), 1);
    assert_eq!(log.to_status().state(), PaymentState::Initiated);
    c.epayment_shopper("acme-shop-123-fail", ShopperChoice::Approve)
        .await
        .unwrap();
    assert_eq!(
        payment(&m, "acme-shop-123-fail").await.state,
        State::Authorized
    );

    // The merchant cancels before authorization: TERMINATED.
    let a = m.ep_cancel("acme-shop-123-term", "t-1").await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        ModificationResponse::parse_json(&a.text).unwrap().state,
        State::Terminated
    );
    assert!(
        c.epayment_shopper("acme-shop-123-term", ShopperChoice::Approve)
            .await
            .is_err()
    );

    // Nobody decides: EXPIRED after 5 minutes unopened.
    c.advance(Duration::from_secs(301)).await;
    let p = payment(&m, "acme-shop-123-exp").await;
    assert_eq!(p.state, State::Expired);
    assert_eq!(p.to_status().state(), PaymentState::Rejected);

    // Force approve (test environment).
    m.ep_create(&create_body("acme-shop-123-force", "NOK", 1000), "f")
        .await;
    let a = m
        .ep_post(
            &endpoints::force_approve("acme-shop-123-force"),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        payment(&m, "acme-shop-123-force").await.state,
        State::Authorized
    );
    let a = m
        .ep_post(
            &endpoints::force_approve("acme-shop-123-force"),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(problem(&a).title.as_deref(), Some("Approve failed"));

    // Unknown references: 404 problem.
    let a = m.ep_get("acme-shop-123-nobody").await;
    assert_eq!(a.status, 404);
    assert_eq!(problem(&a).title.as_deref(), Some("Reference not found"));
}

#[tokio::test]
async fn the_landing_page_decides_and_returns() {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let a = m
        .ep_create(&create_body("acme-shop-123-page", "DKK", 2500), "p")
        .await;
    let url = CreatePaymentResponse::parse_json(&a.text)
        .unwrap()
        .redirect_url
        .unwrap();
    let http = http();
    let page = http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("25.00 DKK"), "{page}");
    let token = url.split("token=").nth(1).unwrap();
    let r = http
        .post(format!("{}/epayment/landing/decide", sim.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}&choice=approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "http://127.0.0.1:9/return?reference=acme-shop-123-page"
    );
    assert_eq!(
        payment(&m, "acme-shop-123-page").await.state,
        State::Authorized
    );
}
