//! The provider's error answers, in its three shapes (Vipps eCom API guide, "HTTP
//! response codes", "Errors"): the backend's array of `{errorGroup,
//! errorCode, errorMessage}`, the application gateway's `{statusCode,
//! message}` (`401`, `403`, `429`), and the token service's error — all
//! built from appswitch-core's wire types.

use appswitch_core::providers::vipps_ecom::{
    EcomError, ErrorGroup, GatewayError, KnownErrorCode, TokenError,
};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error answer of the simulated provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ProviderError {
    /// The backend's array of errors.
    Ecom {
        /// The HTTP status.
        status: u16,
        /// The errors.
        errors: Vec<EcomError>,
    },
    /// The application gateway's object.
    Gateway {
        /// Its status code (`401`, `403`, `429`).
        error: GatewayError,
        /// `Retry-After`, in seconds, for a `429`.
        retry_after_secs: Option<u64>,
    },
    /// The access-token service's error (`401`).
    Token(Box<TokenError>),
}

impl ProviderError {
    /// The eCom guide's error `code`, with its group and message, and the HTTP
    /// status it comes with: `404` for "Registered order not found", `409`
    /// for the orderId conflict, `400` otherwise.
    pub(crate) fn code(code: KnownErrorCode) -> Self {
        let status = match code {
            KnownErrorCode::OrderNotFound => 404,
            KnownErrorCode::DuplicateOrderId => 409,
            _ => 400,
        };
        ProviderError::Ecom {
            status,
            errors: vec![EcomError {
                error_group: code.group(),
                error_code: code.code().to_string(),
                error_message: code.meaning().to_string(),
                context_id: None,
            }],
        }
    }

    /// `400`, `InvalidRequest`: "Field name will be the error code".
    pub(crate) fn invalid(field: &str, message: &str) -> Self {
        ProviderError::Ecom {
            status: 400,
            errors: vec![EcomError {
                error_group: ErrorGroup::InvalidRequest,
                error_code: field.to_string(),
                error_message: message.to_string(),
                context_id: None,
            }],
        }
    }

    /// A `5xx` with `VippsError` 99: "An internal Vipps problem."
    pub(crate) fn internal(status: u16) -> Self {
        let code = KnownErrorCode::InternalError;
        ProviderError::Ecom {
            status,
            errors: vec![EcomError {
                error_group: code.group(),
                error_code: code.code().to_string(),
                error_message: "Simulated internal error".to_string(),
                context_id: None,
            }],
        }
    }

    /// A gateway error object.
    pub(crate) fn gateway(status: u16, message: &str) -> Self {
        ProviderError::Gateway {
            error: GatewayError {
                status_code: status,
                message: message.to_string(),
            },
            retry_after_secs: None,
        }
    }

    /// `429 Too Many Requests`, to come back after `retry_after_secs`.
    pub(crate) fn rate_limited(retry_after_secs: u64) -> Self {
        ProviderError::Gateway {
            error: GatewayError {
                status_code: 429,
                message: format!(
                    "Rate limit is exceeded. Try again in {retry_after_secs} seconds."
                ),
            },
            retry_after_secs: Some(retry_after_secs),
        }
    }

    /// A burst answer with `status` (`429` or `5xx`).
    pub(crate) fn burst(status: u16) -> Self {
        if status == 429 {
            ProviderError::rate_limited(1)
        } else {
            ProviderError::internal(status)
        }
    }

    /// The token service refusing the client id or secret.
    pub(crate) fn bad_client() -> Self {
        ProviderError::Token(Box::new(TokenError {
            error: "unauthorized_client".to_string(),
            error_description: Some(
                "AADSTS70001: Application with the given client_id and client_secret was not found (simulated)"
                    .to_string(),
            ),
            error_codes: vec![70001],
            timestamp: None,
            trace_id: None,
            correlation_id: None,
        }))
    }

    /// The HTTP status of the answer.
    pub(crate) fn status(&self) -> u16 {
        match self {
            ProviderError::Ecom { status, .. } => *status,
            ProviderError::Gateway { error, .. } => error.status_code,
            ProviderError::Token(_) => 401,
        }
    }
}

impl IntoResponse for ProviderError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match self {
            ProviderError::Ecom { errors, .. } => (status, Json(errors)).into_response(),
            ProviderError::Gateway {
                error,
                retry_after_secs,
            } => {
                let mut r = (status, Json(error)).into_response();
                if let Some(secs) = retry_after_secs {
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                r
            }
            ProviderError::Token(e) => (status, Json(e)).into_response(),
        }
    }
}
