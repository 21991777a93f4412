//! IP address literals: parsing them the way the provider's validator
//! (Apache Commons `InetAddressValidator`) does, and telling which ones the
//! provider cannot call back.

use core::fmt;

use super::split::{find_ascii, split_once_ascii};

/// Parses a dotted-quad IPv4 address: exactly four decimal numbers from 0
/// to 255, without signs or leading zeros (`InetAddressValidator` rejects
/// `01.2.3.4`; some parsers would read it as octal).
///
/// ```
/// # use appswitch_core::shopper::url::parse_ipv4;
/// assert_eq!(parse_ipv4("127.0.0.1"), Some([127, 0, 0, 1]));
/// assert_eq!(parse_ipv4("127.0.0.01"), None);
/// ```
pub fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for slot in &mut out {
        let part = parts.next()?;
        let leading_zero = part.len() > 1 && part.starts_with('0');
        if part.is_empty()
            || part.len() > 3
            || leading_zero
            || !part.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

fn parse_groups(text: &str, out: &mut Vec<u16>, ipv4_allowed_last: bool) -> Option<()> {
    if text.is_empty() {
        return Some(());
    }
    let mut groups = text.split(':').peekable();
    while let Some(group) = groups.next() {
        let last = groups.peek().is_none();
        if last && ipv4_allowed_last && group.bytes().any(|b| b == b'.') {
            let [a, b, c, d] = parse_ipv4(group)?;
            out.push(u16::from_be_bytes([a, b]));
            out.push(u16::from_be_bytes([c, d]));
        } else {
            if group.is_empty() || group.len() > 4 || !group.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return None;
            }
            out.push(u16::from_str_radix(group, 16).ok()?);
        }
    }
    Some(())
}

/// Parses the text of an IPv6 literal (without its brackets): eight groups
/// of one to four hex digits, or fewer around a single `::`, optionally
/// ending in a dotted IPv4 address that counts as two groups (RFC 4291,
/// section 2.2). Zone ids and prefix lengths are not part of a URL host.
///
/// ```
/// # use appswitch_core::shopper::url::parse_ipv6;
/// assert_eq!(parse_ipv6("::1"), Some([0, 0, 0, 0, 0, 0, 0, 1]));
/// assert_eq!(parse_ipv6("::FFFF:10.0.0.1"), Some([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]));
/// assert_eq!(parse_ipv6("1::2::3"), None);
/// ```
pub fn parse_ipv6(s: &str) -> Option<[u16; 8]> {
    let mut head = Vec::with_capacity(8);
    let mut tail = Vec::with_capacity(8);
    match split_once_ascii(s, "::") {
        Some((before, after)) => {
            if find_ascii(after, "::").is_some() {
                return None;
            }
            parse_groups(before, &mut head, false)?;
            parse_groups(after, &mut tail, true)?;
            if head.len() + tail.len() > 7 {
                return None;
            }
        }
        None => {
            parse_groups(s, &mut head, true)?;
            if head.len() != 8 {
                return None;
            }
        }
    }
    let mut out = [0u16; 8];
    let tail_start = 8 - tail.len();
    for (slot, value) in out.iter_mut().zip(head) {
        *slot = value;
    }
    for (slot, value) in out.iter_mut().skip(tail_start).zip(tail) {
        *slot = value;
    }
    Some(out)
}

/// Why an address or host cannot receive the provider's callbacks.
///
/// Seed 001, "Callback URLs must be reachable" and "URL Validation": "It
/// is, naturally, not possible to use `https://localhost` or
/// `http://127.0.0.1` for the callback, as the Vipps backend would then
/// call itself."
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NotPublic {
    /// The name `localhost` (or a name under `.localhost`).
    Localhost,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` (RFC 1918),
    /// `fc00::/7` (unique local), `fec0::/10` (old site-local).
    Private,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// `0.0.0.0/8`, `::`.
    Unspecified,
    /// `100.64.0.0/10`, carrier-grade NAT (RFC 6598).
    SharedAddressSpace,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24` (RFC 5737),
    /// `2001:db8::/32` (RFC 3849).
    Documentation,
    /// `240.0.0.0/4` (including the broadcast address), `198.18.0.0/15`
    /// (benchmarking), `100::/64` (discard).
    Reserved,
}

