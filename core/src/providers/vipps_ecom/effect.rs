//! Did a capture, cancel or refund already happen? Judged from the details
//! history by its effect, not only by its key.
//!
//! "If/when the socket read timeout occurs, … call
//! `GET:/ecomm/v2/payments/{orderId}/details` and check status of last
//! transaction in transaction history prior to executing the service call
//! again" (Vipps eCom API guide, "Exception handling" → "Connection
//! timeout"). The history's `requestId` — "The idempotent request id
//! provided by the merchant for the operation" (eCom API specification
//! (OpenAPI), schema `TransactionLogHistory`) — is not on every entry: the
//! cancel endpoint takes no `X-Request-Id` at all
//! (`cancelPaymentRequestUsingPUT`), so a `VOID` never carries one, and the
//! guide's examples show `""` wherever the merchant sent none. So the
//! history is read for the operation's *effect*:
//!
//! 1. An entry of the operation with this attempt's key decides: it
//!    happened (or, `"operationSuccess": false`, it failed).
//! 2. Otherwise, for a **cancel**: any successful `VOID` or `CANCEL` — the
//!    payment is cancelled, so the cancel is done; a cancel of an
//!    already-cancelled payment is never repeated.
//! 3. Otherwise, for a **capture** or **refund** of an amount: a successful
//!    entry of that operation and that amount which carries no other
//!    request's key and appeared after the attempt began (its `timeStamp`
//!    no earlier than the first send, less the allowed clock skew). An
//!    entry without a `timeStamp` (or an attempt whose start is unknown)
//!    counts only if the history's total for the operation has grown by
//!    the amount since what was known before the attempt.
//! 4. Otherwise it did not happen (yet): send again, with the same key.

use core::time::Duration;

use serde::{Deserialize, Serialize};

use super::details::{LogEntry, Operation, PaymentDetails};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;

/// What a merchant's operation does to the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "operation")]
pub enum SentOperation {
    /// A capture that moves `amount` (for a capture sent without an amount,
    /// everything that remained when it was sent).
    Capture {
        /// The amount captured.
        amount: Amount,
    },
    /// A refund of `amount`.
    Refund {
        /// The amount refunded.
        amount: Amount,
    },
    /// A cancel (with or without `shouldReleaseRemainingFunds`).
    Cancel,
}

impl SentOperation {
    /// The history operations this one is logged as: `CAPTURE`, `REFUND`,
    /// or `VOID` / `CANCEL` ("If an order is cancelled by the merchant
    /// while it's in the `RESERVE` state, the status becomes `VOID`. … in
    /// the `INITIATE` state, the status becomes `CANCEL`." — Vipps eCom API
    /// guide, "Cancel").
    pub fn logged_as(self, operation: &Operation) -> bool {
        match self {
            SentOperation::Capture { .. } => *operation == Operation::Capture,
            SentOperation::Refund { .. } => *operation == Operation::Refund,
            SentOperation::Cancel => matches!(
                operation,
                Operation::Void | Operation::Cancel | Operation::UserCancel
            ),
        }
    }
}

/// One attempt of an operation, as the history is searched for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// What was sent.
    pub operation: SentOperation,
    /// Its `X-Request-Id` (may be empty).
    pub request_id: &'a str,
    /// When it was first sent, by the merchant's clock, if known.
    pub began_at: Option<Timestamp>,
    /// How far the provider's clock may be behind the merchant's: an entry
    /// up to this much older than `began_at` still counts as after it.
    pub clock_skew: Duration,
    /// What was known to be captured before the first send.
    pub captured_before: Amount,
    /// What was known to be refunded before the first send.
    pub refunded_before: Amount,
}

/// How a history entry was matched to an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HistoryMatch {
    /// The entry carries the attempt's `X-Request-Id`.
    RequestId,
    /// No entry carries the key; the entry shows the operation's effect.
    Effect,
}

/// What the history says about an [`Attempt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect<'a> {
    /// The operation happened: this entry shows it.
    Applied {
        /// The entry.
        entry: &'a LogEntry,
        /// How it was matched.
        matched: HistoryMatch,
    },
    /// The entry with the attempt's key says the operation failed
    /// (`"operationSuccess": false`).
    Unsuccessful {
        /// The entry.
        entry: &'a LogEntry,
    },
    /// The history does not show it: it has not happened (yet).
    NotApplied,
}

