//! One simulated payment: its history, and the transitions of the Vipps eCom API guide's
//! "Payment states", decided with appswitch-core's own amount rules.
//!
//! Nothing here does I/O or reads a clock: every change takes `now` and
//! returns the callback to send, if any; the caller sends it.
//!
//! | from | event | history entry | callback |
//! |---|---|---|---|
//! | initiated | shopper approves | `RESERVE` (`SALE` with direct capture) | `RESERVED` (express: `RESERVE`; `SALE`) |
//! | initiated | shopper rejects in the app | `CANCEL` | `CANCELLED` |
//! | initiated | card refused | `RESERVE`, `operationSuccess: false` | `RESERVE_FAILED` |
//! | initiated | 5 + 5 minutes pass | none (the specification's `TransactionLogHistory.operation` has no `REJECTED`) | `REJECTED` |
//! | initiated | merchant cancels | `CANCEL` ("Cancelling a pending order") | — |
//! | reserved | merchant captures (partly) | `CAPTURE`, with the `X-Request-Id` as `requestId` | — |
//! | reserved | merchant cancels | `VOID`, no `requestId` (the cancel endpoint takes no `X-Request-Id`) | — |
//! | partly captured | merchant cancels with `shouldReleaseRemainingFunds` | `VOID` (eCom API changelog, April 2022) | — |
//! | captured | merchant refunds (partly) | `REFUND`, with the `X-Request-Id` | — |

use std::collections::HashMap;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::limits::{APP_WINDOW, DEEPLINK_VALIDITY};
use appswitch_core::providers::vipps_ecom::{
    Callback, CallbackStatus, CallbackTransactionInfo, EcomError, InitiateRequest, KnownErrorCode,
    LogEntry, Operation, OperationError, OperationInfo, OperationResponse, OperationStatus,
    PaymentDetails, ShippingDetails, ShippingOption, TransactionSummary, UserDetails, check_cancel,
    check_capture, check_refund,
};
use appswitch_core::status::{PaymentState, PaymentStatus};

use crate::errors::ProviderError;
use crate::faults::Faults;
use crate::record::OrderRecord;

/// Where the shopper is in the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Not decided yet: the landing page or the app is waiting.
    AwaitingShopper,
    /// The shopper approved; the reservation comes later (fault
    /// `reserveLateMs`).
    ReservePending,
    /// The shopper's part is over.
    Done,
}

/// What the shopper does on the landing page (or in the "app").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Choice {
    /// Approve: the amount is reserved.
    Approve,
    /// Reject in the app: the payment is cancelled by the user.
    Reject,
    /// The card is refused: the reservation fails.
    Fail,
}

/// A callback to send later, or a reservation to make later.
#[derive(Clone, Debug)]
pub(crate) enum Scheduled {
    /// Send this callback at `at`.
    Callback(Timestamp, Box<Callback>),
    /// Make the approved reservation at `at`.
    Reserve(Timestamp),
}

impl Scheduled {
    fn at(&self) -> Timestamp {
        match self {
            Scheduled::Callback(at, _) | Scheduled::Reserve(at) => *at,
        }
    }
}

/// An operation kind that can be replayed by `X-Request-Id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MutationKind {
    Capture,
    Cancel,
    Refund,
}

/// The answer given to a request with an idempotency key, kept for its
/// replays.
#[derive(Clone, Debug)]
pub(crate) struct Replay {
    kind: MutationKind,
    amount: Option<Amount>,
    pub(crate) answer: Result<OperationResponse, ProviderError>,
}

/// One payment, as the provider holds it.
#[derive(Debug)]
pub(crate) struct Payment {
    pub(crate) request: InitiateRequest,
    /// The landing page / deeplink token.
    pub(crate) token: String,
    pub(crate) created_at: Timestamp,
    pub(crate) opened_at: Option<Timestamp>,
    pub(crate) phase: Phase,
    /// Oldest first; served newest first.
    history: Vec<LogEntry>,
    /// "The `transactionSummary` will not be part of the response if the
    /// user not reacted to the Vipps landing page or app-switch."
    user_reacted: bool,
    /// The payment timed out. The history shows nothing of it (the
    /// provider writes no entry); the simulator's own view of the payment
    /// (control API, landing page) does.
    timed_out: bool,
    direct_capture: bool,
    pub(crate) shipping: Option<ShippingDetails>,
    /// Express with dynamic shipping: the options the merchant's
    /// shipping-details endpoint answered for the shopper's address.
    pub(crate) dynamic_shipping: Option<Vec<ShippingOption>>,
    pub(crate) user: Option<UserDetails>,
    replays: HashMap<String, Replay>,
    pub(crate) faults: Faults,
    pub(crate) scheduled: Vec<Scheduled>,
    pub(crate) record: OrderRecord,
}

