//! The mutation plan: one capture, cancel or refund, from the first send
//! to done or failed.

use serde::{Deserialize, Serialize};

use super::action::{
    Confirmation, DetailsCheck, MutationAction, MutationDone, MutationFailure, MutationKind,
    MutationRequest,
};
use super::answer::{PlanEvent, Problem, ProviderAnswer};
use super::key::IdempotencyKey;
use super::order_rates::OrderRates;
use super::pacer::{CallKind, Pacer, Start};
use super::policy::{MutationPolicy, PolicyError};
use super::routing::{self, PlanDecisions};
use crate::foundation::money::Amount;
use crate::foundation::request::RequestId;
use crate::foundation::retry::{ErrorClass, RetryAfter};
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::limits::RateLimitedApi;
use crate::providers::vipps_ecom::order_id::OrderId;
use crate::providers::vipps_ecom::{
    Attempt, Effect, MerchantSerialNumber, OperationError, OperationRequest, OperationResponse,
    OperationStatus, PaymentDetails, SentOperation, check_cancel, check_capture, check_refund,
    endpoints,
};
use crate::status::PaymentStatus;

/// Everything a plan knows that must survive a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PlanState {
    kind: MutationKind,
    order_id: String,
    idempotency_key: IdempotencyKey,
    request: OperationRequest,
    /// What is known about the payment: the caller's status, merged with
    /// every details answer.
    status: PaymentStatus,
    /// The next request to make.
    next: CallKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<Problem>,
    /// A request whose outcome is unknown may have reached the provider.
    #[serde(default)]
    maybe_applied: bool,
    pacer: Pacer,
    /// What the operation does to the history, and what was known before
    /// it was first sent: how a details check recognises its effect.
    /// (Absent in snapshots written before it existed; see
    /// [`PlanState::sent_effect`].)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sent: Option<SentEffect>,
    /// When the operation was first sent, by the caller's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    began_at: Option<Timestamp>,
}

/// What a plan's operation does, and the totals known before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SentEffect {
    operation: SentOperation,
    captured_before: Amount,
    refunded_before: Amount,
}

impl SentEffect {
    fn new(operation: SentOperation, status: &PaymentStatus) -> SentEffect {
        let a = status.amounts();
        SentEffect {
            operation,
            captured_before: a.captured,
            refunded_before: a.refunded,
        }
    }
}

/// A sans-io plan for one capture, cancel or refund: it hands out
/// "send this request with this key", "check the payment details first",
/// "wait until t", and finally "done" or "failed". See the
/// [module documentation](super) for the drain rule and an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MutationPlan {
    state: PlanState,
    finished: Option<Result<MutationDone, MutationFailure>>,
}

impl MutationPlan {
    /// A capture of `amount` (`None`: everything that remains), after the
    /// amount rules ([`check_capture`]) on `status`, what is known about
    /// the payment.
    pub fn capture(
        order_id: &OrderId,
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        amount: Option<Amount>,
        transaction_text: &str,
        key: IdempotencyKey,
    ) -> Result<MutationPlan, OperationError> {
        let request = OperationRequest::capture(msn, status, amount, transaction_text)?;
        // What the provider will capture: for no amount, all that remains.
        let amount = check_capture(status, amount)?;
        Ok(MutationPlan::new(
            MutationKind::Capture,
            order_id,
            request,
            status,
            key,
            SentOperation::Capture { amount },
        ))
    }

    /// A cancel, after [`check_cancel`] on `status` without
    /// `shouldReleaseRemainingFunds`: refused once anything is captured.
    ///
    /// A payment `status` already shows cancelled is not cancelled again:
    /// the plan checks the details first, and is done when they show the
    /// `VOID` or `CANCEL` (if they do not, it is refused with
    /// [`OperationError::AlreadyCancelled`]: nothing is sent against what
    /// the caller knows).
    pub fn cancel(
        order_id: &OrderId,
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        transaction_text: &str,
        key: IdempotencyKey,
    ) -> Result<MutationPlan, OperationError> {
        MutationPlan::cancel_with(order_id, msn, status, transaction_text, key, false)
    }

