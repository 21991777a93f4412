//! The merchant's `orderId`: its hard rule, the provider's recommendations
//! and a generator of readable ids (Vipps eCom API guide, "orderId recommendations";
//! the length limit as the eCom API specification (OpenAPI) publishes it:
//! up to 50 characters, where the eCom guide said 30).
//!
//! ```
//! use appswitch_core::providers::vipps_ecom::order_id::{OrderId, OrderIdWarning};
//! use appswitch_core::providers::vipps_ecom::MerchantSerialNumber;
//!
//! let id = OrderId::new("order123abc")?;
//! assert!(id.warnings().is_empty());
//! assert_eq!(OrderId::new("123456")?.warnings(), vec![OrderIdWarning::OnlyDigits]);
//!
//! // "If the MSN is `654321`, the `orderId`s could start at
//! // `654321-0000-0000-0001` and increment by 1 for each order."
//! let msn = MerchantSerialNumber::new("654321")?;
//! assert_eq!(OrderId::sequential(&msn, 1)?.as_str(), "654321-0000-0000-0001");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::providers::vipps_ecom::MerchantSerialNumber;
use crate::providers::vipps_ecom::limits::{ORDER_ID_MAX_LEN, ORDER_ID_RECOMMENDED_MIN_LEN};

/// An `orderId`: 1–50 characters of `a-z A-Z 0-9 -`.
///
/// "Maximum length is 50 alphanumeric characters: a-z, A-Z, 0-9 and '-'."
/// (eCom API specification (OpenAPI), `orderId`, pattern
/// `^[a-zA-Z0-9-]{1,50}$`; the guide (document version 2.3.8) said 30). It "must be unique
/// for the MSN".
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId(String);

/// Why a text cannot be an `orderId`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrderIdError {
    /// The id is empty.
    #[error("`orderId` is empty (it needs 1 to {ORDER_ID_MAX_LEN} characters)")]
    Empty,
    /// The id is longer than [`ORDER_ID_MAX_LEN`] (50) characters.
    #[error("`orderId` is {len} characters long; the maximum is {ORDER_ID_MAX_LEN}")]
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// The id contains a character outside `a-z A-Z 0-9 -`.
    #[error(
        "`orderId` contains {found:?} at position {position}; only a-z, A-Z, 0-9 and '-' are allowed"
    )]
    InvalidCharacter {
        /// The character.
        found: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
    /// The generator's counter does not fit in the 12 digits of the
    /// `MSN-0000-0000-0000` pattern.
    #[error("counter {0} does not fit the 12 digits of an MSN-prefixed orderId")]
    CounterTooLarge(u64),
}

/// A recommendation of the Vipps eCom API guide that an otherwise valid `orderId` ignores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderIdWarning {
    /// "we strongly recommend using at least 6 characters".
    ShorterThanSix,
    /// "An `orderId` that is just a number may not be possible to find" —
    /// `abc-123-def-456` is better than `123456`.
    OnlyDigits,
    /// "Leading zeros should be avoided, as some applications (like Excel)
    /// tend to remove them".
    LeadingZero,
}

impl fmt::Display for OrderIdWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OrderIdWarning::ShorterThanSix => "shorter than the recommended 6 characters",
            OrderIdWarning::OnlyDigits => {
                "only digits: hard to find in logs (use letters, digits and '-')"
            }
            OrderIdWarning::LeadingZero => "starts with 0, which spreadsheets drop",
        })
    }
}

/// Digits of the counter part of a generated id: `0000-0000-0001`.
const COUNTER_DIGITS: u32 = 12;

/// The alphabet of randomised ids: Crockford's base 32 in lowercase (the
/// digits and the letters without `i l o u`, which are read as `1 1 0 v`).
const RANDOM_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

impl OrderId {
    /// Checks `text` against the provider's rule.
    pub fn new(text: impl Into<String>) -> Result<Self, OrderIdError> {
        let text = text.into();
        if text.is_empty() {
            return Err(OrderIdError::Empty);
        }
        if let Some((position, found)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(OrderIdError::InvalidCharacter { found, position });
        }
        // All ASCII from here: bytes are characters.
        if text.len() > ORDER_ID_MAX_LEN {
            return Err(OrderIdError::TooLong { len: text.len() });
        }
        Ok(OrderId(text))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The eCom guide's recommendations this id does not follow (empty when it
    /// follows them all).
    pub fn warnings(&self) -> Vec<OrderIdWarning> {
        let mut w = Vec::new();
        if self.0.len() < ORDER_ID_RECOMMENDED_MIN_LEN {
            w.push(OrderIdWarning::ShorterThanSix);
        }
        if self.0.bytes().all(|b| b.is_ascii_digit()) {
            w.push(OrderIdWarning::OnlyDigits);
        }
        if self.0.starts_with('0') {
            w.push(OrderIdWarning::LeadingZero);
        }
        w
    }

    /// The `counter`-th readable, MSN-prefixed id: `654321-0000-0000-0001`
    /// for MSN `654321` and counter 1. The caller keeps the counter (the
    /// core has no state and no storage).
    ///
    /// Fails when the counter needs more than 12 digits, or the MSN is so
    /// long that the id would exceed 50 characters.
    pub fn sequential(msn: &MerchantSerialNumber, counter: u64) -> Result<Self, OrderIdError> {
        if counter >= 10u64.pow(COUNTER_DIGITS) {
            return Err(OrderIdError::CounterTooLarge(counter));
        }
        let d = format!("{counter:012}");
        let (a, rest) = d.split_at(4);
        let (b, c) = rest.split_at(4);
        OrderId::new(format!("{}-{a}-{b}-{c}", msn.as_str()))
    }

    /// A readable, MSN-prefixed id from 60 bits of caller-supplied
    /// randomness: `654321-k3f9-x2a7-7bqz` (Crockford base 32, lowercase).
    /// Only the low 60 bits of `random` are used; two different values
    /// below 2^60 give different ids.
    pub fn random(msn: &MerchantSerialNumber, random: u64) -> Result<Self, OrderIdError> {
        let mut groups = String::with_capacity(14);
        for g in 0..3u32 {
            groups.push('-');
            for i in 0..4u32 {
                let shift = 5 * (4 * (2 - g) + (3 - i));
                let sym = usize::try_from((random >> shift) & 31).unwrap_or(0);
                groups.push(char::from(
                    RANDOM_ALPHABET.get(sym).copied().unwrap_or(b'z'),
                ));
            }
        }
        OrderId::new(format!("{}{groups}", msn.as_str()))
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::str::FromStr for OrderId {
    type Err = OrderIdError;
    fn from_str(s: &str) -> Result<Self, OrderIdError> {
        OrderId::new(s)
    }
}

impl Serialize for OrderId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OrderId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "an orderId", |s: &str| OrderId::new(s))
    }
}

