//! Percent-encoding (RFC 3986, section 2.1) and query strings.

use serde::{Deserialize, Serialize};

/// One `name=value` pair of a query string, decoded.
///
/// A bare flag such as `myAppData` (seed 001's example fallback
/// `merchantApp://result?myAppData`) has an empty value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// Whether `b` is an RFC 3986 *unreserved* character, the only ones
/// [`percent_encode`] leaves as they are.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes every byte of `s` that is not unreserved, with upper-case
/// hex digits, so the result is safe as a query name or value, a path
/// segment, or anything else.
///
/// ```
/// use appswitch_core::shopper::url::percent_encode;
///
/// assert_eq!(percent_encode("Åse & co/1"), "%C3%85se%20%26%20co%2F1");
/// assert_eq!(percent_encode("order-123_abc.~"), "order-123_abc.~");
/// ```
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0x0f));
        }
    }
    out
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).map_or('0', |c| c.to_ascii_uppercase())
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte offset of the first `%` in `s` that is not followed by two hex
/// digits, if any.
pub(crate) fn find_bad_percent(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    bytes.iter().enumerate().find_map(|(i, &b)| {
        let ok = b != b'%'
            || matches!(
                (
                    bytes.get(i + 1).copied().and_then(hex_value),
                    bytes.get(i + 2).copied().and_then(hex_value)
                ),
                (Some(_), Some(_))
            );
        (!ok).then_some(i)
    })
}

/// Why percent-decoding failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A `%` is not followed by two hex digits.
    #[error("`%` at byte {0} is not followed by two hex digits")]
    BadPercent(usize),
    /// The decoded bytes are not UTF-8.
    #[error("the decoded text is not UTF-8")]
    NotUtf8,
}

/// Decodes `%XX` escapes (and, when `plus_is_space`, `+` as a space, the
/// way HTML forms and `URLSearchParams` read a query) into UTF-8 text.
///
/// ```
/// use appswitch_core::shopper::url::percent_decode;
///
/// assert_eq!(percent_decode("%C3%85se+%26", true).as_deref(), Ok("Åse &"));
/// assert_eq!(percent_decode("a+b", false).as_deref(), Ok("a+b"));
/// assert!(percent_decode("100%", false).is_err());
/// ```
pub fn percent_decode(s: &str, plus_is_space: bool) -> Result<String, DecodeError> {
    String::from_utf8(percent_decode_bytes(s, plus_is_space)?).map_err(|_| DecodeError::NotUtf8)
}

/// Decodes `%XX` escapes (and `+` when `plus_is_space`) into bytes, which
/// need not be UTF-8.
pub fn percent_decode_bytes(s: &str, plus_is_space: bool) -> Result<Vec<u8>, DecodeError> {
    if let Some(at) = find_bad_percent(s) {
        return Err(DecodeError::BadPercent(at));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let hi = bytes
                    .next()
                    .and_then(hex_value)
                    .ok_or(DecodeError::BadPercent(0))?;
                let lo = bytes
                    .next()
                    .and_then(hex_value)
                    .ok_or(DecodeError::BadPercent(0))?;
                out.push(hi << 4 | lo);
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
    }
    Ok(out)
}

/// The raw `name=value` pieces of a query string, in order, split on `&`
/// (empty pieces, as in `a&&b`, are skipped). A piece without `=` is a bare
/// name with an empty value.
pub fn raw_query_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.split_once('=').unwrap_or((piece, "")))
}

/// Appends `name=value` (both percent-encoded) to a query being built.
pub(crate) fn push_pair(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(&percent_encode(name));
    query.push('=');
    query.push_str(&percent_encode(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved() {
        let cases = [
            ("", ""),
            ("abcXYZ019-._~", "abcXYZ019-._~"),
            (" ", "%20"),
            ("+", "%2B"),
            ("a=b&c", "a%3Db%26c"),
            (
                "?#[]@!$'()*,;:/",
                "%3F%23%5B%5D%40%21%24%27%28%29%2A%2C%3B%3A%2F",
            ),
            ("%", "%25"),
            ("æøå", "%C3%A6%C3%B8%C3%A5"),
            ("💳", "%F0%9F%92%B3"),
            ("\u{0}\n", "%00%0A"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(percent_encode(raw), encoded, "{raw:?}");
            assert_eq!(percent_decode(encoded, false).as_deref(), Ok(raw));
            assert_eq!(percent_decode(encoded, true).as_deref(), Ok(raw));
        }
    }

    #[test]
    fn finds_malformed_escapes() {
        let cases = [
            ("", None),
            ("%41", None),
            ("%4a%4A", None),
            ("%", Some(0)),
            ("a%", Some(1)),
            ("a%4", Some(1)),
            ("%4g", Some(0)),
            ("%%41", Some(0)),
            ("ok%41%zz", Some(5)),
            ("%é1", Some(0)),
        ];
        for (s, want) in cases {
            assert_eq!(find_bad_percent(s), want, "{s:?}");
        }
        assert_eq!(percent_decode("%ff", false), Err(DecodeError::NotUtf8));
        assert_eq!(
            percent_decode("x%2", false),
            Err(DecodeError::BadPercent(1))
        );
    }

    #[test]
    fn splits_query_pairs() {
        let pairs: Vec<_> = raw_query_pairs("a=1&&flag&b=&=v&c=d=e").collect();
        assert_eq!(
            pairs,
            [("a", "1"), ("flag", ""), ("b", ""), ("", "v"), ("c", "d=e")]
        );
        let mut q = String::new();
        push_pair(&mut q, "order id", "a&b");
        push_pair(&mut q, "x", "");
        assert_eq!(q, "order%20id=a%26b&x=");
    }
}
