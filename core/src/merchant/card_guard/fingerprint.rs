//! The card fingerprint and the acquiring agreement: the guard's key, which
//! can never hold a raw card number.

use core::fmt;

use serde::{Deserialize, Serialize};

/// The most characters a fingerprint or agreement id may have.
pub const MAX_ID_LEN: usize = 256;

/// An opaque, stable identifier of a card — the PSP's card token or
/// fingerprint, or a keyed hash (HMAC) of the card number made where the
/// number is allowed to be — never the card number itself.
///
/// Both limits of the Dintero "Error handling" guide "are based on the combination of the acquiring
/// agreement that the transaction was initiated from, and the PAN of the
/// card that was used"; a fingerprint stands in for the PAN so that the
/// guard's state (which is stored) holds no card data. Anything that looks
/// like a card number is refused: a run of 13–19 digits, possibly grouped
/// with spaces or dashes, that passes the Luhn check — alone or inside a
/// longer text. (An unbroken run of more than 19 digits is not searched
/// for a card number inside it.) The error never repeats the text.
///
/// ```
/// use appswitch_core::merchant::card_guard::{CardFingerprint, FingerprintError};
///
/// assert!(CardFingerprint::new("card_9f8a7b6c5d4e3f2a1b0c").is_ok());
/// assert_eq!(
///     CardFingerprint::new("4111 1111 1111 1111"),
///     Err(FingerprintError::LooksLikeCardNumber { digits: 16 })
/// );
/// assert!(CardFingerprint::new("tok-5555-5555-5555-4444").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardFingerprint(String);

/// The acquiring agreement a card payment was made under (the limits
/// count per card *and* agreement: "a card might be blocked because of
/// "Excessive Reattempts" at a particular merchant, while being allowed
/// more reattempts at another").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AcquiringAgreement(String);

/// Why a text cannot be a card fingerprint or an agreement id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    /// The text is empty or only spaces.
    #[error("`{field}` is empty")]
    Empty {
        /// `fingerprint` or `agreement`.
        field: &'static str,
    },
    /// The text is longer than [`MAX_ID_LEN`].
    #[error("`{field}` is {len} characters long; the maximum is {MAX_ID_LEN}")]
    TooLong {
        /// `fingerprint` or `agreement`.
        field: &'static str,
        /// Its length in characters.
        len: usize,
    },
    /// The text contains a control character.
    #[error("`{field}` contains a control character at position {position}")]
    ControlCharacter {
        /// `fingerprint` or `agreement`.
        field: &'static str,
        /// Its position (0-based, in characters).
        position: usize,
    },
    /// The fingerprint looks like a raw card number: refused so that a
    /// PAN is never stored.
    #[error(
        "`fingerprint` contains what looks like a raw card number ({digits} digits passing the Luhn check); pass the PSP's card token or a keyed hash instead"
    )]
    LooksLikeCardNumber {
        /// How many digits the card-number-like run has.
        digits: usize,
    },
}

fn check_text(text: &str, field: &'static str) -> Result<(), FingerprintError> {
    if text.trim().is_empty() {
        return Err(FingerprintError::Empty { field });
    }
    let len = text.chars().count();
    if len > MAX_ID_LEN {
        return Err(FingerprintError::TooLong { field, len });
    }
    if let Some(position) = text.chars().position(char::is_control) {
        return Err(FingerprintError::ControlCharacter { field, position });
    }
    Ok(())
}

impl CardFingerprint {
    /// A fingerprint, refusing anything that looks like a card number.
    pub fn new(text: impl Into<String>) -> Result<CardFingerprint, FingerprintError> {
        let text = text.into();
        check_text(&text, "fingerprint")?;
        if let Some(digits) = find_card_number(&text) {
            return Err(FingerprintError::LooksLikeCardNumber { digits });
        }
        Ok(CardFingerprint(text))
    }

    /// The fingerprint's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Written out in full: a fingerprint is not card data.
impl fmt::Debug for CardFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CardFingerprint").field(&self.0).finish()
    }
}

impl AcquiringAgreement {
    /// An agreement id (1–[`MAX_ID_LEN`] characters, no control characters).
    pub fn new(text: impl Into<String>) -> Result<AcquiringAgreement, FingerprintError> {
        let text = text.into();
        check_text(&text, "agreement")?;
        Ok(AcquiringAgreement(text))
    }

    /// The agreement's id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! text_conversions {
    ($($ty:ident),*) => {$(
        impl TryFrom<String> for $ty {
            type Error = FingerprintError;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                $ty::new(text)
            }
        }
        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

text_conversions!(CardFingerprint, AcquiringAgreement);

/// The digit count of the first card-number-like run in `text`: 13–19
/// digits passing the Luhn check, in groups separated by spaces or dashes,
/// taken over any consecutive groups of a run.
pub(crate) fn find_card_number(text: &str) -> Option<usize> {
    let mut groups: Vec<Vec<u8>> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut after_separator = false;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            if after_separator {
                groups.push(core::mem::take(&mut current));
                after_separator = false;
            }
            current.push(u8::try_from(d).unwrap_or(0));
        } else if matches!(c, ' ' | '-') && !current.is_empty() {
            after_separator = true;
        } else {
            groups.push(core::mem::take(&mut current));
            if let Some(n) = card_number_in(&groups) {
                return Some(n);
            }
            groups.clear();
            after_separator = false;
        }
    }
    groups.push(current);
    card_number_in(&groups)
}

