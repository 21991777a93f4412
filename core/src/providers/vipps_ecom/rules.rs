//! The amount rules, checked before a capture, cancel or refund request is
//! built — so the provider's refusal (error codes 51, 61, 62, 71, 72, 73)
//! becomes a typed error before any call is made.
//!
//! - "The amount to capture cannot be higher than the reserved amount."
//! - "The refunded amount cannot be larger than the captured amount."
//! - A cancel after a partial capture needs `shouldReleaseRemainingFunds:
//!   true` ("Added capability to cancel a partially captured order", eCom
//!   API changelog, April 2022; Vipps eCom API guide, "Cancelling a
//!   partially captured order"): "When `shouldReleaseRemainingFunds` is set
//!   to `false`, any request to cancel after a partial or full capture has
//!   been performed will be rejected." The eCom guide ("Partially captured
//!   reservations can not be cancelled") predates it.
//! - "Refunds can be made up to 365 days after capture."
//!
//! ```
//! use appswitch_core::foundation::money::Amount;
//! use appswitch_core::status::PaymentStatus;
//! use appswitch_core::foundation::time::Timestamp;
//! use appswitch_core::providers::vipps_ecom::{MerchantSerialNumber, OperationError, OperationRequest};
//!
//! let msn = MerchantSerialNumber::new("123456").unwrap();
//! let status = PaymentStatus::initiated()
//!     .with_reserved(Amount::from_minor(20000))
//!     .with_captured(Amount::from_minor(10000))
//!     .with_captured_at(Timestamp::from_millis(0));
//! // 100 NOK remain to capture:
//! let ok = OperationRequest::capture(&msn, &status, Some(Amount::from_minor(10000)), "Rest of the socks");
//! assert!(ok.is_ok());
//! assert_eq!(
//!     OperationRequest::capture(&msn, &status, Some(Amount::from_minor(10001)), "Too much"),
//!     Err(OperationError::CaptureExceedsReserved {
//!         requested: Amount::from_minor(10001),
//!         remaining: Amount::from_minor(10000),
//!     })
//! );
//! // Partially captured: a plain cancel is refused, releasing the rest is not.
//! assert!(matches!(OperationRequest::cancel(&msn, &status, "No"), Err(OperationError::CancelAfterCapture { .. })));
//! let release = OperationRequest::cancel_releasing_remaining_funds(&msn, &status, "No more socks").unwrap();
//! assert_eq!(release.should_release_remaining_funds, Some(true));
//! ```

use super::error_codes::KnownErrorCode;
use super::limits::{REFUND_WINDOW, TRANSACTION_TEXT_MAX_LEN};
use super::msn::MerchantSerialNumber;
use super::operations::{MerchantRef, OperationRequest, OperationTransaction};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::status::{CancelledBy, PaymentState, PaymentStatus};

