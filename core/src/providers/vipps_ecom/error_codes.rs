//! The provider's error groups and error codes (seed 001, "Error groups"
//! and "Error codes"), each with what it means and what to do about it.
//!
//! "Please note that Vipps is only allowed to provide some of these errors
//! through the API, and that we have to send `VippsError` (99) in cases
//! where we are not allowed to provide more details."

use core::fmt;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use crate::foundation::retry::ErrorClass;

/// `errorGroup`: the kind of failure.
///
/// Read case-insensitively (the seed writes both `user` and `User`, and
/// both `Payment` and `Payments`); an unknown group is kept as sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorGroup {
    /// `Authentication`: "Authentication Failure because of wrong
    /// credentials provided".
    Authentication,
    /// `Payments` (also `Payment`): "Failure while doing a payment
    /// authorization".
    Payments,
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
    /// The group with this name (case-insensitive).
    pub fn from_name(name: &str) -> ErrorGroup {
        match name.to_ascii_lowercase().as_str() {
            "authentication" => ErrorGroup::Authentication,
            "payments" | "payment" => ErrorGroup::Payments,
            "invalidrequest" => ErrorGroup::InvalidRequest,
            "vippserror" => ErrorGroup::VippsError,
            "user" => ErrorGroup::User,
            "merchant" => ErrorGroup::Merchant,
            _ => ErrorGroup::Other(name.to_string()),
        }
    }

    /// The seed's spelling of the group.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorGroup::Authentication => "Authentication",
            ErrorGroup::Payments => "Payments",
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
        String::deserialize(d).map(|s| ErrorGroup::from_name(&s))
    }
}

macro_rules! error_codes {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $code:literal, $group:ident, $meaning:literal, $class:ident;
    )*) => {
        /// Every numbered error code of the seed's table.
        ///
        /// Each variant's documentation quotes the seed's message and says
        /// how it is classified ([`KnownErrorCode::class`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum KnownErrorCode {
            $(
                $(#[doc = $doc])*
                $name,
            )*
        }

        impl KnownErrorCode {
            /// Every code, in the seed's order.
            pub const ALL: &'static [KnownErrorCode] = &[$(KnownErrorCode::$name),*];

            /// The code as the provider sends it, e.g. `"44"`.
            pub fn code(self) -> &'static str {
                match self { $(KnownErrorCode::$name => $code,)* }
            }

            /// The group the seed lists the code under.
            pub fn group(self) -> ErrorGroup {
                match self { $(KnownErrorCode::$name => ErrorGroup::$group,)* }
            }

            /// The seed's error message for the code.
            pub fn meaning(self) -> &'static str {
                match self { $(KnownErrorCode::$name => $meaning,)* }
            }

            /// What to do about it.
            pub fn class(self) -> ErrorClass {
                match self { $(KnownErrorCode::$name => ErrorClass::$class,)* }
            }

            /// The code with this number (codes are unique across groups).
            pub fn from_code(code: &str) -> Option<KnownErrorCode> {
                match code.trim() { $($code => Some(KnownErrorCode::$name),)* _ => None }
            }
        }
    };
}

