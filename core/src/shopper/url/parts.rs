//! A URL taken apart by a WHATWG URL parser, for the rules that read a URL
//! someone else produced (the return URL, the initiate response's deeplink).
//!
//! On a backend, in the CLI and in the mobile libraries the parser is the
//! `url` crate ([`UrlParts::parse`]). In the browser it is the page's own
//! `URL`, which the browser module hands over already split (the same
//! WHATWG URL Standard, so the same parts), and the module carries no URL
//! parser of its own. Either way the core's rule reads only these parts.

use url::Url;

/// The parts of a URL the return and deeplink rules read, as a WHATWG
/// parser gives them. Each field says which property of the browser's
/// `URL` holds it.
///
/// ```
/// use appswitch_core::shopper::url::UrlParts;
///
/// let parts = UrlParts::parse("HTTPS://Bücher.de:443/a/../r?x=1&status=301#top").unwrap();
/// assert_eq!(parts.scheme, "https");
/// assert_eq!(parts.user_info, None);
/// assert_eq!(parts.host, "xn--bcher-kva.de");
/// assert_eq!(parts.port, None);
/// assert_eq!(parts.path, "/r");
/// assert_eq!(parts.query, "x=1&status=301");
/// assert!(UrlParts::parse("not a url").is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct UrlParts {
    /// The scheme, lower case, without `:` (`URL.protocol` without its `:`).
    pub scheme: String,
    /// `user` or `user:password` when the URL carries credentials before
    /// the host (`URL.username`, `URL.password`); a return never does.
    pub user_info: Option<String>,
    /// The host as the parser writes it: lower case, IDN labels as
    /// Punycode, IPv6 in brackets; empty when there is none
    /// (`URL.hostname`).
    pub host: String,
    /// The port, when it is not the scheme's default (`URL.port`).
    pub port: Option<u16>,
    /// The path, dot segments resolved (`URL.pathname`).
    pub path: String,
    /// The query as written (percent-encoded), without `?`; empty when
    /// there is none (`URL.search` without its `?`).
    pub query: String,
}

impl UrlParts {
    /// Takes `url` apart with the `url` crate; `None` when it is not an
    /// absolute URL a browser could open.
    pub fn parse(url: &str) -> Option<UrlParts> {
        Url::parse(url).ok().map(|url| UrlParts::from(&url))
    }

    /// The port, or the scheme's default one (80 for http, 443 for https).
    pub fn port_or_default(&self) -> Option<u16> {
        self.port.or_else(|| default_port(&self.scheme))
    }
}

impl From<&Url> for UrlParts {
    fn from(url: &Url) -> Self {
        UrlParts {
            scheme: url.scheme().to_string(),
            user_info: user_info(url.username(), url.password().unwrap_or("")),
            host: url.host_str().unwrap_or("").to_string(),
            port: url.port(),
            path: url.path().to_string(),
            query: url.query().unwrap_or("").to_string(),
        }
    }
}

/// `user`, `user:password` or `:password`; `None` when both are empty.
pub fn user_info(username: &str, password: &str) -> Option<String> {
    match (username, password) {
        ("", "") => None,
        (user, "") => Some(user.to_string()),
        (user, password) => Some(format!("{user}:{password}")),
    }
}

/// The default port of the web schemes.
pub(crate) fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Is `s` an RFC 3986 scheme: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`?
pub fn is_valid_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// The scheme as written at the start of `url` — the text before the first
/// `:`, when that comes before any `/`, `?` or `#` — whether or not it is a
/// valid one (RFC 3986, Appendix B, as `java.net.URI` reads it too).
pub(crate) fn written_scheme(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    let scheme = url.get(..end)?;
    (url.get(end..)?.starts_with(':') && !scheme.is_empty()).then_some(scheme)
}

/// An app URL's host as a return is compared with it: lower case, and none
/// when empty (`merchantapp://?x` and `merchantapp:?x` come back alike).
pub(crate) fn app_host(host: &str) -> Option<String> {
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}
