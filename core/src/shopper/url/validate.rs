//! The provider's URL rules: Apache Commons `UrlValidator` with its default
//! settings, rule by rule (Vipps eCom API guide, "URL Validation": "All
//! URLs in Vipps eCommerce API are validated with the Apache Commons
//! UrlValidator"). The rules follow Commons Validator 1.11.0
//! (`UrlValidator.isValid`, `isValidAuthority`, `isValidPath`;
//! `DomainValidator` and `InetAddressValidator` for the host, see
//! [`host`](super::host)).
//!
//! Commons judges the URL as written — `java.net.URI`'s raw authority,
//! path, query and fragment — so the rules here read the text as written
//! too. The WHATWG parse (the `url` crate, the parser browsers use) would
//! have lower-cased, percent-encoded and resolved `..` first, and accepts
//! much that Commons refuses. It comes last: a URL that passes every rule
//! is parsed by it, and that parse is what the rest of appswitch reads.
//!
//! | rule | `UrlValidator` (defaults) | here |
//! |---|---|---|
//! | whole string | must parse as a `java.net.URI`: no whitespace, controls or `"<>\^`{\|}`, `%` followed by two hex digits | the same ([`IllegalCharacter`](UrlError::IllegalCharacter), [`BadPercentEncoding`](UrlError::BadPercentEncoding)) |
//! | scheme | `SCHEME_REGEX`, then `http`, `https`, `ftp` (case-blind) | `http`, `https`: `ftp` is no page to return to ([`SchemeNotAllowed`](UrlError::SchemeNotAllowed)) |
//! | authority | `//` and a non-empty authority | the same ([`MissingHost`](UrlError::MissingHost)) |
//! | user info | `user:pass@` allowed | refused: credentials end up in logs ([`UserInfo`](UrlError::UserInfo)) |
//! | host | [`host`](super::host)'s table; `localhost` refused (`ALLOW_LOCAL_URLS` off) | the same; `localhost` with advice ([`Localhost`](UrlError::Localhost)) |
//! | port | `\d*` after the host (IPv6 too), 0–65535, leading zeros allowed; nothing after it | the same ([`InvalidPort`](UrlError::InvalidPort), [`PortOutOfRange`](UrlError::PortOutOfRange)) |
//! | path | `PATH_REGEX`: empty, or `/` and ASCII letters, digits and `-:@&=+,.!/~*'%$_;()` | the same ([`IllegalCharacter`](UrlError::IllegalCharacter)) |
//! | | percent-decoded: no `//` (`ALLOW_2_SLASHES` off) | the same ([`PathDoubleSlash`](UrlError::PathDoubleSlash)) |
//! | | percent-decoded and normalised, it must not start with `/..` (`/..`, `/../…`) | the same ([`PathDotDot`](UrlError::PathDotDot)) |
//! | query | `QUERY_REGEX` `\S*` (and `java.net.URI`'s characters) | the same |
//! | fragment | allowed (`NO_FRAGMENTS` off) | allowed; fallbacks refuse it for their own reason |
//! | — | — | the WHATWG URL Standard can parse it: the shopper's browser can open it ([`NotWhatwg`](UrlError::NotWhatwg)) |

use percent_encoding::percent_decode_str;
use url::Url;

use super::error::{UrlError, UrlPart};
use super::host::{check_host, is_never_allowed};
use super::parts::{is_valid_scheme, written_scheme};
use super::reach::{NotPublic, is_localhost_name};

/// A URL that passed [`validate_url`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ValidUrl {
    /// The URL as the WHATWG URL Standard reads it: what the shopper's
    /// browser opens (scheme and host lower case, IDN as Punycode, the
    /// default port dropped, `..` resolved).
    pub url: Url,
}

impl ValidUrl {
    /// The host (`https` and `http` URLs always have one).
    pub fn host(&self) -> url::Host<&str> {
        self.url.host().unwrap_or(url::Host::Domain(""))
    }

