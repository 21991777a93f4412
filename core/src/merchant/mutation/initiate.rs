//! The initiate plan: "The initiate call is not idempotent" (Vipps eCom API guide,
//! "Payment retries"), so a request whose outcome is unknown is never sent
//! again with the same `orderId`.

use serde::{Deserialize, Serialize};

use super::action::DetailsCheck;
use super::answer::{PlanEvent, Problem, ProviderAnswer};
use super::order_rates::OrderRates;
use super::pacer::{CallKind, Pacer, Start};
use super::policy::{MutationPolicy, PolicyError};
use super::routing::{self, PlanDecisions};
use crate::foundation::request::{RequestId, TransportErrorKind};
use crate::foundation::retry::{ErrorClass, RetryAfter};
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::limits::RateLimitedApi;
use crate::providers::vipps_ecom::{
    InitiateRequest, InitiateResponse, KnownErrorCode, Operation, PaymentDetails, endpoints,
};
use crate::status::PaymentStatus;

/// Send the initiate request: `POST` [`endpoints::INITIATE`] with `body`
/// as JSON. The outcome goes back through [`InitiatePlan::handle`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateSend {
    /// Echo this in the answer.
    pub id: RequestId,
    /// The path, after the provider's base URL.
    pub path: String,
    /// The JSON body.
    pub body: InitiateRequest,
    /// Which try this is (1 for the first; later tries only follow answers
    /// that prove nothing happened).
    pub attempt: u32,
    /// Give up connecting after this long.
    #[serde(with = "crate::foundation::time::serde_millis")]
    pub connect_timeout: core::time::Duration,
    /// Give up waiting for the answer after this long.
    #[serde(with = "crate::foundation::time::serde_millis")]
    pub read_timeout: core::time::Duration,
}

/// What became of the `orderId` that cannot be used again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "found")]
pub enum PreviousOrder {
    /// The provider has the order, and it is the one this plan sent: its
    /// `INITIATE` is for this amount and was logged after the plan first
    /// sent it (or the history does not say otherwise). The initiate went
    /// through but its answer (with the URL) was lost. Nobody can be sent
    /// to it, but a shopper may still pay it (a landing page prefilled with
    /// their number): keep it in the
    /// [checkout session](crate::merchant::checkout) until it settles, or
    /// cancel it.
    Exists {
        /// What its details show.
        status: PaymentStatus,
    },
    /// The provider has an order with this id, but not the one this plan
    /// sent: its `INITIATE` is for another amount, or was logged before the
    /// plan first sent its request. The `orderId` was taken by another
    /// payment — neither track nor cancel it on this payment's behalf.
    Foreign {
        /// What its details show.
        status: PaymentStatus,
    },
    /// The details check found no such order at that moment (`404`, or
    /// error 35 "Registered order not found"). A request still on its way
    /// could create it later, so it is not reused.
    NotFound,
    /// The provider says the `orderId` is taken: error 34 "Unique
    /// constraint violation of the order id".
    Taken,
    /// The check could not tell.
    Unknown,
}

/// Start again with a new `orderId`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderId {
    /// The `orderId` that must not be used again.
    pub previous: String,
    /// What the details check found about it.
    pub found: PreviousOrder,
    /// The answer that left the outcome unknown (or said the id is taken).
    pub because: Problem,
}

/// Why an initiate failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InitiateFailure {
    /// The provider refused it ([`ErrorClass::Final`]: a merchant or user
    /// error, bad credentials, …).
    #[error("the provider refused the initiate: {problem}")]
    Provider {
        /// The answer.
        problem: Problem,
    },
    /// Every try was answered "retry later" (rate limits, connection
    /// failures) until the policy's sends ran out. Nothing was created.
    #[error(
        "gave up on the initiate after {sends} sends (last problem: {last}); nothing was created"
    )]
    GaveUp {
        /// Tries made.
        sends: u32,
        /// The last answer.
        last: Problem,
    },
}

