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
    /// [`CancelledBy::Merchant`].
    pub fn to_status(&self) -> PaymentStatus {
        let info = &self.transaction_info;
        let s = observed(info.time_stamp);
        let s = match info.status {
            OperationStatus::Cancelled => return s.with_cancelled(CancelledBy::Merchant),
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
