//! The shopper's `mobileNumber`, normalised the way the provider wants it.
//!
//! "Please make sure you send the mobileNumber in 91234567 format, not
//! +47 91 23 45 67 or something else." (Vipps technical update 2022-01) The provider accepts the
//! other formats but then cannot prefill the landing page, so appswitch
//! normalises what it can and refuses what it cannot:
//!
//! ```
//! use appswitch_core::providers::vipps_ecom::mobile_number::MobileNumber;
//!
//! for written in ["+47 91 23 45 67", "0047 912-34-567", "47 91234567", "912 34 567"] {
//!     assert_eq!(MobileNumber::normalise(written)?.as_str(), "91234567");
//! }
//! assert!(MobileNumber::normalise("+46 70 123 45 67").is_err()); // not Norwegian
//! assert!(MobileNumber::normalise("2212 3456").is_err()); // a landline
//! # Ok::<(), appswitch_core::providers::vipps_ecom::mobile_number::MobileNumberError>(())
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

/// A Norwegian mobile number as the provider wants it: 8 digits, starting
/// with 4 or 9, no country code, no spaces (`91234567`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MobileNumber(String);

/// Why a text cannot be made into a mobile number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MobileNumberError {
    /// Nothing but separators.
    #[error("`mobileNumber` is empty")]
    Empty,
    /// A character that is neither a digit nor a separator (space, `-`,
    /// `.`, parentheses) nor a leading `+`.
    #[error(
        "`mobileNumber` contains {found:?} at position {position}; only digits, spaces, '-', '.', '(', ')' and a leading '+' are understood"
    )]
    InvalidCharacter {
        /// The character.
        found: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
    /// A country code other than Norway's `+47`.
    #[error("`mobileNumber` has country code +{0}; only Norwegian (+47) numbers are accepted")]
    ForeignCountryCode(String),
    /// Not 8 digits once the country code is removed.
    #[error(
        "`mobileNumber` has {digits} digits without the country code; a Norwegian mobile number has 8"
    )]
    WrongLength {
        /// How many digits were left.
        digits: usize,
    },
    /// 8 digits, but not a mobile number (those start with 4 or 9).
    #[error("`mobileNumber` {0} is not a Norwegian mobile number (those start with 4 or 9)")]
    NotMobile(String),
}

/// Separators people write inside phone numbers.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '\u{2010}'..='\u{2015}')
}

impl MobileNumber {
    /// Normalises `written` to `91234567`: removes spaces, dashes, dots
    /// and parentheses, and the country code in the forms `+47`, `0047`
    /// and (for 10 digits) `47`.
    pub fn normalise(written: &str) -> Result<Self, MobileNumberError> {
        let mut digits = String::with_capacity(written.len());
        let mut plus = false;
        for (position, c) in written.chars().enumerate() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if c == '+' && digits.is_empty() && !plus {
                plus = true;
            } else if !is_separator(c) {
                return Err(MobileNumberError::InvalidCharacter { found: c, position });
            }
        }
        if digits.is_empty() {
            return Err(MobileNumberError::Empty);
        }
        let national = if plus {
            match digits.strip_prefix("47") {
                Some(rest) => rest,
                None => {
                    let code: String = digits.chars().take(3).collect();
                    return Err(MobileNumberError::ForeignCountryCode(code));
                }
            }
        } else if let Some(international) = digits.strip_prefix("00") {
            match international.strip_prefix("47") {
                Some(rest) => rest,
                None => {
                    let code: String = international.chars().take(3).collect();
                    return Err(MobileNumberError::ForeignCountryCode(code));
                }
            }
        } else if digits.len() == 10 && digits.starts_with("47") {
            digits.get(2..).unwrap_or_default()
        } else {
            digits.as_str()
        };
        if national.len() != 8 {
            return Err(MobileNumberError::WrongLength {
                digits: national.len(),
            });
        }
        if !(national.starts_with('4') || national.starts_with('9')) {
            return Err(MobileNumberError::NotMobile(national.to_string()));
        }
        Ok(MobileNumber(national.to_string()))
    }

    /// The number as the provider wants it, e.g. `91234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MobileNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::str::FromStr for MobileNumber {
    type Err = MobileNumberError;
    fn from_str(s: &str) -> Result<Self, MobileNumberError> {
        MobileNumber::normalise(s)
    }
}

impl Serialize for MobileNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MobileNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "a mobile number", |s: &str| {
            MobileNumber::normalise(s)
        })
    }
}

impl TryFrom<String> for MobileNumber {
    type Error = MobileNumberError;
    fn try_from(s: String) -> Result<Self, MobileNumberError> {
        MobileNumber::normalise(&s)
    }
}

impl From<MobileNumber> for String {
    fn from(n: MobileNumber) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn normalises_the_seeds_forms() {
        for ok in [
            "91234567",
            "+47 91 23 45 67",
            "+4791234567",
            "0047 91 23 45 67",
            "004791234567",
            "4791234567",
            "912-34-567",
            "(+47) 912.34.567",
            " 91 23 45 67 ",
            "91\u{a0}23\u{a0}45\u{a0}67",
        ] {
            assert_eq!(
                MobileNumber::normalise(ok).map(|n| n.to_string()),
                Ok("91234567".to_string()),
                "{ok:?}"
            );
        }
        assert_eq!(
            MobileNumber::normalise("48059528").unwrap().as_str(),
            "48059528"
        );
    }

    #[test]
    fn refuses_what_cannot_be_made_valid() {
        use MobileNumberError::*;
        assert_eq!(MobileNumber::normalise(""), Err(Empty));
        assert_eq!(MobileNumber::normalise(" - "), Err(Empty));
        assert_eq!(
            MobileNumber::normalise("+46 70 123 45 67"),
            Err(ForeignCountryCode("467".into()))
        );
        assert!(matches!(
            MobileNumber::normalise("0046701234567"),
            Err(ForeignCountryCode(_))
        ));
        assert_eq!(
            MobileNumber::normalise("9123456"),
            Err(WrongLength { digits: 7 })
        );
        assert_eq!(
            MobileNumber::normalise("+47 9123 45678"),
            Err(WrongLength { digits: 9 })
        );
        assert_eq!(
            MobileNumber::normalise("22123456"),
            Err(NotMobile("22123456".into()))
        );
        assert_eq!(
            MobileNumber::normalise("9123456a"),
            Err(InvalidCharacter {
                found: 'a',
                position: 7
            })
        );
        assert!(matches!(
            MobileNumber::normalise("91+234567"),
            Err(InvalidCharacter { found: '+', .. })
        ));
        assert!(MobileNumber::normalise("++4791234567").is_err());
        assert!(
            MobileNumber::normalise("٩١٢٣٤٥٦٧").is_err(),
            "non-ASCII digits"
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_output_is_canonical(s in "\\PC{0,30}") {
            if let Ok(n) = MobileNumber::normalise(&s) {
                prop_assert_eq!(n.as_str().len(), 8);
                prop_assert!(n.as_str().bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(MobileNumber::normalise(n.as_str()), Ok(n.clone()));
            }
        }

        #[test]
        fn every_written_form_of_a_number_agrees(d in "[49][0-9]{7}", sep in "[ -]?") {
            let spaced: String = d.chars().flat_map(|c| [c].into_iter().chain(sep.chars())).collect();
            for written in [d.clone(), format!("+47{spaced}"), format!("0047{spaced}"), format!("47{d}")] {
                let n = MobileNumber::normalise(&written).unwrap();
                prop_assert_eq!(n.as_str(), d.as_str());
            }
        }
    }
}