error_codes! {
    /// Payments 41: "User do not have a valid card". Final: the shopper
    /// must fix the card in the app.
    NoValidCard = "41", Payments, "User do not have a valid card", Final;
    /// Payments 42: "Refused by issuer bank". Final.
    RefusedByIssuer = "42", Payments, "Refused by issuer bank", Final;
    /// Payments 43: "Refused by issuer bank because of invalid a amount".
    /// Final.
    RefusedInvalidAmount = "43", Payments, "Refused by issuer bank because of invalid a amount", Final;
    /// Payments 44: "Refused by issuer because of expired card". Final.
    RefusedExpiredCard = "44", Payments, "Refused by issuer because of expired card", Final;
    /// Payments 45: "Reservation failed for some unknown reason". Final:
    /// the reservation did not happen.
    ReservationFailed = "45", Payments, "Reservation failed for some unknown reason", Final;
    /// Payments 51: "Cannot cancel already captured order". Final:
    /// refund instead.
    CancelAfterCapture = "51", Payments, "Cannot cancel already captured order", Final;
    /// Payments 52: "Cancellation failed". Check then retry: the outcome
    /// is unknown.
    CancellationFailed = "52", Payments, "Cancellation failed", CheckThenRetry;
    /// Payments 53: "Cannot cancel order which is not reserved yet".
    /// Final.
    CancelBeforeReserve = "53", Payments, "Cannot cancel order which is not reserved yet", Final;
    /// Payments 61: "Captured amount exceeds the reserved amount ordered".
    /// Final: an amount rule.
    CaptureExceedsReserved = "61", Payments, "Captured amount exceeds the reserved amount ordered", Final;
    /// Payments 62: "The amount you tried to capture is not reserved".
    /// Final.
    CaptureNotReserved = "62", Payments, "The amount you tried to capture is not reserved", Final;
    /// Payments 63: "Capture failed for some unknown reason, please use
    /// Get Payment Details API to know the exact status". Check then retry,
    /// as it says.
    CaptureFailed = "63", Payments, "Capture failed for some unknown reason, please use Get Payment Details API to know the exact status", CheckThenRetry;
    /// Payments 71: "Cannot refund more than captured amount". Final.
    RefundExceedsCaptured = "71", Payments, "Cannot refund more than captured amount", Final;
    /// Payments 72: "Cannot refund for reserved order, please use Cancel
    /// API". Final.
    RefundBeforeCapture = "72", Payments, "Cannot refund for reserved order, please use Cancel API", Final;
    /// Payments 73: "Cannot refund on cancelled order". Final.
    RefundAfterCancel = "73", Payments, "Cannot refund on cancelled order", Final;
    /// Payments 93: "Captured amount should be same in Idempotent retry".
    /// Final: a retry must repeat the request exactly.
    IdempotentAmountMismatch = "93", Payments, "Captured amount should be same in Idempotent retry", Final;
    /// Payments 1501: "This person can not pay to companies" ("Used for
    /// Vipps users under the age of 15."). Final.
    UnderagePayer = "1501", Payments, "This person can not pay to companies", Final;
    /// VippsError 91: "Transaction is not allowed". Final.
    TransactionNotAllowed = "91", VippsError, "Transaction is not allowed", Final;
    /// VippsError 92: "Transaction already processed". Check then retry:
    /// the details show whether this very operation is done (then do not
    /// retry).
    AlreadyProcessed = "92", VippsError, "Transaction already processed", CheckThenRetry;
    /// VippsError 98: "Too many concurrent requests". Retry later:
    /// nothing happened.
    TooManyConcurrentRequests = "98", VippsError, "Too many concurrent requests", RetryLater;
    /// VippsError 99: "Description of the internal error" (also sent when
    /// the provider may not say more). Check then retry: the outcome is
    /// unknown.
    InternalError = "99", VippsError, "Description of the internal error", CheckThenRetry;
    /// User 81: "User not registered with Vipps". Final.
    UserNotRegistered = "81", User, "User not registered with Vipps", Final;
    /// User 82: "User App version not supported". Final.
    AppVersionNotSupported = "82", User, "User App version not supported", Final;
    /// Merchant 31: "Merchant is blocked because of `<reason>`". Final.
    MerchantBlocked = "31", Merchant, "Merchant is blocked because of <reason>", Final;
    /// Merchant 32: "Receiving limit of merchant is exceeded". Final.
    ReceivingLimitExceeded = "32", Merchant, "Receiving limit of merchant is exceeded", Final;
    /// Merchant 33: "Number of payment requests has been exceeded". Retry
    /// later: a rate limit.
    PaymentRequestsExceeded = "33", Merchant, "Number of payment requests has been exceeded", RetryLater;
    /// Merchant 34: "Unique constraint violation of the order id". New
    /// orderId: this one is taken ("The initiate call is not idempotent").
    DuplicateOrderId = "34", Merchant, "Unique constraint violation of the order id", NewOrderId;
    /// Merchant 35: "Registered order not found". Final.
    OrderNotFound = "35", Merchant, "Registered order not found", Final;
    /// Merchant 36: "Merchant agreement not signed". Final.
    AgreementNotSigned = "36", Merchant, "Merchant agreement not signed", Final;
    /// Merchant 37: "Merchant not available, deactivated or blocked".
    /// Final.
    MerchantNotAvailable = "37", Merchant, "Merchant not available, deactivated or blocked", Final;
    /// Merchant 38: "Sale unit is not allowed to skip the landing page".
    /// Final.
    SkipLandingPageNotAllowed = "38", Merchant, "Sale unit is not allowed to skip the landing page", Final;
    /// Merchant 21: "Reference Order ID is not valid". Final.
    InvalidReferenceOrderId = "21", Merchant, "Reference Order ID is not valid", Final;
    /// Merchant 22: "Reference Order ID is not in valid state". Final.
    ReferenceOrderIdInvalidState = "22", Merchant, "Reference Order ID is not in valid state", Final;
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
    fn the_table_is_complete_and_consistent() {
        assert_eq!(KnownErrorCode::ALL.len(), 32);
        for &c in KnownErrorCode::ALL {
            assert_eq!(KnownErrorCode::from_code(c.code()), Some(c));
            assert!(!c.meaning().is_empty());
        }
        assert_eq!(
            KnownErrorCode::from_code("34").map(KnownErrorCode::class),
            Some(ErrorClass::NewOrderId)
        );
        assert_eq!(KnownErrorCode::from_code("0"), None);
    }

    #[test]
    fn groups_are_read_leniently() {
        assert_eq!(ErrorGroup::from_name("Payment"), ErrorGroup::Payments);
        assert_eq!(ErrorGroup::from_name("user"), ErrorGroup::User);
        assert_eq!(
            ErrorGroup::from_name("Shipping"),
            ErrorGroup::Other("Shipping".into())
        );
    }
}