/// Tries every run of consecutive groups with 13–19 digits in all.
fn card_number_in(groups: &[Vec<u8>]) -> Option<usize> {
    for start in 0..groups.len() {
        let mut digits: Vec<u8> = Vec::new();
        for group in groups.iter().skip(start) {
            digits.extend_from_slice(group);
            if digits.len() > 19 {
                break;
            }
            if digits.len() >= 13 && luhn_valid(&digits) {
                return Some(digits.len());
            }
        }
    }
    None
}

/// The Luhn (mod 10) check every payment card number passes.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Test card numbers of each length (Luhn-valid).
    const CARDS: [&str; 5] = [
        "4222222222222",    // 13, Visa test number
        "4111111111111111", // 16
        "5555555555554444", // 16, Mastercard test number
        "378282246310005",  // 15, Amex test number
        "6011000990139424", // 16
    ];

    #[test]
    fn refuses_card_numbers_in_every_usual_form() {
        for card in CARDS {
            let n = card.len();
            let spaced: String = card
                .chars()
                .enumerate()
                .flat_map(|(i, c)| (i > 0 && i % 4 == 0).then_some(' ').into_iter().chain([c]))
                .collect();
            let dashed = spaced.replace(' ', "-");
            for text in [
                card.to_string(),
                spaced,
                dashed,
                format!("card:{card}"),
                format!("x {card} y"),
            ] {
                assert_eq!(
                    CardFingerprint::new(text.clone()),
                    Err(FingerprintError::LooksLikeCardNumber { digits: n }),
                    "{text}"
                );
            }
        }
        // 19 digits.
        let nineteen: String =
            luhn_complete(vec![6, 2, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4])
                .iter()
                .map(|d| char::from(b'0' + d))
                .collect();
        assert_eq!(nineteen.len(), 19);
        assert_eq!(
            CardFingerprint::new(nineteen),
            Err(FingerprintError::LooksLikeCardNumber { digits: 19 })
        );
        // A card number followed by more groups is still found.
        assert!(CardFingerprint::new("4111-1111-1111-1111-0001").is_err());
        // The error message never repeats the number.
        let e = CardFingerprint::new("4111111111111111").unwrap_err();
        assert!(!e.to_string().contains("4111"), "{e}");
    }

    #[test]
    fn accepts_tokens_and_hashes() {
        for ok in [
            "card_9f8a7b6c5d4e3f2a1b0c",
            "4111111111111112",     // fails the Luhn check
            "411111111111",         // 12 digits
            "41111111111111111111", // 20 unbroken digits
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "2024-01-15 agreement 7",
        ] {
            assert!(CardFingerprint::new(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            CardFingerprint::new(" "),
            Err(FingerprintError::Empty {
                field: "fingerprint"
            })
        );
        assert!(matches!(
            CardFingerprint::new("a".repeat(257)),
            Err(FingerprintError::TooLong { len: 257, .. })
        ));
        assert!(matches!(
            AcquiringAgreement::new("a\nb"),
            Err(FingerprintError::ControlCharacter { position: 1, .. })
        ));
    }

    #[test]
    fn serde_refuses_card_numbers_too() {
        let err = serde_json::from_str::<CardFingerprint>("\"5555 5555 5555 4444\"").unwrap_err();
        assert!(err.to_string().contains("card number"), "{err}");
        let ok: CardFingerprint = serde_json::from_str("\"tok_1\"").unwrap();
        assert_eq!(ok.as_str(), "tok_1");
    }

    fn luhn_complete(mut digits: Vec<u8>) -> Vec<u8> {
        digits.push(0);
        let bad = (0..10u8).find(|c| {
            if let Some(last) = digits.last_mut() {
                *last = *c;
            }
            luhn_valid(&digits)
        });
        assert!(bad.is_some());
        digits
    }

    proptest! {
        #[test]
        fn every_luhn_valid_13_to_19_digit_number_is_refused(
            body in proptest::collection::vec(0u8..10, 12..19),
            sep in prop_oneof![Just(""), Just(" "), Just("-")],
            prefix in "[a-z_]{0,4}",
        ) {
            let digits = luhn_complete(body);
            let text: String = digits
                .chunks(4)
                .map(|c| c.iter().map(|d| char::from(b'0' + d)).collect::<String>())
                .collect::<Vec<_>>()
                .join(sep);
            // Refused — possibly for a shorter card-number-like run inside.
            let refused = CardFingerprint::new(format!("{prefix}{text}"));
            prop_assert!(
                matches!(refused, Err(FingerprintError::LooksLikeCardNumber { digits }) if digits <= 19),
                "{:?}", refused
            );
        }

        #[test]
        fn never_panics(text in "\\PC{0,80}") {
            let _ = CardFingerprint::new(text);
        }
    }
}
