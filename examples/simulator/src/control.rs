//! The control surface: the clock, faults, the simulated shopper, and what
//! was recorded — as a Rust handle ([`SimControl`]) and as HTTP under
//! `/_sim` (for tests in other languages):
//!
//! | request | body | answer |
//! |---|---|---|
//! | `GET /_sim/clock` | | `{"nowMs", "timeScale"}` |
//! | `POST /_sim/clock/advance` | `{"ms": 300000}` | `{"nowMs", "timeScale"}`, after everything due has happened |
//! | `GET /_sim/faults` | | the run's [`Faults`] |
//! | `POST /_sim/faults` | [`Faults`] | the same; applies to orders initiated from now on (and to the token and initiate endpoints) |
//! | `GET /_sim/orders` | | `[OrderView]`, oldest orderId first |
//! | `GET /_sim/orders/{orderId}` | | [`OrderView`]: state, faults, the recorded calls and callbacks, the details |
//! | `POST /_sim/orders/{orderId}/faults` | [`Faults`] | the order's [`OrderView`] |
//! | `POST /_sim/orders/{orderId}/shopper` | `{"choice": "approve" \| "reject" \| "fail"}` | `{"back": "redirect" \| "intentClose" \| "appClosed", "redirect": url?}` |
//! | `GET /_sim/record` | | [`GlobalRecord`]: tokens issued, unauthorized calls, unknown orders |
//! | `POST /_sim/reset` | | forgets every order and token; faults back to the run's |

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::providers::vipps_ecom::PaymentDetails;
use appswitch_core::status::StatusName;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::faults::Faults;
use crate::landing::{Back, Refusal, decide_by_order};
use crate::payment::{Choice, Payment, Phase};
use crate::record::OrderRecord;
use crate::state::{GlobalRecord, Shared};

/// One order as the simulator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    /// The `orderId`.
    pub order_id: String,
    /// The state of the payment, as the status document names it: what the
    /// history proves, and the timeout (which the history does not show).
    pub status: StatusName,
    /// `awaitingShopper`, `reservePending` or `done`.
    pub phase: &'static str,
    /// The amount initiated.
    pub amount: Amount,
    /// `isApp` was true (the answer was a `vippsMT://` deeplink).
    pub is_app: bool,
    /// An express checkout.
    pub express: bool,
    /// When it was initiated (simulated ms).
    pub created_at_ms: u64,
    /// When the shopper opened the link, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_at_ms: Option<u64>,
    /// When it times out unless the shopper decides (simulated ms).
    pub deadline_ms: u64,
    /// The page the shopper opens over HTTP: the landing page, or the
    /// deeplink's stand-in `/deeplink?token=…`.
    pub shopper_url: String,
    /// The order's faults (their counters as they are now).
    pub faults: Faults,
    /// What was recorded.
    pub record: OrderRecord,
    /// The details response as the merchant would get it now.
    pub details: PaymentDetails,
}

impl OrderView {
    fn of(p: &Payment, base_url: &str) -> Self {
        OrderView {
            order_id: p.order_id().to_string(),
            status: p.state().name(),
            phase: match p.phase {
                Phase::AwaitingShopper => "awaitingShopper",
                Phase::ReservePending => "reservePending",
                Phase::Done => "done",
            },
            amount: p.amount(),
            is_app: p.request.merchant_info.is_app == Some(true),
            express: p.request.is_express(),
            created_at_ms: p.created_at.as_millis(),
            opened_at_ms: p.opened_at.map(|t| t.as_millis()),
            deadline_ms: p.deadline().as_millis(),
            shopper_url: if p.request.merchant_info.is_app == Some(true) {
                format!("{base_url}/deeplink?token={}", p.token)
            } else {
                format!(
                    "{base_url}/dwo-api-application/v1/deeplink/vippsgateway?v=2&token={}",
                    p.token
                )
            },
            faults: p.faults.clone(),
            record: p.record.clone(),
            details: p.details(true),
        }
    }
}