/// Why a capture, cancel or refund must not be requested.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OperationError {
    /// `transaction.transactionText` is blank: "The transaction text is
    /// mandatory".
    #[error("`transaction.transactionText` of the {operation} is required")]
    EmptyTransactionText {
        /// `capture`, `cancel` or `refund`.
        operation: &'static str,
    },
    /// `transaction.transactionText` is longer than the specification's
    /// `maxLength: 100` (schemas `Transaction`, `CancelTransaction`).
    #[error(
        "`transaction.transactionText` of the {operation} is {len} characters long; the maximum is 100"
    )]
    TransactionTextTooLong {
        /// `capture`, `cancel` or `refund`.
        operation: &'static str,
        /// Its length, in characters.
        len: usize,
    },
    /// A refund of zero.
    #[error("`transaction.amount` of the refund is 0")]
    ZeroRefund,
    /// Nothing is reserved yet (the payment is initiated, failed or
    /// rejected).
    #[error("cannot capture: the payment is not reserved (it is {state})")]
    NotReserved {
        /// The payment's state name.
        state: &'static str,
    },
    /// The payment was cancelled.
    #[error("cannot {operation}: the payment was cancelled")]
    Cancelled {
        /// `capture` or `refund`.
        operation: &'static str,
    },
    /// Everything reserved is captured already.
    #[error("cannot capture: nothing remains to capture ({} øre captured)", captured.minor())]
    NothingLeftToCapture {
        /// Captured so far.
        captured: Amount,
    },
    /// "The amount to capture cannot be higher than the reserved amount."
    #[error(
        "`transaction.amount` {} øre exceeds the {} øre that remain to capture",
        requested.minor(),
        remaining.minor()
    )]
    CaptureExceedsReserved {
        /// The amount asked for.
        requested: Amount,
        /// Reserved and not yet captured.
        remaining: Amount,
    },
    /// Nothing is captured: "Cannot refund for reserved order, please use
    /// Cancel API".
    #[error("cannot refund: nothing is captured (cancel a reservation instead)")]
    NotCaptured,
    /// "The refunded amount cannot be larger than the captured amount."
    #[error(
        "`transaction.amount` {} øre exceeds the {} øre that remain to refund",
        requested.minor(),
        remaining.minor()
    )]
    RefundExceedsCaptured {
        /// The amount asked for.
        requested: Amount,
        /// Captured and not yet refunded.
        remaining: Amount,
    },
    /// "Refunds can be made up to 365 days after capture."
    #[error(
        "cannot refund: the payment was captured at {captured_at}, and refunds closed at {closed_at} (365 days)"
    )]
    RefundWindowClosed {
        /// The (first) capture.
        captured_at: Timestamp,
        /// When refunds stopped being possible.
        closed_at: Timestamp,
    },
    /// A cancel after a capture: without `shouldReleaseRemainingFunds` it
    /// "will be rejected"; with it, only while something remains reserved
    /// ("The payment must be `RESERVED` for this to take effect").
    #[error(
        "cannot cancel: {} øre is captured already and {} øre remain reserved (refund what was captured; cancel with shouldReleaseRemainingFunds to release what remains)",
        captured.minor(),
        remaining.minor()
    )]
    CancelAfterCapture {
        /// Captured so far.
        captured: Amount,
        /// Reserved and not yet captured: what a cancel with
        /// `shouldReleaseRemainingFunds` would release.
        remaining: Amount,
    },
    /// The payment is cancelled already: there is nothing to cancel (and a
    /// plan that finds this in the details is done, not repeated).
    #[error("cannot cancel: the payment is cancelled already (by the {})", by.as_str())]
    AlreadyCancelled {
        /// Who cancelled it.
        by: CancelledBy,
    },
}

impl OperationError {
    /// The provider's error code for the same refusal, if it has one.
    pub fn provider_code(&self) -> Option<KnownErrorCode> {
        match self {
            // After a cancel nothing is reserved any more: "The amount you
            // tried to capture is not reserved".
            OperationError::NotReserved { .. }
            | OperationError::Cancelled {
                operation: "capture",
            } => Some(KnownErrorCode::CaptureNotReserved),
            OperationError::CaptureExceedsReserved { .. }
            | OperationError::NothingLeftToCapture { .. } => {
                Some(KnownErrorCode::CaptureExceedsReserved)
            }
            OperationError::NotCaptured => Some(KnownErrorCode::RefundBeforeCapture),
            OperationError::RefundExceedsCaptured { .. } => {
                Some(KnownErrorCode::RefundExceedsCaptured)
            }
            OperationError::Cancelled {
                operation: "refund",
            } => Some(KnownErrorCode::RefundAfterCancel),
            OperationError::CancelAfterCapture { .. } => Some(KnownErrorCode::CancelAfterCapture),
            OperationError::AlreadyCancelled { .. }
            | OperationError::Cancelled { .. }
            | OperationError::EmptyTransactionText { .. }
            | OperationError::TransactionTextTooLong { .. }
            | OperationError::ZeroRefund
            | OperationError::RefundWindowClosed { .. } => None,
        }
    }
}

/// Checks a capture of `amount` (`None` or zero: everything that remains)
/// and returns the amount that will be captured.
pub fn check_capture(
    status: &PaymentStatus,
    amount: Option<Amount>,
) -> Result<Amount, OperationError> {
    let state = status.state();
    if status.cancelled.is_some() && !matches!(state, PaymentState::Cancelled { .. }) {
        // Cancelled after a partial capture: the rest was released.
        return Err(OperationError::Cancelled {
            operation: "capture",
        });
    }
    match state {
        PaymentState::Cancelled { .. } => {
            return Err(OperationError::Cancelled {
                operation: "capture",
            });
        }
        PaymentState::Initiated | PaymentState::Failed { .. } | PaymentState::Rejected => {
            return Err(OperationError::NotReserved {
                state: state.name().as_str(),
            });
        }
        PaymentState::Reserved | PaymentState::Captured { .. } | PaymentState::Refunded { .. } => {}
    }
    let a = status.amounts();
    if a.remaining_to_capture.is_zero() {
        return Err(OperationError::NothingLeftToCapture {
            captured: a.captured,
        });
    }
    match amount.filter(|x| !x.is_zero()) {
        None => Ok(a.remaining_to_capture),
        Some(requested) if requested > a.remaining_to_capture => {
            Err(OperationError::CaptureExceedsReserved {
                requested,
                remaining: a.remaining_to_capture,
            })
        }
        Some(requested) => Ok(requested),
    }
}

