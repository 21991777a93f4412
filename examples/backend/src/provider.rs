//! The backend's client of the provider's API: the access token (cached,
//! refreshed with the core's `needs_refresh`), the eCom calls, the
//! ePayment and Webhooks calls ([`epayment`]), and typed failures
//! classified by the core.

mod epayment;

pub(crate) use epayment::Modification;

use std::sync::Arc;
use std::time::Duration;

use appswitch_core::foundation::retry::{ErrorClass, RetryAfter};
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::mutation::HttpMethod;
use appswitch_core::providers::payload::PayloadError;
use appswitch_core::providers::vipps_ecom::{
    AccessTokenResponse, CallFailure, ErrorBody, InitiateRequest, InitiateResponse, KnownErrorCode,
    PaymentDetails, classify, endpoints, headers,
};
use appswitch_core::providers::vipps_epayment::{self as ep, Problem};
use appswitch_core::shopper::tracker::TransportErrorKind;
use reqwest::Method;

use crate::config::{Clock, ProviderConfig};

/// Refresh the token this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);

/// How a call to the provider failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ProviderError {
    /// The connection could not be made: nothing reached the provider.
    #[error("cannot reach the provider: {0}")]
    Connect(String),
    /// The request was sent, but no answer came within the read timeout:
    /// the outcome is unknown.
    #[error("the provider did not answer within the read timeout")]
    ReadTimeout,
    /// The provider answered with an error status.
    #[error("the provider answered {status}: {text}")]
    Http {
        /// The HTTP status.
        status: u16,
        /// The error body, if it was eCom's shape.
        body: Option<Box<ErrorBody>>,
        /// The error body, if it was a problem object (ePayment, Webhooks).
        problem: Option<Box<Problem>>,
        /// `Retry-After`, if given and readable.
        retry_after: Option<RetryAfter>,
        /// The body as text (cut to 500 characters).
        text: String,
    },
    /// A `2xx` answer whose body could not be read.
    #[error("the provider's answer could not be read: {0}")]
    Unreadable(PayloadError),
}

impl ProviderError {
    /// What to do about it, as the core classifies it.
    pub fn class(&self) -> ErrorClass {
        match self {
            ProviderError::Connect(_) => classify(CallFailure::ConnectFailed),
            ProviderError::ReadTimeout => classify(CallFailure::ReadTimeout),
            ProviderError::Http { status, body, .. } => classify(CallFailure::Http {
                status: *status,
                body: body.as_deref(),
            }),
            // A 2xx that cannot be read: the call may have worked.
            ProviderError::Unreadable(_) => ErrorClass::CheckThenRetry,
        }
    }

    /// What to do about a failed ePayment call (`creating`: the create
    /// call), as the core classifies it.
    pub fn epayment_class(&self, creating: bool) -> ErrorClass {
        match self {
            ProviderError::Connect(_) => ep::classify(ep::CallFailure::ConnectFailed, creating),
            ProviderError::ReadTimeout => ep::classify(ep::CallFailure::ReadTimeout, creating),
            ProviderError::Http {
                status, problem, ..
            } => ep::classify(
                ep::CallFailure::Http {
                    status: *status,
                    problem: problem.as_deref(),
                },
                creating,
            ),
            ProviderError::Unreadable(_) => ErrorClass::CheckThenRetry,
        }
    }

    /// The eCom guide's error codes in the answer.
    pub fn codes(&self) -> Vec<KnownErrorCode> {
        match self {
            ProviderError::Http {
                body: Some(body), ..
            } => body.known_codes(),
            _ => Vec::new(),
        }
    }

    /// The HTTP status, if the provider answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ProviderError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
struct CachedToken {
    token: AccessTokenResponse,
    received_at: Timestamp,
}

/// The provider's API, for one merchant.
#[derive(Debug)]
pub struct VippsClient {
    http: reqwest::Client,
    config: ProviderConfig,
    clock: Arc<dyn Clock>,
    read_timeout: Duration,
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

type Parse<T> = fn(&str) -> Result<T, PayloadError>;

impl VippsClient {
    /// A client with the eCom guide's timeouts (or the ones given).
    pub fn new(
        config: ProviderConfig,
        clock: Arc<dyn Clock>,
        connect_timeout: Duration,
        read_timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        // reqwest is built without a default TLS provider: use ring's. An
        // error only says that one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(VippsClient {
            http,
            config,
            clock,
            read_timeout,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// The merchant's configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// The access token, fetched again when the core says it needs
    /// refreshing (or when `force`d, after a `401`).
    async fn access_token(&self, force: bool) -> Result<String, ProviderError> {
        let mut cached = self.token.lock().await;
        let now = self.clock.now();
        if let Some(c) = cached.as_ref() {
            let fresh = !c.token.needs_refresh(now, TOKEN_MARGIN)
                && now + TOKEN_MARGIN < c.token.expires_at_received(c.received_at);
            if fresh && !force {
                return Ok(c.token.authorization_header());
            }
        }
        let request = self
            .http
            .post(format!(
                "{}{}",
                self.config.base_url,
                endpoints::ACCESS_TOKEN
            ))
            .header(headers::CLIENT_ID, &self.config.client_id)
            .header(headers::CLIENT_SECRET, &self.config.client_secret)
            .header(headers::SUBSCRIPTION_KEY, &self.config.subscription_key);
        let token = self.send(request, AccessTokenResponse::parse_json).await?;
        let header = token.authorization_header();
        *cached = Some(CachedToken {
            token,
            received_at: self.clock.now(),
        });
        Ok(header)
    }

    async fn send<T>(
        &self,
        request: reqwest::RequestBuilder,
        parse: Parse<T>,
    ) -> Result<T, ProviderError> {
        let response = request
            .timeout(self.read_timeout)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| RetryAfter::parse(v).ok());
        let text = response.text().await.map_err(transport_error)?;
        if (200..300).contains(&status) {
            return parse(&text).map_err(ProviderError::Unreadable);
        }
        Err(ProviderError::Http {
            status,
            body: ErrorBody::parse_json(&text).ok().map(Box::new),
            problem: serde_json::from_str::<Problem>(&text).ok().map(Box::new),
            retry_after,
            text: text.chars().take(500).collect(),
        })
    }

