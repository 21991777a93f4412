//! The host of a web URL as the provider's validator judges it: Apache
//! Commons `DomainValidator` (a domain name under a delegated top-level
//! domain) and, when that fails, `InetAddressValidator` (a dotted-quad
//! IPv4 address, or a bracketed IPv6 literal). The host is judged as
//! written, before the WHATWG parse lower-cases it, reads `0x7f.1` or
//! `1.2.3` as an IPv4 address, or accepts `1:2:3:4::5:6:7:8`.
//!
//! | rule (Commons 1.11) | what is refused | [`UrlError`] |
//! |---|---|---|
//! | `AUTHORITY_REGEX`: host characters `[\p{Alnum}\-.]` (after IDN) | `_`, `*`, `%`, … | [`HostCharacter`](UrlError::HostCharacter) |
//! | `unicodeToASCII`: format characters, and what nameprep maps to nothing, are not converted | `sh\u{200B}op.no` | [`HostCharacter`](UrlError::HostCharacter) |
//! | `unicodeToASCII`: a Unicode label starting or ending with `-` is not converted (VALIDATOR-501) | `-tést.no` | [`HostLabelHyphen`](UrlError::HostLabelHyphen) |
//! | `IDN.toASCII` (IDNA 2003) refuses it | `💳.no`, private use | [`HostCharacter`](UrlError::HostCharacter), [`HostIdna`](UrlError::HostIdna) |
//! | `MAX_DOMAIN_LENGTH`: 253 characters after Punycode, a trailing dot included | | [`HostTooLong`](UrlError::HostTooLong) |
//! | `DOMAIN_NAME_REGEX`: `(label.)+ toplabel .?` | `shop..no`, `.shop.no` | [`HostEmptyLabel`](UrlError::HostEmptyLabel) |
//! | … at least a domain and a top-level label (`ALLOW_LOCAL_URLS` off) | `myshop` | [`HostSingleLabel`](UrlError::HostSingleLabel) |
//! | `DOMAIN_LABEL_REGEX`: 1–63 letters, digits, `-`; not `-` first or last | `-shop.no` | [`HostLabelTooLong`](UrlError::HostLabelTooLong), [`HostLabelHyphen`](UrlError::HostLabelHyphen) |
//! | `TOP_LABEL_REGEX`: the top-level label starts with a letter | `shop.123` | [`TldNotAlphabetic`](UrlError::TldNotAlphabetic) |
//! | `isValidTld`: IANA's list of delegated top-level domains | `shop.x`, `shop.exmaple`, `shop.local` | [`TldNotDelegated`](UrlError::TldNotDelegated) |
//! | `isValidInet4Address`: four decimal numbers 0–255, no leading zeros | `1.2.3`, `01.2.3.4` | [`InvalidIpv4`](UrlError::InvalidIpv4) |
//! | `IPV6_REGEX` `[0-9a-fA-F:.]+` and `isValidInet6Address` | `[::1%25eth0]`, `[1::2::3]` | [`InvalidIpv6`](UrlError::InvalidIpv6) |
//!
//! The top-level domains come from the `tld` crate: IANA's
//! `tlds-alpha-by-domain.txt` (the root zone), regenerated as IANA changes
//! it — the file `DomainValidator` keeps its own copy of. IDN labels are
//! converted by the `idna` crate (UTS #46, as browsers do). Where that
//! differs from Java's IDNA 2003 in what it refuses, the differences the
//! provider would refuse are written out here, before the conversion.

use core::net::{Ipv4Addr, Ipv6Addr};

use idna::AsciiDenyList;

use super::error::{UrlError, UrlPart};

/// The longest domain name, in ASCII (`DomainValidator.MAX_DOMAIN_LENGTH`).
const MAX_DOMAIN_LEN: usize = 253;
/// The longest label (RFC 1034; `DOMAIN_LABEL_REGEX`).
const MAX_LABEL_LEN: usize = 63;

/// The full stops that IDNA (and so `java.net.IDN`) reads as label
/// separators: `.`, `。` (U+3002), `．` (U+FF0E), `｡` (U+FF61).
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