impl TryFrom<String> for OrderId {
    type Error = OrderIdError;
    fn try_from(s: String) -> Result<Self, OrderIdError> {
        OrderId::new(s)
    }
}

impl From<OrderId> for String {
    fn from(id: OrderId) -> String {
        id.0
    }
}

impl AsRef<str> for OrderId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn msn(s: &str) -> MerchantSerialNumber {
        MerchantSerialNumber::new(s).unwrap()
    }

    #[test]
    fn enforces_the_rule() {
        assert_eq!(OrderId::new(""), Err(OrderIdError::Empty));
        assert!(OrderId::new("a").is_ok());
        assert!(OrderId::new("a".repeat(30)).is_ok());
        assert!(
            OrderId::new("a".repeat(50)).is_ok(),
            "the specification's 50"
        );
        assert_eq!(
            OrderId::new("a".repeat(51)),
            Err(OrderIdError::TooLong { len: 51 })
        );
        assert_eq!(
            OrderId::new("a".repeat(51)).unwrap_err().to_string(),
            "`orderId` is 51 characters long; the maximum is 50"
        );
        assert_eq!(
            OrderId::new("order_1"),
            Err(OrderIdError::InvalidCharacter {
                found: '_',
                position: 5
            })
        );
        assert!(matches!(
            OrderId::new("ordre-æ"),
            Err(OrderIdError::InvalidCharacter { found: 'æ', .. })
        ));
        let e = OrderId::new("a b").unwrap_err().to_string();
        assert!(e.contains("`orderId`") && e.contains("' '"), "{e}");
    }

    #[test]
    fn warns_about_the_recommendations() {
        use OrderIdWarning::*;
        assert_eq!(OrderId::new("abc-123-def-456").unwrap().warnings(), vec![]);
        assert_eq!(OrderId::new("123456").unwrap().warnings(), vec![OnlyDigits]);
        assert_eq!(
            OrderId::new("0a1").unwrap().warnings(),
            vec![ShorterThanSix, LeadingZero]
        );
        assert_eq!(
            OrderId::new("0123").unwrap().warnings(),
            vec![ShorterThanSix, OnlyDigits, LeadingZero]
        );
    }

    #[test]
    fn generates_the_seeds_pattern() {
        let m = msn("654321");
        assert_eq!(
            OrderId::sequential(&m, 1).unwrap().as_str(),
            "654321-0000-0000-0001"
        );
        assert_eq!(
            OrderId::sequential(&m, 999_999_999_999).unwrap().as_str(),
            "654321-9999-9999-9999"
        );
        assert_eq!(
            OrderId::sequential(&m, 1_000_000_000_000),
            Err(OrderIdError::CounterTooLarge(1_000_000_000_000))
        );
        assert!(OrderId::sequential(&m, 7).unwrap().warnings().is_empty());
        // The longest MSN read (20 digits) still fits the 50 characters.
        assert_eq!(
            OrderId::sequential(&msn("12345678901234567890"), 1)
                .unwrap()
                .as_str()
                .len(),
            35
        );
        let r = OrderId::random(&m, 0x0fff_ffff_ffff_ffff).unwrap();
        assert_eq!(r.as_str().len(), 21);
        assert!(r.as_str().starts_with("654321-"));
    }

    #[test]
    fn serde_checks_the_rule() {
        let id: OrderId = serde_json::from_str("\"order123abc\"").unwrap();
        assert_eq!(id.as_str(), "order123abc");
        assert!(serde_json::from_str::<OrderId>("\"order 1\"").is_err());
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"order123abc\"");
    }

    proptest! {
        #[test]
        fn random_ids_are_valid_and_distinct(a in 0u64..(1 << 60), b in 0u64..(1 << 60)) {
            let m = msn("654321");
            let (x, y) = (OrderId::random(&m, a).unwrap(), OrderId::random(&m, b).unwrap());
            prop_assert_eq!(x == y, a == b);
            prop_assert!(x.warnings().is_empty());
        }

        #[test]
        fn sequential_ids_keep_their_order(a in 0u64..1_000_000_000_000, b in 0u64..1_000_000_000_000) {
            let m = msn("654321");
            let (x, y) = (OrderId::sequential(&m, a).unwrap(), OrderId::sequential(&m, b).unwrap());
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            if let Ok(id) = OrderId::new(s.clone()) {
                prop_assert_eq!(id.as_str(), s.as_str());
                let _ = id.warnings();
            }
        }
    }
}
