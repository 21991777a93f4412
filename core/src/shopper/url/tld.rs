//! Top-level domains, checked without shipping IANA's whole list.
//!
//! The provider's validator (Apache Commons `DomainValidator`) accepts a host
//! only if its last label is on a built-in copy of IANA's root-zone list:
//! about 1,450 names, ~10 kB of text, growing and changing every month. We
//! do not ship that list (the browser module has a 60 kB budget, and a copy
//! frozen into an app would wrongly reject TLDs delegated after the build).
//! Instead:
//!
//! - **Two-letter TLDs are checked exactly**, against the 248 delegated
//!   country codes (743 bytes). Country codes change rarely, and a typo
//!   there (`.nx`, `.ko`) is the most common way to hit an undelegated TLD.
//! - **Longer TLDs are checked by their syntax** (a letter first, then
//!   letters, digits or `-`; IDN TLDs as `xn--…` or in Unicode) **and must
//!   not be one of the names people use for private networks and tests**
//!   ([`RESERVED_TLDS`]: `.local`, `.localhost`, `.test`, `.internal`, …),
//!   none of which is — or, for the RFC-reserved ones, ever will be — in
//!   the root zone, so the provider rejects them all.
//!
//! The price: a three-or-more-letter TLD that is not delegated and not on
//! our list (`shop.exmaple`, `shop.con`) passes here but fails at the
//! provider. That is the one documented gap.

/// The delegated two-letter country-code TLDs (IANA root zone), sorted,
/// separated by spaces. `.an` and `.tp` are retired; `.ss` was added in 2019.
const COUNTRY_CODES: &str = concat!(
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj ",
    "bm bn bo br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw ",
    "cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge ",
    "gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in ",
    "io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ",
    "ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my ",
    "mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt ",
    "pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su ",
    "sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz ",
    "va vc ve vg vi vn vu wf ws ye yt za zm zw"
);

/// Names used as TLDs on private networks, in tests and in documentation,
/// which are not in the root zone, so the provider's validator rejects them.
///
/// `localhost`, `test`, `example`, `invalid` (RFC 2606, RFC 6761), `local`
/// (mDNS, RFC 6762), `localdomain` (the local TLD of `DomainValidator`
/// itself), `internal` (reserved by ICANN in 2024 for private use), `alt`
/// (RFC 9476), `onion` (RFC 7686: special-use, not in the root zone), and
/// the home and office names that appear in real configurations: `lan`,
/// `home`, `corp`, `intranet`, `private`, `localnet`, `workgroup`.
pub const RESERVED_TLDS: [&str; 16] = [
    "alt",
    "corp",
    "example",
    "home",
    "internal",
    "intranet",
    "invalid",
    "lan",
    "local",
    "localdomain",
    "localhost",
    "localnet",
    "onion",
    "private",
    "test",
    "workgroup",
];

/// What [`check_tld`] found wrong with a TLD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TldProblem {
    /// Starts with a digit or `-`.
    NotAlphabetic,
    /// One of [`RESERVED_TLDS`].
    Reserved,
    /// Two letters, but not a delegated country code.
    UnknownCountryCode,
}

/// Whether `code` (two lower-case ASCII letters) is a delegated country code.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && COUNTRY_CODES.split(' ').any(|c| c == code)
}

/// Checks the last label of an ASCII (already Punycode-encoded) host name.
/// `tld` must already be a syntactically valid label.
pub(crate) fn check_tld(tld: &str) -> Result<(), TldProblem> {
    let lower = tld.to_ascii_lowercase();
    if !lower.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(TldProblem::NotAlphabetic);
    }
    if RESERVED_TLDS.contains(&lower.as_str()) {
        return Err(TldProblem::Reserved);
    }
    if lower.len() == 2 && !is_country_code(&lower) {
        return Err(TldProblem::UnknownCountryCode);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_code_table_is_sorted_and_well_formed() {
        let codes: Vec<&str> = COUNTRY_CODES.split(' ').collect();
        assert_eq!(codes.len(), 248);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_lowercase()))
        );
        assert!(
            codes.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(RESERVED_TLDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn classifies_tlds() {
        for ok in [
            "no", "NO", "se", "dk", "uk", "eu", "io", "ss", "com", "shop", "app", "xn--p1ai",
            "arpa",
        ] {
            assert_eq!(check_tld(ok), Ok(()), "{ok}");
        }
        for cc in ["xx", "an", "tp", "ko", "nx", "zz", "uu"] {
            assert_eq!(check_tld(cc), Err(TldProblem::UnknownCountryCode), "{cc}");
        }
        for reserved in RESERVED_TLDS {
            assert_eq!(check_tld(reserved), Err(TldProblem::Reserved), "{reserved}");
            assert_eq!(
                check_tld(&reserved.to_uppercase()),
                Err(TldProblem::Reserved)
            );
        }
        for bad in ["1com", "9", "-x"] {
            assert_eq!(check_tld(bad), Err(TldProblem::NotAlphabetic), "{bad}");
        }
    }
}