impl fmt::Display for NotPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotPublic::Localhost => "it names this machine, so the provider would call itself",
            NotPublic::Loopback => "it is a loopback address, so the provider would call itself",
            NotPublic::Private => {
                "it is a private-network address, which the provider cannot reach"
            }
            NotPublic::LinkLocal => {
                "it is a link-local address, reachable only on the same network segment"
            }
            NotPublic::Unspecified => "it is the unspecified address, which names no host",
            NotPublic::SharedAddressSpace => {
                "it is a carrier-grade NAT address (100.64.0.0/10), not reachable from the internet"
            }
            NotPublic::Multicast => "it is a multicast address, not a host",
            NotPublic::Documentation => {
                "it is reserved for documentation examples, not a real host"
            }
            NotPublic::Reserved => "it is in a reserved address block, not a public host",
        })
    }
}

/// Whether the provider cannot call this IPv4 address, and why.
pub fn ipv4_not_public(ip: [u8; 4]) -> Option<NotPublic> {
    Some(match ip {
        [0, ..] => NotPublic::Unspecified,
        [10, ..] | [172, 16..=31, ..] | [192, 168, ..] => NotPublic::Private,
        [100, 64..=127, ..] => NotPublic::SharedAddressSpace,
        [127, ..] => NotPublic::Loopback,
        [169, 254, ..] => NotPublic::LinkLocal,
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => NotPublic::Documentation,
        [198, 18..=19, ..] | [240..=255, ..] => NotPublic::Reserved,
        [224..=239, ..] => NotPublic::Multicast,
        _ => return None,
    })
}