/// What the caller does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InitiateAction {
    /// Send the initiate request.
    Send(InitiateSend),
    /// Check whether the order exists before giving up its `orderId`.
    CheckDetails(DetailsCheck),
    /// Nothing to do before this instant (later than `now`).
    WaitUntil(Timestamp),
    /// The payment is initiated: send the shopper to `url`.
    Initiated(InitiateResponse),
    /// Start again with a new `orderId` (and a new plan).
    NewOrderId(NewOrderId),
    /// The initiate failed.
    Failed(InitiateFailure),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Finished {
    Initiated(InitiateResponse),
    NewOrderId(NewOrderId),
    Failed(InitiateFailure),
}

/// Everything an initiate plan knows that must survive a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InitiateState {
    order_id: String,
    request: InitiateRequest,
    next: CallKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<Problem>,
    pacer: Pacer,
    /// When the initiate was first sent, by the caller's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    began_at: Option<Timestamp>,
}

/// A sans-io plan for one initiate. It sends the request again only after
/// answers that prove nothing happened ([`ErrorClass::RetryLater`]: `429`,
/// error 98, a connection never made). After a read timeout, `5xx` or an
/// unreadable answer it checks whether the order exists and then says
/// [`InitiateAction::NewOrderId`]; error 34 says it at once.
///
/// ```
/// use appswitch_core::foundation::money::Amount;
/// use appswitch_core::merchant::mutation::*;
/// use appswitch_core::foundation::time::Timestamp;
/// use appswitch_core::shopper::tracker::TransportErrorKind;
/// use appswitch_core::providers::vipps_ecom::InitiateRequest;
///
/// let request = InitiateRequest::builder()
///     .merchant_serial_number("123456").order_id("shop-1042-a")
///     .amount(Amount::from_minor(20000)).transaction_text("Socks")
///     .callback_prefix("https://shop.example/vipps").fallback("https://shop.example/back")
///     .build().unwrap();
/// let now = Timestamp::from_millis(1_700_000_000_000);
/// let mut plan = InitiatePlan::new(request, 42);
/// let InitiateAction::Send(send) = plan.poll(now) else { panic!() };
/// plan.handle(PlanEvent::TransportError { id: send.id, kind: TransportErrorKind::ReadTimeout }, now);
/// // Never the same orderId again: check whether it exists first.
/// assert!(matches!(plan.poll(now), InitiateAction::CheckDetails(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitiatePlan {
    state: InitiateState,
    finished: Option<Finished>,
}

impl InitiatePlan {
    /// A plan for `request` (built with [`InitiateRequest::builder`], which
    /// checks it), with the backoff jitter seeded from `jitter_seed` (drawn
    /// by the caller).
    pub fn new(request: InitiateRequest, jitter_seed: u64) -> InitiatePlan {
        InitiatePlan {
            state: InitiateState {
                order_id: request.transaction.order_id.as_str().to_string(),
                request,
                next: CallKind::Send,
                last: None,
                pacer: Pacer::new(MutationPolicy::vipps(), jitter_seed),
                began_at: None,
            },
            finished: None,
        }
    }

    /// The same plan with another policy.
    pub fn with_policy(mut self, policy: MutationPolicy) -> Result<InitiatePlan, PolicyError> {
        policy.validate()?;
        self.state.pacer.policy = policy;
        Ok(self)
    }

    /// The calls made for this `orderId` so far.
    pub fn rates(&self) -> &OrderRates {
        &self.state.pacer.rates
    }

    /// The `orderId` being initiated.
    pub fn order_id(&self) -> &str {
        &self.state.order_id
    }

