//! Is this URL acceptable for what it is going to be used for — a web
//! fallback, an app fallback or a callback prefix?

use serde::{Deserialize, Serialize};

use super::error::{ForbiddenScheme, UrlError, UrlPart, UrlWarning};
use super::host::Host;
use super::ip::{ipv4_not_public, ipv6_not_public};
use super::split::{UriParts, split};
use super::validate::{Purpose, ValidUrl, check_component, is_valid_scheme, validate_for};
use crate::providers::vipps_ecom::app::VIPPS;

/// What a URL is going to be used for. In JSON `web`, `app` or `callback`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UrlKind {
    /// `merchantInfo.fallBack` with `isApp: false`: a web page, validated by
    /// the provider with UrlValidator.
    Web,
    /// `merchantInfo.fallBack` with `isApp: true`: the app's own URL scheme
    /// (`merchantapp://result`), or Android's `INTENT`. Seed 001: "If
    /// `isApp` is true, the `fallBack` is not validated with Apache Commons
    /// UrlValidator, as the app-switch URL may be something like `vipps://`".
    App,
    /// `merchantInfo.callbackPrefix`: where the provider posts the payment's
    /// outcome.
    Callback,
}

impl UrlKind {
    /// Every kind.
    pub const ALL: [UrlKind; 3] = [UrlKind::Web, UrlKind::App, UrlKind::Callback];

    /// `web`, `app` or `callback`.
    pub fn as_str(self) -> &'static str {
        match self {
            UrlKind::Web => "web",
            UrlKind::App => "app",
            UrlKind::Callback => "callback",
        }
    }
}

/// A URL that is acceptable for its use, and what is still worth knowing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checked {
    /// Not errors: things to fix when you can.
    pub warnings: Vec<UrlWarning>,
}

/// Checks `url` for `kind`: `Ok` with any warnings, or the first rule it
/// breaks.
///
/// ```
/// use appswitch_core::shopper::url::{check_url, UrlKind, UrlWarning};
///
/// assert!(check_url(UrlKind::Web, "https://shop.example.no/return?order=1").is_ok());
/// assert!(check_url(UrlKind::Web, "http://127.0.0.1:3000/return").is_ok());
/// let err = check_url(UrlKind::Web, "https://localhost/return").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "host `localhost` is not allowed for https fallback URLs; use http://127.0.0.1 for local development"
/// );
/// assert!(check_url(UrlKind::App, "merchantapp://result?myAppData").is_ok());
/// assert_eq!(check_url(UrlKind::App, "vipps://back").unwrap_err().rule(), "app-scheme-not-allowed");
/// assert_eq!(
///     check_url(UrlKind::Callback, "https://shop.example.no:8443/cb").unwrap().warnings,
///     [UrlWarning::UncommonCallbackPort { port: 8443 }]
/// );
/// assert_eq!(check_url(UrlKind::Callback, "https://10.0.0.5/cb").unwrap_err().rule(), "callback-not-public");
/// ```
pub fn check_url(kind: UrlKind, url: &str) -> Result<Checked, UrlError> {
    match kind {
        UrlKind::Web => check_web_fallback(url).map(|(_, warnings)| Checked { warnings }),
        UrlKind::App => check_app_fallback(url).map(|app| Checked {
            warnings: match app {
                AppFallback::Intent => vec![UrlWarning::IntentAndroidOnly],
                AppFallback::Scheme(_) => Vec::new(),
            },
        }),
        UrlKind::Callback => check_callback_prefix(url).map(|warnings| Checked { warnings }),
    }
}

/// A web fallback: UrlValidator's rules, `localhost` with the seed's
/// advice, and no fragment (the provider appends `status` at the end).
pub(crate) fn check_web_fallback(url: &str) -> Result<(ValidUrl, Vec<UrlWarning>), UrlError> {
    let valid = validate_for(url, Purpose::Fallback)?;
    if valid.fragment.is_some() {
        return Err(UrlError::FallbackFragment);
    }
    let mut warnings = Vec::new();
    if valid.scheme == "http" && !valid.host.is_loopback() {
        warnings.push(UrlWarning::PlainHttp {
            host: valid.host.to_string(),
        });
    }
    Ok((valid, warnings))
}

/// An app fallback, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AppFallback<'a> {
    /// Android's literal `INTENT`.
    Intent,
    /// `scheme://…`, with the scheme known to be acceptable.
    Scheme(UriParts<'a>),
}

/// Why `scheme` cannot be an app's own fallback scheme, if it cannot.
fn forbidden_scheme(scheme: &str) -> Option<ForbiddenScheme> {
    let is = |s: &str| scheme.eq_ignore_ascii_case(s);
    if is("http") || is("https") {
        Some(ForbiddenScheme::Web)
    } else if is("javascript") || is("data") || is("file") {
        Some(ForbiddenScheme::Unsafe)
    } else if is(VIPPS.production_scheme) || is(VIPPS.test_scheme) {
        Some(ForbiddenScheme::PaymentApp)
    } else {
        None
    }
}

