//! Why a URL is not acceptable, and what is only worth a warning.

use core::fmt;

use serde::{Deserialize, Serialize};

use super::reach::NotPublic;

/// The component of a URL that a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UrlPart {
    /// `https` in `https://…`.
    Scheme,
    /// The host name or IP address.
    Host,
    /// After the host's `:`.
    Port,
    /// From the first `/` after the host up to `?` or `#`.
    Path,
    /// After `?`.
    Query,
    /// After `#`.
    Fragment,
}

/// A character as a message shows it: `` `_` ``, `a space`, `U+0009`,
/// `` `é` (U+00E9) `` — without `char`'s `Debug`, whose escaping tables
/// would weigh on the browser module.
pub(crate) fn describe_char(ch: char) -> String {
    let code = u32::from(ch);
    match ch {
        ' ' => "a space".to_string(),
        c if c.is_ascii_graphic() => format!("`{c}`"),
        c if c.is_control() || c.is_whitespace() => format!("U+{code:04X}"),
        c => format!("`{c}` (U+{code:04X})"),
    }
}

impl UrlPart {
    /// `"; percent-encode it"` where that is the fix (path, query,
    /// fragment), else nothing.
    fn encoding_hint(self) -> &'static str {
        match self {
            UrlPart::Path | UrlPart::Query | UrlPart::Fragment => "; percent-encode it",
            UrlPart::Scheme | UrlPart::Host | UrlPart::Port => "",
        }
    }
}

impl fmt::Display for UrlPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlPart::Scheme => "scheme",
            UrlPart::Host => "host",
            UrlPart::Port => "port",
            UrlPart::Path => "path",
            UrlPart::Query => "query",
            UrlPart::Fragment => "fragment",
        })
    }
}

/// Why a scheme cannot be an app's fallback scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForbiddenScheme {
    /// `http`, `https`: web pages are web fallbacks (`isApp: false`), which
    /// the provider validates as URLs.
    Web,
    /// `javascript`, `data`, `file`: not a place an app can be opened at,
    /// and a way to run or read something in the shopper's browser.
    Unsafe,
    /// `vipps`, `vippsMT`: the payment app's own scheme — the shopper would
    /// be sent straight back into the payment app.
    PaymentApp,
}

impl fmt::Display for ForbiddenScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ForbiddenScheme::Web => "a web scheme; web pages are web fallbacks (isApp: false)",
            ForbiddenScheme::Unsafe => "not a scheme an app can be opened with",
            ForbiddenScheme::PaymentApp => {
                "the payment app's own scheme, which would send the shopper back into the payment app"
            }
        })
    }
}