    /// The next thing to do at `now`.
    pub fn poll(&mut self, now: Timestamp) -> InitiateAction {
        routing::time_out(self, now);
        match &self.finished {
            Some(Finished::Initiated(r)) => return InitiateAction::Initiated(r.clone()),
            Some(Finished::NewOrderId(n)) => return InitiateAction::NewOrderId(n.clone()),
            Some(Finished::Failed(f)) => return InitiateAction::Failed(f.clone()),
            None => {}
        }
        let call = self.state.next;
        let api = match call {
            CallKind::Send => RateLimitedApi::InitiatePayment,
            CallKind::Check => RateLimitedApi::GetPaymentDetails,
        };
        let s = &self.state;
        let (connect_timeout, read_timeout) =
            (s.pacer.policy.connect_timeout, s.pacer.policy.read_timeout);
        match self.state.pacer.start(call, api, now) {
            Start::Now(id) => match call {
                CallKind::Send => {
                    self.state.began_at.get_or_insert(now);
                    InitiateAction::Send(InitiateSend {
                        id,
                        path: endpoints::INITIATE.to_string(),
                        body: self.state.request.clone(),
                        attempt: self.state.pacer.sends,
                        connect_timeout,
                        read_timeout,
                    })
                }
                CallKind::Check => InitiateAction::CheckDetails(DetailsCheck {
                    id,
                    order_id: self.state.order_id.clone(),
                    path: endpoints::details(&self.state.order_id),
                    connect_timeout,
                    read_timeout,
                }),
            },
            Start::Wait(at) => InitiateAction::WaitUntil(at),
            Start::Exhausted => {
                self.exhausted(call);
                self.poll(now)
            }
        }
    }

    /// Feeds the outcome of a request in. Never panics; events for requests
    /// not in flight are ignored.
    pub fn handle(&mut self, event: PlanEvent, now: Timestamp) {
        routing::handle(self, event, now);
    }

    /// Reads an HTTP answer to request `id` and [`handle`](Self::handle)s it.
    pub fn handle_http(
        &mut self,
        id: RequestId,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
        now: Timestamp,
    ) {
        let expected = self.state.pacer.expected(id, super::Expected::Initiated);
        let answer = ProviderAnswer::from_http(expected, status, retry_after, body);
        self.handle(PlanEvent::Answer { id, answer }, now);
    }

    fn exhausted(&mut self, call: CallKind) {
        match call {
            CallKind::Send => {
                let last = self.last_problem();
                self.finished = Some(Finished::Failed(InitiateFailure::GaveUp {
                    sends: self.state.pacer.sends,
                    last,
                }));
            }
            CallKind::Check => self.new_order_id(PreviousOrder::Unknown),
        }
    }

    fn last_problem(&self) -> Problem {
        self.state.last.clone().unwrap_or(Problem::Unusable {
            status: 0,
            reason: "no answer recorded".to_string(),
        })
    }

    fn new_order_id(&mut self, found: PreviousOrder) {
        self.state.pacer.take_any();
        self.finished = Some(Finished::NewOrderId(NewOrderId {
            previous: self.state.order_id.clone(),
            found,
            because: self.last_problem(),
        }));
    }

    pub(crate) fn state(&self) -> Option<&InitiateState> {
        self.finished.is_none().then_some(&self.state)
    }

    pub(crate) fn from_state(mut state: InitiateState) -> Result<InitiatePlan, PolicyError> {
        state.pacer.policy.validate()?;
        // A request in flight never gets its answer: an initiate whose
        // outcome is unknown is never repeated, so check the order.
        if state.pacer.take_any().is_some() {
            state.last.get_or_insert(Problem::Transport {
                error: TransportErrorKind::ReadTimeout,
            });
            state.next = CallKind::Check;
        }
        Ok(InitiatePlan {
            state,
            finished: None,
        })
    }
}