/// What the simulated shopper does, through the control surface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShopperChoice {
    /// Approve the payment.
    Approve,
    /// Reject it in the app.
    Reject,
    /// The card is refused.
    Fail,
}

/// Where the shopper went after deciding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopperOutcome {
    /// `redirect`, `intentClose` or `appClosed`.
    pub back: &'static str,
    /// The fallback URL with `status` appended, for `redirect`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
}

/// Why the control surface refused a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// No order with this `orderId`.
    #[error("no order `{0}` in the simulator")]
    UnknownOrder(String),
    /// The faults are not valid.
    #[error("invalid faults: {0}")]
    InvalidFaults(String),
    /// The shopper can no longer decide: the time ran out.
    #[error("order `{0}` timed out; the shopper can no longer decide")]
    Expired(String),
    /// The shopper already decided.
    #[error("order `{0}` is already decided")]
    AlreadyDecided(String),
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let status = match self {
            ControlError::UnknownOrder(_) => StatusCode::NOT_FOUND,
            ControlError::InvalidFaults(_) => StatusCode::BAD_REQUEST,
            ControlError::Expired(_) | ControlError::AlreadyDecided(_) => StatusCode::CONFLICT,
        };
        (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response()
    }
}

/// A handle to a running simulator's control surface. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SimControl {
    pub(crate) shared: Arc<Shared>,
}

impl SimControl {
    /// The simulated time now.
    pub fn now(&self) -> appswitch_core::foundation::time::Timestamp {
        self.shared.now()
    }

    /// Moves the clock forward and lets everything that became due happen
    /// (timeouts, late reservations, delayed callbacks — the callbacks are
    /// sent before this returns).
    pub async fn advance(&self, by: Duration) -> appswitch_core::foundation::time::Timestamp {
        self.shared.clock.advance(by);
        self.shared.tick().await;
        self.shared.now()
    }

    /// The run's faults (for orders initiated from now on).
    pub fn faults(&self) -> Faults {
        self.shared.lock().faults.clone()
    }

    /// Sets the run's faults.
    pub fn set_faults(&self, faults: Faults) -> Result<(), ControlError> {
        faults.validate().map_err(ControlError::InvalidFaults)?;
        self.shared.lock().faults = faults;
        Ok(())
    }

    /// Sets one order's faults.
    pub fn set_order_faults(&self, order_id: &str, faults: Faults) -> Result<(), ControlError> {
        faults.validate().map_err(ControlError::InvalidFaults)?;
        let mut inner = self.shared.lock();
        let p = inner
            .orders
            .get_mut(order_id)
            .ok_or_else(|| ControlError::UnknownOrder(order_id.to_string()))?;
        p.faults = faults;
        Ok(())
    }

    /// One order, if the simulator has it.
    pub fn order(&self, order_id: &str) -> Option<OrderView> {
        let inner = self.shared.lock();
        inner
            .orders
            .get(order_id)
            .map(|p| OrderView::of(p, &self.shared.base_url))
    }

    /// Every order.
    pub fn orders(&self) -> Vec<OrderView> {
        let inner = self.shared.lock();
        inner
            .orders
            .values()
            .map(|p| OrderView::of(p, &self.shared.base_url))
            .collect()
    }

    /// Calls not tied to one order.
    pub fn record(&self) -> GlobalRecord {
        self.shared.lock().record.clone()
    }

