//! How the core's own values cross uniffi (the `uniffi` feature, turned on
//! by the mobile binding `appswitch-mobile`).
//!
//! The records and enums carry `derive(uniffi::Record)` /
//! `derive(uniffi::Enum)` beside their serde derives, so Kotlin and Swift
//! see the core's types themselves. The few values uniffi has no type for
//! are mapped here, as uniffi custom types (uniffi manual, "Custom types"):
//!
//! - [`Timestamp`] is `Long` / `Int64` milliseconds since the epoch — what
//!   `System.currentTimeMillis()` and `Date().timeIntervalSince1970 * 1000`
//!   give (a `typealias Timestamp = Long` in Kotlin);
//! - [`Amount`] is `Long` / `Int64` øre;
//! - a [`FactSet`] is a `List` / `Array` (sorted, without repeats).
//!
//! Kotlin and Swift have no unsigned 64-bit type in common use, so a
//! negative number handed back in a record is refused with the rule it
//! broke (uniffi reports it as its `InternalException`, naming the
//! argument; the binding's own arguments are checked before that and
//! refused with its typed errors). A value above `Long.MAX_VALUE` (292
//! million years of milliseconds, 92 quadrillion kroner) saturates on the
//! way out.

use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::status::{FactSet, FailedOperation};

/// A number Kotlin or Swift handed in that the core cannot hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} must not be negative (got {value})")]
struct NegativeNumber {
    /// What the number is.
    what: &'static str,
    /// The number as given.
    value: i64,
}

/// `value` as a `u64`, refused when negative.
fn non_negative(what: &'static str, value: i64) -> uniffi::Result<u64> {
    u64::try_from(value).map_err(|_| NegativeNumber { what, value }.into())
}

/// A `u64` for Kotlin's `Long` and Swift's `Int64`, saturating.
fn long(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

uniffi::custom_type!(Timestamp, i64, {
    lower: |t| long(t.as_millis()),
    try_lift: |ms| non_negative("a Timestamp (ms since the epoch)", ms).map(Timestamp::from_millis),
});

uniffi::custom_type!(Amount, i64, {
    lower: |a| long(a.minor()),
    try_lift: |ore| non_negative("an Amount (øre)", ore).map(Amount::from_minor),
});

/// The provider's failure reasons.
type Failures = FactSet<String>;
uniffi::custom_type!(Failures, Vec<String>, {
    lower: |set| set.iter().cloned().collect(),
    try_lift: |list| Ok(list.into_iter().collect()),
});

/// The operations the provider reported as failed.
type FailedOperations = FactSet<FailedOperation>;
uniffi::custom_type!(FailedOperations, Vec<FailedOperation>, {
    lower: |set| set.iter().cloned().collect(),
    try_lift: |list| Ok(list.into_iter().collect()),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_numbers_are_refused_and_large_ones_saturate() {
        let err = non_negative("an Amount (øre)", -1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "an Amount (øre) must not be negative (got -1)"
        );
        assert_eq!(non_negative("x", i64::MAX).unwrap(), i64::MAX as u64);
        assert_eq!(long(u64::MAX), i64::MAX);
        assert_eq!(long(5), 5);
    }
}
