//! `parse_json` for each wire type: serde_json plus errors that name the
//! field ([`PayloadError::Json`] carries its path).

use std::collections::BTreeMap;

use serde::de::IgnoredAny;

use super::callback::Callback;
use super::details::PaymentDetails;
use super::errors::{AzureError, EcomError, ErrorBody, GatewayError, TokenError};
use super::express::{ShippingDetailsRequest, ShippingDetailsResponse};
use super::initiate::{InitiateRequest, InitiateResponse};
use super::legacy::OrderStatusResponse;
use super::operations::{OperationRequest, OperationResponse};
use super::token::AccessTokenResponse;
use crate::foundation::json::parse;
use crate::providers::payload::PayloadError;

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
        match text.trim_start().as_bytes().first() {
            Some(b'[') => return parse(text).map(ErrorBody::Ecom),
            Some(b'{') => {}
            _ => {
                // Let serde_json say what it is (or why it is not JSON).
                let value: serde_json::Value = parse(text)?;
                return Err(PayloadError::NotAnObject {
                    found: json_kind(&value),
                });
            }
        }
        let keys: BTreeMap<String, IgnoredAny> = parse(text)?;
        if keys.contains_key("statusCode") {
            parse::<GatewayError>(text).map(ErrorBody::Gateway)
        } else if keys.contains_key("responseInfo") {
            parse::<AzureError>(text).map(ErrorBody::Azure)
        } else if keys.contains_key("errorCode") || keys.contains_key("errorGroup") {
            parse::<EcomError>(text).map(|e| ErrorBody::Ecom(vec![e]))
        } else if keys.contains_key("error") {
            parse::<TokenError>(text).map(ErrorBody::Token)
        } else {
            Err(PayloadError::UnrecognisedError {
                keys: keys.into_keys().take(12).collect(),
            })
        }
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