impl PaymentDetails {
    /// What the history says about `attempt`:
    ///
    /// 1. An entry of the operation with the attempt's key decides: it
    ///    happened (or, `"operationSuccess": false`, it failed).
    /// 2. Otherwise, for a cancel: any successful `VOID` or `CANCEL` — the
    ///    payment is cancelled, so the cancel is done.
    /// 3. Otherwise, for a capture or refund of an amount: a successful
    ///    entry of that operation and amount, carrying no other request's
    ///    key, logged no earlier than the first send less the clock skew;
    ///    an entry without a `timeStamp` counts only if the operation's
    ///    total has grown by the amount since before the attempt.
    /// 4. Otherwise it has not happened (yet).
    ///
    /// ```
    /// use core::time::Duration;
    /// use appswitch_core::foundation::money::Amount;
    /// use appswitch_core::foundation::time::Timestamp;
    /// use appswitch_core::providers::vipps_ecom::{Attempt, Effect, PaymentDetails, SentOperation};
    ///
    /// // A cancel whose answer was lost: the history shows a `VOID`, which
    /// // never carries a `requestId`.
    /// let details = PaymentDetails::parse_json(r#"{"orderId": "acme-shop-123-order123abc",
    ///   "transactionLogHistory": [
    ///     {"amount": 20000, "operation": "VOID", "operationSuccess": true,
    ///      "timeStamp": "2018-11-14T15:31:10.004Z", "transactionId": "5001420063"},
    ///     {"amount": 20000, "operation": "RESERVE", "operationSuccess": true,
    ///      "timeStamp": "2018-11-14T15:21:22.126Z", "requestId": ""}]}"#).unwrap();
    /// let attempt = Attempt {
    ///     operation: SentOperation::Cancel,
    ///     request_id: "k-1",
    ///     began_at: Timestamp::parse_rfc3339("2018-11-14T15:31:09Z").ok(),
    ///     clock_skew: Duration::from_secs(60),
    ///     captured_before: Amount::ZERO,
    ///     refunded_before: Amount::ZERO,
    /// };
    /// assert!(matches!(details.effect_of(&attempt), Effect::Applied { .. }));
    /// ```
    pub fn effect_of(&self, attempt: &Attempt<'_>) -> Effect<'_> {
        let history = &self.transaction_log_history;
        let op = attempt.operation;
        if !attempt.request_id.is_empty()
            && let Some(entry) = history.iter().find(|e| {
                e.request_id.as_deref().map(str::trim) == Some(attempt.request_id)
                    && op.logged_as(&e.operation)
            })
        {
            return if entry.operation_success {
                Effect::Applied {
                    entry,
                    matched: HistoryMatch::RequestId,
                }
            } else {
                Effect::Unsuccessful { entry }
            };
        }
        let (amount, before) = match op {
            SentOperation::Cancel => {
                return history
                    .iter()
                    .find(|e| e.operation_success && op.logged_as(&e.operation))
                    .map_or(Effect::NotApplied, |entry| Effect::Applied {
                        entry,
                        matched: HistoryMatch::Effect,
                    });
            }
            SentOperation::Capture { amount } => (amount, attempt.captured_before),
            SentOperation::Refund { amount } => (amount, attempt.refunded_before),
        };
        let candidates = || {
            history.iter().filter(move |e| {
                e.operation_success
                    && op.logged_as(&e.operation)
                    && e.amount == amount
                    && e.request_id.as_deref().is_none_or(|r| r.trim().is_empty())
            })
        };
        if let Some(began) = attempt.began_at {
            let after = began.saturating_sub(attempt.clock_skew);
            if let Some(entry) = candidates().find(|e| e.time_stamp.is_some_and(|t| t >= after)) {
                return Effect::Applied {
                    entry,
                    matched: HistoryMatch::Effect,
                };
            }
        }
        // Entries whose time is unknown (or an attempt whose start is):
        // only if the total grew by the amount since before the attempt.
        let total = history
            .iter()
            .filter(|e| e.operation_success && op.logged_as(&e.operation))
            .fold(Amount::ZERO, |t, e| {
                t.checked_add(e.amount)
                    .unwrap_or(Amount::from_minor(u64::MAX))
            });
        let grew = before.checked_add(amount).is_some_and(|need| total >= need);
        if grew
            && let Some(entry) =
                candidates().find(|e| e.time_stamp.is_none() || attempt.began_at.is_none())
        {
            return Effect::Applied {
                entry,
                matched: HistoryMatch::Effect,
            };
        }
        Effect::NotApplied
    }
}