impl Payment {
    /// A payment just initiated at `now`.
    pub(crate) fn new(
        request: InitiateRequest,
        token: String,
        now: Timestamp,
        transaction_id: String,
        faults: Faults,
        direct_capture: bool,
    ) -> Self {
        let mut p = Payment {
            token,
            created_at: now,
            opened_at: None,
            phase: Phase::AwaitingShopper,
            history: Vec::new(),
            user_reacted: false,
            timed_out: false,
            direct_capture,
            shipping: None,
            dynamic_shipping: None,
            user: None,
            replays: HashMap::new(),
            faults,
            scheduled: Vec::new(),
            record: OrderRecord::default(),
            request,
        };
        let amount = p.amount();
        p.log(Operation::Initiate, true, amount, now, transaction_id, None);
        p
    }

    pub(crate) fn order_id(&self) -> &str {
        self.request.transaction.order_id.as_str()
    }

    pub(crate) fn amount(&self) -> Amount {
        self.request.transaction.amount
    }

    pub(crate) fn is_express(&self) -> bool {
        self.request.is_express()
    }

    /// When the payment times out if the shopper does nothing more: five
    /// minutes to open the link, then five more in the app (Vipps eCom API guide,
    /// "Timeouts").
    pub(crate) fn deadline(&self) -> Timestamp {
        match self.opened_at {
            Some(opened) => opened + APP_WINDOW,
            None => self.created_at + DEEPLINK_VALIDITY,
        }
    }

    /// Whether the link can still be opened at `now`.
    pub(crate) fn link_valid(&self, now: Timestamp) -> bool {
        self.opened_at.is_some() || now < self.created_at + DEEPLINK_VALIDITY
    }

    /// The facts the history proves — the same derivation a merchant
    /// makes from the details response — and the timeout, which only the
    /// callback tells a merchant.
    pub(crate) fn status(&self) -> PaymentStatus {
        let s = self.details(false).to_status();
        if self.timed_out { s.with_rejected() } else { s }
    }

    pub(crate) fn state(&self) -> PaymentState {
        self.status().state()
    }

    fn log(
        &mut self,
        operation: Operation,
        success: bool,
        amount: Amount,
        now: Timestamp,
        transaction_id: String,
        request_id: Option<&str>,
    ) {
        self.history.push(LogEntry {
            operation,
            operation_success: success,
            amount,
            time_stamp: Some(now),
            transaction_id: Some(transaction_id),
            transaction_text: Some(self.request.transaction.transaction_text.clone()),
            request_id: Some(request_id.unwrap_or("").to_string()),
        });
    }

    fn summary(&self, with_bin: bool) -> TransactionSummary {
        let a = self.status().amounts();
        TransactionSummary {
            captured_amount: a.captured,
            remaining_amount_to_capture: a.remaining_to_capture,
            refunded_amount: a.refunded,
            remaining_amount_to_refund: a.remaining_to_refund,
            bank_identification_number: with_bin.then(|| "492560".to_string()),
        }
    }

    /// The details response (`GET …/details`).
    pub(crate) fn details(&self, with_summary: bool) -> PaymentDetails {
        PaymentDetails {
            order_id: self.order_id().to_string(),
            transaction_summary: (with_summary && self.user_reacted).then(|| self.summary(true)),
            transaction_log_history: self.history.iter().rev().cloned().collect(),
            sub: None,
            user_details: self.user.clone(),
            shipping_details: self.shipping.clone().map(|mut ship| {
                // The details response's address is the specification's
                // `Address`: the post code is `postCode` there.
                if let Some(address) = ship.address.as_mut() {
                    address.post_code = address.zip_code.take().or(address.post_code.take());
                }
                ship
            }),
        }
    }

