//! Capture, cancel, refund and force approve: their request bodies, the
//! modification response, and the amount rules checked before the call
//! (ePayment API guide, "Capture", "Cancel", "Refund", "Force Approve";
//! specification, `CaptureModificationRequest`,
//! `RefundModificationRequest`, `CancelModificationRequest`,
//! `ModificationResponse`, `ForceApprove`).
//!
//! Every one of them carries an `Idempotency-Key`; a retry after a timeout
//! sends the same key (see [`classify`](super::classify)).

use serde::{Deserialize, Serialize};

use super::create::Customer;
use super::money::Money;
use super::payment::{Aggregate, State};
use crate::foundation::lenient::{opt_text_or_number, text_or_number};
use crate::foundation::money::Amount;

/// `POST …/capture` and `POST …/refund`: `{"modificationAmount": …}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModificationRequest {
    /// `modificationAmount`: how much to capture or refund.
    pub modification_amount: Money,
}

/// `POST …/cancel`: the body is optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelRequest {
    /// `cancelTransactionOnly`: "Only cancel transaction if it has not
    /// been authorized. If this flag is set and the transaction has been
    /// authorized, the reserved amount will not be canceled."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_transaction_only: Option<bool>,
}

/// `POST:/epayment/v1/test/payments/{reference}/approve` (test
/// environment only): "approve a payment through the ePayment API without
/// the use of the Vipps or MobilePay app".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForceApproveRequest {
    /// `customer`: the test user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// `token`: "The token value received in the `redirectUrl` property in
    /// the Create payment response".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// The answer to a capture, cancel or refund (specification,
/// `ModificationResponse`): the payment's state and totals after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModificationResponse {
    /// `amount`: what the payment was created for.
    pub amount: Money,
    /// `state`: unchanged by a capture or refund; `TERMINATED` after a
    /// cancel before authorization.
    pub state: State,
    /// `aggregate`: the totals after the modification.
    pub aggregate: Aggregate,
    /// `pspReference`.
    #[serde(default, deserialize_with = "opt_text_or_number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psp_reference: Option<String>,
    /// `reference`.
    #[serde(deserialize_with = "text_or_number")]
    pub reference: String,
}

/// Why a capture, cancel or refund would be refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModificationError {
    /// Nothing to capture or refund: zero.
    #[error("`modificationAmount.value` is 0; capture and refund a positive amount")]
    ZeroAmount,
    /// The currency is not the payment's.
    #[error("`modificationAmount.currency` is {got}; the payment is in {payment}")]
    CurrencyMismatch {
        /// The request's currency.
        got: &'static str,
        /// The payment's.
        payment: &'static str,
    },
    /// "Cannot capture before reservation" / "Attempted refund before
    /// reservation": the payment is not authorized.
    #[error("the payment is {state}, not AUTHORIZED: nothing is reserved")]
    NotAuthorized {
        /// The state.
        state: String,
    },
    /// "Capture amount too high: The total capture amount exceeds the
    /// reserved amount."
    #[error("capturing {requested} would exceed what is left to capture ({capturable})")]
    CaptureTooHigh {
        /// Asked for.
        requested: Money,
        /// Authorized − captured − cancelled.
        capturable: Amount,
    },
    /// "Cannot capture a cancelled payment": the rest was released.
    #[error(
        "the rest of the payment was cancelled ({cancelled} released); nothing can be captured"
    )]
    Cancelled {
        /// The released amount.
        cancelled: Amount,
    },
    /// "Not enough refundable: Cannot refund more than the available
    /// amount."
    #[error("refunding {requested} would exceed what is left to refund ({refundable})")]
    RefundTooHigh {
        /// Asked for.
        requested: Money,
        /// Captured − refunded.
        refundable: Amount,
    },
    /// "Cannot cancel a captured payment": a cancel "is possible until the
    /// payment is fully captured".
    #[error("the payment is fully captured; there is nothing left to cancel")]
    FullyCaptured,
    /// Already over: aborted, expired, terminated, or cancelled.
    #[error("the payment is already over ({0}); a cancel changes nothing")]
    AlreadyOver(String),
}

/// What capture and refund check alike: the payment's currency, a
/// positive amount, an authorized payment.
fn positive_on_authorized(
    amount: Money,
    state: &State,
    requested: Money,
) -> Result<ModificationRequest, ModificationError> {
    if requested.currency != amount.currency {
        return Err(ModificationError::CurrencyMismatch {
            got: requested.currency.code(),
            payment: amount.currency.code(),
        });
    }
    if requested.value.is_zero() {
        return Err(ModificationError::ZeroAmount);
    }
    match state {
        State::Authorized => Ok(ModificationRequest {
            modification_amount: requested,
        }),
        other => Err(ModificationError::NotAuthorized {
            state: other.to_string(),
        }),
    }
}

/// Checks a capture of `requested` against a payment of `amount` in
/// `state` with totals `aggregate` (from a get payment or an earlier
/// modification response). Partial captures may be made "multiple times"
/// (ePayment API guide, "Partial Capture").
pub fn check_capture(
    amount: Money,
    state: &State,
    aggregate: &Aggregate,
    requested: Money,
) -> Result<ModificationRequest, ModificationError> {
    let request = positive_on_authorized(amount, state, requested)?;
    let capturable = aggregate.capturable();
    if capturable.is_zero() && !aggregate.cancelled().is_zero() {
        return Err(ModificationError::Cancelled {
            cancelled: aggregate.cancelled(),
        });
    }
    if requested.value > capturable {
        return Err(ModificationError::CaptureTooHigh {
            requested,
            capturable,
        });
    }
    Ok(request)
}

