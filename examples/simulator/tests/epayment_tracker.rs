//! Scenario tests: appswitch-core's tracker against the simulator's
//! ePayment API, through a minimal merchant backend written here (the
//! reference backend speaks eCom; this is the thin layer it will gain):
//! it polls the get payment endpoint, verifies and merges webhooks, and
//! answers the tracker with appswitch's status document — or passes the
//! provider's body through raw. The webhooks it verifies are relayed to the
//! tracker as pushes. Every scenario runs on the simulator's stopped
//! clock, moved to the tracker's next instant, with faults.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_epayment::{GetPaymentResponse, PROVIDER_NAME};
use appswitch_core::shopper::tracker::{
    Action, Answer, Event, Outcome, Tracker, TrackerConfig, interpret_http,
};
use appswitch_core::status::{CancelledBy, PaymentState, PaymentStatus, StatusDocument};
use appswitch_simulator::{Burst, Endpoint, Faults, RunningSimulator, ShopperChoice};
use support::epayment::*;
use support::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Approve,
    Reject,
    Fail,
    Return,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Backend {
    /// appswitch's status document from the poll merged with the webhooks.
    Document,
    /// The get payment body as the provider sent it.
    Raw,
}

struct Run {
    outcome: Outcome,
    requests: usize,
    pushes: usize,
    settled_after: Duration,
}

/// The backend's answer to one status request.
async fn answer(
    m: &Merchant,
    hooks: &WebhookReceiver,
    reference: &str,
    backend: Backend,
) -> Answer {
    let a = m.ep_get(reference).await;
    let retry_after = a.headers.get("retry-after").and_then(|v| v.to_str().ok());
    if a.status != 200 || backend == Backend::Raw {
        return interpret_http(a.status, retry_after, &a.text);
    }
    let polled = GetPaymentResponse::parse_json(&a.text).unwrap().to_status();
    let merged = hooks
        .delivered()
        .iter()
        .filter(|d| d.authentic.is_ok() && d.event.reference == reference)
        .fold(polled, |s, d| s.merge(&d.event.to_status()));
    let doc = StatusDocument::from_status(reference, PROVIDER_NAME, &merged);
    interpret_http(200, None, &serde_json::to_string(&doc).unwrap())
}

async fn drive(
    sim: &RunningSimulator,
    m: &Merchant,
    hooks: &WebhookReceiver,
    reference: &str,
    backend: Backend,
    script: &[(u64, Step)],
) -> Run {
    let c = sim.control();
    let t0 = c.now();
    let url = format!("https://shop.example/status/{reference}");
    let mut tracker = Tracker::new(TrackerConfig::new(reference, url, t0, 7)).unwrap();
    tracker.handle(Event::SwitchedOut, t0);
    let (mut next_step, mut pushed, mut requests, mut pushes) = (0, 0, 0, 0);
    for _ in 0..10_000 {
        let now = c.now();
        // The script's steps that are due.
        while let Some((at, step)) = script.get(next_step) {
            if t0 + Duration::from_millis(*at) > now {
                break;
            }
            next_step += 1;
            match step {
                Step::Return => tracker.handle(Event::Returned, now),
                choice => {
                    let choice = match choice {
                        Step::Approve => ShopperChoice::Approve,
                        Step::Reject => ShopperChoice::Reject,
                        _ => ShopperChoice::Fail,
                    };
                    c.epayment_shopper(reference, choice).await.unwrap();
                }
            }
        }
        // Verified webhooks are relayed to the client as pushes.
        let delivered = hooks.delivered();
        for d in delivered.iter().skip(pushed) {
            if d.authentic.is_ok() && d.event.reference == reference {
                tracker.handle(
                    Event::Pushed {
                        status: d.event.to_status(),
                    },
                    now,
                );
                pushes += 1;
            }
        }
        pushed = delivered.len();
        match tracker.poll(now) {
            Action::FetchStatus(req) => {
                requests += 1;
                let a = answer(m, hooks, reference, backend).await;
                tracker.handle(
                    Event::Response {
                        id: req.id,
                        answer: a,
                    },
                    c.now(),
                );
            }
            Action::Notify(_) => {}
            Action::Settled(outcome) => {
                return Run {
                    outcome,
                    requests,
                    pushes,
                    settled_after: now.saturating_since(t0),
                };
            }
            Action::WaitUntil(at) => {
                let step_at = script
                    .get(next_step)
                    .map(|(ms, _)| t0 + Duration::from_millis(*ms));
                let webhook_at = c.next_webhook_due();
                let target: Timestamp = [Some(at), step_at, webhook_at]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap();
                c.advance(target.saturating_since(now).max(Duration::from_millis(1)))
                    .await;
            }
        }
    }
    panic!("the tracker did not settle");
}

