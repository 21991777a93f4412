//! Is this URL acceptable for what it is going to be used for — a web
//! fallback, an app fallback or a callback prefix?

use serde::{Deserialize, Serialize};

use url::Url;

use super::error::{ForbiddenScheme, UrlError, UrlPart, UrlWarning};
use super::parts::{is_valid_scheme, written_scheme};
use super::reach::{ipv4_not_public, ipv6_not_public, is_loopback};
use super::validate::{Purpose, ValidUrl, bad_percent, validate_for};
use crate::providers::vipps_ecom::app::VIPPS;

/// What a URL is going to be used for. In JSON `web`, `app` or `callback`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum UrlKind {
    /// `merchantInfo.fallBack` with `isApp: false`: a web page, validated by
    /// the provider with UrlValidator.
    Web,
    /// `merchantInfo.fallBack` with `isApp: true`: the app's own URL scheme
    /// (`merchantapp://result`), or Android's `INTENT`. Vipps eCom API
    /// guide, "URL Validation": "If
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

/// A web fallback: UrlValidator's rules, `localhost` with the eCom guide's
/// advice, and no fragment (the provider appends `status` at the end).
pub(crate) fn check_web_fallback(url: &str) -> Result<(ValidUrl, Vec<UrlWarning>), UrlError> {
    let valid = validate_for(url, Purpose::Fallback)?;
    if valid.url.fragment().is_some() {
        return Err(UrlError::FallbackFragment);
    }
    let mut warnings = Vec::new();
    if valid.url.scheme() == "http" && !is_loopback(&valid.host()) {
        warnings.push(UrlWarning::PlainHttp {
            host: valid.host().to_string(),
        });
    }
    Ok((valid, warnings))
}

/// An app fallback, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AppFallback {
    /// Android's literal `INTENT`.
    Intent,
    /// `scheme://…`, with the scheme known to be acceptable, as the WHATWG
    /// parser reads it.
    Scheme(Url),
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
/// scheme), made of plain URL characters with well-formed `%` escapes,
/// without credentials or a fragment, that the WHATWG URL Standard can
/// parse.
pub(crate) fn check_app_fallback(url: &str) -> Result<AppFallback, UrlError> {
    if url.is_empty() {
        return Err(UrlError::Empty);
    }
    if url == "INTENT" {
        return Ok(AppFallback::Intent);
    }
    let Some(scheme) = written_scheme(url) else {
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
    // Which part a character is in: after the first `#`, the fragment;
    // after the first `?`, the query; else the rest of the URL.
    let part_at = |at: usize| match (url.find('#'), url.find('?')) {
        (Some(f), _) if at > f => UrlPart::Fragment,
        (_, Some(q)) if at > q => UrlPart::Query,
        _ if url
            .get(scheme.len() + 1..)
            .is_some_and(|r| r.starts_with("//")) =>
        {
            UrlPart::Host
        }
        _ => UrlPart::Path,
    };
    if let Some((at, ch)) = url.char_indices().find(|&(_, c)| !is_app_url_char(c)) {
        return Err(UrlError::IllegalCharacter {
            part: part_at(at),
            ch,
            at,
        });
    }
    if let Some(at) = bad_percent(url) {
        return Err(UrlError::BadPercentEncoding {
            part: part_at(at),
            at,
        });
    }
    // Credentials before the host, as for web fallbacks (and `x://@`,
    // which the WHATWG parse reads differently once a query follows).
    let authority = url
        .get(scheme.len() + 1..)
        .and_then(|rest| rest.strip_prefix("//"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    if authority.is_some_and(|a| a.contains('@')) {
        return Err(UrlError::UserInfo);
    }
    let parsed = Url::parse(url).map_err(|e| UrlError::NotWhatwg {
        reason: e.to_string(),
    })?;
    if parsed.fragment().is_some() {
        return Err(UrlError::FallbackFragment);
    }
    Ok(AppFallback::Scheme(parsed))
}

/// The ports the Vipps eCom API guide names as safe for callbacks
/// ("Callback URLs must be reachable").
pub const COMMON_CALLBACK_PORTS: [u16; 3] = [80, 443, 8080];

/// Checks a callback prefix the way a provider *simulator on this machine*
/// must: exactly the provider's rules ([`check_url`] with
/// [`UrlKind::Callback`]), except that a loopback IP address
/// (`127.0.0.0/8`, `[::1]`) is accepted, over `http` or `https`, on any
/// port.
///
/// Vipps eCom API guide, "URL Validation": "It is, naturally, not possible to use
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
    if !is_loopback(&valid.host()) {
        return check_callback_prefix(url).map(|warnings| Checked { warnings });
    }
    if valid.url.query().is_some() || valid.url.fragment().is_some() {
        return Err(UrlError::CallbackQueryOrFragment);
    }
    let mut warnings = Vec::new();
    // The provider appends to the prefix as written (which has no query).
    if url.ends_with('/') {
        warnings.push(UrlWarning::CallbackTrailingSlash);
    }
    Ok(Checked { warnings })
}

/// A callback prefix: UrlValidator's rules, a host the provider can reach,
/// https, and nothing after the path (the provider appends
/// `/v2/payments/{orderId}`).
fn check_callback_prefix(url: &str) -> Result<Vec<UrlWarning>, UrlError> {
    let valid: ValidUrl = validate_for(url, Purpose::Callback)?;
    let host = valid.host();
    let not_public = match host {
        url::Host::Domain(_) => None,
        url::Host::Ipv4(ip) => ipv4_not_public(ip),
        url::Host::Ipv6(ip) => ipv6_not_public(ip),
    };
    if let Some(reason) = not_public {
        return Err(UrlError::CallbackNotPublic {
            host: host.to_string(),
            reason,
        });
    }
    if valid.url.scheme() != "https" {
        return Err(UrlError::CallbackNotHttps {
            scheme: valid.url.scheme().to_string(),
        });
    }
    if valid.url.query().is_some() || valid.url.fragment().is_some() {
        return Err(UrlError::CallbackQueryOrFragment);
    }
    let mut warnings = Vec::new();
    if let Some(port) = valid
        .url
        .port()
        .filter(|p| !COMMON_CALLBACK_PORTS.contains(p))
    {
        warnings.push(UrlWarning::UncommonCallbackPort { port });
    }
    // The provider appends to the prefix as written (which has no query).
    if url.ends_with('/') {
        warnings.push(UrlWarning::CallbackTrailingSlash);
    }
    Ok(warnings)
}
