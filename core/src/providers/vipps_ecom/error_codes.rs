//! The provider's error groups and error codes, each with what it means
//! and what to do about it.
//!
//! The table is the provider's current one (Vipps eCom API guide, "Error
//! groups" and "Error codes"); the four codes only the earlier guide lists
//! (Payment 53 and 1501, Merchant 21 and 22) are kept, and say so.
//!
//! A code is only known together with its group: the guide lists the same
//! number under two groups with different meanings — `Payment 51` "Cannot
//! cancel an orderId that has already been captured" but `Merchant 51`
//! "The Nin scope is not allowed"; `Payment 98` "Payments can only be
//! captured up to 180 days after reservation" (final) but `VippsError 98`
//! "Too many concurrent requests" (retry later); `Payment 93` and
//! `VippsError 93` both about idempotent retries. A code the table does not
//! have under its group is classified by the group alone
//! ([`super::EcomError::class`]).
//!
//! "Vipps is only allowed to provide all of these errors through the API,
//! and … we have to send `VippsError` (99) in cases where we are not
//! allowed to provide more details." (Vipps eCom API guide, "Error codes")

use core::fmt;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use crate::foundation::retry::ErrorClass;

/// `errorGroup`: the kind of failure (eCom API specification (OpenAPI),
/// schema `Error`, property `errorGroup`).
///
/// Read case-insensitively (the guide writes both `user` and `User`, and
/// the earlier guide `Payments` where the specification says `Payment`);
/// written as the specification spells it. An unknown group is kept as
/// sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorGroup {
    /// `Authentication`: "Authentication Failure because of wrong
    /// credentials provided".
    Authentication,
    /// `Payment` (also read from `Payments`): "Failure while doing a
    /// payment authorization".
    Payment,
    /// `InvalidRequest`: "Request contains invalid parameters". The field
    /// name is the error code.
    InvalidRequest,
    /// `VippsError`: "Internal Vipps application error".
    VippsError,
    /// `User`: "Error related to the Vipps user (Example: Not a Vipps
    /// user)".
    User,
    /// `Merchant`: "Errors regarding the merchant".
    Merchant,
    /// A group this crate does not know, as sent.
    Other(String),
}

impl ErrorGroup {
    /// Every group the specification names, in its order.
    pub const SPECIFIED: [ErrorGroup; 6] = [
        ErrorGroup::Authentication,
        ErrorGroup::Payment,
        ErrorGroup::InvalidRequest,
        ErrorGroup::VippsError,
        ErrorGroup::User,
        ErrorGroup::Merchant,
    ];

    /// The group with this name (case-insensitive).
    pub fn from_name(name: &str) -> ErrorGroup {
        match name.trim().to_ascii_lowercase().as_str() {
            "authentication" => ErrorGroup::Authentication,
            "payments" | "payment" => ErrorGroup::Payment,
            "invalidrequest" => ErrorGroup::InvalidRequest,
            "vippserror" => ErrorGroup::VippsError,
            "user" => ErrorGroup::User,
            "merchant" => ErrorGroup::Merchant,
            _ => ErrorGroup::Other(name.to_string()),
        }
    }

    /// The specification's spelling of the group (`Payment`, `User`, …).
    pub fn as_str(&self) -> &str {
        match self {
            ErrorGroup::Authentication => "Authentication",
            ErrorGroup::Payment => "Payment",
            ErrorGroup::InvalidRequest => "InvalidRequest",
            ErrorGroup::VippsError => "VippsError",
            ErrorGroup::User => "User",
            ErrorGroup::Merchant => "Merchant",
            ErrorGroup::Other(name) => name,
        }
    }
}

impl fmt::Display for ErrorGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::text_or_number(d).map(|s| ErrorGroup::from_name(&s))
    }
}

