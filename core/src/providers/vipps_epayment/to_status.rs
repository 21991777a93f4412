//! From the ePayment API's words to the provider-neutral facts: the only
//! place where ePayment wire types meet [`PaymentStatus`]. The table is in
//! the [module documentation](super#from-the-providers-words-to-a-status).

use super::events::{EventLog, PaymentEvent, PaymentEventName};
use super::modification::ModificationResponse;
use super::payment::{Aggregate, GetPaymentResponse, State};
use super::webhook::WebhookEvent;
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::status::{CancelledBy, FailedOperation, PaymentStatus};

/// An observation made at `at`: no facts yet, but its time.
fn observed(at: Option<Timestamp>) -> PaymentStatus {
    let s = PaymentStatus::initiated();
    match at {
        Some(at) => s.with_updated_at(at),
        None => s,
    }
}

/// The facts a `state` and an `aggregate` prove together.
///
/// - `AUTHORIZED`: reserved, `authorizedAmount` of it. A cancel after the
///   authorization leaves the state `AUTHORIZED` and shows as
///   `cancelledAmount` ("the reserved amount … will be released … and the
///   `aggregate` object will reflect this with the `cancelledAmount`
///   property"): cancelled by the merchant.
/// - `ABORTED` ("The user has aborted the payment before authorization"):
///   cancelled by the user.
/// - `EXPIRED` ("The user did not act on the payment within the payment
///   expiration time"): rejected — the status's "did not act in time".
/// - `TERMINATED` ("The merchant has terminated the payment via the
///   cancelPayment endpoint"): cancelled by the merchant.
/// - `capturedAmount` / `refundedAmount` above zero: captured / refunded,
///   whatever the state says — money beats words.
fn state_and_aggregate(state: &State, aggregate: &Aggregate) -> PaymentStatus {
    let mut s = PaymentStatus::initiated();
    match state {
        State::Created | State::Other(_) => {}
        State::Authorized => {
            s = s.with_reserved(aggregate.authorized());
            if !aggregate.cancelled().is_zero() {
                s = s.with_cancelled(CancelledBy::Merchant);
            }
        }
        State::Aborted => s = s.with_cancelled(CancelledBy::User),
        State::Expired => s = s.with_rejected(),
        State::Terminated => s = s.with_cancelled(CancelledBy::Merchant),
    }
    if !aggregate.captured().is_zero() {
        s = s.with_captured(aggregate.captured());
    }
    if !aggregate.refunded().is_zero() {
        s = s.with_refunded(aggregate.refunded());
    }
    s
}

impl GetPaymentResponse {
    /// The facts this snapshot proves (see
    /// [the table](super#from-the-providers-words-to-a-status)). It has no
    /// timestamps: the time of each step is in the event log.
    ///
    /// ```
    /// use appswitch_core::providers::vipps_epayment::GetPaymentResponse;
    /// use appswitch_core::status::{CancelledBy, PaymentState};
    ///
    /// // ePayment API guide, "Get payment": authorized, then cancelled.
    /// let p = GetPaymentResponse::parse_json(r#"{"aggregate": {
    ///     "authorizedAmount": {"currency": "NOK", "value": 49900},
    ///     "cancelledAmount": {"currency": "NOK", "value": 49900},
    ///     "capturedAmount": {"currency": "NOK", "value": 0},
    ///     "refundedAmount": {"currency": "NOK", "value": 0}},
    ///   "amount": {"currency": "NOK", "value": 49900}, "state": "AUTHORIZED",
    ///   "paymentMethod": {"type": "WALLET"}, "profile": {},
    ///   "pspReference": "37c34d8c-2649-448e-864b-060d5d93e4c4",
    ///   "reference": "acme-shop-123-order123abc"}"#).unwrap();
    /// assert_eq!(p.to_status().state(), PaymentState::Cancelled { by: CancelledBy::Merchant });
    /// ```
    pub fn to_status(&self) -> PaymentStatus {
        state_and_aggregate(&self.state, &self.aggregate)
    }
}

impl ModificationResponse {
    /// The facts the answer to the merchant's own capture, cancel or
    /// refund proves: its state and totals, as for a get payment.
    pub fn to_status(&self) -> PaymentStatus {
        state_and_aggregate(&self.state, &self.aggregate)
    }
}

impl PaymentEvent {
    /// This event as a [`FailedOperation`] fact (for `success: false`).
    pub fn as_failed_operation(&self) -> FailedOperation {
        FailedOperation {
            operation: self.name.as_str().to_string(),
            amount: self.amount.value,
            at: self.timestamp,
            transaction_id: self.psp_reference.clone(),
        }
    }

    /// The facts this one event proves. Its amount is this event's own,
    /// so a partial capture proves "at least this much captured"; the
    /// exact totals come from the [`EventLog`] or the get payment
    /// `aggregate`. An unsuccessful event is kept as a
    /// [`FailedOperation`] and moves nothing.
    pub fn to_status(&self) -> PaymentStatus {
        let s = observed(self.timestamp);
        if !self.success {
            return s.with_failed_operation(self.as_failed_operation());
        }
        let amount = self.amount.value;
        match self.name {
            PaymentEventName::Created | PaymentEventName::Other(_) => s,
            PaymentEventName::Authorized => s.with_reserved(amount),
            PaymentEventName::Aborted => s.with_cancelled(CancelledBy::User),
            PaymentEventName::Expired => s.with_rejected(),
            PaymentEventName::Cancelled | PaymentEventName::Terminated => {
                s.with_cancelled(CancelledBy::Merchant)
            }
            PaymentEventName::Captured => {
                let s = s.with_captured(amount);
                match self.timestamp {
                    Some(at) => s.with_captured_at(at),
                    None => s,
                }
            }
            PaymentEventName::Refunded => s.with_refunded(amount),
        }
    }
}

impl WebhookEvent {
    /// The facts this delivery proves: those of its event
    /// ([`PaymentEvent::to_status`]). A repeated delivery proves the same
    /// facts, so merging it changes nothing.
    pub fn to_status(&self) -> PaymentStatus {
        self.to_event().to_status()
    }
}

fn add(total: Amount, amount: Amount) -> Amount {
    total
        .checked_add(amount)
        .unwrap_or(Amount::from_minor(u64::MAX))
}

impl EventLog {
    /// The facts the whole log proves: every event's, with the captures
    /// and refunds summed (each event is one partial step; the log holds
    /// each once). The order of the events does not matter.
    pub fn to_status(&self) -> PaymentStatus {
        let mut s = PaymentStatus::initiated();
        let mut captured = None::<Amount>;
        let mut refunded = None::<Amount>;
        let mut failed = Vec::new();
        for e in self.events() {
            if !e.success {
                failed.push(e.as_failed_operation());
                if let Some(at) = e.timestamp {
                    s = s.with_updated_at(at);
                }
                continue;
            }
            match e.name {
                PaymentEventName::Captured => {
                    captured = Some(add(captured.unwrap_or_default(), e.amount.value));
                    s = s.merge(&observed(e.timestamp));
                    if let Some(at) = e.timestamp {
                        s = s.with_captured_at(at);
                    }
                }
                PaymentEventName::Refunded => {
                    refunded = Some(add(refunded.unwrap_or_default(), e.amount.value));
                    s = s.merge(&observed(e.timestamp));
                }
                _ => s = s.merge(&e.to_status()),
            }
        }
        s.failed_operations.extend(failed);
        if let Some(c) = captured {
            s = s.with_captured(c);
        }
        if let Some(r) = refunded {
            s = s.with_refunded(r);
        }
        s
    }
}