    /// A cancel with `"shouldReleaseRemainingFunds": true`, after
    /// [`check_cancel`]: after a partial capture it releases what remains
    /// reserved (allowed since April 2022, eCom API changelog; Vipps eCom
    /// API guide, "Cancelling a partially captured order"). Like
    /// [`cancel`](Self::cancel) otherwise.
    pub fn cancel_releasing_remaining_funds(
        order_id: &OrderId,
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        transaction_text: &str,
        key: IdempotencyKey,
    ) -> Result<MutationPlan, OperationError> {
        MutationPlan::cancel_with(order_id, msn, status, transaction_text, key, true)
    }

    fn cancel_with(
        order_id: &OrderId,
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        transaction_text: &str,
        key: IdempotencyKey,
        release: bool,
    ) -> Result<MutationPlan, OperationError> {
        let build = |status: &PaymentStatus| {
            if release {
                OperationRequest::cancel_releasing_remaining_funds(msn, status, transaction_text)
            } else {
                OperationRequest::cancel(msn, status, transaction_text)
            }
        };
        let (request, check_first) = match build(status) {
            Ok(request) => (request, false),
            // "A cancel of an already-cancelled payment is done, not
            // repeated": the details confirm it before anything is sent.
            // The body is built (its text checked) against a payment with
            // no facts, which every cancel rule allows.
            Err(OperationError::AlreadyCancelled { .. }) => {
                (build(&PaymentStatus::initiated())?, true)
            }
            Err(e) => return Err(e),
        };
        let mut plan = MutationPlan::new(
            MutationKind::Cancel,
            order_id,
            request,
            status,
            key,
            SentOperation::Cancel,
        );
        if check_first {
            plan.state.next = CallKind::Check;
        }
        Ok(plan)
    }

    /// A refund of `amount`, after [`check_refund`] on `status` at `now`.
    pub fn refund(
        order_id: &OrderId,
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        amount: Amount,
        transaction_text: &str,
        key: IdempotencyKey,
        now: Timestamp,
    ) -> Result<MutationPlan, OperationError> {
        let request = OperationRequest::refund(msn, status, amount, transaction_text, now)?;
        Ok(MutationPlan::new(
            MutationKind::Refund,
            order_id,
            request,
            status,
            key,
            SentOperation::Refund { amount },
        ))
    }

    fn new(
        kind: MutationKind,
        order_id: &OrderId,
        request: OperationRequest,
        status: &PaymentStatus,
        key: IdempotencyKey,
        operation: SentOperation,
    ) -> MutationPlan {
        let seed = key.jitter_seed();
        MutationPlan {
            state: PlanState {
                kind,
                order_id: order_id.as_str().to_string(),
                idempotency_key: key,
                request,
                status: status.clone(),
                next: CallKind::Send,
                last: None,
                maybe_applied: false,
                pacer: Pacer::new(MutationPolicy::vipps(), seed),
                sent: Some(SentEffect::new(operation, status)),
                began_at: None,
            },
            finished: None,
        }
    }

    /// The same plan with another policy.
    pub fn with_policy(mut self, policy: MutationPolicy) -> Result<MutationPlan, PolicyError> {
        policy.validate()?;
        self.state.pacer.policy = policy;
        Ok(self)
    }

    /// The same plan, counting the calls already made for this order (the
    /// [`rates`](Self::rates) of an earlier plan on it).
    #[must_use]
    pub fn with_rates(mut self, rates: OrderRates) -> MutationPlan {
        self.state.pacer.rates = rates;
        self
    }

    /// The calls this plan (and the ones before it) made for the order.
    pub fn rates(&self) -> &OrderRates {
        &self.state.pacer.rates
    }