/// Checks a refund of `amount` at `now`.
pub fn check_refund(
    status: &PaymentStatus,
    amount: Amount,
    now: Timestamp,
) -> Result<(), OperationError> {
    if amount.is_zero() {
        return Err(OperationError::ZeroRefund);
    }
    let a = status.amounts();
    if a.captured.is_zero() {
        return Err(if status.cancelled.is_some() {
            OperationError::Cancelled {
                operation: "refund",
            }
        } else {
            OperationError::NotCaptured
        });
    }
    if amount > a.remaining_to_refund {
        return Err(OperationError::RefundExceedsCaptured {
            requested: amount,
            remaining: a.remaining_to_refund,
        });
    }
    if let Some(captured_at) = status.captured_at {
        let closed_at = captured_at + REFUND_WINDOW;
        if now > closed_at {
            return Err(OperationError::RefundWindowClosed {
                captured_at,
                closed_at,
            });
        }
    }
    Ok(())
}

/// Checks a cancel, with `shouldReleaseRemainingFunds` set to
/// `release_remaining_funds`:
///
/// - nothing captured: allowed (also while the payment is only initiated —
///   "Cancelling a pending order");
/// - partly captured: allowed only with `release_remaining_funds` ("Cancelling
///   a partially captured order");
/// - everything captured: refused — nothing remains to release;
/// - cancelled already: refused with [`OperationError::AlreadyCancelled`].
pub fn check_cancel(
    status: &PaymentStatus,
    release_remaining_funds: bool,
) -> Result<(), OperationError> {
    if let Some(by) = status.cancelled {
        return Err(OperationError::AlreadyCancelled { by });
    }
    let a = status.amounts();
    let captured_any = status.captured.is_some() || !a.captured.is_zero();
    if !captured_any {
        return Ok(());
    }
    if release_remaining_funds && !a.remaining_to_capture.is_zero() {
        return Ok(());
    }
    Err(OperationError::CancelAfterCapture {
        captured: a.captured,
        remaining: a.remaining_to_capture,
    })
}

fn text(text: &str, operation: &'static str) -> Result<String, OperationError> {
    let len = text.chars().count();
    if text.trim().is_empty() {
        Err(OperationError::EmptyTransactionText { operation })
    } else if len > TRANSACTION_TEXT_MAX_LEN {
        Err(OperationError::TransactionTextTooLong { operation, len })
    } else {
        Ok(text.to_string())
    }
}

fn request(msn: &MerchantSerialNumber, amount: Option<Amount>, text: String) -> OperationRequest {
    OperationRequest {
        merchant_info: MerchantRef {
            merchant_serial_number: msn.clone(),
        },
        transaction: OperationTransaction {
            amount,
            transaction_text: text,
        },
        should_release_remaining_funds: None,
    }
}

impl OperationRequest {
    /// A capture request, after [`check_capture`]. `None` (or zero)
    /// captures everything that remains and is sent as no amount, which
    /// the provider reads the same way.
    pub fn capture(
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        amount: Option<Amount>,
        transaction_text: &str,
    ) -> Result<OperationRequest, OperationError> {
        let t = text(transaction_text, "capture")?;
        check_capture(status, amount)?;
        Ok(request(msn, amount.filter(|a| !a.is_zero()), t))
    }

    /// A cancel request, after [`check_cancel`] without
    /// `shouldReleaseRemainingFunds` (which "will default to `false`"):
    /// refused once anything is captured.
    pub fn cancel(
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        transaction_text: &str,
    ) -> Result<OperationRequest, OperationError> {
        let t = text(transaction_text, "cancel")?;
        check_cancel(status, false)?;
        Ok(request(msn, None, t))
    }

