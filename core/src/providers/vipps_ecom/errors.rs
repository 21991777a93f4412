//! The provider's error bodies, and what to do after a failed call
//! (Vipps eCom API guide, "HTTP response codes" and "Errors").
//!
//! "HTTP responses with errors from the application gateway contain one
//! error JSON object. Error responses produced from the application gateway
//! include `401`, `403`, `422` and `429`. HTTP responses with errors from
//! the Vipps backend will contain an _array_ of JSON objects." The access
//! token service has a third shape, and the published specification a
//! fourth: "Errors can be from both our own code (where we have full
//! control) and from Microsoft Azure" — `{"responseInfo": {"responseCode",
//! "responseMessage"}, "result": {"message"}}` (eCom API specification
//! (OpenAPI), response `ErrorResponse`, schemas `ErrorArray` and
//! `ErrorFromAzure`).
//!
//! ```
//! use appswitch_core::foundation::retry::ErrorClass;
//! use appswitch_core::providers::vipps_ecom::{classify, CallFailure, ErrorBody, KnownErrorCode};
//!
//! let body = ErrorBody::parse_json(r#"[{"errorGroup": "Payment",
//!     "errorMessage": "Refused by issuer because of expired card", "errorCode": "44"}]"#).unwrap();
//! let ErrorBody::Ecom(errors) = &body else { unreachable!() };
//! assert_eq!(errors[0].known_code(), Some(KnownErrorCode::RefusedExpiredCard));
//! assert_eq!(body.class(), ErrorClass::Final);
//! // The HTTP status matters too: a 5xx leaves the outcome unknown.
//! assert_eq!(classify(CallFailure::Http { status: 500, body: Some(&body) }), ErrorClass::CheckThenRetry);
//! assert_eq!(classify(CallFailure::ReadTimeout), ErrorClass::CheckThenRetry);
//! ```

use serde::{Deserialize, Serialize};

use super::error_codes::{ErrorGroup, KnownErrorCode};
use crate::foundation::lenient::{opt_text_or_number, text_or_number, u16_lenient};
use crate::foundation::retry::ErrorClass;

/// One entry of the backend's error array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcomError {
    /// `errorGroup`.
    pub error_group: ErrorGroup,
    /// `errorCode`: a number as text (`"44"`), or for `InvalidRequest` the
    /// name of the offending field.
    #[serde(deserialize_with = "text_or_number")]
    pub error_code: String,
    /// `errorMessage`.
    #[serde(default)]
    pub error_message: String,
    /// `contextId`: the provider's id for the failed request, for support.
    #[serde(
        default,
        deserialize_with = "opt_text_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub context_id: Option<String>,
}

impl EcomError {
    /// The provider's code, if the table has this (group, code) pair
    /// (never for `InvalidRequest`, whose code is a field name).
    pub fn known_code(&self) -> Option<KnownErrorCode> {
        KnownErrorCode::from_group_code(&self.error_group, &self.error_code)
    }

    /// What to do about this error alone: the known code's class; for a
    /// code the table does not have under this group, the group decides —
    /// [`ErrorClass::CheckThenRetry`] for `VippsError` ("Internal Vipps
    /// application error" leaves the outcome unknown) and
    /// [`ErrorClass::Final`] for every other group.
    pub fn class(&self) -> ErrorClass {
        match (self.known_code(), &self.error_group) {
            (Some(code), _) => code.class(),
            (None, ErrorGroup::VippsError) => ErrorClass::CheckThenRetry,
            (
                None,
                ErrorGroup::Authentication
                | ErrorGroup::Payment
                | ErrorGroup::InvalidRequest
                | ErrorGroup::User
                | ErrorGroup::Merchant
                | ErrorGroup::Other(_),
            ) => ErrorClass::Final,
        }
    }
}

/// The application gateway's error object (`401`, `403`, `422`, `429`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayError {
    /// `statusCode`: the HTTP status (a number, or its text).
    #[serde(deserialize_with = "u16_lenient")]
    pub status_code: u16,
    /// `message`.
    #[serde(default)]
    pub message: String,
}

/// The second error shape of the specification: an error from the API
/// management layer in front of the provider (eCom API specification
/// (OpenAPI), schema `ErrorFromAzure`): "Vipps has limited control of
/// these errors … The most important property is the HTTP status code."
///
/// ```
/// use appswitch_core::foundation::retry::ErrorClass;
/// use appswitch_core::providers::vipps_ecom::ErrorBody;
///
/// let body = ErrorBody::parse_json(r#"{"responseInfo": {"responseCode": 401,
///     "responseMessage": "Unauthorized"}, "result": {"message":
///     "(An error from Azure API Management, possibly related to authentication)"}}"#).unwrap();
/// let ErrorBody::Azure(e) = &body else { unreachable!() };
/// assert_eq!(e.response_info.response_code, 401);
/// assert_eq!(body.class(), ErrorClass::Final);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureError {
    /// `responseInfo`: the HTTP status, again.
    pub response_info: AzureResponseInfo,
    /// `result`: "When possible: A description of what went wrong."
    #[serde(default)]
    pub result: AzureResult,
}

