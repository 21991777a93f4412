//! The provider's URL rules: Apache Commons `UrlValidator` with its default
//! settings, re-implemented (seed 001, "URL Validation": "All URLs in Vipps
//! eCommerce API are validated with the Apache Commons UrlValidator").
//!
//! What `new UrlValidator()` checks, and what we do:
//!
//! | rule | UrlValidator (defaults) | here |
//! |---|---|---|
//! | whole string | must parse as a `java.net.URI`: no spaces, controls or `"<>\^`{\|}`, `%` followed by two hex digits | the same |
//! | scheme | `http`, `https`, `ftp` (case-blind) | `http`, `https` (`ftp` is no page to return to) |
//! | authority | required; `user:pass@` allowed | required; credentials rejected (they leak) |
//! | host | a domain name with an IANA TLD, else an IPv4 address; `[IPv6]`; IDN converted to Punycode; `localhost` and single labels rejected (`ALLOW_LOCAL_URLS` off) | the same, with the TLD check of [`tld`](super::tld) |
//! | port | digits, 0–65535 (not checked at all after an IPv6 literal) | digits, 0–65535, always |
//! | path | empty or `/` + ASCII letters, digits and `-:@&=+,.!/~*'%$_;()`; no `//` (`ALLOW_2_SLASHES` off); no `..` above the root (versions ≤ 1.5: hardly any `..`) | the same, and no `..` at all |
//! | query | no whitespace | the same |
//! | fragment | allowed (`NO_FRAGMENTS` off) | allowed here; fallbacks forbid it for their own reason |
//!
//! Where versions of UrlValidator differ, we reject what any of them
//! rejects, so that a URL accepted here is accepted by the provider.

use serde::{Deserialize, Serialize};

use super::error::{UrlError, UrlPart};
use super::host::{Host, check_host, is_localhost_name};
use super::percent::find_bad_percent;
use super::split::{find_ascii, split, split_authority};

/// A URL that passed [`validate_url`], taken apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidUrl {
    /// `http` or `https`, lower case.
    pub scheme: String,
    /// The host.
    pub host: Host,
    /// The port, if one was written (`host:` counts as none).
    pub port: Option<u16>,
    /// The path as written (percent-encoded); may be empty.
    pub path: String,
    /// The query as written, without `?`.
    pub query: Option<String>,
    /// The fragment as written, without `#`.
    pub fragment: Option<String>,
}

impl ValidUrl {
    /// The port, or the scheme's default (80 for http, 443 for https).
    pub fn port_or_default(&self) -> u16 {
        self.port
            .unwrap_or(if self.scheme == "http" { 80 } else { 443 })
    }
}

/// What the host rules are being applied for, which decides the wording
/// of the `localhost` rejection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A web fallback: suggest `http://127.0.0.1`.
    Fallback,
    /// A callback prefix: the provider would call itself.
    Callback,
}

/// Is `s` an RFC 3986 scheme: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`?
pub fn is_valid_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// ASCII characters that `java.net.URI` accepts nowhere outside an IPv6
/// host (RFC 2396's "unwise" and "delims" sets, plus the space).
fn is_never_allowed(ch: char) -> bool {
    matches!(
        ch,
        ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
    ) || ch.is_control()
        || ch.is_whitespace()
}

/// The path characters of UrlValidator's `PATH_REGEX`:
/// `/[-\w:@&?=+,.!/~*'%$_;()]*` — RFC 3986 `pchar` and `/`, ASCII only.
fn is_path_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || (ch.is_ascii() && b"-:@&=+,.!/~*'%$_;()".contains(&(ch as u8)))
}

/// Characters of a query or fragment: anything `java.net.URI` accepts
/// (RFC 2396 `uric`, plus `[` `]` and non-ASCII "other" characters), but
/// never `#` (a second one) or whitespace.
fn is_query_char(ch: char) -> bool {
    !is_never_allowed(ch) && ch != '#'
}

