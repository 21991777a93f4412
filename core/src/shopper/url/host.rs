//! Host names and IP literals, checked the way Apache Commons
//! `DomainValidator` and `InetAddressValidator` check them (RFC 1034
//! section 3, RFC 1123 section 2.1), plus IDN via Punycode.

use core::fmt;

use serde::{Deserialize, Serialize};

use super::error::UrlError;
use super::ip::{parse_ipv4, parse_ipv6};
use super::punycode::punycode_encode;
use super::tld::{TldProblem, check_tld};

/// The longest domain name, in ASCII (`DomainValidator.MAX_DOMAIN_LENGTH`).
const MAX_DOMAIN_LEN: usize = 253;
/// The longest label (RFC 1034).
const MAX_LABEL_LEN: usize = 63;

/// A host that passed validation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "address", rename_all = "camelCase")]
pub enum Host {
    /// A domain name in lower-case ASCII, IDN labels as Punycode
    /// (`xn--bcher-kva.no`), without a trailing dot.
    Domain(String),
    /// An IPv4 address.
    Ipv4([u8; 4]),
    /// An IPv6 address (written in brackets in a URL).
    Ipv6([u16; 8]),
}

/// Formats as written in a URL: `shop.example`, `127.0.0.1`, `[::1]`
/// (RFC 5952 form: lower case, the longest run of zero groups as `::`).
impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(name) => f.write_str(name),
            Host::Ipv4([a, b, c, d]) => write!(f, "{a}.{b}.{c}.{d}"),
            Host::Ipv6(groups) => {
                // The longest run (of at least two) zero groups.
                let (mut best, mut run) = ((0, 0), (0, 0));
                for (i, &g) in groups.iter().enumerate() {
                    if g == 0 {
                        run = if run.1 == 0 {
                            (i, 1)
                        } else {
                            (run.0, run.1 + 1)
                        };
                        if run.1 > best.1 {
                            best = run;
                        }
                    } else {
                        run = (0, 0);
                    }
                }
                f.write_str("[")?;
                let mut i = 0;
                while i < 8 {
                    if best.1 >= 2 && i == best.0 {
                        f.write_str("::")?;
                        i += best.1;
                        continue;
                    }
                    if i > 0 && !(best.1 >= 2 && i == best.0 + best.1) {
                        f.write_str(":")?;
                    }
                    write!(f, "{:x}", groups.get(i).copied().unwrap_or(0))?;
                    i += 1;
                }
                f.write_str("]")
            }
        }
    }
}

impl Host {
    /// Whether this is this machine: `127.0.0.0/8`, `::1`, or an IPv4-mapped
    /// loopback address. (`localhost` itself never validates.)
    pub fn is_loopback(&self) -> bool {
        match self {
            Host::Domain(_) => false,
            Host::Ipv4([a, ..]) => *a == 127,
            Host::Ipv6(groups) => {
                matches!(groups, [0, 0, 0, 0, 0, 0, 0, 1])
                    || matches!(groups, [0, 0, 0, 0, 0, 0xffff, hi, _] if hi >> 8 == 127)
            }
        }
    }
}

/// Whether `host` names this machine by name: `localhost`, anything under
/// `.localhost` (RFC 6761), or `localhost.localdomain`; any case, with or
/// without a trailing dot.
pub(crate) fn is_localhost_name(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let name = lower.strip_suffix('.').unwrap_or(&lower);
    name == "localhost" || name.ends_with(".localhost") || name == "localhost.localdomain"
}