/// Why a URL is not acceptable for the use it was checked for. Every
/// variant names the rule; [`UrlError::rule`] gives a stable id for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum UrlError {
    /// Nothing to check.
    #[error("the URL is empty")]
    Empty,
    /// A character that no URL may contain there (space, control, `<`, `"`,
    /// `{`, non-ASCII in the path, …).
    #[error("{} at byte {at} is not allowed in the {part}{}", describe_char(*ch), part.encoding_hint())]
    IllegalCharacter {
        /// Where.
        part: UrlPart,
        /// The character.
        ch: char,
        /// Its byte offset in the URL.
        at: usize,
    },
    /// A `%` without two hex digits after it.
    #[error("`%` at byte {at} in the {part} is not followed by two hex digits")]
    BadPercentEncoding {
        /// Where.
        part: UrlPart,
        /// Byte offset of the `%` in the URL.
        at: usize,
    },
    /// No `scheme:` at the start.
    #[error(
        "the URL has no scheme: it must start with `https://` (or `http://` for local development)"
    )]
    MissingScheme,
    /// An app fallback without a scheme.
    #[error(
        "an app fallback must start with the app's own URL scheme, like `merchantapp://result`"
    )]
    AppMissingScheme,
    /// The scheme is not `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    #[error(
        "`{scheme}` is not a valid scheme (RFC 3986: a letter, then letters, digits, `+`, `-` or `.`)"
    )]
    InvalidScheme {
        /// The scheme as written.
        scheme: String,
    },
    /// UrlValidator's default schemes; `ftp`, which it would also accept, is
    /// no page a shopper can return to nor an endpoint the provider posts to.
    #[error("scheme `{scheme}` is not allowed here: only `https` and `http` are")]
    SchemeNotAllowed {
        /// The scheme as written.
        scheme: String,
    },
    /// No `//host` after the scheme, or an empty host.
    #[error("the URL has no host: expected `{scheme}://` followed by a host name")]
    MissingHost {
        /// The scheme as written.
        scheme: String,
    },
    /// `user:password@host`: credentials in a URL end up in logs and
    /// browser histories (authenticate callbacks with `authToken`).
    #[error(
        "the URL must not carry credentials (`user:password@`); they end up in logs and browser histories"
    )]
    UserInfo,
    /// `localhost` for a fallback. Vipps eCom API guide, "URL Validation": "URLs that
    /// start with `https://localhost` will be rejected. If you want to use
    /// localhost as fallback, please use `http://127.0.0.1`."
    #[error(
        "host `{host}` is not allowed for {scheme} fallback URLs; use http://127.0.0.1 for local development"
    )]
    Localhost {
        /// The host as written.
        host: String,
        /// The scheme as written.
        scheme: String,
    },
    /// A single label (`myshop`): the validator wants a domain and a TLD.
    #[error("host `{host}` needs a domain and a top-level domain (like `shop.example.no`)")]
    HostSingleLabel {
        /// The host as written.
        host: String,
    },
    /// `a..b`, `.a.b`.
    #[error("host `{host}` has an empty label (`..` or a leading dot)")]
    HostEmptyLabel {
        /// The host as written.
        host: String,
    },
    /// A label longer than 63 characters (after Punycode).
    #[error("host `{host}`: label `{label}` is longer than 63 characters")]
    HostLabelTooLong {
        /// The host as written.
        host: String,
        /// The label, as checked (Punycode for IDN labels).
        label: String,
    },
    /// A label that starts or ends with `-`.
    #[error("host `{host}`: label `{label}` starts or ends with `-`")]
    HostLabelHyphen {
        /// The host as written.
        host: String,
        /// The label, as checked.
        label: String,
    },
    /// A character that no host name may contain (`_`, `*`, `%`), or that
    /// the provider's validator does not convert from Unicode (format
    /// characters such as U+200B, emoji).
    #[error(
        "host `{host}`: {} is not allowed in a host name (letters, digits, `-` and `.`)",
        describe_char(*ch)
    )]
    HostCharacter {
        /// The host as written.
        host: String,
        /// The character.
        ch: char,
    },
    /// A Unicode host that IDNA cannot convert to ASCII (a private-use or
    /// non-character code point, a label that breaks the bidi rules).
    #[error("host `{host}` cannot be converted to ASCII with IDNA")]
    HostIdna {
        /// The host as written.
        host: String,
    },
    /// Longer than 253 characters (after Punycode).
    #[error("host `{host}` is longer than 253 characters")]
    HostTooLong {
        /// The host as written.
        host: String,
    },
    /// The last label starts with a digit or `-`.
    #[error("host `{host}`: top-level domain `{tld}` must start with a letter")]
    TldNotAlphabetic {
        /// The host as written.
        host: String,
        /// The top-level domain, as checked.
        tld: String,
    },
    /// A top-level domain that is not delegated in the root zone (IANA's
    /// list, which the provider's `DomainValidator` carries): a typo
    /// (`.exmaple`, `.nx`), a one-letter name, or a name used on private
    /// networks and in tests (`.local`, `.test`, `.example`, `.internal`).
    #[error("host `{host}`: `.{tld}` is not a delegated top-level domain (IANA's root zone)")]
    TldNotDelegated {
        /// The host as written.
        host: String,
        /// The top-level domain, lower case (Punycode for IDN).
        tld: String,
    },
    /// Digits and dots that are not four numbers 0–255 without leading zeros.
    #[error("host `{host}` is not a valid IPv4 address (four numbers 0–255 without leading zeros)")]
    InvalidIpv4 {
        /// The host as written.
        host: String,
    },
    /// A bracketed literal that is not an IPv6 address in the form the
    /// validator accepts (hex groups and colons, one `::`, an embedded IPv4
    /// address at the end; no zone id, no prefix length).
    #[error("host `{host}` is not a valid IPv6 literal")]
    InvalidIpv6 {
        /// The host as written.
        host: String,
    },
    /// A port that is not decimal digits.
    #[error("port `{port}` is not a number")]
    InvalidPort {
        /// The port as written.
        port: String,
    },
    /// A port above 65535.
    #[error("port `{port}` is not between 0 and 65535")]
    PortOutOfRange {
        /// The port as written.
        port: String,
    },
    /// `//` in the path, also once percent-decoded (`%2F`): UrlValidator's
    /// `ALLOW_2_SLASHES` is off by default.
    #[error("the path `{path}` contains `//`, which the provider's URL validator rejects")]
    PathDoubleSlash {
        /// The path.
        path: String,
    },
    /// A path whose `..` segments, once percent-decoded, climb above the
    /// root (`/..`, `/../x`, `/a/../../x`, `/%2e%2e/x`): UrlValidator's
    /// `isValidPath`. Dots inside a segment (`/hello..world`, `/...`) and a
    /// `..` that stays below the root (`/a/../b`) are fine.
    #[error(
        "the path `{path}` climbs above the root with `..`, which the provider's URL validator rejects"
    )]
    PathDotDot {
        /// The path.
        path: String,
    },
    /// Not a URL the shopper's browser could open: the WHATWG URL Standard
    /// (the parser of browsers and of the `url` crate) refuses it, although
    /// the provider's validator would not (an `xn--` label that is no
    /// Punycode, for instance). appswitch's own rule: the provider would
    /// send the shopper to a page that does not open.
    #[error("the URL is not one a browser can open (WHATWG URL Standard): {reason}")]
    NotWhatwg {
        /// The parser's reason.
        reason: String,
    },
    /// A fallback URL with a `#fragment`: the provider appends
    /// `&status=…` at the very end, which would land in the fragment.
    #[error(
        "a fallback URL must not have a `#fragment`: the provider appends `?status=…`/`&status=…` at the end"
    )]
    FallbackFragment,
    /// An app fallback whose scheme is not the app's own.
    #[error("scheme `{scheme}` cannot be an app's fallback scheme: it is {reason}")]
    AppSchemeNotAllowed {
        /// The scheme as written.
        scheme: String,
        /// Why.
        reason: ForbiddenScheme,
    },
    /// Something close to Android's `INTENT` that is not exactly it.
    #[error(
        "`{found}` is not `INTENT`: Android's close-and-return fallback is exactly `INTENT`, in capitals, with no parameters"
    )]
    IntentNotExact {
        /// What was given.
        found: String,
    },
    /// A callback prefix that is not `https`.
    #[error("callback prefix must use https, not `{scheme}`")]
    CallbackNotHttps {
        /// The scheme as written.
        scheme: String,
    },
    /// A callback host the provider cannot reach.
    #[error("callback host `{host}` is not publicly reachable: {reason}")]
    CallbackNotPublic {
        /// The host as written.
        host: String,
        /// Why.
        reason: NotPublic,
    },
    /// The provider appends `/v2/payments/{orderId}` to the prefix, which a
    /// query or fragment would swallow.
    #[error(
        "callback prefix must not have a `?query` or `#fragment`: the provider appends `/v2/payments/{{orderId}}` to it"
    )]
    CallbackQueryOrFragment,
}

