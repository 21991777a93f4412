//! One simulated ePayment payment: its state, its aggregate and its event
//! log, changed as the ePayment API guide's "Payment states" diagram
//! allows, with appswitch-core's own amount rules
//! ([`check_capture`], [`check_cancel`], [`check_refund`]).
//!
//! | from | what happens | state | event |
//! |---|---|---|---|
//! | — | the merchant creates it | `CREATED` | `CREATED` |
//! | `CREATED` | the shopper approves (or force approve) | `AUTHORIZED` | `AUTHORIZED` |
//! | `CREATED` | the card is refused: the shopper may try again | `CREATED` | `AUTHORIZED`, `success: false` |
//! | `CREATED` | the shopper rejects | `ABORTED` | `ABORTED` |
//! | `CREATED` | 5 + 5 minutes pass | `EXPIRED` | `EXPIRED` |
//! | `CREATED` | the merchant cancels | `TERMINATED` | `TERMINATED` |
//! | `AUTHORIZED` | the merchant captures (partly) | `AUTHORIZED` | `CAPTURED` |
//! | `AUTHORIZED` | the merchant refunds (partly) | `AUTHORIZED` | `REFUNDED` |
//! | `AUTHORIZED` | the merchant cancels the rest | `AUTHORIZED` | `CANCELLED` |
//!
//! Nothing here does I/O or reads a clock: every change takes `now` and
//! returns the events it logged; the caller sends their webhooks.

use std::collections::HashMap;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::limits::{APP_WINDOW, DEEPLINK_VALIDITY};
use appswitch_core::providers::vipps_epayment::{
    Aggregate, CreatePaymentRequest, GetPaymentResponse, ModificationError, ModificationResponse,
    Money, PaymentEvent, PaymentEventName, PaymentMethodResponse, ProfileResponse, State,
    check_cancel, check_capture, check_refund,
};

use super::problem::ProblemAnswer as Problem;
// The shopper's choices are eCom's: approve, reject, a refused card (which
// here leaves the payment waiting: "`WALLET` payments include retry
// functionality").
use crate::faults::Faults;
pub(crate) use crate::payment::Choice;
use crate::record::RecordedCall;

/// Where the shopper is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// The landing page or the app is waiting.
    AwaitingShopper,
    /// Approved; the authorization comes later (fault `reserveLateMs`).
    AuthorizePending,
    /// The shopper's part is over.
    Done,
}

/// An idempotent request's first answer.
#[derive(Clone, Debug)]
pub(crate) struct Replay {
    /// What was asked (endpoint and body), to spot a conflicting retry.
    pub(crate) request: String,
    /// The answer given.
    pub(crate) answer: Result<ModificationResponse, Problem>,
}

/// What the simulator recorded for one ePayment payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpaymentRecord {
    /// Every API call for the payment.
    pub calls: Vec<RecordedCall>,
    /// Captures, cancels and refunds carried out (not counting replays).
    pub modifications: u32,
    /// Requests answered from an earlier one with the same key.
    pub idempotent_replays: u32,
}

/// One payment.
#[derive(Debug)]
pub(crate) struct EpPayment {
    pub(crate) request: CreatePaymentRequest,
    pub(crate) idempotency_key: String,
    pub(crate) token: String,
    pub(crate) created_at: Timestamp,
    pub(crate) opened_at: Option<Timestamp>,
    pub(crate) phase: Phase,
    pub(crate) state: State,
    authorized: Amount,
    cancelled: Amount,
    captured: Amount,
    refunded: Amount,
    pub(crate) events: Vec<PaymentEvent>,
    pub(crate) replays: HashMap<String, Replay>,
    pub(crate) faults: Faults,
    pub(crate) authorize_at: Option<Timestamp>,
    pub(crate) record: EpaymentRecord,
    psp: u64,
}

impl EpPayment {
    /// A payment created at `now`; logs `CREATED`.
    pub(crate) fn new(
        request: CreatePaymentRequest,
        idempotency_key: String,
        token: String,
        now: Timestamp,
        faults: Faults,
    ) -> EpPayment {
        let mut p = EpPayment {
            request,
            idempotency_key,
            token,
            created_at: now,
            opened_at: None,
            phase: Phase::AwaitingShopper,
            state: State::Created,
            authorized: Amount::ZERO,
            cancelled: Amount::ZERO,
            captured: Amount::ZERO,
            refunded: Amount::ZERO,
            events: Vec::new(),
            replays: HashMap::new(),
            faults,
            authorize_at: None,
            record: EpaymentRecord::default(),
            psp: 0,
        };
        let key = p.idempotency_key.clone();
        p.log(
            PaymentEventName::Created,
            p.amount().value,
            now,
            Some(&key),
            true,
        );
        p
    }

    pub(crate) fn reference(&self) -> &str {
        self.request.reference.as_str()
    }

    pub(crate) fn amount(&self) -> Money {
        self.request.amount
    }