/// Checks a bracketed IP literal (`[…]`, brackets included).
fn check_ip_literal(host: &str) -> Result<Host, UrlError> {
    let invalid = || UrlError::InvalidIpv6 {
        host: host.to_string(),
    };
    let inner = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .ok_or_else(invalid)?;
    // UrlValidator's pattern: hex digits and colons, or exactly
    // `::FFFF:a.b.c.d` (upper case) for an IPv4-mapped address.
    let mapped = inner
        .strip_prefix("::FFFF:")
        .is_some_and(|v4| v4.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    let plain = !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
    if !(mapped || plain) {
        return Err(invalid());
    }
    parse_ipv6(inner).map(Host::Ipv6).ok_or_else(invalid)
}

/// The full stops that IDNA (and so `java.net.IDN`) reads as label
/// separators: `.`, `。` (U+3002), `．` (U+FF0E), `｡` (U+FF61).
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

/// Whether IDNA2003 (RFC 3490 with the nameprep profile of RFC 3491, what
/// `java.net.IDN.toASCII` implements) refuses `c` in a non-ASCII label:
/// spaces, controls, format and bidi controls, private use, non-characters,
/// tags (RFC 3454, tables C.1–C.9, and the characters B.1 silently drops),
/// and emoji (not yet in Unicode 3.2, which nameprep is frozen at). ASCII
/// characters follow the host-name rule: letters, digits and `-`.
///
/// Not modelled, to stay free of Unicode tables: other characters that
/// were unassigned in Unicode 3.2, and NFKC normalisation — write a host
/// the way keyboards produce it (composed, NFC).
fn idna_refuses(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '-');
    }
    let u = u32::from(c);
    c.is_whitespace()
        || c.is_control()
        || u & 0xFFFE == 0xFFFE
        || matches!(
            u,
            0x00AD
                | 0x0340..=0x0341
                | 0x034F
                | 0x06DD
                | 0x070F
                | 0x1806
                | 0x180B..=0x180E
                | 0x200B..=0x200F
                | 0x2028..=0x202F
                | 0x205F..=0x206F
                | 0x2FF0..=0x2FFB
                | 0xE000..=0xF8FF
                | 0xFDD0..=0xFDEF
                | 0xFE00..=0xFE0F
                | 0xFEFF
                | 0xFFF9..=0xFFFF
                | 0x1D173..=0x1D17A
                | 0x1F000..=0x1FFFF
                | 0xE0000..=0x10FFFF
        )
}

