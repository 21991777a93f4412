//! From the provider's words to the provider-neutral facts: the only
//! place where Vipps wire types meet the domain. The mapping is documented
//! in the [`vipps`](crate::providers::vipps_ecom) module ("From the provider's words to a
//! status").

use super::callback::{Callback, CallbackStatus};
use super::details::{LogEntry, Operation, PaymentDetails, TransactionSummary};
use super::legacy::OrderStatusResponse;
use super::operations::{OperationResponse, OperationStatus};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::status::{CancelledBy, FailedOperation, PaymentStatus};

impl Operation {
    /// The facts a *successful* operation (or a deprecated status name)
    /// proves, for `amount`, observed at `at`.
    ///
    /// `at` is not taken as a capture time: a deprecated status shows only
    /// the latest operation, and an earlier partial capture may have come
    /// first. The details history and a `SALE` callback add it themselves.
    pub fn facts(&self, amount: Amount, at: Option<Timestamp>) -> PaymentStatus {
        let s = observed(at);
        match self {
            Operation::Initiate | Operation::Register | Operation::Other(_) => s,
            Operation::Reserve => s.with_reserved(amount),
            Operation::Sale => s.with_reserved(amount).with_captured(amount),
            Operation::Capture => s.with_captured(amount),
            Operation::Refund => s.with_refunded(amount),
            Operation::Cancel | Operation::UserCancel => s.with_cancelled(CancelledBy::User),
            Operation::Void => s.with_cancelled(CancelledBy::Merchant),
            Operation::Failed => s.with_failure("FAILED"),
            Operation::Rejected => s.with_rejected(),
        }
    }
}

/// An observation made at `at`: no facts yet, but its time.
fn observed(at: Option<Timestamp>) -> PaymentStatus {
    let s = PaymentStatus::initiated();
    match at {
        Some(at) => s.with_updated_at(at),
        None => s,
    }
}

/// `s` with the capture time `at`, if known.
fn captured_at(s: PaymentStatus, at: Option<Timestamp>) -> PaymentStatus {
    match at {
        Some(at) => s.with_captured_at(at),
        None => s,
    }
}

impl LogEntry {
    /// This entry as a [`FailedOperation`] fact.
    pub fn as_failed_operation(&self) -> FailedOperation {
        FailedOperation {
            operation: self.operation.as_str().to_string(),
            amount: self.amount,
            at: self.time_stamp,
            transaction_id: self.transaction_id.clone(),
        }
    }
}

impl PaymentDetails {
    /// The facts the whole history proves (see the
    /// [table](crate::providers::vipps_ecom#from-the-providers-words-to-a-status)). The order of the entries does not matter.
    ///
    /// ```
    /// use appswitch_core::status::PaymentState;
    /// use appswitch_core::providers::vipps_ecom::PaymentDetails;
    ///
    /// let details = PaymentDetails::parse_json(r#"{"orderId": "order123abc",
    ///   "transactionLogHistory": [
    ///     {"amount": 20000, "operation": "RESERVE", "operationSuccess": false,
    ///      "timeStamp": "2018-11-14T15:21:22.126Z"},
    ///     {"amount": 20000, "operation": "INITIATE", "operationSuccess": true,
    ///      "timeStamp": "2018-11-14T15:21:04.697Z"}]}"#).unwrap();
    /// let status = details.to_status();
    /// // A failed reservation is kept as a fact, but the shopper may still pay:
    /// assert_eq!(status.state(), PaymentState::Initiated);
    /// assert_eq!(status.failed_operations.len(), 1);
    /// ```
    pub fn to_status(&self) -> PaymentStatus {
        let mut s = PaymentStatus::initiated();
        let mut captured = None::<Amount>;
        let mut refunded = None::<Amount>;
        // Added at once below: one sort, however long the history.
        let mut failed = Vec::new();
        for e in &self.transaction_log_history {
            if let Some(at) = e.time_stamp {
                s = s.with_updated_at(at);
            }
            if !e.operation_success {
                failed.push(e.as_failed_operation());
                continue;
            }
            match e.operation {
                // Sums, not maxima: each entry is one partial step.
                Operation::Capture | Operation::Sale => {
                    captured = Some(add(captured, e.amount));
                    if e.operation == Operation::Sale {
                        s = s.with_reserved(e.amount);
                    }
                    s = captured_at(s, e.time_stamp);
                }
                Operation::Refund => refunded = Some(add(refunded, e.amount)),
                // Every other operation is a single fact.
                _ => s = s.merge(&e.operation.facts(e.amount, e.time_stamp)),
            }
        }
        s.failed_operations.extend(failed);
        if let Some(c) = captured {
            s = s.with_captured(c);
        }
        if let Some(r) = refunded {
            s = s.with_refunded(r);
        }
        match &self.transaction_summary {
            Some(summary) => refine(s, summary),
            None => s,
        }
    }
}