    /// The `X-Request-Id` of every try.
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.state.idempotency_key
    }

    /// Which operation.
    pub fn kind(&self) -> MutationKind {
        self.state.kind
    }

    /// The order.
    pub fn order_id(&self) -> &str {
        &self.state.order_id
    }

    /// What is known about the payment: the caller's status merged with
    /// every details answer.
    pub fn status(&self) -> &PaymentStatus {
        &self.state.status
    }

    /// The next thing to do at `now`. After a `Send` or `CheckDetails`,
    /// make that request and [`handle`](Self::handle) its outcome; the
    /// plan says `WaitUntil` while it is in flight.
    pub fn poll(&mut self, now: Timestamp) -> MutationAction {
        routing::time_out(self, now);
        if let Some(result) = &self.finished {
            return match result {
                Ok(done) => MutationAction::Done(done.clone()),
                Err(failure) => MutationAction::Failed(failure.clone()),
            };
        }
        let call = self.state.next;
        let api = match call {
            CallKind::Send => self.state.kind.api(),
            CallKind::Check => RateLimitedApi::GetPaymentDetails,
        };
        match self.state.pacer.start(call, api, now) {
            Start::Now(id) => {
                if call == CallKind::Send {
                    self.state.began_at.get_or_insert(now);
                }
                self.request(call, id)
            }
            Start::Wait(at) => MutationAction::WaitUntil(at),
            Start::Exhausted => {
                self.give_up();
                self.poll(now)
            }
        }
    }

    fn request(&self, call: CallKind, id: RequestId) -> MutationAction {
        let s = &self.state;
        let policy = &s.pacer.policy;
        match call {
            CallKind::Send => MutationAction::Send(MutationRequest {
                id,
                kind: s.kind,
                method: s.kind.method(),
                path: s.kind.path(&s.order_id),
                idempotency_key: s.idempotency_key.clone(),
                body: s.request.clone(),
                attempt: s.pacer.sends,
                connect_timeout: policy.connect_timeout,
                read_timeout: policy.read_timeout,
            }),
            CallKind::Check => MutationAction::CheckDetails(DetailsCheck {
                id,
                order_id: s.order_id.clone(),
                path: endpoints::details(&s.order_id),
                connect_timeout: policy.connect_timeout,
                read_timeout: policy.read_timeout,
            }),
        }
    }

    /// Feeds the outcome of a request in. Never panics; events for
    /// requests that are not in flight are ignored, except a late answer
    /// that proves the operation went through.
    pub fn handle(&mut self, event: PlanEvent, now: Timestamp) {
        routing::handle(self, event, now);
    }

    /// Reads an HTTP answer to request `id` (as a details response if `id`
    /// was a details check, as an operation response otherwise) and
    /// [`handle`](Self::handle)s it. `retry_after` is the raw header.
    pub fn handle_http(
        &mut self,
        id: RequestId,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
        now: Timestamp,
    ) {
        let expected = self.state.pacer.expected(id, super::Expected::Operation);
        let answer = ProviderAnswer::from_http(expected, status, retry_after, body);
        self.handle(PlanEvent::Answer { id, answer }, now);
    }

    /// Whether an operation response is this plan's operation on its order.
    fn confirms(&self, resp: &OperationResponse) -> Result<(), String> {
        let expected = match self.state.kind {
            MutationKind::Capture => OperationStatus::Captured,
            MutationKind::Cancel => OperationStatus::Cancelled,
            MutationKind::Refund => OperationStatus::Refund,
        };
        if resp.order_id != self.state.order_id {
            Err(format!(
                "`orderId` is {:?}, not {:?}",
                resp.order_id, self.state.order_id
            ))
        } else if resp.transaction_info.status != expected {
            Err(format!(
                "`status` is {:?}, not {:?}",
                resp.transaction_info.status.as_str(),
                expected.as_str()
            ))
        } else {
            Ok(())
        }
    }

    /// The history searched for this plan's operation.
    fn attempt(&self) -> Attempt<'_> {
        let s = &self.state;
        let sent = s.sent_effect();
        Attempt {
            operation: sent.operation,
            request_id: s.idempotency_key.as_str(),
            began_at: s.began_at,
            clock_skew: s.pacer.policy.clock_skew,
            captured_before: sent.captured_before,
            refunded_before: sent.refunded_before,
        }
    }

    /// Vipps eCom API "Exception handling" guide: after a timeout or PSP error, the history decides whether
    /// the operation already happened — by the entry with this plan's
    /// `X-Request-Id`, or by its effect where the history carries no key
    /// ([`PaymentDetails::effect_of`]). Done (or failed) if so; otherwise
    /// sent again with the same key, if the amount rules still allow.
    fn on_details(&mut self, details: &PaymentDetails, now: Timestamp) {
        self.state.pacer.checked();
        let facts = details.to_status();
        self.state.status = self.state.status.clone().merge(&facts);
        match details.effect_of(&self.attempt()) {
            Effect::Applied { entry, .. } => {
                let entry = entry.clone();
                self.done(facts, Confirmation::History { entry });
            }
            Effect::Unsuccessful { entry } => {
                let failure = MutationFailure::UnsuccessfulInHistory {
                    kind: self.state.kind,
                    entry: entry.clone(),
                };
                self.finished = Some(Err(failure));
            }
            Effect::NotApplied => {
                self.state.maybe_applied = false;
                match self.rules_allow(now) {
                    Ok(()) => self.state.next = CallKind::Send,
                    Err(error) => {
                        let kind = self.state.kind;
                        self.finished = Some(Err(MutationFailure::Refused { kind, error }));
                    }
                }
            }
        }
    }

    /// The amount rules on what is known now, before a retry.
    fn rules_allow(&self, now: Timestamp) -> Result<(), OperationError> {
        let s = &self.state;
        match s.kind {
            MutationKind::Capture => {
                check_capture(&s.status, s.request.transaction.amount).map(|_| ())
            }
            MutationKind::Cancel => check_cancel(
                &s.status,
                s.request.should_release_remaining_funds == Some(true),
            ),
            MutationKind::Refund => check_refund(
                &s.status,
                s.request.transaction.amount.unwrap_or(Amount::ZERO),
                now,
            ),
        }
    }

    fn done(&mut self, facts: PaymentStatus, confirmation: Confirmation) {
        let s = &mut self.state;
        s.status = s.status.clone().merge(&facts);
        s.pacer.take_any();
        self.finished = Some(Ok(MutationDone {
            kind: s.kind,
            order_id: s.order_id.clone(),
            idempotency_key: s.idempotency_key.clone(),
            status: facts,
            confirmation,
            sends: s.pacer.sends,
        }));
    }

    fn give_up(&mut self) {
        let s = &self.state;
        let last = s.last.clone().unwrap_or(Problem::Unusable {
            status: 0,
            reason: "no answer recorded".to_string(),
        });
        self.finished = Some(Err(MutationFailure::GaveUp {
            kind: s.kind,
            idempotency_key: s.idempotency_key.clone(),
            sends: s.pacer.sends,
            checks: s.pacer.checks,
            last,
            maybe_applied: s.maybe_applied,
        }));
    }

    /// After [`MutationFailure::GaveUp`]: carry on with fresh budgets
    /// (the rate limits still count), checking the details first. Does
    /// nothing to a plan that has not given up.
    pub fn resume(&mut self) {
        if let Some(Err(MutationFailure::GaveUp { .. })) = &self.finished {
            self.finished = None;
            self.state = self.state.resumed();
        }
    }

    /// How the plan ended, once it has.
    pub fn result(&self) -> Option<&Result<MutationDone, MutationFailure>> {
        self.finished.as_ref()
    }

    pub(crate) fn state(&self) -> &PlanState {
        &self.state
    }

    pub(crate) fn is_gave_up(&self) -> bool {
        matches!(self.finished, Some(Err(MutationFailure::GaveUp { .. })))
    }

    pub(crate) fn from_state(mut state: PlanState) -> Result<MutationPlan, PolicyError> {
        state.pacer.policy.validate()?;
        if state.sent.is_none() {
            state.sent = Some(state.sent_effect());
        }
        // The answer to the request in flight never comes: its outcome is
        // unknown, so the details are checked first.
        if let Some(f) = state.pacer.take_any() {
            state.maybe_applied |= f.call == CallKind::Send;
            state.next = CallKind::Check;
        }
        Ok(MutationPlan {
            state,
            finished: None,
        })
    }
}

