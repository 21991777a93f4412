//! Money: integers in minor units (øre for NOK), never floating point.

use core::fmt;

use serde::{Deserialize, Serialize};

/// An amount in minor units (øre): `20000` is 200.00 NOK.
///
/// The provider sends amounts as JSON integers in øre
/// (Vipps eCom API guide: `"amount": 20000` for "One pair of Vipps socks" at 200 NOK).
/// Arithmetic is checked: an amount never wraps.
///
/// ```
/// use appswitch_core::foundation::money::Amount;
/// let a = Amount::from_minor(20000);
/// assert_eq!(a.to_string(), "200.00");
/// assert_eq!(a.checked_sub(Amount::from_minor(5000)), Some(Amount::from_minor(15000)));
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(description = "An amount in minor units (øre for NOK): `20000` is 200.00 kr.")
)]
#[serde(transparent)]
pub struct Amount(
    // At most 2^53 − 1 in a document: what a JavaScript number holds exactly.
    #[cfg_attr(feature = "schema", schemars(range(max = 9_007_199_254_740_991u64)))] u64,
);

impl Amount {
    /// Zero øre.
    pub const ZERO: Amount = Amount(0);

    /// An amount from minor units (øre).
    pub const fn from_minor(minor: u64) -> Self {
        Amount(minor)
    }

    /// The amount in minor units (øre).
    pub const fn minor(self) -> u64 {
        self.0
    }

    /// True for zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// `self - other`, or `None` if `other` is larger.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// `self - other`, or zero if `other` is larger.
    pub fn saturating_sub(self, other: Amount) -> Amount {
        Amount(self.0.saturating_sub(other.0))
    }
}

/// Major units with two decimals: `200.00`.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_checks() {
        assert_eq!(Amount::from_minor(5).to_string(), "0.05");
        assert_eq!(
            Amount::from_minor(u64::MAX).checked_add(Amount::from_minor(1)),
            None
        );
        assert_eq!(Amount::ZERO.checked_sub(Amount::from_minor(1)), None);
        assert_eq!(
            Amount::ZERO.saturating_sub(Amount::from_minor(1)),
            Amount::ZERO
        );
    }
}