async fn scenario(
    reference: &str,
    faults: Faults,
    backend: Backend,
    script: &[(u64, Step)],
) -> (Run, PaymentStatus) {
    let sim = sim().await;
    let m = Merchant::new(&sim).await;
    let hooks = WebhookReceiver::start().await;
    hooks.register(&m, &sim).await;
    sim.control().set_faults(faults).unwrap();
    let a = m
        .ep_create(&create_body(reference, "NOK", 49900), reference)
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let run = drive(&sim, &m, &hooks, reference, backend, script).await;
    let truth = GetPaymentResponse::parse_json(&m.ep_get(reference).await.text)
        .unwrap()
        .to_status();
    (run, truth)
}

fn success(run: &Run) -> PaymentState {
    match &run.outcome {
        Outcome::Success { status } => status.state(),
        other => panic!("not a success: {other:?}"),
    }
}

#[tokio::test]
async fn the_shopper_pays_and_comes_back() {
    for backend in [Backend::Document, Backend::Raw] {
        let (run, truth) = scenario(
            "acme-shop-123-happy",
            Faults::default(),
            backend,
            &[(20_000, Step::Approve), (21_000, Step::Return)],
        )
        .await;
        assert_eq!(success(&run), PaymentState::Reserved, "{backend:?}");
        assert_eq!(truth.state(), PaymentState::Reserved);
        // The AUTHORIZED webhook is pushed the moment it is verified: the
        // tracker settles then, not at the next poll.
        assert_eq!(run.settled_after, Duration::from_secs(20), "{backend:?}");
        assert!(run.pushes >= 2, "{backend:?}");
    }
}

#[tokio::test]
async fn dropped_webhooks_and_a_burst_of_503_are_made_up_for_by_polling() {
    let faults = Faults {
        drop_webhooks: true,
        burst: Some(Burst {
            status: 503,
            count: 4,
            endpoints: vec![Endpoint::Details],
        }),
        user_closes_app: true,
        ..Faults::default()
    };
    let (run, truth) = scenario(
        "acme-shop-123-dropped",
        faults,
        Backend::Document,
        &[(30_000, Step::Approve)],
    )
    .await;
    // Never came back, no webhook: polling found it.
    assert_eq!(success(&run), PaymentState::Reserved);
    assert_eq!(run.pushes, 0);
    assert!(run.requests > 4, "{}", run.requests);
    assert!(
        run.settled_after < Duration::from_secs(60),
        "{:?}",
        run.settled_after
    );
    assert_eq!(truth.state(), PaymentState::Reserved);
}

#[tokio::test]
async fn a_refused_card_then_a_rejection_is_a_cancel_by_the_user() {
    let (run, _) = scenario(
        "acme-shop-123-reject",
        Faults::default(),
        Backend::Raw,
        &[
            (10_000, Step::Fail),
            (15_000, Step::Reject),
            (16_000, Step::Return),
        ],
    )
    .await;
    assert_eq!(
        run.outcome,
        Outcome::Cancelled {
            by: CancelledBy::User
        }
    );
}

#[tokio::test]
async fn nobody_acts_and_the_payment_expires() {
    let faults = Faults {
        duplicate_webhooks: true,
        ..Faults::default()
    };
    let (run, truth) = scenario("acme-shop-123-expire", faults, Backend::Document, &[]).await;
    assert_eq!(run.outcome, Outcome::Rejected);
    assert_eq!(truth.state(), PaymentState::Rejected);
    // The link lived five minutes; the tracker learnt it at its next look
    // (a poll every 2 s, and the pushed EXPIRED webhook), not later.
    assert!(
        (Duration::from_secs(300)..=Duration::from_secs(302)).contains(&run.settled_after),
        "{:?}",
        run.settled_after
    );
}

#[tokio::test]
async fn late_duplicated_and_reordered_webhooks_never_mislead() {
    let faults = Faults {
        reorder_webhooks_ms: Some(3_000),
        duplicate_webhooks: true,
        webhook_delay_ms: Some(1_000),
        reserve_late_ms: Some(8_000),
        ..Faults::default()
    };
    // The shopper approves and returns at once; the authorization comes
    // 8 s later, its webhook later still, out of order and twice.
    let (run, truth) = scenario(
        "acme-shop-123-chaos",
        faults,
        Backend::Raw,
        &[(12_000, Step::Approve), (12_500, Step::Return)],
    )
    .await;
    assert_eq!(success(&run), PaymentState::Reserved);
    assert_eq!(truth.state(), PaymentState::Reserved);
    // Not before the authorization happened.
    assert!(
        run.settled_after >= Duration::from_secs(20),
        "{:?}",
        run.settled_after
    );
}
