//! Callbacks: `POST:[callbackPrefix]/v2/payments/{orderId}` from the
//! provider to the merchant (Vipps eCom API guide, "Callbacks").
//!
//! "The callback will be performed _only once_ during a payment process"
//! and "will not be retried": a backend must also poll the details, and
//! merge both ([`crate::status::PaymentStatus::merge`]).
//!
//! ```
//! use appswitch_core::providers::vipps_ecom::{verify_callback_authorization, AuthToken, Callback, CallbackStatus};
//!
//! let token = AuthToken::new("secret-for-order123abc");
//! // In the merchant's callback handler:
//! verify_callback_authorization(&token, Some("secret-for-order123abc")).unwrap();
//! let body = r#"{"merchantSerialNumber": 123456, "orderId": "order123abc",
//!   "transactionInfo": {"amount": 20000, "status": "RESERVED",
//!   "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "5001420062"}}"#;
//! let callback: Callback = serde_json::from_str(body).unwrap();
//! assert_eq!(callback.transaction_info.status, CallbackStatus::Reserved);
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::errors::EcomError;
use super::express::{ShippingDetails, UserDetails};
use super::msn::MerchantSerialNumber;
use super::transaction_info::TransactionInfo;
use crate::foundation::lenient::{opt_or_none, text_or_number};

/// The body of a callback, regular or express (eCom API specification
/// (OpenAPI), schemas `RegularCheckOutPaymentRequest` and
/// `ExpressCheckOutPaymentRequest`).
///
/// An express callback adds `shippingDetails` and `userDetails` and says
/// `RESERVE` where a regular one says `RESERVED`. An odd optional block is
/// skipped, never a reason to refuse the callback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    /// `merchantSerialNumber` (a string in the specification, a number in
    /// the guide's examples).
    pub merchant_serial_number: MerchantSerialNumber,
    /// `orderId`.
    #[serde(deserialize_with = "text_or_number")]
    pub order_id: String,
    /// `transactionInfo`: what happened.
    pub transaction_info: CallbackTransactionInfo,
    /// `shippingDetails` (express).
    #[serde(
        default,
        deserialize_with = "opt_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_details: Option<ShippingDetails>,
    /// `userDetails` (express).
    #[serde(
        default,
        deserialize_with = "opt_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_details: Option<UserDetails>,
    /// `errorInfo`: why the payment failed, for a `RESERVE_FAILED` or
    /// `SALE_FAILED` (schema `Error`: `errorGroup`, `errorCode`,
    /// `errorMessage`, `contextId`).
    #[serde(
        default,
        deserialize_with = "opt_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_info: Option<EcomError>,
}

impl Callback {
    /// True for an express checkout's callback (it carries shipping or
    /// user details, or the express status `RESERVE`).
    pub fn is_express(&self) -> bool {
        self.shipping_details.is_some()
            || self.user_details.is_some()
            || self.transaction_info.status == CallbackStatus::Reserve
    }
}

/// `transactionInfo` of a callback.
pub type CallbackTransactionInfo = TransactionInfo<CallbackStatus>;

/// The statuses a callback reports (Vipps eCom API guide, "Callback statuses").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallbackStatus {
    /// `RESERVED` (regular): "Payment reserved, by user accepting the
    /// payment in Vipps".
    Reserved,
    /// `RESERVE` (express): the same as `RESERVED` — "it _is_ correct that
    /// this is different from `RESERVED` for regular checkout - sorry".
    Reserve,
    /// `SALE`: "Payment captured with direct capture".
    Sale,
    /// `RESERVE_FAILED`: "Reserve failed because of insufficient funds,
    /// invalid card, or similar".
    ReserveFailed,
    /// `SALE_FAILED`: "Direct failed because of insufficient funds, invalid
    /// card, or similar".
    SaleFailed,
    /// `CANCELLED`: "Payment canceled, by user in Vipps".
    Cancelled,
    /// `REJECTED`: "User did not act on the payment (timeout, etc)".
    Rejected,
}

