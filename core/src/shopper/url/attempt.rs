//! The attempt nonce: what ties a return to the attempt that started it.

use core::fmt;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// A random value made for one payment attempt and carried in its fallback
/// URL, so that a return can be told apart from a stale one (an earlier
/// attempt's link, a bookmarked page) or a forged one.
///
/// It is not a secret — it is in the URL the shopper's browser shows, and
/// a forged return only makes the tracker check the status sooner — so it
/// may be stored beside the tracker snapshot. It is 16 random bytes, from
/// the caller (the core draws no randomness), as 32 lower-case hex digits.
///
/// ```
/// use appswitch_core::shopper::url::AttemptNonce;
///
/// let nonce = AttemptNonce::from_random([0xab; 16]);
/// assert_eq!(nonce.as_str(), "abababababababababababababababab");
/// assert_eq!(AttemptNonce::parse(nonce.as_str()), Ok(nonce));
/// assert!(AttemptNonce::parse("not-hex").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AttemptNonce(String);

/// A text that is not an attempt nonce.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an attempt nonce (32 lower-case hex digits)")]
pub struct NonceError(pub String);

impl AttemptNonce {
    /// How many random bytes a nonce is made from.
    pub const RANDOM_BYTES: usize = 16;

    /// A nonce from 16 random bytes (from the platform's secure random
    /// source: `crypto.getRandomValues`, `SecureRandom`, `SecRandomCopyBytes`).
    pub fn from_random(bytes: [u8; Self::RANDOM_BYTES]) -> Self {
        let mut s = String::with_capacity(2 * Self::RANDOM_BYTES);
        for b in bytes {
            for nibble in [b >> 4, b & 0x0f] {
                s.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
            }
        }
        AttemptNonce(s)
    }

    /// Reads a nonce back (from storage, or from a return URL).
    pub fn parse(s: &str) -> Result<Self, NonceError> {
        let ok = s.len() == 2 * Self::RANDOM_BYTES
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(AttemptNonce(s.to_string()))
        } else {
            Err(NonceError(s.to_string()))
        }
    }

    /// The 32 hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `text` is this nonce, compared in constant time.
    pub fn matches(&self, text: &str) -> bool {
        self.0.as_bytes().ct_eq(text.as_bytes()).into()
    }
}

impl fmt::Debug for AttemptNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AttemptNonce({})", self.0)
    }
}

impl fmt::Display for AttemptNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AttemptNonce {
    type Error = NonceError;
    fn try_from(s: String) -> Result<Self, NonceError> {
        AttemptNonce::parse(&s)
    }
}

impl From<AttemptNonce> for String {
    fn from(nonce: AttemptNonce) -> String {
        nonce.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_compares() {
        let bytes: [u8; 16] = core::array::from_fn(|i| i as u8 * 17);
        let nonce = AttemptNonce::from_random(bytes);
        assert_eq!(nonce.as_str(), "00112233445566778899aabbccddeeff");
        let json = serde_json::to_string(&nonce).unwrap();
        assert_eq!(json, "\"00112233445566778899aabbccddeeff\"");
        assert_eq!(serde_json::from_str::<AttemptNonce>(&json).unwrap(), nonce);
        assert!(serde_json::from_str::<AttemptNonce>("\"00112233\"").is_err());
        assert!(nonce.matches("00112233445566778899aabbccddeeff"));
        assert!(!nonce.matches("00112233445566778899aabbccddeefe"));
        assert!(!nonce.matches("00112233445566778899aabbccddeeff0"));
        assert!(!nonce.matches(""));
        for bad in [
            "",
            "00112233445566778899AABBCCDDEEFF",
            "0011223344556677889",
            "g0112233445566778899aabbccddeeff",
        ] {
            assert!(AttemptNonce::parse(bad).is_err(), "{bad}");
        }
    }
}
