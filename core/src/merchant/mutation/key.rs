//! The idempotency key (`X-Request-Id`) of one capture, cancel or refund.

use core::fmt;

use serde::{Deserialize, Serialize};

/// The most characters a key given as text may have: "Max 40 characters"
/// (eCom API specification (OpenAPI), header `X-Request-Id` of
/// `capturePaymentUsingPOST` and `refundPaymentUsingPOST`).
pub const MAX_KEY_LEN: usize = 40;

/// The `X-Request-Id` of one mutation: "an idempotency header ensuring that
/// if the merchant retries a request with the same `X-Request-Id` the
/// retried request will not make additional changes" (Vipps eCom API guide,
/// "Idempotency").
///
/// Make one per operation from 16 random bytes drawn by the caller (the
/// core draws no randomness) with [`from_random`](Self::from_random), and
/// keep it with the plan: it is part of the plan's snapshot, so a retry
/// after a restart still sends the same key. Serialised as its text.
///
/// ```
/// use appswitch_core::merchant::mutation::IdempotencyKey;
///
/// let key = IdempotencyKey::from_random([0x5a; 16]);
/// assert_eq!(key.as_str(), "5a5a5a5a-5a5a-4a5a-9a5a-5a5a5a5a5a5a");
/// assert_eq!(IdempotencyKey::new(key.as_str()), Ok(key));
/// assert!(IdempotencyKey::new("has space").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

/// Why a text cannot be an idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyKeyError {
    /// The key is empty: the provider treats `""` as "no key" (the history
    /// shows `"requestId": ""` for operations the merchant did not make).
    #[error("`X-Request-Id` is empty")]
    Empty,
    /// The key is longer than [`MAX_KEY_LEN`].
    #[error("`X-Request-Id` is {len} characters long; the maximum is {MAX_KEY_LEN}")]
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// A character outside `A-Z a-z 0-9 - _ . :` (a header value every
    /// HTTP stack sends unchanged).
    #[error(
        "`X-Request-Id` contains {found:?} at position {position}; only A-Z, a-z, 0-9, '-', '_', '.' and ':' are allowed"
    )]
    InvalidCharacter {
        /// The character.
        found: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
}

impl IdempotencyKey {
    /// A random (version 4) UUID made from 16 random bytes the caller drew
    /// from the platform's random source, e.g.
    /// `c0e77df6-2af3-4c60-8440-abf447845491`.
    pub fn from_random(mut bytes: [u8; 16]) -> IdempotencyKey {
        // RFC 9562, section 5.4: version 4, variant 10.
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let mut text = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                text.push('-');
            }
            text.push(hex_digit(b >> 4));
            text.push(hex_digit(b & 0x0f));
        }
        IdempotencyKey(text)
    }

    /// A key given as text (one the caller already uses, or one read back
    /// from storage): 1–[`MAX_KEY_LEN`] characters of `A-Z a-z 0-9 - _ . :`.
    pub fn new(text: impl Into<String>) -> Result<IdempotencyKey, IdempotencyKeyError> {
        let text = text.into();
        if text.is_empty() {
            return Err(IdempotencyKeyError::Empty);
        }
        if let Some((position, found)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')))
        {
            return Err(IdempotencyKeyError::InvalidCharacter { found, position });
        }
        if text.len() > MAX_KEY_LEN {
            return Err(IdempotencyKeyError::TooLong { len: text.len() });
        }
        Ok(IdempotencyKey(text))
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A seed for the plan's backoff jitter, mixed from the key's text (so
    /// the randomness passed in for the key also spreads the retries).
    pub(crate) fn jitter_seed(&self) -> u64 {
        // FNV-1a.
        self.0.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble & 0x0f), 16).unwrap_or('0')
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = IdempotencyKeyError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        IdempotencyKey::new(text)
    }
}

impl From<IdempotencyKey> for String {
    fn from(key: IdempotencyKey) -> String {
        key.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_are_version_4_uuids() {
        let key = IdempotencyKey::from_random([0xff; 16]);
        assert_eq!(key.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let key = IdempotencyKey::from_random([0; 16]);
        assert_eq!(key.as_str(), "00000000-0000-4000-8000-000000000000");
        assert_ne!(
            IdempotencyKey::from_random([1; 16]).jitter_seed(),
            IdempotencyKey::from_random([2; 16]).jitter_seed()
        );
    }

    #[test]
    fn text_keys_are_checked() {
        assert_eq!(IdempotencyKey::new(""), Err(IdempotencyKeyError::Empty));
        assert_eq!(
            IdempotencyKey::new("a".repeat(41)),
            Err(IdempotencyKeyError::TooLong { len: 41 })
        );
        assert_eq!(
            IdempotencyKey::new("ab\u{e6}"),
            Err(IdempotencyKeyError::InvalidCharacter {
                found: '\u{e6}',
                position: 2
            })
        );
        // The eCom guide's own request ids are plain numbers.
        assert!(IdempotencyKey::new("1542208972").is_ok());
        assert!(IdempotencyKey::new("a".repeat(40)).is_ok());
    }

    #[test]
    fn serde_checks_the_text() {
        let key = IdempotencyKey::from_random([7; 16]);
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(json, format!("\"{key}\""));
        assert_eq!(serde_json::from_str::<IdempotencyKey>(&json).unwrap(), key);
        let err = serde_json::from_str::<IdempotencyKey>("\"a b\"").unwrap_err();
        assert!(err.to_string().contains("X-Request-Id"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn every_random_key_reads_back(bytes in proptest::array::uniform16(proptest::num::u8::ANY)) {
            let key = IdempotencyKey::from_random(bytes);
            proptest::prop_assert_eq!(key.as_str().len(), 36);
            proptest::prop_assert_eq!(IdempotencyKey::new(key.as_str()), Ok(key));
        }
    }
}
