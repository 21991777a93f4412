//! Serde helpers for the shapes the provider really sends: timestamps as
//! RFC 3339 text, numbers that arrive as strings (and strings that arrive as
//! numbers), `"Y"`/`"N"` flags and shipping costs in kroner; and the
//! 64-bit numbers JavaScript must read exactly ([`safe_u64`]).
//!
//! Every helper fails with a message that says what it expected, and the
//! JSON reader ([`crate::foundation::json`]) adds the path of the field.

use core::fmt;

use serde::Serializer;
use serde::de::{self, Deserializer, Visitor};

use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;

/// Text, or a JSON number kept as its decimal text.
struct TextVisitor(&'static str);

impl Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Reads a string and converts it *inside* the visitor, so that a JSON
/// reader reports a conversion error at the value (and the error's path
/// names the field), not at the end of the enclosing object.
pub(crate) fn parse_str<'de, D, T, E>(
    d: D,
    expecting: &'static str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: fmt::Display,
{
    struct V<F>(&'static str, F);
    impl<T, E: fmt::Display, F: FnOnce(&str) -> Result<T, E>> Visitor<'_> for V<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<T, Er> {
            (self.1)(v).map_err(Er::custom)
        }
    }
    d.deserialize_str(V(expecting, parse))
}

/// A string, or a number read as its decimal text (`transactionId`,
/// `bankIdentificationNumber`, `errorCode`).
pub(crate) fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor("a string or an integer"))
}

/// Like [`text_or_number`], `null` or absent reading as `None`.
pub(crate) fn opt_text_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, an integer or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            text_or_number(d).map(Some)
        }
    }
    d.deserialize_option(V)
}

/// An unsigned integer sent as a number or as decimal text (`"86398"`).
pub(crate) fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an unsigned integer or its decimal text")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("`{v}` is negative")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            parse_u64(v).map_err(E::custom)
        }
    }
    d.deserialize_any(V)
}

/// A `u16` (an HTTP status) sent as a number or as decimal text.
pub(crate) fn u16_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    let v = u64_lenient(d)?;
    u16::try_from(v).map_err(|_| de::Error::custom(format!("`{v}` is too large for a status")))
}

/// Like [`u64_lenient`], `null` or absent reading as `None`.
pub(crate) fn opt_u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an unsigned integer, its decimal text, or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            u64_lenient(d).map(Some)
        }
    }
    d.deserialize_option(V)
}

/// Serde for an optional unsigned integer the provider writes as text
/// (`"expires_on": "1495271273"`): read leniently, written as text.
pub(crate) mod opt_u64_text {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        super::opt_u64_lenient(d)
    }
}

/// Serde for an unsigned integer the provider writes as text
/// (`"expires_in": "86398"`): read leniently, written as text.
pub(crate) mod u64_text {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        super::u64_lenient(d)
    }
}

/// Optional text that tolerates what a descriptive field should not be:
/// a string, or a number or boolean kept as its text; `null`, absent, an
/// object or an array read as `None` (the odd value is skipped, the body
/// is still read). For fields no decision depends on (`transactionText`,
/// names, …).
pub(crate) fn opt_text_lenient<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("text, a number, a boolean or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(V)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                .is_some()
            {}
            Ok(None)
        }
    }
    d.deserialize_option(V)
}

/// An optional unsigned integer (`addressId`) sent as a number or as its
/// text; any other value reads as `None`.
pub(crate) fn opt_u64_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(opt_text_lenient(d)?.and_then(|t| parse_u64(&t).ok()))
}