/// Checks a refund of `requested` (ePayment API guide, "Refund": "Refunds
/// can be made in full or partially"; never more than was captured and
/// not yet refunded).
pub fn check_refund(
    amount: Money,
    state: &State,
    aggregate: &Aggregate,
    requested: Money,
) -> Result<ModificationRequest, ModificationError> {
    let request = positive_on_authorized(amount, state, requested)?;
    let refundable = aggregate.refundable();
    if requested.value > refundable {
        return Err(ModificationError::RefundTooHigh {
            requested,
            refundable,
        });
    }
    Ok(request)
}

/// Checks a cancel (ePayment API guide, "Cancel"): before authorization it
/// terminates the payment; after, it releases what was not captured —
/// "Cancelling a payment will always cancel the entire remaining
/// not-captured amount, this is irreversible" — so it is refused once
/// everything is captured or the payment is over.
pub fn check_cancel(
    state: &State,
    aggregate: &Aggregate,
) -> Result<CancelRequest, ModificationError> {
    match state {
        State::Created => Ok(CancelRequest::default()),
        State::Authorized => {
            if aggregate.capturable().is_zero() {
                if aggregate.cancelled().is_zero() {
                    Err(ModificationError::FullyCaptured)
                } else {
                    Err(ModificationError::AlreadyOver("CANCELLED".into()))
                }
            } else {
                Ok(CancelRequest::default())
            }
        }
        State::Aborted | State::Expired | State::Terminated | State::Other(_) => {
            Err(ModificationError::AlreadyOver(state.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::money::Currency;
    use super::*;

    fn agg(auth: u64, cancelled: u64, captured: u64, refunded: u64) -> Aggregate {
        Aggregate::of(
            Currency::Nok,
            Amount::from_minor(auth),
            Amount::from_minor(cancelled),
            Amount::from_minor(captured),
            Amount::from_minor(refunded),
        )
    }

    const PAY: Money = Money::new(Currency::Nok, 1000);

    #[test]
    fn capture_is_bounded_by_what_is_authorized_and_not_captured_or_cancelled() {
        let nok = |v| Money::new(Currency::Nok, v);
        let a = State::Authorized;
        assert!(check_capture(PAY, &a, &agg(1000, 0, 0, 0), nok(1000)).is_ok());
        assert!(check_capture(PAY, &a, &agg(1000, 0, 250, 0), nok(750)).is_ok());
        assert_eq!(
            check_capture(PAY, &a, &agg(1000, 0, 250, 0), nok(751)),
            Err(ModificationError::CaptureTooHigh {
                requested: nok(751),
                capturable: Amount::from_minor(750)
            })
        );
        assert_eq!(
            check_capture(PAY, &a, &agg(1000, 750, 250, 0), nok(1)),
            Err(ModificationError::Cancelled {
                cancelled: Amount::from_minor(750)
            })
        );
        assert!(matches!(
            check_capture(PAY, &State::Created, &agg(0, 0, 0, 0), nok(1)),
            Err(ModificationError::NotAuthorized { .. })
        ));
        assert_eq!(
            check_capture(PAY, &a, &agg(1000, 0, 0, 0), nok(0)),
            Err(ModificationError::ZeroAmount)
        );
        assert_eq!(
            check_capture(PAY, &a, &agg(1000, 0, 0, 0), Money::new(Currency::Eur, 10)),
            Err(ModificationError::CurrencyMismatch {
                got: "EUR",
                payment: "NOK"
            })
        );
    }

    #[test]
    fn refund_is_bounded_by_what_is_captured_and_not_refunded() {
        let nok = |v| Money::new(Currency::Nok, v);
        let a = State::Authorized;
        assert!(check_refund(PAY, &a, &agg(1000, 0, 600, 100), nok(500)).is_ok());
        assert!(matches!(
            check_refund(PAY, &a, &agg(1000, 0, 600, 100), nok(501)),
            Err(ModificationError::RefundTooHigh { .. })
        ));
        assert!(matches!(
            check_refund(PAY, &a, &agg(1000, 0, 0, 0), nok(1)),
            Err(ModificationError::RefundTooHigh { .. })
        ));
    }

    #[test]
    fn cancel_works_until_the_payment_is_fully_captured() {
        assert!(check_cancel(&State::Created, &agg(0, 0, 0, 0)).is_ok());
        assert!(check_cancel(&State::Authorized, &agg(1000, 0, 250, 0)).is_ok());
        assert_eq!(
            check_cancel(&State::Authorized, &agg(1000, 0, 1000, 0)),
            Err(ModificationError::FullyCaptured)
        );
        assert!(check_cancel(&State::Authorized, &agg(1000, 750, 250, 0)).is_err());
        for over in [State::Aborted, State::Expired, State::Terminated] {
            assert!(check_cancel(&over, &agg(0, 0, 0, 0)).is_err(), "{over}");
        }
    }
}