    /// An authenticated request, with the merchant's headers.
    async fn request(
        &self,
        method: &Method,
        path: &str,
        body: Option<&str>,
        key: Option<Key<'_>>,
        force_token: bool,
    ) -> Result<reqwest::RequestBuilder, ProviderError> {
        let auth = self.access_token(force_token).await?;
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.config.base_url))
            .header(headers::AUTHORIZATION, auth)
            .header(headers::SUBSCRIPTION_KEY, &self.config.subscription_key)
            .header(headers::MERCHANT_SERIAL_NUMBER, self.config.msn.as_str());
        for (name, value) in self.config.system.headers() {
            request = request.header(name, value);
        }
        if let Some(key) = key {
            request = request.header(key.header, key.value);
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        Ok(request)
    }

    /// One authenticated call; a `401` fetches a new token and tries once
    /// more (an expired token changed nothing on the provider's side).
    async fn call<T>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<Key<'_>>,
        parse: Parse<T>,
    ) -> Result<T, ProviderError> {
        let mut force = false;
        loop {
            let request = self
                .request(&method, path, body.as_deref(), key, force)
                .await?;
            match self.send(request, parse).await {
                Err(ProviderError::Http { status: 401, .. }) if !force => force = true,
                other => return other,
            }
        }
    }

    /// One authenticated call as a sans-io plan hands it out: the raw
    /// answer (status, `Retry-After`, body) for the plan to read, or how
    /// the transport failed. A `401` fetches a new token and tries once
    /// more.
    pub async fn raw(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<&str>,
        request_id: Option<&str>,
        read_timeout: Duration,
    ) -> Result<RawAnswer, TransportErrorKind> {
        let method = match method {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
            HttpMethod::Put => Method::PUT,
        };
        let mut force = false;
        loop {
            let request = self
                .request(&method, path, body, request_id.map(Key::request_id), force)
                .await
                .map_err(|e| match e {
                    ProviderError::ReadTimeout => TransportErrorKind::ReadTimeout,
                    _ => TransportErrorKind::ConnectTimeout,
                })?;
            let response = request
                .timeout(read_timeout)
                .send()
                .await
                .map_err(transport_kind)?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response.text().await.map_err(transport_kind)?;
            if status == 401 && !force {
                force = true;
                continue;
            }
            return Ok(RawAnswer {
                status,
                retry_after,
                body,
            });
        }
    }

    /// `POST /ecomm/v2/payments`.
    pub async fn initiate(
        &self,
        request: &InitiateRequest,
    ) -> Result<InitiateResponse, ProviderError> {
        let body = to_json(request)?;
        self.call(
            Method::POST,
            endpoints::INITIATE,
            Some(body),
            None,
            InitiateResponse::parse_json,
        )
        .await
    }

    /// `GET /ecomm/v2/payments/{orderId}/details`.
    pub async fn details(&self, order_id: &str) -> Result<PaymentDetails, ProviderError> {
        self.call(
            Method::GET,
            &endpoints::details(order_id),
            None,
            None,
            PaymentDetails::parse_json,
        )
        .await
    }
}

/// The idempotency header of a call: eCom's `X-Request-Id` or ePayment's
/// `Idempotency-Key`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key<'a> {
    header: &'static str,
    value: &'a str,
}

impl<'a> Key<'a> {
    /// eCom's `X-Request-Id`.
    pub(crate) fn request_id(value: &'a str) -> Key<'a> {
        Key {
            header: headers::X_REQUEST_ID,
            value,
        }
    }

    /// ePayment's `Idempotency-Key`.
    pub(crate) fn idempotency(value: &'a str) -> Key<'a> {
        Key {
            header: ep::endpoints::IDEMPOTENCY_KEY,
            value,
        }
    }
}

/// An HTTP answer as the provider gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, as sent.
    pub retry_after: Option<String>,
    /// The body.
    pub body: String,
}

/// How a request failed below HTTP, as the core's plans name it.
fn transport_kind(e: reqwest::Error) -> TransportErrorKind {
    match transport_error(e) {
        ProviderError::Connect(_) => TransportErrorKind::ConnectTimeout,
        _ => TransportErrorKind::ReadTimeout,
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ProviderError> {
    serde_json::to_string(value).map_err(|e| {
        ProviderError::Unreadable(PayloadError::Json {
            path: String::new(),
            message: e.to_string(),
        })
    })
}

fn transport_error(e: reqwest::Error) -> ProviderError {
    if e.is_connect() {
        ProviderError::Connect(e.to_string())
    } else if e.is_timeout() {
        ProviderError::ReadTimeout
    } else if e.is_request() && !e.is_body() {
        ProviderError::Connect(e.to_string())
    } else {
        // The request went out and the answer broke off: unknown outcome.
        ProviderError::ReadTimeout
    }
}
