//! The ePayment side of the control surface, as [`SimControl`] methods and
//! as HTTP under `/_sim`:
//!
//! | request | body | answer |
//! |---|---|---|
//! | `GET /_sim/epayments` | | `[EpaymentView]` |
//! | `GET /_sim/epayments/{reference}` | | [`EpaymentView`]: state, faults, calls, the get payment response and the event log |
//! | `POST /_sim/epayments/{reference}/faults` | [`Faults`] | the payment's view |
//! | `POST /_sim/epayments/{reference}/shopper` | `{"choice": "approve" \| "reject" \| "fail"}` | `{"back": "redirect" \| "stays" \| "appClosed" \| "tryAgain", "redirect": url?}` |
//! | `GET /_sim/webhooks` | | `{"registrations": [RegistrationView], "deliveries": [WebhookRecord], "pending": n}` |

use appswitch_core::foundation::money::Amount;
use appswitch_core::providers::vipps_epayment::{GetPaymentResponse, Money, PaymentEvent};
use appswitch_core::status::StatusName;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::landing::{self, Back, Refusal};
use super::payment::{Choice, EpPayment, EpaymentRecord, Phase};
use super::webhooks::WebhookRecord;
use crate::control::{ControlError, ShopperChoice, ShopperOutcome, SimControl};
use crate::faults::Faults;

/// One ePayment payment as the simulator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpaymentView {
    /// The `reference`.
    pub reference: String,
    /// The provider-neutral state its events prove.
    pub status: StatusName,
    /// `awaitingShopper`, `authorizePending` or `done`.
    pub phase: &'static str,
    /// The amount created.
    pub amount: Money,
    /// The reserved amount so far (for quick assertions).
    pub authorized: Amount,
    /// `userFlow`.
    pub user_flow: &'static str,
    /// When it was created (simulated ms).
    pub created_at_ms: u64,
    /// When it expires unless the shopper decides (simulated ms).
    pub deadline_ms: u64,
    /// The page the shopper opens over HTTP.
    pub shopper_url: String,
    /// The payment's faults.
    pub faults: Faults,
    /// What was recorded.
    pub record: EpaymentRecord,
    /// The get payment response as the merchant would get it now.
    pub payment: GetPaymentResponse,
    /// The event log.
    pub events: Vec<PaymentEvent>,
}

impl EpaymentView {
    fn of(p: &EpPayment, base: &str) -> EpaymentView {
        let log: appswitch_core::providers::vipps_epayment::EventLog =
            p.events.iter().cloned().collect();
        EpaymentView {
            reference: p.reference().to_string(),
            status: log.to_status().state().name(),
            phase: match p.phase {
                Phase::AwaitingShopper => "awaitingShopper",
                Phase::AuthorizePending => "authorizePending",
                Phase::Done => "done",
            },
            amount: p.amount(),
            authorized: p.aggregate().authorized(),
            user_flow: p.request.user_flow.as_str(),
            created_at_ms: p.created_at.as_millis(),
            deadline_ms: p.deadline().as_millis(),
            shopper_url: landing::landing_url(base, &p.token),
            faults: p.faults.clone(),
            record: p.record.clone(),
            payment: p.get_payment(base),
            events: p.events.clone(),
        }
    }
}

/// A webhook registration, with its secret (this is a simulator).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    /// `id`.
    pub id: String,
    /// `url`.
    pub url: String,
    /// The event types.
    pub events: Vec<&'static str>,
    /// `secret`.
    pub secret: String,
}

impl SimControl {
    /// One ePayment payment, if the simulator has it.
    pub fn epayment(&self, reference: &str) -> Option<EpaymentView> {
        let inner = self.shared.lock();
        inner
            .epayment
            .payments
            .get(reference)
            .map(|p| EpaymentView::of(p, &self.shared.base_url))
    }

    /// Every ePayment payment.
    pub fn epayments(&self) -> Vec<EpaymentView> {
        let inner = self.shared.lock();
        inner
            .epayment
            .payments
            .values()
            .map(|p| EpaymentView::of(p, &self.shared.base_url))
            .collect()
    }

    /// Sets one ePayment payment's faults (webhooks queued from now on
    /// follow them).
    pub fn set_epayment_faults(&self, reference: &str, faults: Faults) -> Result<(), ControlError> {
        faults.validate().map_err(ControlError::InvalidFaults)?;
        let mut inner = self.shared.lock();
        let p = inner
            .epayment
            .payments
            .get_mut(reference)
            .ok_or_else(|| ControlError::UnknownOrder(reference.to_string()))?;
        p.faults = faults;
        Ok(())
    }

