//! Vipps eCom API v2: the provider's numbers, wire types and rules
//! (the Vipps eCom API guide and OpenAPI specification, the eCom API
//! changelog, the knowledge base's "Exception handling", the 2022-01
//! technical update, and the Recurring API's charge status).
//!
//! The wire types use the provider's exact field names and accept what
//! real payloads vary in — `merchantSerialNumber` as a string or a number,
//! numbers sent as strings, unknown extra fields, missing optional blocks.
//! What is genuinely wrong is an error that names the field.
//!
//! # A payment, from the backend's side
//!
//! 1. **Initiate**: build an [`InitiateRequest`] with
//!    [`InitiateRequest::builder`] (it checks the `orderId`, the amount,
//!    the mobile number and the express-checkout combinations), send it to
//!    [`endpoints::INITIATE`] with the [`headers`], and read the
//!    [`InitiateResponse`]: the `url` to send the shopper to.
//! 2. **Find out what happened**: a [`Callback`] may arrive (check its
//!    `Authorization` with [`verify_callback_authorization`]); poll
//!    [`endpoints::details`] for the [`PaymentDetails`] anyway — "the
//!    callback will not be retried". Turn each into facts with
//!    `to_status()` and merge them: the result never moves backwards.
//!    [`crate::providers::payload::StatusPayload::parse_json`] reads any of them
//!    without being told which it is.
//! 3. **Capture, cancel, refund**: build the [`OperationRequest`] with
//!    [`OperationRequest::capture`], [`cancel`](OperationRequest::cancel) or
//!    [`refund`](OperationRequest::refund), which check the amount rules
//!    against the status first; read the [`OperationResponse`].
//! 4. **When a call fails**: parse the body with [`ErrorBody::parse_json`]
//!    and ask [`classify`] what to do: retry later, check the details then
//!    retry with the same `X-Request-Id`, give up, or start again with a new
//!    `orderId`.
//!
//! # From the provider's words to a status
//!
//! Each observation's `to_status()` gives the facts it proves
//! ([`PaymentStatus`](crate::status::PaymentStatus)); the state is derived
//! from the facts.
//!
//! | observation | facts |
//! |---|---|
//! | details: successful `RESERVE` | reserved (the largest amount) |
//! | details: successful `CAPTURE` | captured (the sum), first capture time |
//! | details: successful `SALE` | reserved and captured (direct capture) |
//! | details: successful `REFUND` | refunded (the sum) |
//! | details: successful `CANCEL` / `USER_CANCEL` / `VOID` | cancelled by the user / the merchant |
//! | details: any unsuccessful operation | a [`FailedOperation`](crate::status::FailedOperation) fact; the state does not move |
//! | callback `RESERVED` / `RESERVE` / `SALE` | reserved / reserved and captured |
//! | callback `RESERVE_FAILED` / `SALE_FAILED` | failed, with the status as reason |
//! | callback `CANCELLED` / `REJECTED` | cancelled by the user / rejected |
//! | capture / refund response | captured / refunded, totals from `transactionSummary` |
//! | cancel response (the merchant's own call) | cancelled by the merchant; captured / refunded as its `transactionSummary` says (a cancel after a partial capture) |
//! | deprecated status name | as its operation above (`FAILED`: failed, `REJECTED`: rejected) |
//!
//! `transactionSummary` only refines the amounts of steps the history (or
//! the response's status) proves; it never proves a step on its own, so a
//! success is only ever derived from a successful reserve, sale or capture.
//!
//! # Example
//!
//! ```
//! use appswitch_core::foundation::money::Amount;
//! use appswitch_core::status::PaymentState;
//! use appswitch_core::providers::vipps_ecom::{InitiateRequest, PaymentDetails};
//!
//! let request = InitiateRequest::builder()
//!     .merchant_serial_number("123456")
//!     .order_id("order123abc")
//!     .amount(Amount::from_minor(20000))
//!     .transaction_text("One pair of Vipps socks")
//!     .callback_prefix("https://example.com/vipps/callbacks-for-payment-update")
//!     .fallback("https://example.com/vipps/fallback-result-page/order123abc")
//!     .is_app(true)
//!     .build()
//!     .unwrap();
//! let body = serde_json::to_string(&request).unwrap();
//! # let _ = body;
//!
//! // Later, polling the details:
//! let details = PaymentDetails::parse_json(r#"{"orderId": "order123abc",
//!   "transactionLogHistory": [
//!     {"amount": 20000, "operation": "RESERVE", "operationSuccess": true,
//!      "timeStamp": "2018-11-14T15:21:22.126Z", "transactionId": "5001420062", "requestId": ""},
//!     {"amount": 20000, "operation": "INITIATE", "operationSuccess": true,
//!      "timeStamp": "2018-11-14T15:21:04.697Z", "transactionId": "5001420062", "requestId": ""}]}"#)
//!     .unwrap();
//! assert_eq!(details.to_status().state(), PaymentState::Reserved);
//! ```

pub mod app;
mod callback;
mod details;
mod effect;
pub mod endpoints;
mod error_codes;
mod errors;
mod express;
pub mod headers;
mod initiate;
mod initiate_builder;
mod legacy;
pub mod limits;
pub mod mobile_number;
mod msn;
mod operations;
pub mod order_id;
mod parse;
pub(crate) mod recognise;
pub mod recurring;
mod rules;
mod to_status;
mod token;
mod transaction_info;

pub use callback::{
    AuthToken, Callback, CallbackAuthError, CallbackStatus, CallbackTransactionInfo,
    verify_callback_authorization,
};
pub use details::{LogEntry, Operation, PaymentDetails, TransactionSummary};
pub use effect::{Attempt, Effect, HistoryMatch, SentOperation};
pub use error_codes::{ErrorGroup, KnownErrorCode};
pub use errors::{
    AzureError, AzureResponseInfo, AzureResult, CallFailure, EcomError, ErrorBody, GatewayError,
    TokenError, classify,
};
pub use express::{
    Address, ShippingDetails, ShippingDetailsRequest, ShippingDetailsResponse, ShippingOption,
    UserDetails,
};
pub use headers::SystemHeaders;
pub use initiate::{
    AdditionalTransactionData, CustomerInfo, InitiateRequest, InitiateResponse,
    InitiateTransaction, MerchantInfo, PaymentType,
};
pub use initiate_builder::{BuiltInitiate, InitiateBuilder, InitiateError, InitiateWarning};
pub use legacy::{OrderStatusInfo, OrderStatusResponse};
pub use msn::{MerchantSerialNumber, MsnError};
pub use operations::{
    MerchantRef, OperationInfo, OperationRequest, OperationResponse, OperationStatus,
    OperationTransaction,
};
pub use parse::parse_shipping_details_request;
pub use rules::{OperationError, check_cancel, check_capture, check_refund};
pub use token::AccessTokenResponse;
pub use transaction_info::TransactionInfo;
