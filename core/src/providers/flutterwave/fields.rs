//! The two fields Flutterwave sends in more than one shape (the Flutterwave "Handling timeouts via API" guide's
//! samples show both): `is_err` as `1` or `true`, `charged_amount` in
//! major units as text (`"330.07"`) or as a number (`4500.00`).

use core::fmt;

use serde::de::{self, Deserializer, Visitor};

use super::{cents_of, parse_major_units};
use crate::foundation::money::Amount;

/// `is_err`: `true`/`false`, or a number (`0` is false); `null` is absent.
pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, 0 or 1")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v != 0))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v != 0))
        }
    }
    d.deserialize_any(V)
}

/// `charged_amount` in major units, as minor units: `None` when absent,
/// `null`, negative, or with more than two decimals.
pub(super) fn major_units<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<Amount>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an amount in major units")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(parse_major_units(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(v.checked_mul(100).map(Amount::from_minor))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(u64::try_from(v)
                .ok()
                .and_then(|v| self.visit_u64::<E>(v).ok().flatten()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(cents_of(v).map(Amount::from_minor))
        }
    }
    d.deserialize_any(V)
}