impl PlanDecisions for MutationPlan {
    fn pacer_mut(&mut self) -> &mut Pacer {
        &mut self.state.pacer
    }

    fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    fn on_success(
        &mut self,
        call: CallKind,
        answer: ProviderAnswer,
        now: Timestamp,
    ) -> Result<(), String> {
        match (call, answer) {
            (CallKind::Send, ProviderAnswer::Operation(resp)) => {
                self.confirms(&resp)?;
                self.done(resp.to_status(), Confirmation::Response);
                Ok(())
            }
            (CallKind::Check, ProviderAnswer::Details(details)) => {
                if details.order_id != self.state.order_id {
                    return Err(format!("details of order {:?}", details.order_id));
                }
                self.on_details(&details, now);
                Ok(())
            }
            (
                CallKind::Send,
                ProviderAnswer::Initiated(_)
                | ProviderAnswer::Details(_)
                | ProviderAnswer::Error { .. }
                | ProviderAnswer::Unreadable { .. },
            ) => Err(format!("not an answer to a {}", self.state.kind)),
            (
                CallKind::Check,
                ProviderAnswer::Operation(_)
                | ProviderAnswer::Initiated(_)
                | ProviderAnswer::Error { .. }
                | ProviderAnswer::Unreadable { .. },
            ) => Err("not a details response".to_string()),
        }
    }