/// The byte offset of `part` inside `whole` (both from the same string).
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// Checks the characters and percent-escapes of one component.
pub(crate) fn check_component(
    whole: &str,
    part_text: &str,
    part: UrlPart,
    allowed: impl Fn(char) -> bool,
) -> Result<(), UrlError> {
    let base = offset_in(whole, part_text);
    if let Some((i, ch)) = part_text.char_indices().find(|&(_, ch)| !allowed(ch)) {
        return Err(UrlError::IllegalCharacter {
            part,
            ch,
            at: base + i,
        });
    }
    match find_bad_percent(part_text) {
        Some(i) => Err(UrlError::BadPercentEncoding { part, at: base + i }),
        None => Ok(()),
    }
}

/// Checks `url` against the provider's URL rules (see the module
/// documentation for the table).
///
/// ```
/// use appswitch_core::shopper::url::{Host, validate_url, UrlError};
///
/// let ok = validate_url("https://example.com/vipps/fallback-result-page/order123abc").unwrap();
/// assert_eq!(ok.host, Host::Domain("example.com".into()));
/// assert_eq!(validate_url("https://shop.example.no//x").unwrap_err().rule(), "path-double-slash");
/// assert!(matches!(validate_url("https://localhost/"), Err(UrlError::Localhost { .. })));
/// ```
pub fn validate_url(url: &str) -> Result<ValidUrl, UrlError> {
    validate_for(url, Purpose::Fallback)
}

pub(crate) fn validate_for(url: &str, purpose: Purpose) -> Result<ValidUrl, UrlError> {
    if url.is_empty() {
        return Err(UrlError::Empty);
    }
    let parts = split(url);
    let scheme = parts.scheme.ok_or(UrlError::MissingScheme)?;
    if !is_valid_scheme(scheme) {
        return Err(UrlError::InvalidScheme {
            scheme: scheme.to_string(),
        });
    }
    let lower_scheme = scheme.to_ascii_lowercase();
    if lower_scheme != "https" && lower_scheme != "http" {
        return Err(UrlError::SchemeNotAllowed {
            scheme: scheme.to_string(),
        });
    }
    let missing_host = || UrlError::MissingHost {
        scheme: scheme.to_string(),
    };
    let authority = parts.authority.ok_or_else(missing_host)?;
    let auth = split_authority(authority);
    if auth.userinfo.is_some() {
        return Err(UrlError::UserInfo);
    }
    if auth.host.is_empty() {
        return Err(missing_host());
    }
    // Whitespace and controls; the host rules below say the rest.
    if let Some((i, ch)) = auth.host.char_indices().find(|&(_, c)| is_never_allowed(c)) {
        return Err(UrlError::IllegalCharacter {
            part: UrlPart::Host,
            ch,
            at: offset_in(url, auth.host) + i,
        });
    }
    if is_localhost_name(auth.host) {
        return Err(match purpose {
            Purpose::Fallback => UrlError::Localhost {
                host: auth.host.to_string(),
                scheme: scheme.to_string(),
            },
            Purpose::Callback => UrlError::CallbackNotPublic {
                host: auth.host.to_string(),
                reason: super::ip::NotPublic::Localhost,
            },
        });
    }
    let host = check_host(auth.host)?;
    let port = match auth.port {
        None | Some("") => None,
        Some(p) if !p.bytes().all(|b| b.is_ascii_digit()) => {
            check_component(url, p, UrlPart::Port, |c| !is_never_allowed(c))?;
            return Err(UrlError::InvalidPort {
                port: p.to_string(),
            });
        }
        Some(p) => Some(p.parse::<u16>().map_err(|_| UrlError::PortOutOfRange {
            port: p.to_string(),
        })?),
    };
    check_component(url, parts.path, UrlPart::Path, is_path_char)?;
    if find_ascii(parts.path, "//").is_some() {
        return Err(UrlError::PathDoubleSlash {
            path: parts.path.to_string(),
        });
    }
    if find_ascii(parts.path, "..").is_some() {
        return Err(UrlError::PathDotDot {
            path: parts.path.to_string(),
        });
    }
    if let Some(query) = parts.query {
        check_component(url, query, UrlPart::Query, is_query_char)?;
    }
    if let Some(fragment) = parts.fragment {
        check_component(url, fragment, UrlPart::Fragment, is_query_char)?;
    }
    Ok(ValidUrl {
        scheme: lower_scheme,
        host,
        port,
        path: parts.path.to_string(),
        query: parts.query.map(str::to_string),
        fragment: parts.fragment.map(str::to_string),
    })
}
