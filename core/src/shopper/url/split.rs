//! A small RFC 3986 splitter: cuts a URI reference into its five components
//! without judging them (the validators do that), the way the regular
//! expression of RFC 3986, Appendix B does:
//!
//! ```text
//! ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
//! ```
//!
//! Every string splits — there is no error and no panic — so the callers can
//! say exactly which component broke which rule.

/// The five components of a URI reference (RFC 3986, section 3), borrowed
/// from the input, without their delimiters.
///
/// ```
/// use appswitch_core::shopper::url::split;
///
/// let p = split("merchantapp://result?myAppData&status=301");
/// assert_eq!(p.scheme, Some("merchantapp"));
/// assert_eq!(p.authority, Some("result"));
/// assert_eq!(p.path, "");
/// assert_eq!(p.query, Some("myAppData&status=301"));
/// assert_eq!(p.fragment, None);
///
/// // The Android literal has no scheme: it is all path.
/// assert_eq!(split("INTENT").path, "INTENT");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UriParts<'a> {
    /// Before the first `:`, if that comes before any `/`, `?` or `#` and is
    /// not empty.
    pub scheme: Option<&'a str>,
    /// After `//`, up to the next `/`, `?` or `#`; `Some("")` for `x:///p`.
    pub authority: Option<&'a str>,
    /// Up to `?` or `#`; may be empty.
    pub path: &'a str,
    /// After the first `?`, up to `#`.
    pub query: Option<&'a str>,
    /// After the first `#`.
    pub fragment: Option<&'a str>,
}

/// Splits a URI reference into its components (RFC 3986, Appendix B).
pub fn split(input: &str) -> UriParts<'_> {
    let (rest, fragment) = match input.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (input, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (scheme, rest) = match rest.split_once(':') {
        Some((scheme, rest)) if !scheme.is_empty() && !scheme.bytes().any(|b| b == b'/') => {
            (Some(scheme), rest)
        }
        _ => (None, rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let (authority, path) = after
                .find('/')
                .and_then(|i| after.split_at_checked(i))
                .unwrap_or((after, ""));
            (Some(authority), path)
        }
        None => (None, rest),
    };
    UriParts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// An authority cut into user information, host and port (RFC 3986,
/// section 3.2), borrowed from the input.
///
/// ```
/// use appswitch_core::shopper::url::split_authority;
///
/// let a = split_authority("user@[2001:db8::1]:8080");
/// assert_eq!((a.userinfo, a.host, a.port), (Some("user"), "[2001:db8::1]", Some("8080")));
/// let a = split_authority("shop.example:");
/// assert_eq!((a.host, a.port), ("shop.example", Some("")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AuthorityParts<'a> {
    /// Before the last `@`.
    pub userinfo: Option<&'a str>,
    /// The host: a name, an IPv4 address or a bracketed IP literal
    /// (`[::1]`, brackets included). When text follows an IP literal's `]`
    /// without a `:`, the whole rest is the host, so that it fails as a host.
    pub host: &'a str,
    /// After the `:` that ends the host; `Some("")` for `host:`.
    pub port: Option<&'a str>,
}

/// Cuts an authority into user information, host and port.
pub fn split_authority(authority: &str) -> AuthorityParts<'_> {
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    let (host, port) = if host_port.starts_with('[') {
        match host_port
            .find(']')
            .and_then(|i| host_port.split_at_checked(i + 1))
        {
            Some((literal, after)) => {
                if after.is_empty() {
                    (literal, None)
                } else if let Some(port) = after.strip_prefix(':') {
                    (literal, Some(port))
                } else {
                    (host_port, None)
                }
            }
            None => (host_port, None),
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    AuthorityParts {
        userinfo,
        host,
        port,
    }
}

/// Where the ASCII `needle` first occurs in `hay`. A plain byte search:
/// `str::find` with a string pattern brings the standard library's
/// two-way searcher (and its panic messages) into the browser module.
pub(crate) fn find_ascii(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len().max(1))
        .position(|w| w == needle.as_bytes())
}

/// `hay` split around the first ASCII `needle` (see [`find_ascii`]).
pub(crate) fn split_once_ascii<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find_ascii(hay, needle)?;
    Some((hay.get(..at)?, hay.get(at + needle.len()..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parts<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    type Auth<'a> = (Option<&'a str>, &'a str, Option<&'a str>);

    fn parts(s: &str) -> Parts<'_> {
        let p = split(s);
        (p.scheme, p.authority, p.path, p.query, p.fragment)
    }

    #[test]
    fn splits_like_appendix_b() {
        let cases: &[(&str, Parts<'_>)] = &[
            (
                "https://shop.example/return?a=1#top",
                (
                    Some("https"),
                    Some("shop.example"),
                    "/return",
                    Some("a=1"),
                    Some("top"),
                ),
            ),
            (
                "http://127.0.0.1:8080",
                (Some("http"), Some("127.0.0.1:8080"), "", None, None),
            ),
            (
                "vipps://?token=abc",
                (Some("vipps"), Some(""), "", Some("token=abc"), None),
            ),
            ("x:///p", (Some("x"), Some(""), "/p", None, None)),
            ("INTENT", (None, None, "INTENT", None, None)),
            ("", (None, None, "", None, None)),
            (":", (None, None, ":", None, None)),
            ("//host/p", (None, Some("host"), "/p", None, None)),
            ("a/b:c", (None, None, "a/b:c", None, None)),
            ("mailto:x@y", (Some("mailto"), None, "x@y", None, None)),
            ("http:/p", (Some("http"), None, "/p", None, None)),
            ("?q#f", (None, None, "", Some("q"), Some("f"))),
            (
                "h://a?b?c#d#e",
                (Some("h"), Some("a"), "", Some("b?c"), Some("d#e")),
            ),
            ("h://a#f?x", (Some("h"), Some("a"), "", None, Some("f?x"))),
            ("h://ä/ø?å", (Some("h"), Some("ä"), "/ø", Some("å"), None)),
        ];
        for (input, want) in cases {
            assert_eq!(parts(input), *want, "{input:?}");
        }
    }

    #[test]
    fn splits_authorities() {
        let cases: &[(&str, Auth<'_>)] = &[
            ("shop.example", (None, "shop.example", None)),
            ("shop.example:443", (None, "shop.example", Some("443"))),
            (
                "a:b@shop.example:1",
                (Some("a:b"), "shop.example", Some("1")),
            ),
            ("a@b@host", (Some("a@b"), "host", None)),
            ("[::1]", (None, "[::1]", None)),
            ("[::1]:80", (None, "[::1]", Some("80"))),
            ("[::1]x", (None, "[::1]x", None)),
            ("[::1", (None, "[::1", None)),
            ("host:1:2", (None, "host", Some("1:2"))),
            ("", (None, "", None)),
            ("@", (Some(""), "", None)),
        ];
        for (input, want) in cases {
            let a = split_authority(input);
            assert_eq!((a.userinfo, a.host, a.port), *want, "{input:?}");
        }
    }
}
