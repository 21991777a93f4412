//! Fallback URLs and returns: check a URL, build the `fallBack` URL of an
//! attempt, recognise the shopper's return. Every rule is the core's
//! ([`appswitch_core::shopper::url`]); this module only translates. The
//! records (`FallbackSpec`, `FallbackTarget`, `QueryParam`, `UrlKind`,
//! `Platform`, `ShopperReturned`, `ReturnVia`) and `ReturnError` are the
//! core's own, exposed by its `uniffi` feature.
//!
//! ```kotlin
//! val fallback = buildFallback(FallbackSpec(Platform.ANDROID,
//!     FallbackTarget.App("merchantapp://result"), "shop-1042", listOf()))
//! // send fallback.url as merchantInfo.fallBack, fallback.isApp as isApp
//! ```

use std::sync::Arc;

use appswitch_core::shopper::url::{
    self as core_url, AttemptNonce, FallbackSpec, ReturnError, ShopperReturned, UrlKind,
};

use crate::convert::random;
use crate::errors::UrlError;

/// A URL that is acceptable but worth knowing about.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UrlWarning {
    /// A stable kebab-case id (`plain-http`, `uncommon-callback-port`, …).
    pub rule: String,
    /// What to fix when you can.
    pub detail: String,
}

impl From<&core_url::UrlWarning> for UrlWarning {
    fn from(w: &core_url::UrlWarning) -> Self {
        UrlWarning {
            rule: w.rule().to_string(),
            detail: w.to_string(),
        }
    }
}

/// What a return must look like to belong to one attempt: the order id and
/// the attempt's nonce. Nothing in it is secret. The tracker keeps it in
/// the pending store; an app rarely needs it directly.
#[derive(Debug, uniffi::Object)]
pub struct ReturnExpectation(pub(crate) core_url::ReturnExpectation);

#[uniffi::export]
impl ReturnExpectation {
    /// The return expectation your backend sent, as JSON — when the backend
    /// builds the fallback URL itself (the demo backend's
    /// `POST /api/checkout` answers `returnExpectation`).
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<std::sync::Arc<Self>, crate::errors::TrackerError> {
        appswitch_core::foundation::json::from_str(&json)
            .map(|e| std::sync::Arc::new(ReturnExpectation(e)))
            .map_err(|e| crate::errors::TrackerError::InvalidArgument {
                field: "returnExpectation".into(),
                detail: format!("`returnExpectation` is not a return expectation: {e}"),
            })
    }

    /// The same as JSON (what [`from_json`](Self::from_json) reads).
    pub fn to_json(&self) -> String {
        appswitch_core::foundation::json::to_string(&self.0).unwrap_or_default()
    }

    /// The attempt's order id.
    pub fn order_id(&self) -> String {
        self.0.order_id.clone()
    }

    /// The attempt's nonce (32 hex digits), as the fallback URL carries it.
    pub fn nonce(&self) -> String {
        self.0.nonce.to_string()
    }

    /// Checks that `url` is this attempt's return; the provider's
    /// deprecated `status` parameter is ignored.
    pub fn check_return(&self, url: String) -> Result<ShopperReturned, ReturnError> {
        self.0.check_return(&url)
    }
}

/// A built fallback: what to send in the initiate request, and what
/// recognises the return.
#[derive(Debug, uniffi::Record)]
pub struct Fallback {
    /// `merchantInfo.fallBack`.
    pub url: String,
    /// `merchantInfo.isApp`.
    pub is_app: bool,
    /// Give this to the tracker.
    pub expectation: Arc<ReturnExpectation>,
    /// Acceptable, but worth fixing.
    pub warnings: Vec<UrlWarning>,
}

/// Checks `url` for `kind` (web fallback, app fallback or callback prefix)
/// by the provider's rules: the warnings, or the rule it breaks.
#[uniffi::export]
pub fn check_url(kind: UrlKind, url: String) -> Result<Vec<UrlWarning>, UrlError> {
    core_url::check_url(kind, &url)
        .map(|checked| checked.warnings.iter().map(UrlWarning::from).collect())
        .map_err(|e| UrlError::invalid("url", &e))
}

/// Builds the fallback URL of a new attempt, with a fresh nonce from the
/// platform's secure random source.
#[uniffi::export]
pub fn build_fallback(spec: FallbackSpec) -> Result<Fallback, UrlError> {
    let built = spec.build(AttemptNonce::from_random(random()))?;
    Ok(Fallback {
        url: built.url,
        is_app: built.is_app,
        expectation: Arc::new(ReturnExpectation(built.expectation)),
        warnings: built.warnings.iter().map(UrlWarning::from).collect(),
    })
}