    /// The port, or the scheme's default (80 for http, 443 for https).
    pub fn port_or_default(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
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

/// The parts of the URL as written, which `java.net.URI` gives Commons as
/// `getRawAuthority`, `getRawPath`, `getRawQuery` and `getRawFragment`:
/// cut at the first `#`, the first `?` before it, and — after `//` — the
/// first `/` (RFC 3986, Appendix B). Each with its byte offset.
#[derive(Clone, Copy, Debug)]
struct Written<'a> {
    /// Where the part after `scheme:` starts.
    after_scheme: usize,
    authority: Option<(usize, &'a str)>,
    path: (usize, &'a str),
    query: Option<(usize, &'a str)>,
    fragment: Option<(usize, &'a str)>,
}

impl<'a> Written<'a> {
    fn cut(url: &'a str, scheme: &str) -> Written<'a> {
        let after_scheme = scheme.len() + 1;
        let part = |from: usize, to: usize| (from, url.get(from..to).unwrap_or(""));
        let fragment_at = url.find('#');
        let end = fragment_at.unwrap_or(url.len());
        let query_at = url.get(..end).and_then(|s| s.find('?'));
        let hier_end = query_at.unwrap_or(end);
        let hier = url.get(after_scheme..hier_end).unwrap_or("");
        let (authority, path) = match hier.strip_prefix("//") {
            Some(rest) => {
                let start = after_scheme + 2;
                let path_at = start + rest.find('/').unwrap_or(rest.len());
                (Some(part(start, path_at)), part(path_at, hier_end))
            }
            None => (None, part(after_scheme, hier_end)),
        };
        Written {
            after_scheme,
            authority,
            path,
            query: query_at.map(|q| part(q + 1, end)),
            fragment: fragment_at.map(|f| part(f + 1, url.len())),
        }
    }

    /// The part the byte at `at` belongs to.
    fn part_at(&self, at: usize) -> UrlPart {
        let within = |p: Option<(usize, &str)>| p.is_some_and(|(from, _)| at >= from);
        if within(self.fragment) {
            UrlPart::Fragment
        } else if within(self.query) {
            UrlPart::Query
        } else if at < self.after_scheme {
            UrlPart::Scheme
        } else if self
            .authority
            .is_some_and(|(from, text)| at >= from && at < from + text.len())
        {
            UrlPart::Host
        } else {
            UrlPart::Path
        }
    }
}

/// The path characters of UrlValidator's `PATH_REGEX`,
/// `/[-\w:@&?=+,.!/~*'%$_;\(\)]*`: ASCII only (Java's `\w`).
fn is_path_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || (ch.is_ascii() && b"-:@&?=+,.!/~*'%$_;()".contains(&(ch as u8)))
}

/// The offset of the first `%` in `text` not followed by two hex digits:
/// `java.net.URI` refuses it.
pub(crate) fn bad_percent(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| {
        bytes.get(i) == Some(&b'%')
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// Checks a part's characters with `allowed`, and its `%` escapes.
fn check_part(
    (from, text): (usize, &str),
    part: UrlPart,
    allowed: impl Fn(char) -> bool,
) -> Result<(), UrlError> {
    if let Some((i, ch)) = text.char_indices().find(|&(_, ch)| !allowed(ch)) {
        return Err(UrlError::IllegalCharacter {
            part,
            ch,
            at: from + i,
        });
    }
    match bad_percent(text) {
        Some(i) => Err(UrlError::BadPercentEncoding { part, at: from + i }),
        None => Ok(()),
    }
}

/// `isValidPath` after `PATH_REGEX`: the percent-decoded path may not hold
/// `//`, and normalised it may not climb above the root (a `..` with no
/// segment before it left to remove, as `java.net.URI.normalize` leaves
/// `/../x`).
fn check_decoded_path(path: &str) -> Result<(), UrlError> {
    let decoded: Vec<u8> = percent_decode_str(path).collect();
    if decoded.windows(2).any(|w| w == b"//") {
        return Err(UrlError::PathDoubleSlash {
            path: path.to_string(),
        });
    }
    let mut depth = 0usize;
    for segment in decoded.split(|&b| b == b'/').skip(1) {
        match segment {
            b"." => {}
            b".." if depth == 0 => {
                return Err(UrlError::PathDotDot {
                    path: path.to_string(),
                });
            }
            b".." => depth -= 1,
            _ => depth += 1,
        }
    }
    Ok(())
}

/// The host and the port of an authority without user info: a bracketed
/// literal up to its `]`, else up to the first `:`. Text after `]` that is
/// not a port makes the whole authority an invalid IPv6 host
/// (`AUTHORITY_REGEX`'s trailing group must be empty).
fn host_and_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    if authority.starts_with('[') {
        let invalid = || UrlError::InvalidIpv6 {
            host: authority.to_string(),
        };
        let close = authority.find(']').ok_or_else(invalid)?;
        let (literal, after) = authority.split_at_checked(close + 1).ok_or_else(invalid)?;
        return match after {
            "" => Ok((literal, None)),
            _ => after
                .strip_prefix(':')
                .map(|port| (literal, Some(port)))
                .ok_or_else(invalid),
        };
    }
    Ok(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// The port rule: digits only (an empty port counts as none), at most
/// 65535; `0` and leading zeros are allowed, as `Integer.parseInt` reads
/// them. Commons converts a non-ASCII authority with `IDN.toASCII` as a
/// whole, port included, so fullwidth digits count as digits (and the
/// WHATWG parse refuses them afterwards).
fn check_port(port: Option<&str>) -> Result<(), UrlError> {
    let converted = port
        .filter(|p| !p.is_ascii())
        .and_then(|p| idna::domain_to_ascii_cow(p.as_bytes(), idna::AsciiDenyList::EMPTY).ok());
    match converted.as_deref().or(port) {
        None | Some("") => Ok(()),
        Some(p) if !p.bytes().all(|b| b.is_ascii_digit()) => Err(UrlError::InvalidPort {
            port: p.to_string(),
        }),
        Some(p) => p
            .parse::<u16>()
            .map(drop)
            .map_err(|_| UrlError::PortOutOfRange {
                port: p.to_string(),
            }),
    }
}

/// Checks `url` against the provider's URL rules (see the module
/// documentation for the table).
///
/// ```
/// use appswitch_core::shopper::url::{validate_url, UrlError};
///
/// let ok = validate_url("https://example.com/vipps/fallback-result-page/order123abc").unwrap();
/// assert_eq!(ok.url.host_str(), Some("example.com"));
/// assert!(validate_url("https://shop.example.no/hello..world").is_ok());
/// assert_eq!(validate_url("https://shop.example.no//x").unwrap_err().rule(), "path-double-slash");
/// assert_eq!(validate_url("https://shop.exmaple/").unwrap_err().rule(), "tld-not-delegated");
/// assert!(matches!(validate_url("https://localhost/"), Err(UrlError::Localhost { .. })));
/// ```
pub fn validate_url(url: &str) -> Result<ValidUrl, UrlError> {
    validate_for(url, Purpose::Fallback)
}

pub(crate) fn validate_for(url: &str, purpose: Purpose) -> Result<ValidUrl, UrlError> {
    if url.is_empty() {
        return Err(UrlError::Empty);
    }
    let scheme = written_scheme(url).ok_or(UrlError::MissingScheme)?;
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
    let written = Written::cut(url, scheme);
    if let Some((at, ch)) = url.char_indices().find(|&(_, c)| is_never_allowed(c)) {
        return Err(UrlError::IllegalCharacter {
            part: written.part_at(at),
            ch,
            at,
        });
    }
    let missing_host = || UrlError::MissingHost {
        scheme: scheme.to_string(),
    };
    let (authority_at, authority) = written
        .authority
        .filter(|(_, a)| !a.is_empty())
        .ok_or_else(missing_host)?;
    if authority.contains('@') {
        return Err(UrlError::UserInfo);
    }
    let (host, port) = host_and_port(authority)?;
    if host.is_empty() {
        return Err(missing_host());
    }
    if is_localhost_name(host) {
        return Err(match purpose {
            Purpose::Fallback => UrlError::Localhost {
                host: host.to_string(),
                scheme: scheme.to_string(),
            },
            Purpose::Callback => UrlError::CallbackNotPublic {
                host: host.to_string(),
                reason: NotPublic::Localhost,
            },
        });
    }
    check_host(host, authority_at)?;
    check_port(port)?;
    check_part(written.path, UrlPart::Path, is_path_char)?;
    check_decoded_path(written.path.1)?;
    if let Some(query) = written.query {
        check_part(query, UrlPart::Query, |_| true)?;
    }
    if let Some(fragment) = written.fragment {
        check_part(fragment, UrlPart::Fragment, |c| c != '#')?;
    }
    let url = Url::parse(url).map_err(|e| UrlError::NotWhatwg {
        reason: e.to_string(),
    })?;
    Ok(ValidUrl { url })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_the_written_parts_and_names_them() {
        let url = "https://shop.no:1/a/b?q=1?x#f#g";
        let w = Written::cut(url, "https");
        assert_eq!(w.authority, Some((8, "shop.no:1")));
        assert_eq!(w.path, (17, "/a/b"));
        assert_eq!(w.query, Some((22, "q=1?x")));
        assert_eq!(w.fragment, Some((28, "f#g")));
        let parts: Vec<UrlPart> = [0, 8, 17, 22, 28].map(|at| w.part_at(at)).to_vec();
        assert_eq!(
            parts,
            [
                UrlPart::Scheme,
                UrlPart::Host,
                UrlPart::Path,
                UrlPart::Query,
                UrlPart::Fragment
            ]
        );
        let w = Written::cut("https:/x", "https");
        assert_eq!((w.authority, w.path), (None, (6, "/x")));
    }

    #[test]
    fn decoded_paths_climb_or_do_not() {
        for ok in [
            "",
            "/",
            "/a/../b",
            "/a/b/..",
            "/hello..world",
            "/...",
            "/.a",
            "/a/./b",
            "/%2e",
        ] {
            assert_eq!(check_decoded_path(ok), Ok(()), "{ok}");
        }
        for (bad, rule) in [
            ("/..", "path-dot-dot"),
            ("/../", "path-dot-dot"),
            ("/a/../..", "path-dot-dot"),
            ("/./../x", "path-dot-dot"),
            ("/%2e%2E/x", "path-dot-dot"),
            ("/a%2f..%2f..%2fb", "path-dot-dot"),
            ("/a%2F%2Fb", "path-double-slash"),
            ("/a%2F/b", "path-double-slash"),
        ] {
            assert_eq!(check_decoded_path(bad).unwrap_err().rule(), rule, "{bad}");
        }
    }
}
