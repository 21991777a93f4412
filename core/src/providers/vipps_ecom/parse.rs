//! `parse_json` for each wire type: serde_json plus errors that name the
//! field ([`PayloadError::Json`] carries its path).

use super::callback::Callback;
use super::details::PaymentDetails;
use super::errors::ErrorBody;
use super::express::{ShippingDetailsRequest, ShippingDetailsResponse};
use super::initiate::{InitiateRequest, InitiateResponse};
use super::legacy::OrderStatusResponse;
use super::operations::{OperationRequest, OperationResponse};
use super::token::AccessTokenResponse;
use crate::foundation::json::{self, Value};
use crate::providers::payload::PayloadError;

/// Reads a `T` from `text`, naming the field on error.
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, PayloadError> {
    Ok(json::from_str(text)?)
}

/// Reads a `T` from a parsed body, naming the field on error.
fn read<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, PayloadError> {
    Ok(json::from_value(value)?)
}

macro_rules! parse_json {
    ($($ty:ident: $what:literal;)*) => {$(
        impl $ty {
            #[doc = concat!("Reads ", $what, " from JSON text; the error names the field that is wrong.")]
            pub fn parse_json(text: &str) -> Result<Self, PayloadError> {
                parse(text)
            }
        }
    )*};
}

parse_json! {
    InitiateRequest: "an initiate request";
    InitiateResponse: "an initiate response";
    OperationRequest: "a capture, cancel or refund request";
    OperationResponse: "a capture, cancel or refund response";
    PaymentDetails: "a details response";
    Callback: "a callback body";
    OrderStatusResponse: "a deprecated order-status response";
    ShippingDetailsResponse: "a shipping-details response";
    AccessTokenResponse: "an access-token response";
}

/// Reads a shipping-details request body (an [`super::Address`]).
pub fn parse_shipping_details_request(text: &str) -> Result<ShippingDetailsRequest, PayloadError> {
    parse(text)
}

impl ErrorBody {
    /// Reads an error body of any of the provider's shapes: the backend's
    /// array (a single error object is read as an array of one), the
    /// gateway's `{statusCode, message}`, the API management layer's
    /// `{responseInfo, result}` (eCom API specification (OpenAPI), schema
    /// `ErrorFromAzure`), or the token service's `{error,
    /// error_description, …}`.
    pub fn parse_json(text: &str) -> Result<ErrorBody, PayloadError> {
        let value = json::parse(text)?;
        let object = match &value {
            Value::Array(_) => return read(&value).map(ErrorBody::Ecom),
            Value::Object(object) => object,
            other => {
                return Err(PayloadError::NotAnObject {
                    found: json::kind(other),
                });
            }
        };
        if object.contains_key("statusCode") {
            read(&value).map(ErrorBody::Gateway)
        } else if object.contains_key("responseInfo") {
            read(&value).map(ErrorBody::Azure)
        } else if object.contains_key("errorCode") || object.contains_key("errorGroup") {
            read(&value).map(|e| ErrorBody::Ecom(vec![e]))
        } else if object.contains_key("error") {
            read(&value).map(ErrorBody::Token)
        } else {
            Err(PayloadError::UnrecognisedError {
                keys: object.keys().take(12).cloned().collect(),
            })
        }
    }
}