/// `responseInfo` of an [`AzureError`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureResponseInfo {
    /// `responseCode`: the HTTP status (a number, or its text).
    #[serde(deserialize_with = "u16_lenient")]
    pub response_code: u16,
    /// `responseMessage`, e.g. `Unauthorized`.
    #[serde(default)]
    pub response_message: String,
}

/// `result` of an [`AzureError`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureResult {
    /// `message`.
    #[serde(default)]
    pub message: String,
}

/// The access token service's error (Vipps eCom API guide, "Access token").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenError {
    /// `error`, e.g. `unauthorized_client`.
    pub error: String,
    /// `error_description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// `error_codes`, e.g. `[70001]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<u64>,
    /// `timestamp`, as sent (`2017-05-19 09:21:28Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// `trace_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// `correlation_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

impl TokenError {
    /// What to do: OAuth's `temporarily_unavailable` and `server_error`
    /// can be retried later (fetching a token changes nothing); every
    /// other error (wrong client id or secret, …) is final.
    pub fn class(&self) -> ErrorClass {
        match self.error.as_str() {
            "temporarily_unavailable" | "server_error" => ErrorClass::RetryLater,
            _ => ErrorClass::Final,
        }
    }
}

/// An error body of any of the provider's shapes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorBody {
    /// The backend's array of errors (a single object is read as an array
    /// of one).
    Ecom(Vec<EcomError>),
    /// The application gateway's object.
    Gateway(GatewayError),
    /// The API management layer's `{responseInfo, result}` object.
    Azure(AzureError),
    /// The access token service's object.
    Token(TokenError),
}

impl ErrorBody {
    /// What to do, judging by the body alone. For an array, the most
    /// decisive entry wins: final over new-orderId over check-then-retry
    /// over retry-later. An empty array is final.
    pub fn class(&self) -> ErrorClass {
        match self {
            ErrorBody::Ecom(errors) => errors
                .iter()
                .map(EcomError::class)
                .max_by_key(|c| severity(*c))
                .unwrap_or(ErrorClass::Final),
            ErrorBody::Gateway(g) => class_of_status(g.status_code).unwrap_or(ErrorClass::Final),
            ErrorBody::Azure(a) => {
                class_of_status(a.response_info.response_code).unwrap_or(ErrorClass::Final)
            }
            ErrorBody::Token(t) => t.class(),
        }
    }

    /// The known codes in the body, in order.
    pub fn known_codes(&self) -> Vec<KnownErrorCode> {
        match self {
            ErrorBody::Ecom(errors) => errors.iter().filter_map(EcomError::known_code).collect(),
            ErrorBody::Gateway(_) | ErrorBody::Azure(_) | ErrorBody::Token(_) => Vec::new(),
        }
    }
}

fn severity(c: ErrorClass) -> u8 {
    match c {
        ErrorClass::RetryLater => 0,
        ErrorClass::CheckThenRetry => 1,
        ErrorClass::NewOrderId => 2,
        ErrorClass::Final => 3,
    }
}

/// How a call to the provider failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallFailure<'a> {
    /// The connection could not be made (connect timeout, DNS, refused):
    /// the request never reached the provider.
    ConnectFailed,
    /// The request was sent but no answer came in time ("socket read
    /// timeout").
    ReadTimeout,
    /// The provider answered with an error status.
    Http {
        /// The HTTP status.
        status: u16,
        /// The parsed body, if it could be read.
        body: Option<&'a ErrorBody>,
    },
}

/// What to do after a failed call.
///
/// - Connection not made: [`ErrorClass::RetryLater`] (nothing was sent).
/// - Read timeout, and `5xx` ("An internal Vipps problem"):
///   [`ErrorClass::CheckThenRetry`] whatever the body says — "if/when the
///   socket read timeout occurs, … call `GET:/ecomm/v2/payments/{orderId}/details`
///   and check status of last transaction in transaction history prior to
///   executing the service call again" (Vipps knowledge base, "Exception handling").
/// - `429 Too Many Requests`: [`ErrorClass::RetryLater`].
/// - `401 Unauthorized`, `403 Forbidden`: [`ErrorClass::Final`] ("Invalid
///   credentials" — fix the configuration; a fresh access token is the
///   caller's business before that).
/// - Any other status: the body decides ([`ErrorBody::class`]); without a
///   body, [`ErrorClass::Final`].
pub fn classify(failure: CallFailure<'_>) -> ErrorClass {
    match failure {
        CallFailure::ConnectFailed => ErrorClass::RetryLater,
        CallFailure::ReadTimeout => ErrorClass::CheckThenRetry,
        CallFailure::Http { status, body } => class_of_status(status)
            .or_else(|| body.map(ErrorBody::class))
            .unwrap_or(ErrorClass::Final),
    }
}

/// The class an HTTP status decides on its own, if it does.
fn class_of_status(status: u16) -> Option<ErrorClass> {
    match status {
        429 => Some(ErrorClass::RetryLater),
        401 | 403 => Some(ErrorClass::Final),
        500..=599 => Some(ErrorClass::CheckThenRetry),
        _ => None,
    }
}