impl PlanDecisions for InitiatePlan {
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
        _now: Timestamp,
    ) -> Result<(), String> {
        match (call, answer) {
            (CallKind::Send, ProviderAnswer::Initiated(r)) if r.order_id == self.state.order_id => {
                self.finished = Some(Finished::Initiated(r));
                Ok(())
            }
            (CallKind::Send, ProviderAnswer::Initiated(r)) => Err(format!(
                "`orderId` is {:?}, not {:?}",
                r.order_id, self.state.order_id
            )),
            (CallKind::Check, ProviderAnswer::Details(d)) if d.order_id == self.state.order_id => {
                let status = d.to_status();
                let found = if self.is_ours(&d) {
                    PreviousOrder::Exists { status }
                } else {
                    PreviousOrder::Foreign { status }
                };
                self.new_order_id(found);
                Ok(())
            }
            (
                CallKind::Send,
                ProviderAnswer::Operation(_)
                | ProviderAnswer::Details(_)
                | ProviderAnswer::Error { .. }
                | ProviderAnswer::Unreadable { .. },
            ) => Err("not an initiate response".to_string()),
            (
                CallKind::Check,
                ProviderAnswer::Details(_)
                | ProviderAnswer::Operation(_)
                | ProviderAnswer::Initiated(_)
                | ProviderAnswer::Error { .. }
                | ProviderAnswer::Unreadable { .. },
            ) => Err("not the details of this order".to_string()),
        }
    }

    fn on_problem(
        &mut self,
        call: CallKind,
        started: Timestamp,
        problem: Problem,
        retry_after: Option<RetryAfter>,
        now: Timestamp,
    ) {
        if call == CallKind::Check && is_not_found(&problem) {
            return self.new_order_id(PreviousOrder::NotFound);
        }
        let class = problem.class();
        // The reason the orderId is given up is the operation's own
        // problem; a failing check does not replace it.
        if call == CallKind::Send {
            self.state.last = Some(problem.clone());
        }
        match (call, class) {
            // Nothing happened: the same request again, later.
            (_, ErrorClass::RetryLater) => match retry_after {
                Some(ra) => self.state.pacer.wait_until(call, ra.until(now)),
                None => self.state.pacer.back_off(call, started),
            },
            // Unknown outcome: never the same orderId again; see whether
            // it exists.
            (CallKind::Send, ErrorClass::CheckThenRetry) => self.state.next = CallKind::Check,
            // A failing check is tried again.
            (CallKind::Check, ErrorClass::CheckThenRetry) => {
                self.state.pacer.back_off(CallKind::Check, started);
            }
            (CallKind::Send, ErrorClass::NewOrderId) => self.new_order_id(PreviousOrder::Taken),
            (CallKind::Send, ErrorClass::Final) => {
                self.finished = Some(Finished::Failed(InitiateFailure::Provider { problem }));
            }
            // The check cannot be made (credentials, …): the old orderId
            // is still never reused.
            (CallKind::Check, ErrorClass::Final | ErrorClass::NewOrderId) => {
                self.new_order_id(PreviousOrder::Unknown);
            }
        }
    }

    /// Only the URL or a proof that the order exists would help, and an
    /// answer that came too late is not waited for: the plan has moved on.
    fn on_late_answer(&mut self, _id: RequestId, _answer: ProviderAnswer) {}
}

impl InitiatePlan {
    /// Whether the order the details show is the one this plan sent,
    /// judged by its effect (the history has no key for an initiate): an
    /// `INITIATE` entry for this amount, logged no earlier than the plan's
    /// first send less the allowed clock skew. An `INITIATE` for another
    /// amount, or only older ones, is another payment's; a history without
    /// any `INITIATE` (or without its time) cannot say otherwise and counts
    /// as this plan's.
    fn is_ours(&self, details: &PaymentDetails) -> bool {
        let s = &self.state;
        let amount = s.request.transaction.amount;
        let after = s
            .began_at
            .map(|t| t.saturating_sub(s.pacer.policy.clock_skew));
        let mut initiates = details
            .transaction_log_history
            .iter()
            .filter(|e| e.operation == Operation::Initiate)
            .peekable();
        if initiates.peek().is_none() {
            return true;
        }
        initiates.any(|e| {
            e.amount == amount
                && match (e.time_stamp, after) {
                    (Some(t), Some(after)) => t >= after,
                    (None, _) | (_, None) => true,
                }
        })
    }
}

/// The details check found no such order: `404`, or error 35
/// "Registered order not found".
fn is_not_found(problem: &Problem) -> bool {
    match problem {
        Problem::Http { status, body, .. } => {
            *status == 404
                || body
                    .as_ref()
                    .is_some_and(|b| b.known_codes().contains(&KnownErrorCode::OrderNotFound))
        }
        Problem::Transport { .. } | Problem::Unusable { .. } => false,
    }
}

impl InitiateState {
    pub(crate) fn order_id(&self) -> &str {
        &self.order_id
    }
}