macro_rules! error_codes {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $group:ident $code:literal, $meaning:literal, $class:ident;
    )*) => {
        /// Every numbered error code of the provider's table, each under
        /// its group.
        ///
        /// Each variant's documentation quotes the provider's message and
        /// says how it is classified ([`KnownErrorCode::class`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum KnownErrorCode {
            $(
                $(#[doc = $doc])*
                $name,
            )*
        }

        impl KnownErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &'static [KnownErrorCode] = &[$(KnownErrorCode::$name),*];

            /// The code as the provider sends it, e.g. `"44"`.
            pub fn code(self) -> &'static str {
                match self { $(KnownErrorCode::$name => $code,)* }
            }

            /// The group the code belongs to.
            pub fn group(self) -> ErrorGroup {
                match self { $(KnownErrorCode::$name => ErrorGroup::$group,)* }
            }

            /// The provider's error message for the code.
            pub fn meaning(self) -> &'static str {
                match self { $(KnownErrorCode::$name => $meaning,)* }
            }

            /// What to do about it.
            pub fn class(self) -> ErrorClass {
                match self { $(KnownErrorCode::$name => ErrorClass::$class,)* }
            }

            /// The code `code` of group `group`, if the table has it there
            /// (`code` may carry surrounding spaces). The same number in
            /// another group is another code, or none.
            pub fn from_group_code(group: &ErrorGroup, code: &str) -> Option<KnownErrorCode> {
                let code = code.trim();
                KnownErrorCode::ALL
                    .iter()
                    .copied()
                    .find(|k| k.code() == code && &k.group() == group)
            }
        }
    };
}

