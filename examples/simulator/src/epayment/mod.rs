//! The Vipps MobilePay ePayment API beside eCom: create, get, the event
//! log, capture, cancel, refund, force approve, the landing page, and the
//! Webhooks API's registrations and signed deliveries.
//!
//! | endpoint | what it does |
//! |---|---|
//! | `POST /epayment/v1/payments` | create: `Idempotency-Key` required (the same key and body replay the answer; another key for a known `reference` is `409`); the amount's minimum per currency, the flow's needs and the `returnUrl` checked; answers `201` with the landing page (`WEB_REDIRECT`), `vippsMT://?token=…` (`NATIVE_REDIRECT`), the QR page (`QR`) or nothing (`PUSH_MESSAGE`) |
//! | `GET /epayment/v1/payments/{reference}` | the get payment response: `state`, `aggregate` |
//! | `GET /epayment/v1/payments/{reference}/events` | the event log |
//! | `POST …/{reference}/capture`, `…/refund` | `{"modificationAmount"}`, partial or full, by appswitch-core's rules; idempotent by `Idempotency-Key` |
//! | `POST …/{reference}/cancel` | before authorization `TERMINATED`; after, the rest released (`cancelledAmount`) |
//! | `POST /epayment/v1/test/payments/{reference}/approve` | force approve |
//! | `POST`, `GET /webhooks/v1/webhooks`, `DELETE …/{id}` | registrations (the `webhooks` module) |
//!
//! Authentication, tokens and the run's faults are eCom's (the same
//! gateway). Errors are problem details (the `problem` module). Bursts and
//! stalls use the eCom endpoint names: `initiate` (create), `details`
//! (get and the event log), `capture`, `cancel`, `refund`,
//! `forceApprove`.

mod api;
mod control;
mod landing;
mod payment;
mod problem;
mod registration;
pub(crate) mod webhooks;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::routing::{delete, get, post};

pub use control::{EpaymentView, RegistrationView};
pub use payment::EpaymentRecord;
pub use webhooks::{WebhookOutcome, WebhookRecord};

use crate::control::SimControl;
use crate::state::Shared;
use payment::EpPayment;

/// Everything of the ePayment side, behind the simulator's lock.
#[derive(Debug, Default)]
pub(crate) struct EpState {
    pub(crate) payments: BTreeMap<String, EpPayment>,
    /// Landing-page token → reference.
    pub(crate) landing: HashMap<String, String>,
    pub(crate) webhooks: webhooks::Webhooks,
}

/// Lets time act on the ePayment side: expires payments nobody decided,
/// makes late authorizations, sends the webhooks that are due.
pub(crate) async fn tick(shared: &Shared) {
    {
        let now = shared.now();
        let msn = shared.config.merchant.msn.clone();
        let mut inner = shared.lock();
        let state = &mut inner.epayment;
        let due: Vec<String> = state
            .payments
            .iter()
            .filter(|(_, p)| p.next_due().is_some_and(|t| t <= now))
            .map(|(r, _)| r.clone())
            .collect();
        for reference in due {
            if let Some(p) = state.payments.get_mut(&reference) {
                let events = p.tick(now);
                let faults = p.faults.clone();
                state.webhooks.enqueue(&msn, &events, &faults, now);
            }
        }
    }
    webhooks::deliver_due(shared).await;
}

/// The provider's ePayment and Webhooks routes.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    use appswitch_core::providers::vipps_epayment::endpoints;
    Router::new()
        .route(endpoints::PAYMENTS, post(api::create))
        .route("/epayment/v1/payments/{reference}", get(api::get_payment))
        .route("/epayment/v1/payments/{reference}/events", get(api::events))
        .route(
            "/epayment/v1/payments/{reference}/capture",
            post(api::capture),
        )
        .route(
            "/epayment/v1/payments/{reference}/cancel",
            post(api::cancel),
        )
        .route(
            "/epayment/v1/payments/{reference}/refund",
            post(api::refund),
        )
        .route(
            "/epayment/v1/test/payments/{reference}/approve",
            post(api::force_approve),
        )
        .route(
            endpoints::WEBHOOKS,
            post(registration::register).get(registration::list),
        )
        .route("/webhooks/v1/webhooks/{id}", delete(registration::delete))
        .route("/epayment/landing", get(landing::page))
        .route("/epayment/qr", get(landing::page))
        .route("/epayment/landing/decide", post(landing::decide_form))
        .with_state(shared)
}

/// The ePayment side's control routes (see [`control`]).
pub(crate) fn control_router(control: SimControl) -> Router {
    Router::new()
        .route("/_sim/epayments", get(control::list))
        .route("/_sim/epayments/{reference}", get(control::get_one))
        .route(
            "/_sim/epayments/{reference}/faults",
            post(control::set_faults),
        )
        .route(
            "/_sim/epayments/{reference}/shopper",
            post(control::shopper),
        )
        .route("/_sim/webhooks", get(control::webhooks))
        .with_state(control)
}