impl UrlError {
    /// A stable, kebab-case id for the rule (for logs, bindings and tests).
    pub fn rule(&self) -> &'static str {
        match self {
            UrlError::Empty => "empty",
            UrlError::IllegalCharacter { .. } => "illegal-character",
            UrlError::BadPercentEncoding { .. } => "bad-percent-encoding",
            UrlError::MissingScheme => "missing-scheme",
            UrlError::AppMissingScheme => "app-missing-scheme",
            UrlError::InvalidScheme { .. } => "invalid-scheme",
            UrlError::SchemeNotAllowed { .. } => "scheme-not-allowed",
            UrlError::MissingHost { .. } => "missing-host",
            UrlError::UserInfo => "user-info",
            UrlError::Localhost { .. } => "localhost",
            UrlError::HostSingleLabel { .. } => "host-single-label",
            UrlError::HostEmptyLabel { .. } => "host-empty-label",
            UrlError::HostLabelTooLong { .. } => "host-label-too-long",
            UrlError::HostLabelHyphen { .. } => "host-label-hyphen",
            UrlError::HostCharacter { .. } => "host-character",
            UrlError::HostIdna { .. } => "host-idna",
            UrlError::HostTooLong { .. } => "host-too-long",
            UrlError::TldNotAlphabetic { .. } => "tld-not-alphabetic",
            UrlError::TldNotDelegated { .. } => "tld-not-delegated",
            UrlError::InvalidIpv4 { .. } => "invalid-ipv4",
            UrlError::InvalidIpv6 { .. } => "invalid-ipv6",
            UrlError::InvalidPort { .. } => "invalid-port",
            UrlError::PortOutOfRange { .. } => "port-out-of-range",
            UrlError::PathDoubleSlash { .. } => "path-double-slash",
            UrlError::PathDotDot { .. } => "path-dot-dot",
            UrlError::NotWhatwg { .. } => "not-whatwg",
            UrlError::FallbackFragment => "fallback-fragment",
            UrlError::AppSchemeNotAllowed { .. } => "app-scheme-not-allowed",
            UrlError::IntentNotExact { .. } => "intent-not-exact",
            UrlError::CallbackNotHttps { .. } => "callback-not-https",
            UrlError::CallbackNotPublic { .. } => "callback-not-public",
            UrlError::CallbackQueryOrFragment => "callback-query-or-fragment",
        }
    }
}