/// Whether the provider cannot call this IPv6 address, and why.
/// IPv4-mapped addresses (`::ffff:a.b.c.d`) are judged by their IPv4 part.
pub fn ipv6_not_public(ip: [u16; 8]) -> Option<NotPublic> {
    Some(match ip {
        [0, 0, 0, 0, 0, 0, 0, 0] => NotPublic::Unspecified,
        [0, 0, 0, 0, 0, 0, 0, 1] => NotPublic::Loopback,
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => {
            let [a, b] = hi.to_be_bytes();
            let [c, d] = lo.to_be_bytes();
            return ipv4_not_public([a, b, c, d]);
        }
        [0x0100, 0, 0, 0, ..] => NotPublic::Reserved,
        [0x2001, 0x0db8, ..] => NotPublic::Documentation,
        [first, ..] if first & 0xfe00 == 0xfc00 => NotPublic::Private,
        [first, ..] if first & 0xffc0 == 0xfe80 => NotPublic::LinkLocal,
        [first, ..] if first & 0xffc0 == 0xfec0 => NotPublic::Private,
        [first, ..] if first & 0xff00 == 0xff00 => NotPublic::Multicast,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ipv4_like_inet_address_validator() {
        let good = [
            ("0.0.0.0", [0, 0, 0, 0]),
            ("255.255.255.255", [255, 255, 255, 255]),
            ("192.168.1.10", [192, 168, 1, 10]),
            ("8.8.8.8", [8, 8, 8, 8]),
        ];
        for (s, ip) in good {
            assert_eq!(parse_ipv4(s), Some(ip), "{s}");
        }
        let bad = [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.256",
            "01.2.3.4",
            "1.2.3.04",
            "1..3.4",
            "1.2.3.",
            ".1.2.3",
            "+1.2.3.4",
            "1.2.3.4 ",
            "0x7f.0.0.1",
            "1000.1.1.1",
            "١.٢.٣.٤",
        ];
        for s in bad {
            assert_eq!(parse_ipv4(s), None, "{s:?}");
        }
    }

    #[test]
    fn parses_ipv6_text_forms() {
        let good: &[(&str, [u16; 8])] = &[
            ("::", [0; 8]),
            ("::1", [0, 0, 0, 0, 0, 0, 0, 1]),
            ("1::", [1, 0, 0, 0, 0, 0, 0, 0]),
            (
                "2001:db8::8a2e:370:7334",
                [0x2001, 0xdb8, 0, 0, 0, 0x8a2e, 0x370, 0x7334],
            ),
            (
                "2001:0db8:0000:0000:0000:ff00:0042:8329",
                [0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329],
            ),
            ("FE80::ABCD", [0xfe80, 0, 0, 0, 0, 0, 0, 0xabcd]),
            ("1:2:3:4:5:6:7::", [1, 2, 3, 4, 5, 6, 7, 0]),
            ("::2:3:4:5:6:7:8", [0, 2, 3, 4, 5, 6, 7, 8]),
            ("1:2:3:4:5:6:1.2.3.4", [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]),
            (
                "::ffff:192.168.0.1",
                [0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0001],
            ),
        ];
        for (s, ip) in good {
            assert_eq!(parse_ipv6(s), Some(*ip), "{s}");
        }
        let bad = [
            "",
            ":",
            ":::",
            "1",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            ":1::",
            "1::2:",
            "12345::",
            "g::",
            "1:2:3:4:5:6:7:8::",
            "1::2:3:4:5:6:7:8",
            "1.2.3.4::",
            "::1.2.3.4:1",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3",
            "::256.0.0.1",
            "1:2:3:4:5:6:7:8%eth0",
            "[::1]",
        ];
        for s in bad {
            assert_eq!(parse_ipv6(s), None, "{s:?}");
        }
    }

    #[test]
    fn tells_non_public_addresses() {
        let v4: &[([u8; 4], Option<NotPublic>)] = &[
            ([127, 0, 0, 1], Some(NotPublic::Loopback)),
            ([127, 255, 0, 9], Some(NotPublic::Loopback)),
            ([10, 1, 2, 3], Some(NotPublic::Private)),
            ([172, 16, 0, 1], Some(NotPublic::Private)),
            ([172, 31, 255, 255], Some(NotPublic::Private)),
            ([172, 32, 0, 1], None),
            ([172, 15, 0, 1], None),
            ([192, 168, 0, 1], Some(NotPublic::Private)),
            ([192, 169, 0, 1], None),
            ([169, 254, 169, 254], Some(NotPublic::LinkLocal)),
            ([0, 0, 0, 0], Some(NotPublic::Unspecified)),
            ([100, 64, 0, 1], Some(NotPublic::SharedAddressSpace)),
            ([100, 128, 0, 1], None),
            ([224, 0, 0, 1], Some(NotPublic::Multicast)),
            ([255, 255, 255, 255], Some(NotPublic::Reserved)),
            ([198, 18, 0, 1], Some(NotPublic::Reserved)),
            ([192, 0, 2, 1], Some(NotPublic::Documentation)),
            ([203, 0, 113, 7], Some(NotPublic::Documentation)),
            ([8, 8, 8, 8], None),
            ([84, 208, 20, 110], None),
        ];
        for (ip, want) in v4 {
            assert_eq!(ipv4_not_public(*ip), *want, "{ip:?}");
        }
        let v6: &[(&str, Option<NotPublic>)] = &[
            ("::", Some(NotPublic::Unspecified)),
            ("::1", Some(NotPublic::Loopback)),
            ("::ffff:127.0.0.1", Some(NotPublic::Loopback)),
            ("::ffff:10.0.0.1", Some(NotPublic::Private)),
            ("::ffff:8.8.8.8", None),
            ("fc00::1", Some(NotPublic::Private)),
            ("fd12:3456::1", Some(NotPublic::Private)),
            ("fec0::1", Some(NotPublic::Private)),
            ("fe80::1", Some(NotPublic::LinkLocal)),
            ("febf::1", Some(NotPublic::LinkLocal)),
            ("ff02::1", Some(NotPublic::Multicast)),
            ("2001:db8::1", Some(NotPublic::Documentation)),
            ("100::1", Some(NotPublic::Reserved)),
            ("2001:4860:4860::8888", None),
            ("2a02:c7c::1", None),
        ];
        for (s, want) in v6 {
            assert_eq!(ipv6_not_public(parse_ipv6(s).unwrap()), *want, "{s}");
        }
    }
}