/// Characters `java.net.URI` refuses in any part of a URL: whitespace,
/// controls (ASCII and Unicode: `Character.isSpaceChar`,
/// `isISOControl`), and RFC 2396's "unwise" and "delims" ASCII characters.
pub(crate) fn is_never_allowed(ch: char) -> bool {
    matches!(
        ch,
        ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
    ) || ch.is_control()
        || ch.is_whitespace()
}

/// Unicode format characters (general category Cf, as Java 17's
/// `Character.getType` knows them, Unicode 13), and the code points
/// nameprep maps to nothing that are not Cf: Commons'
/// `DomainValidator.unicodeToASCII` leaves a host with any of them
/// unconverted, so the host regex refuses it. (`IDN.toASCII` would
/// silently drop them and validate another host.)
fn commons_refuses_unconverted(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x13438
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
            // nameprep B.1, not Cf: the combining grapheme joiner, the
            // Mongolian soft hyphen and free variation selectors, the
            // variation selectors.
            | 0x034F
            | 0x1806
            | 0x180B..=0x180D
            | 0xFE00..=0xFE0F
    )
}

/// What Java's `IDN.toASCII` (IDNA 2003: nameprep of RFC 3491, with
/// unassigned code points not allowed) refuses but UTS #46 would convert:
/// the nameprep-prohibited change-display characters (U+0340, U+0341) and
/// ideographic description characters (U+2FF0–U+2FFB), and the symbols
/// and emoji Unicode 3.2 — which nameprep is frozen at — had not assigned
/// (U+1F000 and up in plane 1, and what lies beyond CJK Extension B and
/// the compatibility ideographs).
///
/// The documented gap: other code points that Unicode 3.2 had not yet
/// assigned (letters of scripts encoded later) are converted here and
/// refused by the provider.
pub(crate) fn refused_before_idna(c: char) -> bool {
    commons_refuses_unconverted(c)
        || matches!(
            u32::from(c),
            0x0340..=0x0341
                | 0x2FF0..=0x2FFB
                | 0x1F000..=0x1FFFF
                | 0x2A6D7..=0x2F7FF
                | 0x2FA1E..
        )
}

/// How a host character is judged, as written.
fn judge_char(host: &str, at: usize, ch: char) -> Result<(), UrlError> {
    if is_never_allowed(ch) {
        return Err(UrlError::IllegalCharacter {
            part: UrlPart::Host,
            ch,
            at,
        });
    }
    let fine = if ch.is_ascii() {
        ch.is_ascii_alphanumeric() || ch == '-' || ch == '.'
    } else {
        !refused_before_idna(ch)
    };
    if fine {
        Ok(())
    } else {
        Err(UrlError::HostCharacter {
            host: host.to_string(),
            ch,
        })
    }
}

/// The host in the ASCII form `DomainValidator` checks: as written if it is
/// ASCII, else converted by IDNA (Punycode for Unicode labels).
fn to_ascii(host: &str) -> Result<String, UrlError> {
    if host.is_ascii() {
        return Ok(host.to_string());
    }
    for label in host.split(is_dot) {
        if label.starts_with('-') || label.ends_with('-') {
            return Err(UrlError::HostLabelHyphen {
                host: host.to_string(),
                label: label.to_string(),
            });
        }
    }
    idna::domain_to_ascii_cow(host.as_bytes(), AsciiDenyList::EMPTY)
        .map(|ascii| ascii.into_owned())
        .map_err(|_| UrlError::HostIdna {
            host: host.to_string(),
        })
}

/// `DomainValidator.isValid` (with `ALLOW_LOCAL_URLS` off) on the ASCII
/// form of `host`.
fn check_domain(host: &str, ascii: &str) -> Result<(), UrlError> {
    let err_host = || host.to_string();
    if ascii.len() > MAX_DOMAIN_LEN {
        return Err(UrlError::HostTooLong { host: err_host() });
    }
    let name = ascii.strip_suffix('.').unwrap_or(ascii);
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(UrlError::HostEmptyLabel { host: err_host() });
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(UrlError::HostLabelTooLong {
                host: err_host(),
                label: label.to_string(),
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(UrlError::HostLabelHyphen {
                host: err_host(),
                label: label.to_string(),
            });
        }
    }
    let tld = match labels.as_slice() {
        [_, .., tld] => tld.to_ascii_lowercase(),
        _ => return Err(UrlError::HostSingleLabel { host: err_host() }),
    };
    if !tld.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(UrlError::TldNotAlphabetic {
            host: err_host(),
            tld,
        });
    }
    if !tld::exist(&tld) {
        return Err(UrlError::TldNotDelegated {
            host: err_host(),
            tld,
        });
    }
    Ok(())
}