impl PaymentDetails {
    /// The facts the history proves once the payment window has closed —
    /// the one last check at the deadline (see
    /// [`limits::payment_window_closed`](super::limits::payment_window_closed)):
    /// what is still undecided then is decided by the provider's own rules.
    ///
    /// - A failed `RESERVE` (or `SALE`, direct capture) with no successful
    ///   one: the payment **failed** — the card was declined and the
    ///   shopper did not pay with another before the window closed. Inside
    ///   the window it is only a fact, because the shopper "can retry with
    ///   a different card, while still in the same payment process" (Vipps
    ///   eCom API FAQ, "What functionality is included in the eCom API, but
    ///   not the PSP API?"). The reason is the callback's word for it
    ///   (`RESERVE_FAILED`, `SALE_FAILED`), so a callback that did arrive
    ///   gives the same fact.
    /// - Nothing but `INITIATE`: the shopper did not act — **rejected**, as
    ///   the lost `REJECTED` callback would have said ("User did not act on
    ///   the payment (timeout, etc.)", Vipps eCom API guide, "Callback
    ///   statuses"; "the user has a total of 10 minutes to complete the
    ///   payment", knowledge base "Timeouts"). The history itself has no
    ///   entry for a timeout.
    ///
    /// A payment already decided (reserved, captured, cancelled, failed) is
    /// as [`to_status`](Self::to_status) says. Money still beats words: a
    /// reservation seen later outranks either fact.
    ///
    /// ```
    /// use appswitch_core::status::PaymentState;
    /// use appswitch_core::providers::vipps_ecom::PaymentDetails;
    ///
    /// // A declined card, and the callback that said so was lost.
    /// let details = PaymentDetails::parse_json(r#"{"orderId": "acme-shop-123-order123abc",
    ///   "transactionLogHistory": [
    ///     {"amount": 20000, "operation": "RESERVE", "operationSuccess": false,
    ///      "timeStamp": "2018-11-14T15:21:22.126Z", "transactionId": "5001420062"},
    ///     {"amount": 20000, "operation": "INITIATE", "operationSuccess": true,
    ///      "timeStamp": "2018-11-14T15:21:04.697Z", "transactionId": "5001420062"}]}"#).unwrap();
    /// assert_eq!(details.to_status().state(), PaymentState::Initiated);
    /// assert_eq!(
    ///     details.to_status_after_payment_window().state(),
    ///     PaymentState::Failed { reason: "RESERVE_FAILED".into() }
    /// );
    /// ```
    pub fn to_status_after_payment_window(&self) -> PaymentStatus {
        let s = self.to_status();
        if s.is_final() {
            return s;
        }
        let failed = |op: &Operation| {
            self.transaction_log_history
                .iter()
                .any(|e| !e.operation_success && e.operation == *op)
        };
        if failed(&Operation::Sale) {
            s.with_failure(CallbackStatus::SaleFailed.as_str())
        } else if failed(&Operation::Reserve) {
            s.with_failure(CallbackStatus::ReserveFailed.as_str())
        } else {
            s.with_rejected()
        }
    }
}