/// Something acceptable that is still worth knowing before sending it.
///
/// In JSON it is tagged with its [`rule`](UrlWarning::rule):
/// `{"rule": "uncommon-callback-port", "port": 8443}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum UrlWarning {
    /// Vipps eCom API guide, "Callback URLs must be reachable": "Vipps does _not_
    /// support sending requests to all ports, so to be safe use common port
    /// numbers such as: 80, 443, 8080."
    #[error("port {port}: the provider does not call every port; to be safe use 80, 443 or 8080")]
    UncommonCallbackPort {
        /// The port.
        port: u16,
    },
    /// A callback prefix ending in `/` becomes `…//v2/payments/{orderId}`.
    #[error(
        "the callback prefix ends with `/`: the provider appends `/v2/payments/{{orderId}}`, giving `//`"
    )]
    CallbackTrailingSlash,
    /// A web fallback over plain http to a host other than this machine.
    #[error(
        "`http://{host}`: the shopper returns over an unencrypted connection; use https outside local development"
    )]
    PlainHttp {
        /// The host as written.
        host: String,
    },
    /// `INTENT` is fine, but only in an Android app.
    #[error(
        "`INTENT` works only in an Android app; on iOS the provider turns it into a broken `https://intent/...` page"
    )]
    IntentAndroidOnly,
}

impl UrlWarning {
    /// A stable, kebab-case id for the warning.
    pub fn rule(&self) -> &'static str {
        match self {
            UrlWarning::UncommonCallbackPort { .. } => "uncommon-callback-port",
            UrlWarning::CallbackTrailingSlash => "callback-trailing-slash",
            UrlWarning::PlainHttp { .. } => "plain-http",
            UrlWarning::IntentAndroidOnly => "intent-android-only",
        }
    }
}