    fn callback(&self, status: CallbackStatus, now: Timestamp, txn: String) -> Callback {
        // "errorInfo" (schema `Error`) says why a payment failed.
        let error_info = matches!(
            status,
            CallbackStatus::ReserveFailed | CallbackStatus::SaleFailed
        )
        .then(|| EcomError {
            error_group: KnownErrorCode::RefusedByIssuer.group(),
            error_code: KnownErrorCode::RefusedByIssuer.code().to_string(),
            error_message: KnownErrorCode::RefusedByIssuer.meaning().to_string(),
            context_id: None,
        });
        Callback {
            merchant_serial_number: self.request.merchant_info.merchant_serial_number.clone(),
            order_id: self.order_id().to_string(),
            transaction_info: CallbackTransactionInfo {
                amount: self.amount(),
                status,
                time_stamp: Some(now),
                transaction_id: Some(txn),
                transaction_text: None,
            },
            shipping_details: self.shipping.clone(),
            user_details: self.user.clone(),
            error_info,
        }
    }

    /// The shopper's choice at `now`; returns the callback the provider
    /// sends for it. With `reserve_late`, an approval only schedules the
    /// reservation.
    pub(crate) fn decide(
        &mut self,
        choice: Choice,
        now: Timestamp,
        txn: String,
        reserve_late: Option<Duration>,
    ) -> Option<Callback> {
        if self.is_express() && matches!(choice, Choice::Approve) {
            self.choose_express_details();
        }
        match (choice, reserve_late) {
            (Choice::Approve, Some(late)) => {
                self.phase = Phase::ReservePending;
                self.scheduled.push(Scheduled::Reserve(now + late));
                None
            }
            (Choice::Approve, None) => Some(self.reserve(now, txn)),
            (Choice::Reject, _) => {
                self.finish(now);
                let amount = self.amount();
                self.log(Operation::Cancel, true, amount, now, txn.clone(), None);
                Some(self.callback(CallbackStatus::Cancelled, now, txn))
            }
            (Choice::Fail, _) => {
                self.finish(now);
                let op = if self.direct_capture {
                    Operation::Sale
                } else {
                    Operation::Reserve
                };
                let amount = self.amount();
                self.log(op, false, amount, now, txn.clone(), None);
                let status = if self.direct_capture {
                    CallbackStatus::SaleFailed
                } else {
                    CallbackStatus::ReserveFailed
                };
                Some(self.callback(status, now, txn))
            }
        }
    }

    fn finish(&mut self, _now: Timestamp) {
        self.phase = Phase::Done;
        self.user_reacted = true;
    }

    /// Makes the reservation (or the direct-capture sale) at `now`.
    pub(crate) fn reserve(&mut self, now: Timestamp, txn: String) -> Callback {
        self.finish(now);
        let amount = self.amount();
        let status = if self.direct_capture {
            self.log(Operation::Sale, true, amount, now, txn.clone(), None);
            CallbackStatus::Sale
        } else {
            self.log(Operation::Reserve, true, amount, now, txn.clone(), None);
            if self.is_express() {
                CallbackStatus::Reserve
            } else {
                CallbackStatus::Reserved
            }
        };
        self.callback(status, now, txn)
    }

    /// The payment timed out at `now`: "User did not act on the payment
    /// (timeout, etc.)" — the `REJECTED` callback. The history gets no
    /// entry: the specification's `TransactionLogHistory.operation` is one
    /// of `INITIATE RESERVE SALE CAPTURE REFUND CANCEL VOID` (eCom API
    /// specification (OpenAPI), schema `TransactionLogHistory`).
    pub(crate) fn time_out(&mut self, now: Timestamp, txn: String) -> Callback {
        self.phase = Phase::Done;
        self.timed_out = true;
        self.callback(CallbackStatus::Rejected, now, txn)
    }

