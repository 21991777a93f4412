//! The query parameters of a fallback URL: the names appswitch and the
//! provider add, the merchant's own, and how they are written and read
//! back. Both the builder ([`FallbackSpec`](super::FallbackSpec)) and the
//! return check ([`ReturnExpectation`](super::ReturnExpectation)) use this
//! one description.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// The query parameter that carries the order id.
pub const ORDER_ID_PARAM: &str = "orderId";
/// The query parameter that carries the [`AttemptNonce`](super::AttemptNonce).
pub const ATTEMPT_PARAM: &str = "attempt";
/// The parameter the provider appends to the fallback URL: "Vipps will
/// append a status at the end of the fallback URL … **This status is
/// deprecated, and should no longer be used.**" (Vipps eCom API guide,
/// "App-switching"). appswitch ignores it.
pub const PROVIDER_STATUS_PARAM: &str = "status";

/// Whether `name` is one appswitch (`orderId`, `attempt`) or the provider
/// (`status`) adds, which a merchant's own parameter may not use.
pub(crate) fn is_reserved(name: &str) -> bool {
    [ORDER_ID_PARAM, ATTEMPT_PARAM, PROVIDER_STATUS_PARAM].contains(&name)
}

/// One `name=value` pair of a query string, decoded.
///
/// A bare flag such as `myAppData` (the API guide's example fallback
/// `merchantApp://result?myAppData`) has an empty value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QueryParam {
    /// The decoded name.
    pub name: String,
    /// The decoded value; empty for a bare flag.
    pub value: String,
}

impl QueryParam {
    /// A pair from anything string-like.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        QueryParam {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Everything but RFC 3986's *unreserved* characters (letters, digits,
/// `-._~`) is percent-encoded in the parameters appswitch writes: safe in
/// any part of any URL, and read back alike by `URLSearchParams`,
/// `android.net.Uri` and `URLComponents` (a space is `%20`, never `+`).
pub(crate) const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `name=value` (both percent-encoded) to a query being built.
pub(crate) fn push_pair(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(utf8_percent_encode(name, NOT_UNRESERVED));
    query.push('=');
    query.extend(utf8_percent_encode(value, NOT_UNRESERVED));
}

/// The pairs of a query, decoded as `application/x-www-form-urlencoded`
/// (`form_urlencoded`, the reading of `URLSearchParams`: `+` is a space,
/// `%XX` a byte, bytes that are not UTF-8 become U+FFFD).
pub(crate) fn decoded_pairs(query: &str) -> impl Iterator<Item = QueryParam> + '_ {
    form_urlencoded::parse(query.as_bytes()).map(|(name, value)| QueryParam::new(name, value))
}

/// Whether every `%XX` escape of `query` decodes to UTF-8 text, so that its
/// parameters read back exactly as written.
pub(crate) fn decodes_to_text(query: &str) -> bool {
    percent_decode_str(query).decode_utf8().is_ok()
}

/// The query without a deprecated `status` the provider appended with `?`
/// to a URL that already had a query (`…&attempt=…?status=301`): the
/// provider appends at the very end, so only a last `?`-piece that is
/// exactly `status` or `status=…` (without `&`) is cut off. Appended with
/// `&`, it is an ordinary pair, skipped by name.
pub(crate) fn without_appended_status(query: &str) -> &str {
    match query.rsplit_once('?') {
        Some((before, after))
            if after == PROVIDER_STATUS_PARAM
                || after
                    .strip_prefix(PROVIDER_STATUS_PARAM)
                    .is_some_and(|rest| rest.starts_with('=') && !rest.contains('&')) =>
        {
            before
        }
        _ => query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_everything_but_unreserved_percent_encoded_and_reads_it_back() {
        let mut q = String::new();
        push_pair(&mut q, "order id", "a&b=c");
        push_pair(&mut q, "x", "");
        push_pair(&mut q, "æ", "💳 +~._-");
        assert_eq!(q, "order%20id=a%26b%3Dc&x=&%C3%A6=%F0%9F%92%B3%20%2B~._-");
        assert!(decodes_to_text(&q));
        let back: Vec<_> = decoded_pairs(&q).collect();
        assert_eq!(
            back,
            [
                QueryParam::new("order id", "a&b=c"),
                QueryParam::new("x", ""),
                QueryParam::new("æ", "💳 +~._-"),
            ]
        );
    }

    #[test]
    fn reads_like_url_search_params() {
        let pairs: Vec<_> = decoded_pairs("a=1&&flag&b=&=v&c=d=e&s=a+b%20c&p=100%").collect();
        assert_eq!(
            pairs,
            [
                QueryParam::new("a", "1"),
                QueryParam::new("flag", ""),
                QueryParam::new("b", ""),
                QueryParam::new("", "v"),
                QueryParam::new("c", "d=e"),
                QueryParam::new("s", "a b c"),
                QueryParam::new("p", "100%"),
            ]
        );
        assert!(!decodes_to_text("a=%FF"));
        assert!(decodes_to_text("a=%zz&b=%C3%A6"));
    }

    #[test]
    fn cuts_only_a_status_appended_at_the_very_end() {
        let cases = [
            ("a=1&attempt=x?status=301", "a=1&attempt=x"),
            ("a=1?status", "a=1"),
            ("a=1?status=", "a=1"),
            ("a=1", "a=1"),
            ("a=1&status=301", "a=1&status=301"),
            ("next=/p?q&attempt=x", "next=/p?q&attempt=x"),
            ("a=1?status=3&b=2", "a=1?status=3&b=2"),
            ("a=1?statuses=3", "a=1?statuses=3"),
            ("a=x?y?status=1", "a=x?y"),
        ];
        for (query, cut) in cases {
            assert_eq!(without_appended_status(query), cut, "{query}");
        }
    }
}
