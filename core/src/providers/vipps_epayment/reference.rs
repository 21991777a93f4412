//! The payment's `reference` and the `Idempotency-Key` header.
//!
//! - `reference`: ePayment API guide, "Errors" — the provider answers a bad
//!   one with "The field Reference must match the regular expression
//!   '^[a-zA-Z0-9-]{8,64}$'." The OpenAPI specification v1.4.1 still says
//!   `{8,50}`; the error text is the newer, and the provider's own, rule,
//!   so appswitch follows it. "The reference must be unique for the sales
//!   unit (MSN)" (specification, `Reference`).
//! - `Idempotency-Key`: specification, parameter `Idempotency-Key`,
//!   "required", `maxLength: 50`.
//!
//! Reading is lenient: a payment initiated through eCom and read through
//! ePayment has the eCom `orderId` as its `reference` (ePayment API guide,
//! "Migration": "payments initiated via the eCom API can be captured,
//! refunded, cancelled, and retrieved using the ePayment API"), which may
//! be shorter than 8 characters. So only the create request uses
//! [`Reference`]; responses keep the text as sent.

use core::fmt;
use core::ops::RangeInclusive;

use serde::{Deserialize, Deserializer, Serialize};

/// The length a new `reference` must have.
pub const REFERENCE_LEN: RangeInclusive<usize> = 8..=64;
/// The longest `Idempotency-Key`.
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 50;

/// A `reference` for a new payment: 8–64 characters of `a-z A-Z 0-9 -`.
///
/// ```
/// use appswitch_core::providers::vipps_epayment::Reference;
///
/// assert!(Reference::new("acme-shop-123-order123abc").is_ok());
/// assert!(Reference::new("short").is_err());
/// assert!(Reference::new("acme shop 123").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Reference(String);

/// Why a text cannot be a `reference` (or an `Idempotency-Key`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Not 8–64 characters.
    #[error("`reference` is {len} characters long; the provider wants 8 to 64")]
    Length {
        /// Its length in characters.
        len: usize,
    },
    /// A character outside `a-z A-Z 0-9 -`.
    #[error(
        "`reference` contains {found:?} at position {position}; only a-z, A-Z, 0-9 and '-' are allowed"
    )]
    InvalidCharacter {
        /// The character.
        found: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
    /// An empty `Idempotency-Key`.
    #[error("the `Idempotency-Key` is empty")]
    EmptyKey,
    /// An `Idempotency-Key` longer than 50 characters.
    #[error("the `Idempotency-Key` is {len} characters long; the maximum is 50")]
    KeyTooLong {
        /// Its length in characters.
        len: usize,
    },
    /// An `Idempotency-Key` that cannot be an HTTP header value.
    #[error(
        "the `Idempotency-Key` contains {found:?} at position {position}; only visible ASCII is allowed in the header"
    )]
    KeyCharacter {
        /// The character.
        found: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
}

impl Reference {
    /// Checks `text` against the provider's rule.
    pub fn new(text: impl Into<String>) -> Result<Reference, ReferenceError> {
        let text = text.into();
        if let Some((position, found)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(ReferenceError::InvalidCharacter { found, position });
        }
        let len = text.chars().count();
        if !REFERENCE_LEN.contains(&len) {
            return Err(ReferenceError::Length { len });
        }
        Ok(Reference(text))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "a payment reference", |t| {
            Reference::new(t.to_string())
        })
    }
}

/// The `Idempotency-Key` of a create, capture, cancel or refund: 1–50
/// visible ASCII characters. "Idempotency key for the request, ensures
/// idempotent actions" — a retry must send the same key (ePayment API
/// guide, "Capture": "The `Idempotency-Key` header is there to help you
/// ensure at most once operation where needed").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Checks `text`: not empty, at most 50 characters, visible ASCII.
    pub fn new(text: impl Into<String>) -> Result<IdempotencyKey, ReferenceError> {
        let text = text.into();
        if text.is_empty() {
            return Err(ReferenceError::EmptyKey);
        }
        if let Some((position, found)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_graphic())
        {
            return Err(ReferenceError::KeyCharacter { found, position });
        }
        if text.len() > IDEMPOTENCY_KEY_MAX_LEN {
            return Err(ReferenceError::KeyTooLong { len: text.len() });
        }
        Ok(IdempotencyKey(text))
    }

    /// The key, as the header's value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "an idempotency key", |t| {
            IdempotencyKey::new(t.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_rule_is_the_providers_pattern() {
        // ^[a-zA-Z0-9-]{8,64}$ — both ends of the length, each class.
        for ok in [
            "abcdefgh",
            "ABCDEFGH",
            "01234567",
            "--------",
            &"a".repeat(64),
        ] {
            assert!(Reference::new(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Reference::new("abcdefg"),
            Err(ReferenceError::Length { len: 7 })
        );
        assert_eq!(
            Reference::new("a".repeat(65)),
            Err(ReferenceError::Length { len: 65 })
        );
        for (bad, found, position) in [
            ("order_123", '_', 5),
            ("order 1234", ' ', 5),
            ("ordæøå1234", 'æ', 3),
        ] {
            assert_eq!(
                Reference::new(bad),
                Err(ReferenceError::InvalidCharacter { found, position }),
                "{bad}"
            );
        }
    }

    #[test]
    fn idempotency_keys_fit_the_header() {
        assert!(IdempotencyKey::new("49ca711a-acee-4d01-993b-9487112e1def").is_ok());
        assert!(IdempotencyKey::new("k".repeat(50)).is_ok());
        assert_eq!(
            IdempotencyKey::new("k".repeat(51)),
            Err(ReferenceError::KeyTooLong { len: 51 })
        );
        assert_eq!(IdempotencyKey::new(""), Err(ReferenceError::EmptyKey));
        assert_eq!(
            IdempotencyKey::new("a b"),
            Err(ReferenceError::KeyCharacter {
                found: ' ',
                position: 1
            })
        );
        assert!(IdempotencyKey::new("ab\ncd").is_err());
    }
}