    /// Express: the shopper picks the default shipping option (or the
    /// first) — the merchant's static ones, or those its shipping-details
    /// endpoint answered — and shares the simulated profile.
    fn choose_express_details(&mut self) {
        let dynamic = self.dynamic_shipping.is_some();
        let options = self
            .dynamic_shipping
            .clone()
            .or_else(|| self.request.merchant_info.static_shipping_details.clone())
            .unwrap_or_default();
        let chosen = options
            .iter()
            .find(|o| o.is_default)
            .or(options.first())
            .cloned();
        self.shipping = Some(ShippingDetails {
            // The callback's address is the specification's
            // `AddressExpress`: the post code is `zipCode` there.
            address: Some(appswitch_core::providers::vipps_ecom::Address {
                address_id: dynamic.then_some(crate::shipping::ADDRESS_ID),
                address_line1: Some("Dronning Eufemias gate 42".into()),
                city: Some("Oslo".into()),
                country: Some("Norway".into()),
                zip_code: Some("0191".into()),
                ..Default::default()
            }),
            shipping_cost: chosen.as_ref().map_or(Amount::ZERO, |o| o.shipping_cost),
            shipping_method: Some(
                chosen
                    .as_ref()
                    .map_or("Simulated delivery".into(), |o| o.shipping_method.clone()),
            ),
            shipping_method_id: chosen.map(|o| o.shipping_method_id),
        });
        // The specification's `UserDetails` no longer has `bankIdVerified`.
        self.user = Some(UserDetails {
            email: Some("ada@example.com".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            mobile_number: Some("91234567".into()),
            user_id: Some("1234567".into()),
            ..Default::default()
        });
    }

    /// Takes the scheduled items due at `now`, oldest first.
    pub(crate) fn take_due(&mut self, now: Timestamp) -> Vec<Scheduled> {
        let (mut due, later): (Vec<_>, Vec<_>) =
            self.scheduled.drain(..).partition(|s| s.at() <= now);
        self.scheduled = later;
        due.sort_by_key(Scheduled::at);
        due
    }

    /// The earliest scheduled time, if any.
    pub(crate) fn next_due(&self) -> Option<Timestamp> {
        let scheduled = self.scheduled.iter().map(Scheduled::at).min();
        let timeout = (self.phase == Phase::AwaitingShopper).then(|| self.deadline());
        scheduled.into_iter().chain(timeout).min()
    }

    /// The replay of an earlier request with the same key: the same answer
    /// for the same operation and amount, error 93 for another amount.
    pub(crate) fn replay(
        &self,
        key: Option<&str>,
        kind: MutationKind,
        amount: Option<Amount>,
    ) -> Option<Result<OperationResponse, ProviderError>> {
        let r = self.replays.get(key?)?;
        if r.kind == kind && r.amount == amount {
            Some(r.answer.clone())
        } else {
            Some(Err(ProviderError::code(
                KnownErrorCode::IdempotentAmountMismatch,
            )))
        }
    }

    fn remember(
        &mut self,
        key: Option<&str>,
        kind: MutationKind,
        amount: Option<Amount>,
        answer: &Result<OperationResponse, ProviderError>,
    ) {
        if let Some(key) = key.filter(|k| !k.is_empty()) {
            self.replays.insert(
                key.to_string(),
                Replay {
                    kind,
                    amount,
                    answer: answer.clone(),
                },
            );
        }
    }

    fn response(
        &self,
        status: OperationStatus,
        amount: Amount,
        now: Timestamp,
        txn: String,
        text: &str,
    ) -> OperationResponse {
        // "paymentInstrument … Not included until a user has chosen and
        // approved in the app"; the refund response has none.
        let approved = self.status().reserved.is_some();
        OperationResponse {
            payment_instrument: (approved && status != OperationStatus::Refund)
                .then(|| "Visa".to_string()),
            order_id: self.order_id().to_string(),
            transaction_info: OperationInfo {
                amount,
                status,
                time_stamp: Some(now),
                transaction_id: Some(txn),
                transaction_text: Some(text.to_string()),
            },
            transaction_summary: Some(self.summary(false)),
        }
    }

    /// `POST …/capture`: `amount` `None` or zero captures what remains.
    pub(crate) fn capture(
        &mut self,
        amount: Option<Amount>,
        text: &str,
        key: Option<&str>,
        now: Timestamp,
        txn: String,
    ) -> Result<OperationResponse, ProviderError> {
        let amount = amount.filter(|a| !a.is_zero());
        if let Some(replay) = self.replay(key, MutationKind::Capture, amount) {
            self.record.idempotent_replays += 1;
            return replay;
        }
        let answer = check_capture(&self.status(), amount)
            .map_err(rule_error)
            .map(|captured| {
                self.log(Operation::Capture, true, captured, now, txn.clone(), key);
                self.record.captures += 1;
                self.response(OperationStatus::Captured, captured, now, txn, text)
            });
        self.remember(key, MutationKind::Capture, amount, &answer);
        answer
    }

    /// `PUT …/cancel`: a pending order is cancelled (`CANCEL`), a
    /// reservation voided (`VOID`); after a partial capture only with
    /// `shouldReleaseRemainingFunds` (eCom API changelog, April 2022), which
    /// releases what remains. The entry carries no `requestId`: the cancel
    /// endpoint takes no `X-Request-Id` (eCom API specification (OpenAPI),
    /// `cancelPaymentRequestUsingPUT`).
    pub(crate) fn cancel(
        &mut self,
        text: &str,
        key: Option<&str>,
        release_remaining_funds: bool,
        now: Timestamp,
        txn: String,
    ) -> Result<OperationResponse, ProviderError> {
        if let Some(replay) = self.replay(key, MutationKind::Cancel, None) {
            self.record.idempotent_replays += 1;
            return replay;
        }
        let state = self.state();
        let answer = check_cancel(&self.status(), release_remaining_funds)
            .map_err(rule_error)
            .and_then(|()| match state {
                PaymentState::Initiated => Ok(Operation::Cancel),
                // A reservation, or what remains of a partly captured one.
                PaymentState::Reserved | PaymentState::Captured { full: false } => {
                    Ok(Operation::Void)
                }
                // Already over: the merchant should look at the details.
                PaymentState::Cancelled { .. }
                | PaymentState::Rejected
                | PaymentState::Failed { .. }
                | PaymentState::Captured { full: true }
                | PaymentState::Refunded { .. } => {
                    Err(ProviderError::code(KnownErrorCode::AlreadyProcessed))
                }
            })
            .map(|op| {
                self.phase = Phase::Done;
                self.scheduled
                    .retain(|s| !matches!(s, Scheduled::Reserve(_)));
                let amount = self.amount();
                self.log(op, true, amount, now, txn.clone(), None);
                self.record.cancels += 1;
                self.response(OperationStatus::Cancelled, amount, now, txn, text)
            });
        self.remember(key, MutationKind::Cancel, None, &answer);
        answer
    }

    /// `POST …/refund`.
    pub(crate) fn refund(
        &mut self,
        amount: Amount,
        text: &str,
        key: Option<&str>,
        now: Timestamp,
        txn: String,
    ) -> Result<OperationResponse, ProviderError> {
        if let Some(replay) = self.replay(key, MutationKind::Refund, Some(amount)) {
            self.record.idempotent_replays += 1;
            return replay;
        }
        let answer = check_refund(&self.status(), amount, now)
            .map_err(rule_error)
            .map(|()| {
                self.log(Operation::Refund, true, amount, now, txn.clone(), key);
                self.record.refunds += 1;
                self.response(OperationStatus::Refund, amount, now, txn, text)
            });
        self.remember(key, MutationKind::Refund, Some(amount), &answer);
        answer
    }
}

/// The provider's answer to a request the core's amount rules refuse: its
/// error code where the eCom guide has one, else an `InvalidRequest` naming the
/// field.
fn rule_error(e: OperationError) -> ProviderError {
    if let Some(code) = e.provider_code() {
        return ProviderError::code(code);
    }
    if let OperationError::AlreadyCancelled { .. } = e {
        return ProviderError::code(KnownErrorCode::AlreadyProcessed);
    }
    let field = match &e {
        OperationError::EmptyTransactionText { .. }
        | OperationError::TransactionTextTooLong { .. } => "transaction.transactionText",
        OperationError::ZeroRefund
        | OperationError::RefundWindowClosed { .. }
        | OperationError::NotReserved { .. }
        | OperationError::Cancelled { .. }
        | OperationError::NothingLeftToCapture { .. }
        | OperationError::CaptureExceedsReserved { .. }
        | OperationError::NotCaptured
        | OperationError::RefundExceedsCaptured { .. }
        | OperationError::AlreadyCancelled { .. }
        | OperationError::CancelAfterCapture { .. } => "transaction.amount",
    };
    ProviderError::invalid(field, &e.to_string())
}