/// Lower-cases the capitals of the scripts host names here are mostly
/// written in — Latin-1, Latin Extended-A (`Æ Ø Å Ü Ö Ł Š …`), Greek and
/// Cyrillic — without the full Unicode case tables (17 kB of wasm). Other
/// characters are left as they are.
fn to_lower_idn(c: char) -> char {
    let u = u32::from(c);
    let lower = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => u + 0x20,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u % 2 == 0 => u + 1,
        0x139..=0x148 | 0x179..=0x17E if u % 2 == 1 => u + 1,
        0x178 => 0xFF,
        0x391..=0x3A1 | 0x3A3..=0x3AB => u + 0x20,
        0x400..=0x40F => u + 0x50,
        0x410..=0x42F => u + 0x20,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// Turns one label into the ASCII the validator checks: as it is if ASCII,
/// else lower-cased and Punycode-encoded with `xn--`.
fn ascii_label(host: &str, label: &str) -> Result<String, UrlError> {
    if let Some(ch) = label.chars().find(|&c| idna_refuses(c)) {
        return Err(UrlError::HostCharacter {
            host: host.to_string(),
            ch,
        });
    }
    if label.is_ascii() {
        return Ok(label.to_string());
    }
    let lower: String = label.chars().map(to_lower_idn).collect();
    let encoded = punycode_encode(&lower).ok_or_else(|| UrlError::HostLabelTooLong {
        host: host.to_string(),
        label: label.to_string(),
    })?;
    Ok(format!("xn--{encoded}"))
}

/// Checks a host name the way `DomainValidator` does: labels of letters,
/// digits and `-` (not first or last), at most 63 characters each and 253
/// in all, at least two labels, and a top-level domain that starts with a
/// letter and is a public one (see [`check_tld`]). Unicode labels are
/// checked in their Punycode form.
fn check_domain(host: &str) -> Result<Host, UrlError> {
    let name = host.strip_suffix(is_dot).unwrap_or(host);
    let mut labels = Vec::new();
    for label in name.split(is_dot) {
        if label.is_empty() {
            return Err(UrlError::HostEmptyLabel {
                host: host.to_string(),
            });
        }
        let ascii = ascii_label(host, label)?;
        if ascii.len() > MAX_LABEL_LEN {
            return Err(UrlError::HostLabelTooLong {
                host: host.to_string(),
                label: ascii,
            });
        }
        if ascii.starts_with('-') || ascii.ends_with('-') {
            return Err(UrlError::HostLabelHyphen {
                host: host.to_string(),
                label: ascii,
            });
        }
        labels.push(ascii.to_ascii_lowercase());
    }
    let ascii = labels.join(".");
    let trailing_dot = usize::from(name.len() != host.len());
    if ascii.len() + trailing_dot > MAX_DOMAIN_LEN {
        return Err(UrlError::HostTooLong {
            host: host.to_string(),
        });
    }
    let tld = match labels.as_slice() {
        [_, .., tld] => tld,
        _ => {
            return Err(UrlError::HostSingleLabel {
                host: host.to_string(),
            });
        }
    };
    match check_tld(tld) {
        Ok(()) => Ok(Host::Domain(ascii)),
        Err(problem) => {
            let (host, tld) = (host.to_string(), tld.clone());
            Err(match problem {
                TldProblem::NotAlphabetic => UrlError::TldNotAlphabetic { host, tld },
                TldProblem::Reserved => UrlError::TldReserved { host, tld },
                TldProblem::UnknownCountryCode => UrlError::TldUnknownCountryCode { host, tld },
            })
        }
    }
}

/// Checks the host of a URL: a bracketed IPv6 literal, a domain name, or
/// — when it is not a valid domain name — an IPv4 address, in that order,
/// as UrlValidator tries them. `localhost` is the caller's business.
pub(crate) fn check_host(host: &str) -> Result<Host, UrlError> {
    if host.starts_with('[') {
        return check_ip_literal(host);
    }
    match check_domain(host) {
        Ok(domain) => Ok(domain),
        Err(domain_error) => {
            if let Some(ip) = parse_ipv4(host) {
                Ok(Host::Ipv4(ip))
            } else if !host.is_empty() && host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                Err(UrlError::InvalidIpv4 {
                    host: host.to_string(),
                })
            } else {
                Err(domain_error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_hosts_as_in_a_url() {
        let cases = [
            ("[::1]", "[::1]"),
            ("[::]", "[::]"),
            ("[2001:DB8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"),
            ("[1:0:2:3:4:5:6:7]", "[1:0:2:3:4:5:6:7]"),
            ("[1:2:3:4:5:6:7:0]", "[1:2:3:4:5:6:7:0]"),
            ("[fe80::]", "[fe80::]"),
            ("[::FFFF:10.0.0.1]", "[::ffff:a00:1]"),
            ("Shop.Example.NO", "shop.example.no"),
            ("shop.example.no.", "shop.example.no"),
            ("192.0.2.1", "192.0.2.1"),
        ];
        for (host, shown) in cases {
            assert_eq!(check_host(host).unwrap().to_string(), shown, "{host}");
        }
    }

    #[test]
    fn lower_cases_like_unicode_where_it_does() {
        let covered =
            |u: u32| matches!(u, 0x41..=0x5A | 0xC0..=0x17F | 0x391..=0x3AB | 0x400..=0x42F);
        for u in 0..0x500u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let std: Vec<char> = c.to_lowercase().collect();
            if covered(u) && std.len() == 1 && u != 0x130 {
                assert_eq!(to_lower_idn(c), std[0], "U+{u:04X}");
            } else if !covered(u) {
                assert_eq!(to_lower_idn(c), c, "U+{u:04X}");
            }
        }
        // İ lower-cases to two characters; it is left alone.
        assert_eq!(to_lower_idn('\u{130}'), '\u{130}');
    }

    #[test]
    fn idn_characters() {
        for ok in [
            'æ', 'Ø', 'ü', 'ß', 'й', '中', '한', 'ก', '\u{93F}', '☃', '«',
        ] {
            assert!(!idna_refuses(ok), "{ok}");
        }
        for bad in [
            ' ',
            '_',
            '!',
            '\u{A0}',
            '\u{AD}',
            '\u{200B}',
            '\u{200D}',
            '\u{200E}',
            '\u{202E}',
            '\u{3000}',
            '\u{E000}',
            '\u{FEFF}',
            '\u{FFFD}',
            '\u{FDD0}',
            '\u{1FFFE}',
            '💳',
            '😀',
            '\u{E0041}',
            '\u{10FFFD}',
            '\u{85}',
        ] {
            assert!(idna_refuses(bad), "U+{:04X}", u32::from(bad));
        }
    }

    #[test]
    fn knows_loopback() {
        assert!(check_host("127.0.0.1").unwrap().is_loopback());
        assert!(check_host("127.9.9.9").unwrap().is_loopback());
        assert!(check_host("[::1]").unwrap().is_loopback());
        assert!(check_host("[::FFFF:127.0.0.1]").unwrap().is_loopback());
        assert!(!check_host("128.0.0.1").unwrap().is_loopback());
        assert!(!check_host("shop.example.no").unwrap().is_loopback());
        for name in [
            "localhost",
            "LOCALHOST.",
            "api.localhost",
            "localhost.localdomain",
        ] {
            assert!(is_localhost_name(name), "{name}");
        }
        for name in ["localhost.no", "mylocalhost", "localhosts"] {
            assert!(!is_localhost_name(name), "{name}");
        }
    }
}
