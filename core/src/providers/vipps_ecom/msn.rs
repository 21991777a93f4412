//! The merchant serial number (MSN): "The merchant's Vipps id. Example:
//! `123456`." (Vipps eCom API guide, "Payment identification").

use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The longest MSN accepted: any `u64` fits.
const MAX_DIGITS: usize = 20;

/// A merchant serial number: the id of the sale unit.
///
/// The provider's own examples send it both as a string (`"123456"`) and as
/// a number (`123456`); both are read, and it is always written as a
/// string.
///
/// ```
/// use appswitch_core::providers::vipps_ecom::MerchantSerialNumber;
///
/// let msn = MerchantSerialNumber::new("123456")?;
/// assert_eq!(msn.as_str(), "123456");
/// assert!(MerchantSerialNumber::new("12 34").is_err());
/// # Ok::<(), appswitch_core::providers::vipps_ecom::MsnError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MerchantSerialNumber(String);

/// Why a text is not a merchant serial number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MsnError {
    /// The MSN is empty.
    #[error("`merchantSerialNumber` is empty")]
    Empty,
    /// The MSN contains something other than the digits 0–9.
    #[error("`merchantSerialNumber` `{0}` must contain only the digits 0-9")]
    NotDigits(String),
    /// The MSN is longer than 20 digits.
    #[error("`merchantSerialNumber` `{0}` is longer than 20 digits")]
    TooLong(String),
    /// A request's MSN has another number of digits than the provider's
    /// 5 or 6 ("Early MSNs were five digits, new ones are six digits";
    /// `minLength: 5`, `maxLength: 6` — eCom API specification (OpenAPI),
    /// `merchantSerialNumber`).
    #[error("`merchantSerialNumber` `{msn}` has {digits} digits; the provider's have 5 or 6")]
    DigitCount {
        /// The MSN as given.
        msn: String,
        /// How many digits it has.
        digits: usize,
    },
}

impl MerchantSerialNumber {
    /// Checks `text` (digits only, 1–20 of them).
    pub fn new(text: impl Into<String>) -> Result<Self, MsnError> {
        let text = text.into();
        if text.is_empty() {
            Err(MsnError::Empty)
        } else if !text.bytes().all(|b| b.is_ascii_digit()) {
            Err(MsnError::NotDigits(text))
        } else if text.len() > MAX_DIGITS {
            Err(MsnError::TooLong(text))
        } else {
            Ok(MerchantSerialNumber(text))
        }
    }

    /// Checks `text` as the provider checks an MSN it is sent: digits
    /// only, 5 or 6 of them ([`limits::MSN_DIGITS`](super::limits::MSN_DIGITS)).
    /// [`new`](Self::new) is laxer (1–20 digits), for reading what others
    /// send.
    pub fn for_request(text: impl Into<String>) -> Result<Self, MsnError> {
        let msn = MerchantSerialNumber::new(text)?;
        let digits = msn.0.len();
        if super::limits::MSN_DIGITS.contains(&digits) {
            Ok(msn)
        } else {
            Err(MsnError::DigitCount { msn: msn.0, digits })
        }
    }

    /// The MSN as text, e.g. `123456`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MerchantSerialNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MerchantSerialNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MerchantSerialNumber({})", self.0)
    }
}

impl core::str::FromStr for MerchantSerialNumber {
    type Err = MsnError;
    fn from_str(s: &str) -> Result<Self, MsnError> {
        MerchantSerialNumber::new(s)
    }
}

impl Serialize for MerchantSerialNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MerchantSerialNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = MerchantSerialNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a merchant serial number (digits, as a string or a number)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(MerchantSerialNumber(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                MerchantSerialNumber::new(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_and_numbers_and_writes_strings() {
        let a: MerchantSerialNumber = serde_json::from_str("\"123456\"").unwrap();
        let b: MerchantSerialNumber = serde_json::from_str("123456").unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"123456\"");
        for bad in [
            "\"\"",
            "\"12a\"",
            "-5",
            "1.5",
            "null",
            "\"123456789012345678901\"",
        ] {
            assert!(
                serde_json::from_str::<MerchantSerialNumber>(bad).is_err(),
                "{bad}"
            );
        }
        assert_eq!(
            MerchantSerialNumber::new("x1").unwrap_err().to_string(),
            "`merchantSerialNumber` `x1` must contain only the digits 0-9"
        );
    }

    #[test]
    fn a_request_needs_five_or_six_digits() {
        for digits in 1..=20usize {
            let text = "1".repeat(digits);
            let r = MerchantSerialNumber::for_request(text.clone());
            if (5..=6).contains(&digits) {
                assert_eq!(r.unwrap().as_str(), text);
            } else {
                assert_eq!(r, Err(MsnError::DigitCount { msn: text, digits }));
            }
            // Read from what others send, any 1–20 digits are kept.
            assert!(MerchantSerialNumber::new("1".repeat(digits)).is_ok());
        }
        assert!(matches!(
            MerchantSerialNumber::for_request("12a456"),
            Err(MsnError::NotDigits(_))
        ));
    }
}
