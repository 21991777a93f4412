//! Which IP addresses the provider cannot call back, and why. The
//! addresses themselves are `core::net`'s; the blocks the standard library
//! does not name yet (shared address space, benchmarking, the reserved
//! `240.0.0.0/4`, IPv6 documentation and discard prefixes) are written out
//! here with their RFCs.

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};

/// Why an address or host cannot receive the provider's callbacks.
///
/// Vipps eCom API guide, "Callback URLs must be reachable" and "URL Validation": "It
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
pub fn ipv4_not_public(ip: Ipv4Addr) -> Option<NotPublic> {
    let [a, b, ..] = ip.octets();
    Some(if a == 0 {
        // 0.0.0.0/8, "this network" (RFC 1122): `0.0.0.0` and its block.
        NotPublic::Unspecified
    } else if ip.is_private() {
        NotPublic::Private
    } else if a == 100 && b & 0xc0 == 64 {
        // 100.64.0.0/10 (RFC 6598).
        NotPublic::SharedAddressSpace
    } else if ip.is_loopback() {
        NotPublic::Loopback
    } else if ip.is_link_local() {
        NotPublic::LinkLocal
    } else if ip.is_documentation() {
        NotPublic::Documentation
    } else if (a == 198 && b & 0xfe == 18) || a >= 240 {
        // 198.18.0.0/15 (RFC 2544), 240.0.0.0/4 and the broadcast address.
        NotPublic::Reserved
    } else if ip.is_multicast() {
        NotPublic::Multicast
    } else {
        return None;
    })
}

/// Whether the provider cannot call this IPv6 address, and why.
/// IPv4-mapped addresses (`::ffff:a.b.c.d`) are judged by their IPv4 part.
pub fn ipv6_not_public(ip: Ipv6Addr) -> Option<NotPublic> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_not_public(v4);
    }
    let [first, second, ..] = ip.segments();
    Some(if ip.is_unspecified() {
        NotPublic::Unspecified
    } else if ip.is_loopback() {
        NotPublic::Loopback
    } else if ip.is_unique_local() || first & 0xffc0 == 0xfec0 {
        // fc00::/7, and the deprecated site-local fec0::/10 (RFC 3879).
        NotPublic::Private
    } else if ip.is_unicast_link_local() {
        NotPublic::LinkLocal
    } else if ip.is_multicast() {
        NotPublic::Multicast
    } else if first == 0x2001 && second == 0x0db8 {
        // 2001:db8::/32 (RFC 3849).
        NotPublic::Documentation
    } else if ip.segments().get(..4) == Some(&[0x0100, 0, 0, 0]) {
        // 100::/64, discard only (RFC 6666).
        NotPublic::Reserved
    } else {
        return None;
    })
}

/// Whether `host` is this machine: `127.0.0.0/8`, `::1`, or an IPv4-mapped
/// loopback address. A name never is (`localhost` is refused by name).
pub fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(_) => false,
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
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

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(ipv4_not_public(Ipv4Addr::from(*ip)), *want, "{ip:?}");
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
            assert_eq!(ipv6_not_public(s.parse().unwrap()), *want, "{s}");
        }
    }
}