    /// The shopper decides (as on the landing page, without HTML).
    pub async fn shopper(
        &self,
        order_id: &str,
        choice: ShopperChoice,
    ) -> Result<ShopperOutcome, ControlError> {
        let choice = match choice {
            ShopperChoice::Approve => Choice::Approve,
            ShopperChoice::Reject => Choice::Reject,
            ShopperChoice::Fail => Choice::Fail,
        };
        let id = order_id.to_string();
        match decide_by_order(&self.shared, order_id, choice).await {
            Ok(Back::Redirect(url)) => Ok(ShopperOutcome {
                back: "redirect",
                redirect: Some(url),
            }),
            Ok(Back::IntentClose) => Ok(ShopperOutcome {
                back: "intentClose",
                redirect: None,
            }),
            Ok(Back::AppClosed) => Ok(ShopperOutcome {
                back: "appClosed",
                redirect: None,
            }),
            Err(Some(Refusal::Expired)) => Err(ControlError::Expired(id)),
            Err(Some(Refusal::AlreadyDecided)) => Err(ControlError::AlreadyDecided(id)),
            Err(None) => Err(ControlError::UnknownOrder(id)),
        }
    }

    /// Forgets every order and token; the run's faults go back to the
    /// configured ones.
    pub fn reset(&self) {
        let mut inner = self.shared.lock();
        inner.orders.clear();
        inner.landing.clear();
        inner.access_tokens.clear();
        inner.faults = self.shared.config.faults.clone();
        inner.record = GlobalRecord::default();
        inner.epayment = crate::epayment::EpState::default();
    }
}

type Ctl = State<SimControl>;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClockView {
    now_ms: u64,
    time_scale: f64,
}

fn clock_view(c: &SimControl) -> Json<ClockView> {
    Json(ClockView {
        now_ms: c.now().as_millis(),
        time_scale: c.shared.clock.scale(),
    })
}

/// `GET /_sim/clock`.
pub(crate) async fn get_clock(State(c): Ctl) -> Json<ClockView> {
    clock_view(&c)
}

/// The body of `POST /_sim/clock/advance`.
#[derive(Deserialize)]
pub(crate) struct Advance {
    ms: u64,
}

/// `POST /_sim/clock/advance`.
pub(crate) async fn advance(State(c): Ctl, Json(a): Json<Advance>) -> Json<ClockView> {
    c.advance(Duration::from_millis(a.ms)).await;
    clock_view(&c)
}

/// `GET /_sim/faults`.
pub(crate) async fn get_faults(State(c): Ctl) -> Json<Faults> {
    Json(c.faults())
}

/// `POST /_sim/faults`.
pub(crate) async fn set_faults(State(c): Ctl, Json(f): Json<Faults>) -> Response {
    match c.set_faults(f) {
        Ok(()) => Json(c.faults()).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /_sim/orders`.
pub(crate) async fn list_orders(State(c): Ctl) -> Json<Vec<OrderView>> {
    Json(c.orders())
}

/// `GET /_sim/orders/{orderId}`.
pub(crate) async fn get_order(State(c): Ctl, Path(id): Path<String>) -> Response {
    match c.order(&id) {
        Some(v) => Json(v).into_response(),
        None => ControlError::UnknownOrder(id).into_response(),
    }
}

/// `POST /_sim/orders/{orderId}/faults`.
pub(crate) async fn set_order_faults(
    State(c): Ctl,
    Path(id): Path<String>,
    Json(f): Json<Faults>,
) -> Response {
    match c.set_order_faults(&id, f) {
        Ok(()) => get_order(State(c), Path(id)).await,
        Err(e) => e.into_response(),
    }
}

/// The body of `POST /_sim/orders/{orderId}/shopper`.
#[derive(Deserialize)]
pub(crate) struct ShopperBody {
    choice: ShopperChoice,
}

/// `POST /_sim/orders/{orderId}/shopper`.
pub(crate) async fn shopper(
    State(c): Ctl,
    Path(id): Path<String>,
    Json(b): Json<ShopperBody>,
) -> Response {
    match c.shopper(&id, b.choice).await {
        Ok(o) => Json(o).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /_sim/record`.
pub(crate) async fn record(State(c): Ctl) -> Json<GlobalRecord> {
    Json(c.record())
}

/// `POST /_sim/reset`.
pub(crate) async fn reset(State(c): Ctl) -> StatusCode {
    c.reset();
    StatusCode::NO_CONTENT
}