/// `InetAddressValidator.isValidInet6Address` on the text inside the
/// brackets, which `UrlValidator`'s `IPV6_REGEX` first limits to hex
/// digits, `:` and `.` (no zone id, no prefix length). Within that
/// alphabet `core::net`'s parser accepts exactly the same texts: 8 groups
/// of 1–4 hex digits, one `::` standing for at least one zero group, an
/// IPv4 address without leading zeros as the last 32 bits.
fn check_ipv6_literal(host: &str) -> Result<(), UrlError> {
    let inner = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or("");
    let alphabet = !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    if alphabet && inner.parse::<Ipv6Addr>().is_ok() {
        Ok(())
    } else {
        Err(UrlError::InvalidIpv6 {
            host: host.to_string(),
        })
    }
}

/// Checks the host of a web URL as written (`at`: its byte offset in the
/// URL): a bracketed IPv6 literal; else a domain name, or — when it is not
/// one — an IPv4 address, in the order `UrlValidator.isValidAuthority`
/// tries them. `localhost` is the caller's business.
pub(crate) fn check_host(host: &str, at: usize) -> Result<(), UrlError> {
    if host.starts_with('[') {
        return check_ipv6_literal(host);
    }
    for (i, ch) in host.char_indices() {
        judge_char(host, at + i, ch)?;
    }
    let ascii = to_ascii(host)?;
    match check_domain(host, &ascii) {
        Ok(()) => Ok(()),
        Err(_) if ascii.parse::<Ipv4Addr>().is_ok() => Ok(()),
        Err(_) if !ascii.is_empty() && ascii.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
            Err(UrlError::InvalidIpv4 {
                host: host.to_string(),
            })
        }
        Err(domain) => Err(domain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(host: &str) -> &'static str {
        check_host(host, 0).map_or_else(|e| e.rule(), |()| "ok")
    }

    #[test]
    fn unicode_hosts_are_judged_in_their_punycode_form() {
        assert_eq!(to_ascii("Bücher.DE").as_deref(), Ok("xn--bcher-kva.de"));
        assert_eq!(to_ascii("shop。no").as_deref(), Ok("shop.no"));
        assert_eq!(to_ascii("ｓｈｏｐ.no").as_deref(), Ok("shop.no"));
        let long = format!("{}.no", "æ".repeat(60));
        assert_eq!(rule(&long), "host-label-too-long");
        assert_eq!(rule("-tést.no"), "host-label-hyphen");
        assert_eq!(rule("tést-.no"), "host-label-hyphen");
        // A fullwidth IPv4 address converts to one.
        assert_eq!(rule("１.２.３.４"), "ok");
    }

    #[test]
    fn characters_idna_2003_refuses() {
        for ok in [
            'æ', 'Ø', 'ü', 'ß', 'й', '中', '한', 'ก', '\u{93F}', '☃', '«',
        ] {
            assert!(!refused_before_idna(ok), "{ok}");
        }
        for bad in [
            '\u{AD}',
            '\u{200B}',
            '\u{200D}',
            '\u{200E}',
            '\u{202E}',
            '\u{FEFF}',
            '\u{34F}',
            '\u{FE0F}',
            '\u{340}',
            '💳',
            '😀',
            '\u{E0041}',
            '\u{2FF0}',
        ] {
            assert!(refused_before_idna(bad), "U+{:04X}", u32::from(bad));
        }
        // Refused by IDNA itself: private use, non-characters.
        assert_eq!(rule("shop\u{E000}.no"), "host-idna");
        assert_eq!(rule("shop\u{FDD0}.no"), "host-idna");
    }
}
