//! Capture, cancel and refund — decided by appswitch-core, done here.
//!
//! Every mutation runs a core [`MutationPlan`]: the amount rules before
//! anything is sent, an idempotency key (`X-Request-Id`) kept across
//! retries — and, because it is stored before the first request, across a
//! crash of the backend too — and after a read timeout or `5xx` "check the
//! details first, then retry with the same key" (Vipps eCom API "Exception handling" guide). The backend
//! only does the requests the plan hands out and feeds the answers back.
//!
//! Operations run under the order's provider lease. The merchant's own
//! ones are driven by the merchant's request; the clean-ups a basket's
//! checkout session asks for ([`crate::sessions`]) are driven by the
//! watcher, which also settles a merchant's operation whose driver died
//! (from the provider's history of that key).

use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::request::RequestId;
use appswitch_core::foundation::retry::ErrorClass;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::checkout::{CheckoutSession, SlowPaymentPolicy};
use appswitch_core::merchant::mutation::{
    Confirmation, HttpMethod, IdempotencyKey, IdempotencyKeyError, InitiateAction, InitiateFailure,
    InitiatePlan, MutationAction, MutationDone, MutationFailure, MutationKind, MutationPlan,
    MutationPolicy, NewOrderId, OrderRates, PlanEvent, PolicyError,
};
use appswitch_core::providers::vipps_ecom::order_id::{OrderId, OrderIdError};
use appswitch_core::providers::vipps_ecom::{
    InitiateRequest, InitiateResponse, OperationError, PaymentDetails, check_capture,
};
use appswitch_core::providers::vipps_epayment::{ModificationError, ReferenceError};

use crate::app::App;
use crate::check::ProviderView;
use crate::plan_driver::{self, ProviderPlan, Step};
use crate::provider::ProviderError;
use crate::provider_api::ProviderApi;
use crate::store::{EventSource, NewEvent, OperationState, StoreError, StoredOperation};
use crate::util::wall_millis;