/// A yes/no flag in every form the provider's material shows: a boolean,
/// `0` / `1`, `"Y"` / `"N"`, `"true"` / `"false"`, `"1"` / `"0"`
/// (case-insensitive). `None` for anything else.
fn flag_of_text(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "1" => Some(true),
        "n" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A flag read in every form [`flag_of_text`] knows, numbers `0` and `1`
/// and booleans included. When `required`, anything else is an error (made
/// inside the visitor, so the error's path names the field); otherwise it
/// reads as `None`.
struct FlagVisitor {
    required: bool,
}

impl FlagVisitor {
    fn done<E: de::Error>(&self, v: Option<bool>) -> Result<Option<bool>, E> {
        match v {
            None if self.required => Err(E::custom(
                "expected a boolean, 0 or 1, \"Y\" or \"N\", or \"true\" or \"false\"",
            )),
            v => Ok(v),
        }
    }
}

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, 0 or 1, \"Y\" or \"N\", or \"true\" or \"false\"")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.done(match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => self.done(None),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.done(if v == 0.0 {
            Some(false)
        } else if v == 1.0 {
            Some(true)
        } else {
            None
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.done(flag_of_text(v))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.done(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.done(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        self.done(None)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        self.done(None)
    }
}

/// An optional flag (`bankIdVerified`) in every form the provider's
/// material shows; an unreadable value is `None`, never an error.
pub(crate) fn opt_flag_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_option(FlagVisitor { required: false })
}

/// A required flag (`operationSuccess`) in every form the provider's
/// material shows; a value that is none of them is an error naming the
/// field (a success is never guessed).
pub(crate) fn flag_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(FlagVisitor { required: true })?
        .ok_or_else(|| de::Error::custom("expected a boolean"))
}

/// An amount in øre: an integer, an integral number (`20000.0`), or its
/// decimal text (`"20000"`); `null` reads as zero. Negative or fractional
/// amounts are an error naming the field: money is never guessed.
pub(crate) fn amount_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Amount;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an amount in øre (a non-negative integer, or its text)")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
            Ok(Amount::from_minor(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
            u64::try_from(v)
                .map(Amount::from_minor)
                .map_err(|_| E::custom(format!("amount {v} is negative")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
            // 2^53: the largest integer an f64 holds exactly.
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 {
                // Non-negative, integral and in range: the cast is exact.
                Ok(Amount::from_minor(v as u64))
            } else {
                Err(E::custom(format!(
                    "amount {v} is not a whole number of øre"
                )))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
            parse_u64(v).map(Amount::from_minor).map_err(E::custom)
        }
        fn visit_none<E: de::Error>(self) -> Result<Amount, E> {
            Ok(Amount::ZERO)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Amount, E> {
            Ok(Amount::ZERO)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Amount, D2::Error> {
            d.deserialize_any(V)
        }
    }
    d.deserialize_option(V)
}

/// An optional block read if it can be, and `None` if it cannot: one odd
/// block (a `userDetails` of `"[Expired]"`, a `shippingDetails` of another
/// shape) never refuses the body around it.
pub(crate) fn opt_or_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OrNone<T> {
        Read(T),
        Odd(de::IgnoredAny),
    }
    Ok(
        match <Option<OrNone<T>> as serde::Deserialize>::deserialize(d)? {
            Some(OrNone::Read(t)) => Some(t),
            Some(OrNone::Odd(_)) | None => None,
        },
    )
}

/// A list that may be sent as `null`: read as empty.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(<Option<Vec<T>> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

fn parse_u64(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not an unsigned integer"));
    }
    t.parse::<u64>()
        .map_err(|_| format!("`{text}` is too large for an unsigned 64-bit integer"))
}

/// A value, with `null` read as its default (as if the field were
/// absent): for documents written by other backends (a PHP `null` for an
/// empty object or a zero).
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

/// A `u64` in JSON that JavaScript reads exactly: a number up to 2^53 − 1
/// (`Number.MAX_SAFE_INTEGER`), a decimal string above it; both are read
/// back. For the tracker's random numbers (the jitter seed and state),
/// which use all 64 bits: as plain JSON numbers they would lose their low
/// bits in `JSON.parse`.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
/// struct S(#[serde(with = "appswitch_core::foundation::lenient::safe_u64")] u64);
/// assert_eq!(serde_json::to_string(&S(7)).unwrap(), "7");
/// assert_eq!(serde_json::to_string(&S(u64::MAX)).unwrap(), r#""18446744073709551615""#);
/// assert_eq!(serde_json::from_str::<S>(r#""18446744073709551615""#).unwrap(), S(u64::MAX));
/// assert_eq!(serde_json::from_str::<S>("7").unwrap(), S(7));
/// ```
pub mod safe_u64 {
    use serde::{Deserializer, Serializer};

    /// The largest integer a JavaScript number holds exactly.
    pub const MAX_SAFE: u64 = (1 << 53) - 1;

    /// Writes `v` as a number, or as a string above [`MAX_SAFE`].
    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        if *v <= MAX_SAFE {
            s.serialize_u64(*v)
        } else {
            s.collect_str(v)
        }
    }

    /// Reads a whole number or a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        super::u64_lenient(d)
    }
}

/// Serde for a [`Timestamp`] written as RFC 3339 text, as the provider does.
pub(crate) mod rfc3339_opt {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.collect_str(t),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<Timestamp>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                parse_str(d, "an RFC 3339 timestamp", Timestamp::parse_rfc3339).map(Some)
            }
        }
        d.deserialize_option(V)
    }
}