    /// What to do after a request failed, by the error model's class.
    fn on_problem(
        &mut self,
        call: CallKind,
        started: Timestamp,
        problem: Problem,
        retry_after: Option<RetryAfter>,
        now: Timestamp,
    ) {
        let class = problem.class();
        let pacer = &mut self.state.pacer;
        match class {
            ErrorClass::RetryLater => {
                match retry_after {
                    Some(ra) => pacer.wait_until(call, ra.until(now)),
                    None => pacer.back_off(call, started),
                }
                self.state.next = call;
            }
            ErrorClass::CheckThenRetry => {
                // The details check goes first, at once; a retry of the
                // operation waits out the backoff.
                pacer.back_off(call, started);
                if call == CallKind::Send {
                    self.state.maybe_applied = true;
                }
                self.state.next = CallKind::Check;
            }
            ErrorClass::Final | ErrorClass::NewOrderId => {
                self.finished = Some(Err(MutationFailure::Provider {
                    kind: self.state.kind,
                    problem,
                    during_check: call == CallKind::Check,
                }));
                return;
            }
        }
        self.state.last = Some(problem);
    }

    /// A late answer to a request the plan stopped waiting for: only a
    /// proof that the operation went through is used.
    fn on_late_answer(&mut self, id: RequestId, answer: ProviderAnswer) {
        match answer {
            ProviderAnswer::Operation(resp) if self.state.pacer.was_send(id) => {
                if self.confirms(&resp).is_ok() {
                    self.done(resp.to_status(), Confirmation::Response);
                }
            }
            ProviderAnswer::Details(details) if details.order_id == self.state.order_id => {
                if let Effect::Applied { entry, .. } = details.effect_of(&self.attempt()) {
                    let entry = entry.clone();
                    self.done(details.to_status(), Confirmation::History { entry });
                }
            }
            ProviderAnswer::Operation(_)
            | ProviderAnswer::Details(_)
            | ProviderAnswer::Initiated(_)
            | ProviderAnswer::Error { .. }
            | ProviderAnswer::Unreadable { .. } => {}
        }
    }
}

impl PlanState {
    pub(crate) fn idempotency_key(&self) -> &IdempotencyKey {
        &self.idempotency_key
    }

    /// What the operation does to the history. A snapshot written before
    /// this was kept gives it from its request and its facts: the capture
    /// or refund amount sent (a capture of everything: what remains), and
    /// what was captured and refunded when the snapshot was taken.
    fn sent_effect(&self) -> SentEffect {
        if let Some(sent) = self.sent {
            return sent;
        }
        let amount = self.request.transaction.amount;
        let operation = match self.kind {
            MutationKind::Capture => SentOperation::Capture {
                amount: amount.unwrap_or(self.status.amounts().remaining_to_capture),
            },
            MutationKind::Refund => SentOperation::Refund {
                amount: amount.unwrap_or(Amount::ZERO),
            },
            MutationKind::Cancel => SentOperation::Cancel,
        };
        SentEffect::new(operation, &self.status)
    }

    /// The state a resumed plan starts from: details first, fresh budgets.
    pub(crate) fn resumed(&self) -> PlanState {
        let mut s = self.clone();
        s.next = CallKind::Check;
        s.pacer.reset_budgets();
        s
    }
}