error_codes! {
    /// Payment 41: "The user does not have a valid card." Final: "The
    /// customer must add a card."
    NoValidCard = Payment "41", "The user does not have a valid card.", Final;
    /// Payment 42: "Refused by the issuer." Final: "The customer must
    /// contact the issuer, typically the bank."
    RefusedByIssuer = Payment "42", "Refused by the issuer.", Final;
    /// Payment 43: "Refused by the issuer: Invalid amount." Final.
    RefusedInvalidAmount = Payment "43", "Refused by the issuer: Invalid amount.", Final;
    /// Payment 44: "Refused by the issuer: Expired card." Final: "The
    /// customer must add a card."
    RefusedExpiredCard = Payment "44", "Refused by the issuer: Expired card.", Final;
    /// Payment 45: "Reservation failed, reason unknown." ("Most common: The
    /// customer has not acted upon the payment.") Final: the reservation
    /// did not happen.
    ReservationFailed = Payment "45", "Reservation failed, reason unknown.", Final;
    /// Payment 51: "Cannot cancel an orderId that has already been
    /// captured." Final: refund instead — or, after a partial capture,
    /// cancel with `shouldReleaseRemainingFunds` (Vipps eCom API guide,
    /// "Cancelling a partially captured order").
    CancelAfterCapture = Payment "51", "Cannot cancel an orderId that has already been captured.", Final;
    /// Payment 52: "Cancellation failed, reason unknown." Check then retry:
    /// the outcome is unknown.
    CancellationFailed = Payment "52", "Cancellation failed, reason unknown.", CheckThenRetry;
    /// Payment 53: "Cannot cancel order which is not reserved yet" (the
    /// earlier guide's table; since April 2020 a pending order can be
    /// cancelled, eCom API changelog). Final.
    CancelBeforeReserve = Payment "53", "Cannot cancel order which is not reserved yet", Final;
    /// Payment 61: "The total capture amount exceeds the reserved amount."
    /// Final: an amount rule ("Check the payment details").
    CaptureExceedsReserved = Payment "61", "The total capture amount exceeds the reserved amount.", Final;
    /// Payment 62: "The amount you tried to capture is not reserved." Final:
    /// "The user must accept the payment before capture can be done."
    CaptureNotReserved = Payment "62", "The amount you tried to capture is not reserved.", Final;
    /// Payment 63: "Capture failed an unknown reason. Retrieve the payment
    /// details to see the full details." Check then retry, as it says.
    CaptureFailed = Payment "63", "Capture failed an unknown reason. Retrieve the payment details to see the full details.", CheckThenRetry;
    /// Payment 71: "Cannot refund a higher amount than the captured
    /// amount." Final.
    RefundExceedsCaptured = Payment "71", "Cannot refund a higher amount than the captured amount.", Final;
    /// Payment 72: "Cannot refund a reserved order. The orderId can be
    /// canceled instead." Final.
    RefundBeforeCapture = Payment "72", "Cannot refund a reserved order. The orderId can be canceled instead.", Final;
    /// Payment 73: "Cannot refund a canceled order." Final.
    RefundAfterCancel = Payment "73", "Cannot refund a canceled order.", Final;
    /// Payment 74: "Refund failed during debit from the merchant's
    /// account." Final: nothing was refunded, and the merchant's
    /// settlement account must cover it first ("there must be enough funds
    /// at merchant settlements account", eCom API specification,
    /// `refundPaymentUsingPOST`).
    RefundDebitFailed = Payment "74", "Refund failed during debit from the merchant's account.", Final;
    /// Payment 93: "Captured amount must be the same in an idempotent
    /// retry." Final: a retry must repeat the request exactly.
    IdempotentAmountMismatch = Payment "93", "Captured amount must be the same in an idempotent retry.", Final;
    /// Payment 95: "Payments can only be refunded up to 365 days after
    /// reservation." or "Direct capture is not allowed." Final.
    RefundTooLateOrNoDirectCapture = Payment "95", "Payments can only be refunded up to 365 days after reservation, or direct capture is not allowed.", Final;
    /// Payment 98: "Payments can only be captured up to 180 days after
    /// reservation." Final: too late, however often it is tried (not
    /// `VippsError 98`).
    CaptureTooLate = Payment "98", "Payments can only be captured up to 180 days after reservation.", Final;
    /// Payment 1082: "This person is not BankID verified." ("This only
    /// applies for test users.") Final.
    NotBankIdVerified = Payment "1082", "This person is not BankID verified.", Final;
    /// Payment 1501: "This person can not pay to companies" ("Used for
    /// Vipps users under the age of 15"; the earlier guide's table). Final.
    UnderagePayer = Payment "1501", "This person can not pay to companies", Final;
    /// VippsError 91: "The transaction is not allowed." ("Typically shown
    /// when attempting to capture a cancelled order.") Final.
    TransactionNotAllowed = VippsError "91", "The transaction is not allowed.", Final;
    /// VippsError 92: "The transaction has already been processed." Check
    /// then retry: the details show whether this very operation is done
    /// (then it is not sent again).
    AlreadyProcessed = VippsError "92", "The transaction has already been processed.", CheckThenRetry;
    /// VippsError 93: "The capture request must be identical to the
    /// previous request(s) in an idempotent retry." (or the refund
    /// request). Final.
    IdempotentRequestMismatch = VippsError "93", "The request must be identical to the previous request(s) in an idempotent retry.", Final;
    /// VippsError 94: "Order locked and is already processing." Retry
    /// later: "Retry the same request later, with the same idempotency
    /// key."
    OrderLocked = VippsError "94", "Order locked and is already processing.", RetryLater;
    /// VippsError 98: "Too many concurrent requests." Retry later: nothing
    /// happened ("Used only to prevent obviously incorrect API use").
    TooManyConcurrentRequests = VippsError "98", "Too many concurrent requests.", RetryLater;
    /// VippsError 99: "Internal error." (also sent when the provider may
    /// not say more). Check then retry: the outcome is unknown.
    InternalError = VippsError "99", "Internal error.", CheckThenRetry;
    /// User 81: "The phone number is either incorrectly formatted, is not
    /// a Vipps user, or the user cannot pay businesses." Final.
    UserNotRegistered = User "81", "The phone number is either incorrectly formatted, is not a Vipps user, or the user cannot pay businesses.", Final;
    /// User 82: "The user's app version is not supported." Final: "The
    /// user must upgrade the app."
    AppVersionNotSupported = User "82", "The user's app version is not supported.", Final;
    /// Merchant 31: "The merchant is blocked." Final.
    MerchantBlocked = Merchant "31", "The merchant is blocked.", Final;
    /// Merchant 32: "The receiving limit of merchant is exceeded." Final.
    ReceivingLimitExceeded = Merchant "32", "The receiving limit of merchant is exceeded.", Final;
    /// Merchant 33: "The merchant's payment request limit is exceeded."
    /// Final: "The merchant has requested more money than allowed" — an
    /// amount limit only customer service can lift (the current guide; the
    /// earlier one worded it "Number of payment requests has been
    /// exceeded", which read like a rate limit).
    PaymentRequestsExceeded = Merchant "33", "The merchant's payment request limit is exceeded.", Final;
    /// Merchant 34: "Duplicate orderId. The orderId must be unique for each
    /// MSN." New orderId: this one is taken ("The initiate call is not
    /// idempotent", Vipps eCom API guide, "Payment retries").
    DuplicateOrderId = Merchant "34", "Duplicate orderId. The orderId must be unique for each MSN.", NewOrderId;
    /// Merchant 35: "The orderId does not exist for the MSN." Final.
    OrderNotFound = Merchant "35", "The orderId does not exist for the MSN.", Final;
    /// Merchant 36: "The merchant's agreement has not been signed." Final.
    AgreementNotSigned = Merchant "36", "The merchant's agreement has not been signed.", Final;
    /// Merchant 37: "The merchant and/or sales unit is unavailable,
    /// deleted, deactivated or blocked for payments." Final.
    MerchantNotAvailable = Merchant "37", "The merchant and/or sales unit is unavailable, deleted, deactivated or blocked for payments.", Final;
    /// Merchant 38: "The sales unit is not allowed to skip the landing
    /// page." Final.
    SkipLandingPageNotAllowed = Merchant "38", "The sales unit is not allowed to skip the landing page.", Final;
    /// Merchant 39: "The sales unit is not allowed to initiate long-living
    /// payments." Final.
    LongLivingPaymentsNotAllowed = Merchant "39", "The sales unit is not allowed to initiate long-living payments.", Final;
    /// Merchant 51: "The Nin scope is not allowed." (HTTP 403). Final — and
    /// not [`CancelAfterCapture`](Self::CancelAfterCapture), which is
    /// `Payment 51`.
    NinScopeNotAllowed = Merchant "51", "The Nin scope is not allowed.", Final;
    /// Merchant 97: "The sales unit is not allowed to perform payments."
    /// Final.
    PaymentsNotAllowed = Merchant "97", "The sales unit is not allowed to perform payments.", Final;
    /// Merchant 21: "Reference Order ID is not valid" (the earlier guide's
    /// table). Final.
    InvalidReferenceOrderId = Merchant "21", "Reference Order ID is not valid", Final;
    /// Merchant 22: "Reference Order ID is not in valid state" (the earlier
    /// guide's table). Final.
    ReferenceOrderIdInvalidState = Merchant "22", "Reference Order ID is not in valid state", Final;
}

impl fmt::Display for KnownErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.group(), self.code(), self.meaning())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_found_under_its_own_group_only() {
        for &c in KnownErrorCode::ALL {
            assert_eq!(
                KnownErrorCode::from_group_code(&c.group(), c.code()),
                Some(c)
            );
            for g in ErrorGroup::SPECIFIED
                .into_iter()
                .filter(|g| g != &c.group())
            {
                let other = KnownErrorCode::from_group_code(&g, c.code());
                assert!(other.is_none_or(|o| o != c), "{c} found under {g}");
            }
            assert!(!c.meaning().is_empty());
        }
    }

    #[test]
    fn groups_are_read_leniently_and_written_as_specified() {
        assert_eq!(ErrorGroup::from_name("Payments"), ErrorGroup::Payment);
        assert_eq!(ErrorGroup::from_name("user"), ErrorGroup::User);
        assert_eq!(
            ErrorGroup::from_name("Shipping"),
            ErrorGroup::Other("Shipping".into())
        );
        for g in ErrorGroup::SPECIFIED {
            assert_eq!(ErrorGroup::from_name(g.as_str()), g);
        }
        assert_eq!(ErrorGroup::Payment.as_str(), "Payment");
    }
}
