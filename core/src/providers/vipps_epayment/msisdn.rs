//! `customer.phoneNumber` as the ePayment API wants it: MSISDN.
//!
//! ePayment API specification, `CustomerPhoneNumber.phoneNumber`: "The
//! format is MSISDN: Digits only: Country code and subscriber number, but
//! no prefix. If the phone number is a Norwegian phone number
//! `(+47) 91 23 45 67`, the MSISDN representation is `4791234567`."
//! `pattern: '^\d{10,15}$'`. The eCom → ePayment migration guide
//! ("Renamed and altered fields"): "`phoneNumber`: Now requires the MSISDN
//! format, where the country code is included."
//!
//! [`Msisdn::normalise`] takes what people write — `+47 912 34 567`,
//! `0045 12 34 56 78`, `(+358) 40 123 4567` — and gives the digits; what it
//! cannot make into 10–15 digits with a country code is an error that says
//! why. It does not guess a country for a number written without one.

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A phone number in MSISDN form: 10–15 digits, country code first.
///
/// ```
/// use appswitch_core::providers::vipps_epayment::Msisdn;
///
/// for written in ["+47 91 23 45 67", "0047 912-34-567", "4791234567", "(+47) 91234567"] {
///     assert_eq!(Msisdn::normalise(written)?.as_str(), "4791234567");
/// }
/// assert_eq!(Msisdn::normalise("+45 12 34 56 78")?.as_str(), "4512345678");
/// assert!(Msisdn::normalise("912 34 567").is_err()); // no country code
/// # Ok::<(), appswitch_core::providers::vipps_epayment::MsisdnError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Msisdn(String);

/// Why a text cannot be made into an MSISDN.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MsisdnError {
    /// Nothing but separators.
    #[error("`customer.phoneNumber` is empty")]
    Empty,
    /// A character that is neither a digit, a separator (space, `-`, `.`,
    /// parentheses) nor a leading `+`.
    #[error(
        "`customer.phoneNumber` contains {found:?} at position {position}; only digits, spaces, '-', '.', '(', ')' and a leading '+' are understood"
    )]
    InvalidCharacter {
        /// The character.
        found: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
    /// Not 10–15 digits: the country code is missing, or the number is
    /// too long.
    #[error(
        "`customer.phoneNumber` has {digits} digits; MSISDN is 10 to 15 digits, the country code first (+47 91 23 45 67 is 4791234567)"
    )]
    WrongLength {
        /// How many digits there were (without a `00` prefix).
        digits: usize,
    },
    /// Starts with 0 after any `+`/`00` prefix: a national number, not
    /// a country code.
    #[error(
        "`customer.phoneNumber` starts with 0: a national number; write it with its country code (4791234567)"
    )]
    NationalNumber,
}

impl Msisdn {
    /// Normalises a phone number as written to MSISDN digits.
    pub fn normalise(written: &str) -> Result<Msisdn, MsisdnError> {
        let mut digits = String::new();
        let mut plus = false;
        for (position, c) in written.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                '+' if digits.is_empty() && !plus => plus = true,
                found => return Err(MsisdnError::InvalidCharacter { found, position }),
            }
        }
        if digits.is_empty() {
            return Err(MsisdnError::Empty);
        }
        let digits = match digits.strip_prefix("00") {
            Some(rest) if !plus => rest.to_string(),
            _ => digits,
        };
        if digits.starts_with('0') {
            return Err(MsisdnError::NationalNumber);
        }
        if !(10..=15).contains(&digits.len()) {
            return Err(MsisdnError::WrongLength {
                digits: digits.len(),
            });
        }
        Ok(Msisdn(digits))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads exactly the provider's form (`^\d{10,15}$`), nothing looser.
impl<'de> Deserialize<'de> for Msisdn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "an MSISDN phone number", |t| {
            if t.bytes().all(|b| b.is_ascii_digit()) {
                Msisdn::normalise(t)
            } else {
                Err(MsisdnError::InvalidCharacter {
                    found: t.chars().find(|c| !c.is_ascii_digit()).unwrap_or(' '),
                    position: t.chars().position(|c| !c.is_ascii_digit()).unwrap_or(0),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msisdn_is_10_to_15_digits_with_the_country_code() {
        for (written, want) in [
            ("+4791234567", "4791234567"),
            ("0047 91 23 45 67", "4791234567"),
            ("+45 12 34 56 78", "4512345678"),
            ("(+358) 40 123 4567", "358401234567"),
            ("+358 40 123 456789", "35840123456789"),
        ] {
            assert_eq!(
                Msisdn::normalise(written).unwrap().as_str(),
                want,
                "{written}"
            );
        }
        assert_eq!(
            Msisdn::normalise("91234567"),
            Err(MsisdnError::WrongLength { digits: 8 })
        );
        assert_eq!(
            Msisdn::normalise("1234567890123456"),
            Err(MsisdnError::WrongLength { digits: 16 })
        );
        assert_eq!(
            Msisdn::normalise("040 1234 5678"),
            Err(MsisdnError::NationalNumber)
        );
        assert_eq!(Msisdn::normalise(" - "), Err(MsisdnError::Empty));
        assert_eq!(
            Msisdn::normalise("47 9123 456x"),
            Err(MsisdnError::InvalidCharacter {
                found: 'x',
                position: 11
            })
        );
        assert_eq!(
            Msisdn::normalise("47+91234567"),
            Err(MsisdnError::InvalidCharacter {
                found: '+',
                position: 2
            })
        );
    }
}