fn add(total: Option<Amount>, amount: Amount) -> Amount {
    let total = total.unwrap_or(Amount::ZERO);
    total
        .checked_add(amount)
        .unwrap_or(Amount::from_minor(u64::MAX))
}

/// Raises the amounts of the steps `s` already proves to the summary's
/// totals; proves no step on its own.
fn refine(mut s: PaymentStatus, summary: &TransactionSummary) -> PaymentStatus {
    if s.captured.is_some() {
        s = s.with_captured(summary.captured_amount);
    }
    if s.refunded.is_some() {
        s = s.with_refunded(summary.refunded_amount);
    }
    if s.reserved.is_some() || s.captured.is_some() {
        let captured = s.amounts().captured;
        let reserved = captured
            .checked_add(summary.remaining_amount_to_capture)
            .unwrap_or(captured);
        s = s.with_reserved(reserved);
    }
    s
}

impl Callback {
    /// The facts this callback proves (see the [table](crate::providers::vipps_ecom#from-the-providers-words-to-a-status)).
    pub fn to_status(&self) -> PaymentStatus {
        let info = &self.transaction_info;
        let s = observed(info.time_stamp);
        match info.status {
            CallbackStatus::Reserved | CallbackStatus::Reserve => s.with_reserved(info.amount),
            CallbackStatus::Sale => captured_at(
                s.with_reserved(info.amount).with_captured(info.amount),
                info.time_stamp,
            ),
            CallbackStatus::ReserveFailed | CallbackStatus::SaleFailed => {
                s.with_failure(info.status.as_str())
            }
            CallbackStatus::Cancelled => s.with_cancelled(CancelledBy::User),
            CallbackStatus::Rejected => s.with_rejected(),
        }
    }
}

impl OperationResponse {
    /// The facts the response to the merchant's own capture, cancel or
    /// refund proves: a cancel the merchant made is
    /// [`CancelledBy::Merchant`]; what its `transactionSummary` says stays
    /// captured and refunded is kept (a cancel after a partial capture
    /// answers `"capturedAmount": 10000` — Vipps eCom API guide,
    /// "Cancelling a partially captured order"). Its `amount` is the
    /// payment's: a proof of the reservation only where something was
    /// captured.
    pub fn to_status(&self) -> PaymentStatus {
        let info = &self.transaction_info;
        let s = observed(info.time_stamp);
        let s = match info.status {
            OperationStatus::Cancelled => {
                let mut s = s.with_cancelled(CancelledBy::Merchant);
                if let Some(summary) = &self.transaction_summary {
                    if !summary.captured_amount.is_zero() {
                        // A capture proves the reservation, and the
                        // cancel's `amount` is the payment's: what was
                        // reserved.
                        s = s
                            .with_reserved(info.amount)
                            .with_captured(summary.captured_amount);
                    }
                    if !summary.refunded_amount.is_zero() {
                        s = s.with_refunded(summary.refunded_amount);
                    }
                }
                s
            }
            OperationStatus::Captured => captured_at(s.with_captured(info.amount), info.time_stamp),
            OperationStatus::Refund => {
                let s = s.with_refunded(info.amount);
                // A refund proves a capture; the summary tells how much.
                match &self.transaction_summary {
                    Some(summary) if !summary.captured_amount.is_zero() => {
                        s.with_captured(summary.captured_amount)
                    }
                    _ => s,
                }
            }
        };
        match &self.transaction_summary {
            Some(summary) => refine(s, summary),
            None => s,
        }
    }
}

impl OrderStatusResponse {
    /// The facts the deprecated status name proves (see
    /// [`Operation::facts`]).
    pub fn to_status(&self) -> PaymentStatus {
        let info = &self.transaction_info;
        info.status.facts(info.amount, info.time_stamp)
    }
}