/// Why a capture, cancel or refund did not happen (or is not known to).
#[derive(Debug, thiserror::Error)]
pub enum MutationError {
    /// The core's amount rules refuse it before any call.
    #[error(transparent)]
    Rule(#[from] OperationError),
    /// The plan ended without the operation: the provider refused it, or
    /// the plan gave up with the outcome open (repeat with the same
    /// `Idempotency-Key` later: it checks the details first).
    #[error(transparent)]
    Plan(#[from] MutationFailure),
    /// The `Idempotency-Key` cannot be an `X-Request-Id`.
    #[error(transparent)]
    Key(#[from] IdempotencyKeyError),
    /// ePayment: the core's rules refuse it before any call.
    #[error(transparent)]
    EpaymentRule(#[from] ModificationError),
    /// ePayment: the `Idempotency-Key` cannot be the provider's.
    #[error("`Idempotency-Key`: {0}")]
    EpaymentKey(ReferenceError),
    /// ePayment: the provider refused, or did not answer after every send
    /// (the outcome is open: repeat with the same `Idempotency-Key`).
    #[error(transparent)]
    Provider(ProviderError),
    /// The order's id is not an `orderId` (cannot happen for orders this
    /// backend made).
    #[error(transparent)]
    OrderId(#[from] OrderIdError),
    /// The configured [`MutationPolicy`] is not usable.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The order is not (or no longer) stored.
    #[error("no order `{0}`")]
    NoOrder(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl MutationError {
    /// Whether the operation is refused for good (a rule, a key that is
    /// not one, the provider's final answer), rather than open.
    pub(crate) fn is_refused(&self) -> bool {
        match self {
            MutationError::Rule(_)
            | MutationError::EpaymentRule(_)
            | MutationError::Key(_)
            | MutationError::EpaymentKey(_)
            | MutationError::NoOrder(_)
            | MutationError::Plan(MutationFailure::Refused { .. }) => true,
            MutationError::Provider(e) => e.epayment_class(false) == ErrorClass::Final,
            MutationError::Plan(_)
            | MutationError::OrderId(_)
            | MutationError::Policy(_)
            | MutationError::Store(_) => false,
        }
    }
}

/// A capture, cancel or refund the shop asks for.
#[derive(Clone, Debug)]
pub(crate) struct Mutation {
    pub(crate) kind: MutationKind,
    /// Capture: `None` for everything that remains. Refund: required.
    pub(crate) amount: Option<Amount>,
    pub(crate) text: String,
    /// The idempotency key, kept across retries.
    pub(crate) key: IdempotencyKey,
}

/// What a mutation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Done {
    /// The amount the operation moved.
    pub(crate) amount: Amount,
    /// Whether the provider's history showed the operation made with this
    /// key (an answer that was lost), rather than a `200` answering it.
    pub(crate) from_history: bool,
}

/// The plans' numbers: the core's, with the backend's timeouts.
pub(crate) fn policy(app: &App) -> MutationPolicy {
    MutationPolicy {
        connect_timeout: app.config.connect_timeout,
        read_timeout: app.config.read_timeout,
        ..app.config.mutation_policy
    }
}

/// Carries out `m` on the order with a core [`MutationPlan`], under the
/// order's lease, given the details just fetched, and merges what it
/// proves.
pub(crate) async fn mutate(
    app: &App,
    order_id: &str,
    m: &Mutation,
    view: Option<&ProviderView>,
) -> Result<Done, MutationError> {
    let order = app
        .order(order_id)
        .await?
        .ok_or_else(|| MutationError::NoOrder(order_id.to_string()))?;
    match order.order.provider_api {
        ProviderApi::Ecom => mutate_ecom(app, order, m, view.and_then(ProviderView::ecom)).await,
        ProviderApi::Epayment => {
            let payment = view.and_then(ProviderView::epayment);
            crate::epayment::operations::mutate(app, &order, m, payment).await
        }
    }
}

/// [`mutate`] for an eCom order.
async fn mutate_ecom(
    app: &App,
    order: crate::store::StoredOrder,
    m: &Mutation,
    details: Option<&PaymentDetails>,
) -> Result<Done, MutationError> {
    let order_id = order.order.order_id.as_str();
    // A repeat of a request whose answer was lost: the history already
    // shows the operation with this key (the plan's own check, made before
    // the amount rules would refuse the operation as done already).
    if let Some(entry) = details
        .and_then(|d| d.entry_for_request(m.key.as_str()))
        .filter(|e| e.operation_success)
    {
        return Ok(Done {
            amount: entry.amount,
            from_history: true,
        });
    }
    let status = order.state.status.clone();
    let oid = OrderId::new(order_id.to_string())?;
    let msn = &app.client.config().msn;
    let key = m.key.clone();
    let (plan, amount) = match m.kind {
        MutationKind::Capture => (
            MutationPlan::capture(&oid, msn, &status, m.amount, &m.text, key)?,
            check_capture(&status, m.amount)?,
        ),
        MutationKind::Cancel => (
            MutationPlan::cancel(&oid, msn, &status, &m.text, key)?,
            order.order.amount,
        ),
        MutationKind::Refund => {
            let amount = m.amount.unwrap_or(Amount::ZERO);
            let plan = MutationPlan::refund(
                &oid,
                msn,
                &status,
                amount,
                &m.text,
                key,
                app.config.clock.now(),
            )?;
            (plan, amount)
        }
    };
    let plan = plan.with_policy(policy(app))?;
    let done = drive(app, plan).await?;
    let event = NewEvent {
        source: EventSource::Operation,
        accepted: true,
        detail: serde_json::json!({
            "operation": m.kind.as_str(),
            "idempotencyKey": m.key.as_str(),
            "status": done.status,
        })
        .to_string(),
    };
    app.merge(order_id, &done.status, event, true).await?;
    Ok(match done.confirmation {
        Confirmation::History { entry } => Done {
            amount: entry.amount,
            from_history: true,
        },
        Confirmation::Response => Done {
            amount,
            from_history: false,
        },
    })
}

/// Runs a capture, cancel or refund plan ([`plan_driver::run`]), starting
/// from the order's calls in their rate windows — its polling's and
/// earlier plans' ([`App::order_rates`]).
async fn drive(app: &App, plan: MutationPlan) -> Result<MutationDone, MutationFailure> {
    let order_id = plan.order_id().to_string();
    let plan = plan.with_rates(app.order_rates(&order_id));
    plan_driver::run(app, &order_id, plan).await
}

impl ProviderPlan for MutationPlan {
    type End = Result<MutationDone, MutationFailure>;

    fn step(&mut self, now: Timestamp) -> Step<Self::End> {
        match self.poll(now) {
            MutationAction::Send(req) => Step::Call {
                id: req.id,
                method: req.method,
                path: req.path,
                body: Some(serde_json::to_string(&req.body).unwrap_or_default()),
                key: Some(req.idempotency_key.as_str().to_string()),
                read_timeout: req.read_timeout,
            },
            MutationAction::CheckDetails(check) => {
                details_check(check.id, check.path, check.read_timeout)
            }
            MutationAction::WaitUntil(t) => Step::Wait(t),
            MutationAction::Done(done) => Step::End(Ok(done)),
            MutationAction::Failed(failure) => Step::End(Err(failure)),
        }
    }

    fn handle_http(
        &mut self,
        id: RequestId,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
        now: Timestamp,
    ) {
        MutationPlan::handle_http(self, id, status, retry_after, body, now);
    }

    fn handle(&mut self, event: PlanEvent, now: Timestamp) {
        MutationPlan::handle(self, event, now);
    }

    fn rates(&self) -> &OrderRates {
        MutationPlan::rates(self)
    }
}

/// Runs an initiate plan (eCom): sends the initiate, and after a read
/// timeout, a `5xx` or an unreadable answer checks whether the order
/// exists before the `orderId` is given up — "The initiate call is not
/// idempotent" (Vipps eCom API guide, "Payment retries"), so it is never
/// sent twice with one `orderId` unless an answer proved nothing was made.
pub(crate) async fn drive_initiate(
    app: &App,
    request: InitiateRequest,
    seed: u64,
) -> Result<InitiateResponse, InitiateOutcome> {
    let order_id = request.transaction.order_id.as_str().to_string();
    // A shopper waits for this answer: two sends at most (the provider's
    // two initiates per orderId a minute), then a new orderId or an error.
    let quick = MutationPolicy {
        max_sends: 2,
        ..policy(app)
    };
    let plan = InitiatePlan::new(request, seed)
        .with_policy(quick)
        .map_err(|e| InitiateOutcome::Policy(e.to_string()))?;
    plan_driver::run(app, &order_id, plan).await
}

impl ProviderPlan for InitiatePlan {
    type End = Result<InitiateResponse, InitiateOutcome>;

    fn step(&mut self, now: Timestamp) -> Step<Self::End> {
        match self.poll(now) {
            InitiateAction::Send(send) => Step::Call {
                id: send.id,
                method: HttpMethod::Post,
                path: send.path,
                body: Some(serde_json::to_string(&send.body).unwrap_or_default()),
                key: None,
                read_timeout: send.read_timeout,
            },
            InitiateAction::CheckDetails(check) => {
                details_check(check.id, check.path, check.read_timeout)
            }
            InitiateAction::WaitUntil(t) => Step::Wait(t),
            InitiateAction::Initiated(answer) => Step::End(Ok(answer)),
            InitiateAction::NewOrderId(n) => Step::End(Err(InitiateOutcome::NewOrderId(n))),
            InitiateAction::Failed(f) => Step::End(Err(InitiateOutcome::Failed(f))),
        }
    }

    fn handle_http(
        &mut self,
        id: RequestId,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
        now: Timestamp,
    ) {
        InitiatePlan::handle_http(self, id, status, retry_after, body, now);
    }

    fn handle(&mut self, event: PlanEvent, now: Timestamp) {
        InitiatePlan::handle(self, event, now);
    }

    fn rates(&self) -> &OrderRates {
        InitiatePlan::rates(self)
    }
}

/// A plan's details check: `GET path`, no body, no key.
fn details_check<End>(id: RequestId, path: String, read_timeout: Duration) -> Step<End> {
    Step::Call {
        id,
        method: HttpMethod::Get,
        path,
        body: None,
        key: None,
        read_timeout,
    }
}

/// How an initiate plan ended without a payment link.
#[derive(Debug)]
pub(crate) enum InitiateOutcome {
    /// Its `orderId` cannot be used again: what became of it, and why.
    NewOrderId(NewOrderId),
    /// Refused for good, or given up with nothing created.
    Failed(InitiateFailure),
    /// The configured policy is not usable.
    Policy(String),
}

/// The session of `basket_id`, made on first use: a late approval is
/// issued anyway (the demo shop sells things that keep), and an attempt is
/// watched for ten minutes.
pub(crate) fn new_session(basket_id: &str) -> CheckoutSession {
    CheckoutSession::new(
        basket_id,
        SlowPaymentPolicy::tickets(appswitch_core::providers::vipps_ecom::limits::PAYMENT_WINDOW),
    )
}

/// How long a clean-up that failed waits before the watcher tries again.
const CLEAN_UP_RETRY: Duration = Duration::from_secs(30);

/// The watcher's work on one pending operation of a leased order:
/// clean-ups are carried out; a merchant's operation (whose request died
/// with its instance) is settled from the provider's history of its key —
/// done if the history shows it, otherwise it never happened.
pub(crate) async fn settle_pending(
    app: &App,
    pending: &StoredOperation,
    view: Option<&ProviderView>,
) -> Result<(), StoreError> {
    let op = &pending.op;
    let now = wall_millis();
    let Ok(key) = IdempotencyKey::new(op.key.clone()) else {
        return app
            .store
            .finish_operation(
                &op.order_id,
                &op.key,
                OperationState::Refused,
                "\"not a key\"",
                now,
                None,
            )
            .await;
    };
    match op.origin {
        crate::store::OperationOrigin::Merchant => {
            let found = match view {
                None => None,
                Some(ProviderView::Ecom(details)) => Some(
                    details
                        .entry_for_request(key.as_str())
                        .filter(|e| e.operation_success)
                        .map(|e| e.amount),
                ),
                Some(ProviderView::Epayment(_)) => {
                    crate::epayment::operations::from_log(app, &op.order_id, key.as_str())
                        .await
                        .ok()
                }
            };
            let Some(found) = found else {
                // The provider did not answer: look again later.
                let retry = now.saturating_add(crate::app::millis(CLEAN_UP_RETRY));
                return app
                    .store
                    .finish_operation(
                        &op.order_id,
                        &op.key,
                        OperationState::Pending,
                        "null",
                        now,
                        Some(retry),
                    )
                    .await;
            };
            let (state, answer) = match found {
                Some(amount) => (
                    OperationState::Done,
                    serde_json::json!({"settledFromHistory": true, "amount": amount}),
                ),
                None => (
                    OperationState::Refused,
                    serde_json::json!({"error": "not carried out: the backend stopped before the provider confirmed it, and the provider's history shows no operation with this key"}),
                ),
            };
            app.store
                .finish_operation(&op.order_id, &op.key, state, &answer.to_string(), now, None)
                .await
        }
        crate::store::OperationOrigin::CleanUp => {
            let m = Mutation {
                kind: op.kind,
                amount: op.amount,
                text: op.text.clone(),
                key,
            };
            match mutate(app, &op.order_id, &m, view).await {
                Ok(done) => {
                    let answer = serde_json::json!({"amount": done.amount, "fromHistory": done.from_history});
                    app.store
                        .finish_operation(
                            &op.order_id,
                            &op.key,
                            OperationState::Done,
                            &answer.to_string(),
                            now,
                            None,
                        )
                        .await
                }
                Err(e) if e.is_refused() => {
                    tracing::info!(
                        "order {}: clean-up {} refused: {e}",
                        op.order_id,
                        op.kind.as_str()
                    );
                    let answer = serde_json::json!({"error": e.to_string()});
                    app.store
                        .finish_operation(
                            &op.order_id,
                            &op.key,
                            OperationState::Refused,
                            &answer.to_string(),
                            now,
                            None,
                        )
                        .await
                }
                Err(e) => {
                    tracing::warn!(
                        "order {}: clean-up {} failed, trying again later: {e}",
                        op.order_id,
                        op.kind.as_str()
                    );
                    let retry = now.saturating_add(crate::app::millis(CLEAN_UP_RETRY));
                    let answer = serde_json::json!({"error": e.to_string()});
                    app.store
                        .finish_operation(
                            &op.order_id,
                            &op.key,
                            OperationState::Pending,
                            &answer.to_string(),
                            now,
                            Some(retry),
                        )
                        .await
                }
            }
        }
    }
}