    /// The shopper decides on an ePayment payment (as on the landing page,
    /// or in the app after a push message).
    pub async fn epayment_shopper(
        &self,
        reference: &str,
        choice: ShopperChoice,
    ) -> Result<ShopperOutcome, ControlError> {
        let choice = match choice {
            ShopperChoice::Approve => Choice::Approve,
            ShopperChoice::Reject => Choice::Reject,
            ShopperChoice::Fail => Choice::Fail,
        };
        let id = reference.to_string();
        match landing::decide(&self.shared, reference, choice).await {
            Ok(Back::Redirect(url)) => Ok(ShopperOutcome {
                back: "redirect",
                redirect: Some(url),
            }),
            Ok(Back::Stays) => Ok(ShopperOutcome {
                back: "stays",
                redirect: None,
            }),
            Ok(Back::AppClosed) => Ok(ShopperOutcome {
                back: "appClosed",
                redirect: None,
            }),
            Ok(Back::TryAgain) => Ok(ShopperOutcome {
                back: "tryAgain",
                redirect: None,
            }),
            Err(Refusal::Unknown) => Err(ControlError::UnknownOrder(id)),
            Err(Refusal::Expired) => Err(ControlError::Expired(id)),
            Err(Refusal::AlreadyDecided) => Err(ControlError::AlreadyDecided(id)),
        }
    }

    /// The webhook registrations, with their secrets.
    pub fn webhook_registrations(&self) -> Vec<RegistrationView> {
        let inner = self.shared.lock();
        inner
            .epayment
            .webhooks
            .registrations
            .iter()
            .map(|r| RegistrationView {
                id: r.id.clone(),
                url: r.url.clone(),
                events: r.events.iter().map(|e| e.as_str()).collect(),
                secret: r.secret.expose().to_string(),
            })
            .collect()
    }

    /// Every webhook delivery attempt so far, in order.
    pub fn webhook_deliveries(&self) -> Vec<WebhookRecord> {
        self.shared.lock().epayment.webhooks.record.clone()
    }

    /// Webhook deliveries still queued (waiting, late, or retrying).
    pub fn webhooks_pending(&self) -> usize {
        self.shared.lock().epayment.webhooks.pending()
    }

    /// When the next queued webhook is due, if one is.
    pub fn next_webhook_due(&self) -> Option<appswitch_core::foundation::time::Timestamp> {
        self.shared.lock().epayment.webhooks.next_due()
    }
}

type Ctl = State<SimControl>;

/// `GET /_sim/epayments`.
pub(crate) async fn list(State(c): Ctl) -> Json<Vec<EpaymentView>> {
    Json(c.epayments())
}

/// `GET /_sim/epayments/{reference}`.
pub(crate) async fn get_one(State(c): Ctl, Path(reference): Path<String>) -> Response {
    match c.epayment(&reference) {
        Some(v) => Json(v).into_response(),
        None => ControlError::UnknownOrder(reference).into_response(),
    }
}

/// `POST /_sim/epayments/{reference}/faults`.
pub(crate) async fn set_faults(
    State(c): Ctl,
    Path(reference): Path<String>,
    Json(f): Json<Faults>,
) -> Response {
    match c.set_epayment_faults(&reference, f) {
        Ok(()) => get_one(State(c), Path(reference)).await,
        Err(e) => e.into_response(),
    }
}

/// The body of `POST /_sim/epayments/{reference}/shopper`.
#[derive(Deserialize)]
pub(crate) struct ShopperBody {
    choice: ShopperChoice,
}

/// `POST /_sim/epayments/{reference}/shopper`.
pub(crate) async fn shopper(
    State(c): Ctl,
    Path(reference): Path<String>,
    Json(b): Json<ShopperBody>,
) -> Response {
    match c.epayment_shopper(&reference, b.choice).await {
        Ok(o) => Json(o).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /_sim/webhooks`.
pub(crate) async fn webhooks(State(c): Ctl) -> Response {
    Json(serde_json::json!({
        "registrations": c.webhook_registrations(),
        "deliveries": c.webhook_deliveries(),
        "pending": c.webhooks_pending(),
    }))
    .into_response()
}