impl CallbackStatus {
    /// Every status, in the eCom guide's order.
    pub const ALL: [CallbackStatus; 7] = [
        CallbackStatus::Reserved,
        CallbackStatus::Reserve,
        CallbackStatus::Sale,
        CallbackStatus::ReserveFailed,
        CallbackStatus::SaleFailed,
        CallbackStatus::Cancelled,
        CallbackStatus::Rejected,
    ];

    /// The name on the wire, e.g. `RESERVE_FAILED`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackStatus::Reserved => "RESERVED",
            CallbackStatus::Reserve => "RESERVE",
            CallbackStatus::Sale => "SALE",
            CallbackStatus::ReserveFailed => "RESERVE_FAILED",
            CallbackStatus::SaleFailed => "SALE_FAILED",
            CallbackStatus::Cancelled => "CANCELLED",
            CallbackStatus::Rejected => "REJECTED",
        }
    }

    /// The status with this wire name, if any.
    pub fn from_name(name: &str) -> Option<CallbackStatus> {
        CallbackStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The merchant's `authToken` for one payment: the provider sends it back
/// as the `Authorization` header of the callbacks and shipping-details
/// requests.
///
/// `Debug` does not print it; compare it only with
/// [`verify_callback_authorization`] (constant time).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AuthToken(String);

impl AuthToken {
    /// Wraps the token the merchant generated (from randomness it owns).
    pub fn new(token: impl Into<String>) -> Self {
        AuthToken(token.into())
    }

    /// The token, to put into the initiate request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthToken(<redacted>)")
    }
}

/// Why a callback's `Authorization` header was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackAuthError {
    /// The request has no `Authorization` header.
    #[error("the callback has no `Authorization` header")]
    Missing,
    /// The header does not match the payment's `authToken`.
    #[error("the callback's `Authorization` header does not match the payment's `authToken`")]
    Mismatch,
    /// The merchant's own `authToken` is empty: nothing can match it.
    #[error("the payment's `authToken` is empty; refusing every callback")]
    EmptyToken,
}

/// Checks a callback's (or shipping-details request's) `Authorization`
/// header against the `authToken` the merchant sent for that payment, in
/// constant time (the comparison does not reveal how many leading bytes
/// matched). Surrounding whitespace in the header is ignored.
pub fn verify_callback_authorization(
    expected: &AuthToken,
    authorization_header: Option<&str>,
) -> Result<(), CallbackAuthError> {
    if expected.0.is_empty() {
        return Err(CallbackAuthError::EmptyToken);
    }
    let got = authorization_header
        .ok_or(CallbackAuthError::Missing)?
        .trim();
    if bool::from(got.as_bytes().ct_eq(expected.0.as_bytes())) {
        Ok(())
    } else {
        Err(CallbackAuthError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_is_checked() {
        let t = AuthToken::new("tok-123");
        assert_eq!(verify_callback_authorization(&t, Some("tok-123")), Ok(()));
        assert_eq!(
            verify_callback_authorization(&t, Some(" tok-123\r\n")),
            Ok(())
        );
        assert_eq!(
            verify_callback_authorization(&t, Some("tok-124")),
            Err(CallbackAuthError::Mismatch)
        );
        assert_eq!(
            verify_callback_authorization(&t, Some("tok-1234")),
            Err(CallbackAuthError::Mismatch)
        );
        assert_eq!(
            verify_callback_authorization(&t, Some("")),
            Err(CallbackAuthError::Mismatch)
        );
        assert_eq!(
            verify_callback_authorization(&t, None),
            Err(CallbackAuthError::Missing)
        );
        assert_eq!(
            verify_callback_authorization(&AuthToken::new(""), Some("")),
            Err(CallbackAuthError::EmptyToken)
        );
        assert!(!format!("{t:?}").contains("tok-123"));
    }

    #[test]
    fn status_names_round_trip() {
        for s in CallbackStatus::ALL {
            assert_eq!(CallbackStatus::from_name(s.as_str()), Some(s));
        }
        assert_eq!(CallbackStatus::from_name("Reserved"), None);
    }
}