/// Characters an app URL may contain: printable ASCII that RFC 3986 allows
/// (the host's URL parsers — `android.net.Uri`, `URL(string:)` — are
/// stricter than browsers about anything else).
fn is_app_url_char(ch: char) -> bool {
    ch.is_ascii_graphic() && !matches!(ch, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
}

/// An app fallback: exactly `INTENT`, or a URL whose scheme is a valid RFC
/// 3986 scheme that belongs to the app (not a web, unsafe or payment-app
/// scheme), made of plain URL characters, without a fragment.
pub(crate) fn check_app_fallback(url: &str) -> Result<AppFallback<'_>, UrlError> {
    if url.is_empty() {
        return Err(UrlError::Empty);
    }
    if url == "INTENT" {
        return Ok(AppFallback::Intent);
    }
    let parts = split(url);
    let Some(scheme) = parts.scheme else {
        let looks_like_intent = url
            .get(..6)
            .is_some_and(|head| head.eq_ignore_ascii_case("intent"));
        return Err(if looks_like_intent {
            UrlError::IntentNotExact {
                found: url.to_string(),
            }
        } else {
            UrlError::AppMissingScheme
        });
    };
    if !is_valid_scheme(scheme) {
        return Err(UrlError::InvalidScheme {
            scheme: scheme.to_string(),
        });
    }
    if let Some(reason) = forbidden_scheme(scheme) {
        return Err(UrlError::AppSchemeNotAllowed {
            scheme: scheme.to_string(),
            reason,
        });
    }
    if let Some(authority) = parts.authority {
        check_component(url, authority, UrlPart::Host, is_app_url_char)?;
    }
    check_component(url, parts.path, UrlPart::Path, is_app_url_char)?;
    if let Some(query) = parts.query {
        check_component(url, query, UrlPart::Query, is_app_url_char)?;
    }
    if parts.fragment.is_some() {
        return Err(UrlError::FallbackFragment);
    }
    Ok(AppFallback::Scheme(parts))
}

/// The ports seed 001 names as safe for callbacks.
pub const COMMON_CALLBACK_PORTS: [u16; 3] = [80, 443, 8080];

/// Checks a callback prefix the way a provider *simulator on this machine*
/// must: exactly the provider's rules ([`check_url`] with
/// [`UrlKind::Callback`]), except that a loopback IP address
/// (`127.0.0.0/8`, `[::1]`) is accepted, over `http` or `https`, on any
/// port.
///
/// Seed 001, "URL Validation": "It is, naturally, not possible to use
/// `https://localhost` or `http://127.0.0.1` for the callback, as the Vipps
/// backend would then call itself." A simulator running beside the
/// merchant's backend is the one caller that *can* reach it; every other
/// host is held to the real provider's rules, so a prefix accepted here for
/// a public host is one the provider accepts too. The name `localhost`
/// stays refused, as UrlValidator refuses it.
///
/// ```
/// use appswitch_core::shopper::url::check_local_callback_prefix;
///
/// assert!(check_local_callback_prefix("http://127.0.0.1:8123/vipps").is_ok());
/// assert!(check_local_callback_prefix("http://[::1]:8123/vipps").is_ok());
/// // Not on this machine: the provider's rules.
/// assert_eq!(check_local_callback_prefix("http://shop.example.no/cb").unwrap_err().rule(), "callback-not-https");
/// assert_eq!(check_local_callback_prefix("https://10.0.0.5/cb").unwrap_err().rule(), "callback-not-public");
/// assert_eq!(check_local_callback_prefix("http://127.0.0.1:8123/cb?x=1").unwrap_err().rule(), "callback-query-or-fragment");
/// ```
pub fn check_local_callback_prefix(url: &str) -> Result<Checked, UrlError> {
    let valid = validate_for(url, Purpose::Callback)?;
    if !valid.host.is_loopback() {
        return check_callback_prefix(url).map(|warnings| Checked { warnings });
    }
    if valid.query.is_some() || valid.fragment.is_some() {
        return Err(UrlError::CallbackQueryOrFragment);
    }
    let mut warnings = Vec::new();
    if valid.path.ends_with('/') {
        warnings.push(UrlWarning::CallbackTrailingSlash);
    }
    Ok(Checked { warnings })
}

/// A callback prefix: UrlValidator's rules, a host the provider can reach,
/// https, and nothing after the path (the provider appends
/// `/v2/payments/{orderId}`).
fn check_callback_prefix(url: &str) -> Result<Vec<UrlWarning>, UrlError> {
    let valid = validate_for(url, Purpose::Callback)?;
    let not_public = match valid.host {
        Host::Domain(_) => None,
        Host::Ipv4(ip) => ipv4_not_public(ip),
        Host::Ipv6(ip) => ipv6_not_public(ip),
    };
    if let Some(reason) = not_public {
        return Err(UrlError::CallbackNotPublic {
            host: valid.host.to_string(),
            reason,
        });
    }
    if valid.scheme != "https" {
        return Err(UrlError::CallbackNotHttps {
            scheme: valid.scheme,
        });
    }
    if valid.query.is_some() || valid.fragment.is_some() {
        return Err(UrlError::CallbackQueryOrFragment);
    }
    let mut warnings = Vec::new();
    if let Some(port) = valid.port.filter(|p| !COMMON_CALLBACK_PORTS.contains(p)) {
        warnings.push(UrlWarning::UncommonCallbackPort { port });
    }
    if valid.path.ends_with('/') {
        warnings.push(UrlWarning::CallbackTrailingSlash);
    }
    Ok(warnings)
}