    /// A cancel request with `"shouldReleaseRemainingFunds": true`, after
    /// [`check_cancel`]: after a partial capture it releases what remains
    /// reserved ("Once this operation has been performed, there will be
    /// zero funds remaining to capture. Do not call this endpoint until you
    /// are sure you have captured all you need." — Vipps eCom API guide,
    /// "Cancelling a partially captured order"). Before any capture it is
    /// an ordinary cancel.
    pub fn cancel_releasing_remaining_funds(
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        transaction_text: &str,
    ) -> Result<OperationRequest, OperationError> {
        let t = text(transaction_text, "cancel")?;
        check_cancel(status, true)?;
        let mut r = request(msn, None, t);
        r.should_release_remaining_funds = Some(true);
        Ok(r)
    }

    /// A refund request, after [`check_refund`] at `now`.
    pub fn refund(
        msn: &MerchantSerialNumber,
        status: &PaymentStatus,
        amount: Amount,
        transaction_text: &str,
        now: Timestamp,
    ) -> Result<OperationRequest, OperationError> {
        let t = text(transaction_text, "refund")?;
        check_refund(status, amount, now)?;
        Ok(request(msn, Some(amount), t))
    }
}

#[cfg(test)]
mod tests {
    use core::time::Duration;

    use super::*;
    use crate::status::CancelledBy;

    fn a(x: u64) -> Amount {
        Amount::from_minor(x)
    }

    #[test]
    fn capture_rules() {
        let init = PaymentStatus::initiated();
        assert_eq!(
            check_capture(&init, None),
            Err(OperationError::NotReserved { state: "initiated" })
        );
        let reserved = init.clone().with_reserved(a(20000));
        assert_eq!(check_capture(&reserved, None), Ok(a(20000)));
        assert_eq!(check_capture(&reserved, Some(Amount::ZERO)), Ok(a(20000)));
        assert_eq!(check_capture(&reserved, Some(a(20000))), Ok(a(20000)));
        let partial = reserved.clone().with_captured(a(15000));
        assert_eq!(check_capture(&partial, None), Ok(a(5000)));
        assert_eq!(
            check_capture(&partial, Some(a(5001))),
            Err(OperationError::CaptureExceedsReserved {
                requested: a(5001),
                remaining: a(5000)
            })
        );
        let full = reserved.clone().with_captured(a(20000));
        assert_eq!(
            check_capture(&full, None),
            Err(OperationError::NothingLeftToCapture { captured: a(20000) })
        );
        let cancelled = reserved.with_cancelled(CancelledBy::Merchant);
        assert_eq!(
            check_capture(&cancelled, None),
            Err(OperationError::Cancelled {
                operation: "capture"
            })
        );
        assert!(matches!(
            check_capture(&init.clone().with_rejected(), None),
            Err(OperationError::NotReserved { state: "rejected" })
        ));
    }

    #[test]
    fn refund_rules() {
        let day = Duration::from_secs(86_400);
        let t0 = Timestamp::from_millis(1_000_000);
        let reserved = PaymentStatus::initiated().with_reserved(a(20000));
        assert_eq!(
            check_refund(&reserved, a(1), t0),
            Err(OperationError::NotCaptured)
        );
        assert_eq!(
            check_refund(
                &reserved.clone().with_cancelled(CancelledBy::User),
                a(1),
                t0
            )
            .unwrap_err()
            .provider_code(),
            Some(KnownErrorCode::RefundAfterCancel)
        );
        let captured = reserved.with_captured(a(20000)).with_captured_at(t0);
        assert_eq!(check_refund(&captured, a(20000), t0), Ok(()));
        assert_eq!(
            check_refund(&captured, Amount::ZERO, t0),
            Err(OperationError::ZeroRefund)
        );
        let part = captured.clone().with_refunded(a(15000));
        assert_eq!(
            check_refund(&part, a(5001), t0),
            Err(OperationError::RefundExceedsCaptured {
                requested: a(5001),
                remaining: a(5000)
            })
        );
        assert_eq!(check_refund(&captured, a(1), t0 + day * 365), Ok(()));
        assert_eq!(
            check_refund(&captured, a(1), t0 + day * 365 + Duration::from_millis(1)),
            Err(OperationError::RefundWindowClosed {
                captured_at: t0,
                closed_at: t0 + day * 365
            })
        );
        // Unknown capture time: the provider decides.
        let unknown = PaymentStatus::initiated().with_captured(a(100));
        assert_eq!(check_refund(&unknown, a(100), t0 + day * 10_000), Ok(()));
    }