    fn money(&self, value: Amount) -> Money {
        Money::of(self.amount().currency, value)
    }

    /// Logs an event and returns it.
    fn log(
        &mut self,
        name: PaymentEventName,
        value: Amount,
        now: Timestamp,
        key: Option<&str>,
        success: bool,
    ) -> PaymentEvent {
        self.psp += 1;
        let event = PaymentEvent {
            reference: self.reference().to_string(),
            psp_reference: Some(format!(
                "{}-{}",
                self.token.get(..8).unwrap_or("psp"),
                self.psp
            )),
            name,
            amount: self.money(value),
            timestamp: Some(now),
            idempotency_key: key.map(str::to_string),
            success,
        };
        self.events.push(event.clone());
        event
    }

    /// The new events since `from` (an index into the log).
    pub(crate) fn events_since(&self, from: usize) -> Vec<PaymentEvent> {
        self.events
            .get(from..)
            .map(<[_]>::to_vec)
            .unwrap_or_default()
    }

    pub(crate) fn aggregate(&self) -> Aggregate {
        Aggregate::of(
            self.amount().currency,
            self.authorized,
            self.cancelled,
            self.captured,
            self.refunded,
        )
    }

    /// When it expires unless the shopper decides: five minutes to open
    /// the link, then five more (knowledge base, "Timeouts").
    pub(crate) fn deadline(&self) -> Timestamp {
        match self.opened_at {
            Some(opened) => opened + APP_WINDOW,
            None => self.created_at + DEEPLINK_VALIDITY,
        }
    }

    /// The earliest thing due: the deadline while waiting, or a late
    /// authorization.
    pub(crate) fn next_due(&self) -> Option<Timestamp> {
        match self.phase {
            Phase::AwaitingShopper => Some(self.deadline()),
            Phase::AuthorizePending => self.authorize_at,
            Phase::Done => None,
        }
    }

    /// Lets time act at `now`: expires the payment or makes the late
    /// authorization. Returns the events logged.
    pub(crate) fn tick(&mut self, now: Timestamp) -> Vec<PaymentEvent> {
        let from = self.events.len();
        match self.phase {
            Phase::AwaitingShopper if now >= self.deadline() => {
                let at = self.deadline();
                self.phase = Phase::Done;
                self.state = State::Expired;
                self.log(
                    PaymentEventName::Expired,
                    self.amount().value,
                    at,
                    None,
                    true,
                );
            }
            Phase::AuthorizePending if self.authorize_at.is_some_and(|t| now >= t) => {
                let at = self.authorize_at.unwrap_or(now);
                self.authorize(at);
            }
            Phase::AwaitingShopper | Phase::AuthorizePending | Phase::Done => {}
        }
        self.events_since(from)
    }

    fn authorize(&mut self, now: Timestamp) {
        self.phase = Phase::Done;
        self.authorize_at = None;
        self.state = State::Authorized;
        self.authorized = self.amount().value;
        self.log(
            PaymentEventName::Authorized,
            self.authorized,
            now,
            None,
            true,
        );
    }

    /// The shopper's `choice` at `now`. `Err` when the shopper can no
    /// longer decide (`true`: the time ran out).
    pub(crate) fn decide(
        &mut self,
        choice: Choice,
        now: Timestamp,
        late: Option<Duration>,
    ) -> Result<Vec<PaymentEvent>, bool> {
        if self.phase != Phase::AwaitingShopper {
            return Err(false);
        }
        if now >= self.deadline() {
            return Err(true);
        }
        if self.opened_at.is_none() {
            self.opened_at = Some(now);
        }
        let from = self.events.len();
        match (choice, late) {
            (Choice::Approve, Some(late)) => {
                self.phase = Phase::AuthorizePending;
                self.authorize_at = Some(now + late);
            }
            (Choice::Approve, None) => self.authorize(now),
            (Choice::Reject, _) => {
                self.phase = Phase::Done;
                self.state = State::Aborted;
                self.log(
                    PaymentEventName::Aborted,
                    self.amount().value,
                    now,
                    None,
                    true,
                );
            }
            (Choice::Fail, _) => {
                self.log(
                    PaymentEventName::Authorized,
                    self.amount().value,
                    now,
                    None,
                    false,
                );
            }
        }
        Ok(self.events_since(from))
    }

    /// The get payment response.
    pub(crate) fn get_payment(&self, base_url: &str) -> GetPaymentResponse {
        GetPaymentResponse {
            aggregate: self.aggregate(),
            amount: self.amount(),
            state: self.state.clone(),
            payment_method: Some(PaymentMethodResponse {
                kind: self.request.payment_method.kind,
                card_bin: (self.state == State::Authorized).then(|| "540185".to_string()),
            }),
            profile: Some(ProfileResponse::default()),
            psp_reference: Some(self.token.clone()),
            redirect_url: (self.phase == Phase::AwaitingShopper)
                .then(|| super::landing::landing_url(base_url, &self.token)),
            reference: self.reference().to_string(),
            metadata: self.request.metadata.clone(),
        }
    }