/// Serde for a timestamp in a provider *response*: RFC 3339 text (a
/// missing zone reads as UTC), written as RFC 3339. A value that is not a
/// readable timestamp reads as `None` — "when" is then unknown — and never
/// refuses the body.
pub(crate) mod rfc3339_lenient {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        super::rfc3339_opt::serialize(t, s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        Ok(super::opt_text_lenient(d)?.and_then(|t| Timestamp::parse_rfc3339(&t).ok()))
    }
}

/// Serde for the provider's `"Y"` / `"N"` flags (`isDefault`,
/// `bankIdVerified`); `true`/`false` are accepted too.
pub(crate) mod yes_no {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(b: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *b { "Y" } else { "N" })
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"Y\", \"N\", true or false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
                Ok(v)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
                match v {
                    "Y" | "y" => Ok(true),
                    "N" | "n" => Ok(false),
                    other => Err(E::custom(format!("`{other}` is not \"Y\" or \"N\""))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Serde for a shipping cost, which the provider writes in kroner with
/// decimals (`"shippingCost": 109.99`), as an [`Amount`] in øre.
///
/// Reading refuses negative costs, more than two decimals, and amounts too
/// large to be exact; writing gives the shortest decimal (`10999` øre →
/// `109.99`, `3000` → `30.0`).
pub(crate) mod kroner {
    use super::*;

    /// The largest kroner amount whose øre an `f64` holds exactly (2^53 øre).
    const MAX_EXACT_ORE: f64 = 9_007_199_254_740_992.0;

    pub(crate) fn serialize<S: Serializer>(a: &Amount, s: S) -> Result<S::Ok, S::Error> {
        // Øre below 2^53 convert exactly, and the division is correctly
        // rounded, so the printed value is the decimal the merchant meant.
        s.serialize_f64(a.minor() as f64 / 100.0)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative amount in kroner with at most two decimals")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                v.checked_mul(100)
                    .map(Amount::from_minor)
                    .ok_or_else(|| E::custom(format!("shipping cost {v} kroner is too large")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(format!("shipping cost {v} is negative")))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                // A cost sent as its decimal text ("99.00"): the same rules.
                match v.trim().parse::<f64>() {
                    Ok(f) if !v.trim().is_empty() => self.visit_f64(f),
                    _ => Err(E::custom(format!("shipping cost `{v}` is not a number"))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                if !v.is_finite() || v < 0.0 {
                    return Err(E::custom(format!(
                        "shipping cost {v} is not a non-negative amount"
                    )));
                }
                let ore = (v * 100.0).round();
                if ore > MAX_EXACT_ORE {
                    return Err(E::custom(format!("shipping cost {v} is too large")));
                }
                if ((v * 100.0) - ore).abs() > 1e-6 * ore.max(1.0) {
                    return Err(E::custom(format!(
                        "shipping cost {v} has more than two decimals"
                    )));
                }
                // In range and integral: the cast is exact.
                Ok(Amount::from_minor(ore as u64))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Cost(#[serde(with = "kroner")] Amount);

    #[test]
    fn kroner_round_trip() {
        for (text, ore) in [("109.99", 10999), ("30.0", 3000), ("0", 0), ("0.1", 10)] {
            let c: Cost = serde_json::from_str(text).unwrap();
            assert_eq!(c.0.minor(), ore, "{text}");
        }
        assert_eq!(
            serde_json::to_string(&Cost(Amount::from_minor(10999))).unwrap(),
            "109.99"
        );
        assert_eq!(
            serde_json::to_string(&Cost(Amount::from_minor(3000))).unwrap(),
            "30.0"
        );
        for bad in ["-1", "-0.5", "30.005", "1e300", "\"thirty\"", "\"\""] {
            assert!(serde_json::from_str::<Cost>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lenient_numbers() {
        #[derive(Deserialize)]
        struct N(#[serde(deserialize_with = "u64_lenient")] u64);
        assert_eq!(serde_json::from_str::<N>("\"86398\"").unwrap().0, 86398);
        assert_eq!(serde_json::from_str::<N>("86398").unwrap().0, 86398);
        for bad in [
            "\"\"",
            "\"-1\"",
            "\"12a\"",
            "-1",
            "1.5",
            "\"99999999999999999999\"",
        ] {
            assert!(serde_json::from_str::<N>(bad).is_err(), "{bad}");
        }
    }
}