    #[test]
    fn messages_count_in_ore() {
        let e = check_capture(
            &PaymentStatus::initiated().with_reserved(a(15000)),
            Some(a(15001)),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "`transaction.amount` 15001 øre exceeds the 15000 øre that remain to capture"
        );
        let e = check_cancel(&PaymentStatus::initiated().with_captured(a(5)), false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot cancel: 5 øre is captured already and 0 øre remain reserved (refund what was captured; cancel with shouldReleaseRemainingFunds to release what remains)"
        );
    }

    /// Vipps eCom API guide, "Cancel" and "Cancelling a partially captured
    /// order", over every stage of a payment and both values of the flag.
    #[test]
    fn cancel_rules() {
        let reserved = PaymentStatus::initiated().with_reserved(a(20000));
        let partial = reserved.clone().with_captured(a(10000));
        let full = reserved.clone().with_captured(a(20000));
        let refunded = full.clone().with_refunded(a(5000));
        let voided = reserved.clone().with_cancelled(CancelledBy::Merchant);
        let user_cancelled = PaymentStatus::initiated().with_cancelled(CancelledBy::User);
        for release in [false, true] {
            assert_eq!(check_cancel(&PaymentStatus::initiated(), release), Ok(()));
            assert_eq!(check_cancel(&reserved, release), Ok(()));
            assert_eq!(
                check_cancel(&partial, release).is_ok(),
                release,
                "a partial capture: only with shouldReleaseRemainingFunds"
            );
            for captured in [&full, &refunded] {
                assert!(matches!(
                    check_cancel(captured, release),
                    Err(OperationError::CancelAfterCapture { remaining, .. }) if remaining.is_zero()
                ));
            }
            assert_eq!(
                check_cancel(&voided, release),
                Err(OperationError::AlreadyCancelled {
                    by: CancelledBy::Merchant
                })
            );
            assert_eq!(
                check_cancel(&user_cancelled, release),
                Err(OperationError::AlreadyCancelled {
                    by: CancelledBy::User
                })
            );
        }
        assert_eq!(
            check_cancel(&partial, false),
            Err(OperationError::CancelAfterCapture {
                captured: a(10000),
                remaining: a(10000)
            })
        );
        // Released: nothing remains to capture, and the capture rule says why.
        let released = partial.with_cancelled(CancelledBy::Merchant);
        assert_eq!(released.amounts().remaining_to_capture, Amount::ZERO);
        assert_eq!(
            check_capture(&released, None),
            Err(OperationError::Cancelled {
                operation: "capture"
            })
        );
        assert_eq!(
            check_refund(&released, a(10000), Timestamp::from_millis(0)),
            Ok(())
        );
    }

    #[test]
    fn requests_need_a_text() {
        let msn = MerchantSerialNumber::new("123456").unwrap();
        let reserved = PaymentStatus::initiated().with_reserved(a(20000));
        assert_eq!(
            OperationRequest::capture(&msn, &reserved, None, "  "),
            Err(OperationError::EmptyTransactionText {
                operation: "capture"
            })
        );
        for operation in ["capture", "cancel", "refund"] {
            let long = "x".repeat(101);
            let captured = reserved.clone().with_captured(a(100));
            let e = match operation {
                "capture" => OperationRequest::capture(&msn, &reserved, None, &long),
                "cancel" => OperationRequest::cancel(&msn, &reserved, &long),
                _ => OperationRequest::refund(
                    &msn,
                    &captured,
                    a(100),
                    &long,
                    Timestamp::from_millis(0),
                ),
            };
            assert_eq!(
                e,
                Err(OperationError::TransactionTextTooLong {
                    operation,
                    len: 101
                })
            );
        }
        assert!(OperationRequest::capture(&msn, &reserved, None, &"ø".repeat(100)).is_ok());
        let r = OperationRequest::capture(&msn, &reserved, Some(Amount::ZERO), "all").unwrap();
        assert_eq!(r.transaction.amount, None);
        let r = OperationRequest::cancel(&msn, &reserved, "No socks for you!").unwrap();
        assert_eq!(r.transaction.amount, None);
        assert_eq!(r.should_release_remaining_funds, None);
    }
}