    fn modification(&self) -> ModificationResponse {
        ModificationResponse {
            amount: self.amount(),
            state: self.state.clone(),
            aggregate: self.aggregate(),
            psp_reference: Some(self.token.clone()),
            reference: self.reference().to_string(),
        }
    }

    /// `POST …/capture`.
    pub(crate) fn capture(
        &mut self,
        requested: Money,
        key: &str,
        now: Timestamp,
    ) -> (Result<ModificationResponse, Problem>, Vec<PaymentEvent>) {
        let checked = check_capture(self.amount(), &self.state, &self.aggregate(), requested)
            .map_err(|e| rule_problem(&e, "capture"));
        self.adjust(
            checked.map(|_| PaymentEventName::Captured),
            requested,
            key,
            now,
        )
    }

    /// `POST …/refund`.
    pub(crate) fn refund(
        &mut self,
        requested: Money,
        key: &str,
        now: Timestamp,
    ) -> (Result<ModificationResponse, Problem>, Vec<PaymentEvent>) {
        let checked = check_refund(self.amount(), &self.state, &self.aggregate(), requested)
            .map_err(|e| rule_problem(&e, "refund"));
        self.adjust(
            checked.map(|_| PaymentEventName::Refunded),
            requested,
            key,
            now,
        )
    }

    /// Carries out a checked capture or refund of `requested`.
    fn adjust(
        &mut self,
        checked: Result<PaymentEventName, Problem>,
        requested: Money,
        key: &str,
        now: Timestamp,
    ) -> (Result<ModificationResponse, Problem>, Vec<PaymentEvent>) {
        let from = self.events.len();
        let answer = checked.map(|name| {
            let total = if name == PaymentEventName::Captured {
                &mut self.captured
            } else {
                &mut self.refunded
            };
            *total = total.checked_add(requested.value).unwrap_or(*total);
            self.log(name, requested.value, now, Some(key), true);
            self.record.modifications += 1;
            self.modification()
        });
        (answer, self.events_since(from))
    }

    /// `POST …/cancel`: before authorization it terminates the payment;
    /// after, it releases what was not captured (unless
    /// `cancelTransactionOnly`).
    pub(crate) fn cancel(
        &mut self,
        transaction_only: bool,
        key: &str,
        now: Timestamp,
    ) -> (Result<ModificationResponse, Problem>, Vec<PaymentEvent>) {
        let from = self.events.len();
        let answer = check_cancel(&self.state, &self.aggregate())
            .map_err(|e| rule_problem(&e, "cancel"))
            .map(|_| {
                if self.state == State::Created {
                    self.phase = Phase::Done;
                    self.authorize_at = None;
                    self.state = State::Terminated;
                    self.cancelled = self.amount().value;
                    self.log(
                        PaymentEventName::Terminated,
                        self.cancelled,
                        now,
                        Some(key),
                        true,
                    );
                    self.record.modifications += 1;
                } else if !transaction_only {
                    let rest = self.aggregate().capturable();
                    self.cancelled = self.cancelled.checked_add(rest).unwrap_or(self.cancelled);
                    self.log(PaymentEventName::Cancelled, rest, now, Some(key), true);
                    self.record.modifications += 1;
                }
                self.modification()
            });
        (answer, self.events_since(from))
    }

    /// Force approve: the shopper approves without the app.
    pub(crate) fn force_approve(&mut self, now: Timestamp) -> Result<Vec<PaymentEvent>, Problem> {
        self.decide(Choice::Approve, now, None).map_err(|expired| {
            Problem::new(
                400,
                "Approve failed",
                &format!(
                    "Force approve payment failed (this is only available in the test environment). Reason: {}.",
                    if expired { "the payment expired" } else { "the payment is not waiting for the user" }
                ),
            )
        })
    }
}

/// The provider's answer to a modification the core's rules refuse: the
/// ePayment FAQ's titles.
fn rule_problem(e: &ModificationError, what: &str) -> Problem {
    let title = match e {
        ModificationError::ZeroAmount => "Amount invalid",
        ModificationError::CurrencyMismatch { .. } => "Invalid currency",
        ModificationError::NotAuthorized { .. } if what == "capture" => {
            "Cannot capture before reservation"
        }
        ModificationError::NotAuthorized { .. } => "Attempted refund before reservation",
        ModificationError::CaptureTooHigh { .. } => "Capture amount too high",
        ModificationError::Cancelled { .. } => "Cannot capture a cancelled payment",
        ModificationError::RefundTooHigh { .. } => "Not enough refundable",
        ModificationError::FullyCaptured => "Cannot cancel a captured payment",
        ModificationError::AlreadyOver(_) => "Payment cannot be cancelled",
    };
    Problem::new(400, title, &e.to_string())
}
