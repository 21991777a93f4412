//! JSON the platform has already parsed.
//!
//! With the `json` feature the core reads JSON text itself (serde_json).
//! A browser already has `JSON.parse`, and shipping a second JSON parser
//! costs every shopper the download; so the same serde types can also be
//! read from a document the platform parsed, through any self-describing
//! serde deserializer over it (in the browser, serde-wasm-bindgen over a
//! `JSON.parse` value). [`ParsedJson`] is that document;
//! [`StatusPayload::from_parsed`](crate::payload::StatusPayload::from_parsed),
//! [`interpret_parsed`](crate::tracker::interpret_parsed),
//! [`flutterwave::read_parsed`](crate::flutterwave::read_parsed) and
//! [`PendingStore::from_parsed`](crate::pending::PendingStore::from_parsed)
//! read it with the same rules as their text counterparts.

use core::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A JSON document already parsed by the platform, which the core may read
/// more than once (once to recognise it, once to read it into a type).
///
/// ```
/// # #[cfg(feature = "json")] {
/// use appswitch_core::parsed::ParsedJson;
/// use appswitch_core::tracker::{Answer, interpret_parsed};
///
/// // Any parser will do; serde_json's `Value` is one.
/// let body = r#"{"version":1,"orderId":"o-1","provider":"vipps","status":"cancelled",
///                "final":true,"cancelledBy":"user"}"#;
/// let answer = interpret_parsed(200, None, body, |text| {
///     serde_json::from_str::<serde_json::Value>(text).map_err(|e| e.to_string())
/// });
/// assert!(matches!(answer, Answer::Status(_)));
/// # }
/// ```
pub trait ParsedJson {
    /// A fresh deserializer over the whole document.
    fn deserializer(&self) -> impl Deserializer<'_>;
}

#[cfg(feature = "json")]
impl ParsedJson for serde_json::Value {
    fn deserializer(&self) -> impl Deserializer<'_> {
        self
    }
}

/// How deep a JSON text may nest arrays and objects: serde_json's own
/// limit, so that text and parsed documents are refused alike.
pub const MAX_NESTING: usize = 128;

/// Refuses a JSON text nested deeper than [`MAX_NESTING`] before the
/// platform parses it: reading a deeper document recursively could exhaust
/// the stack (in WebAssembly that kills the module). Checked by
/// [`interpret_parsed`](crate::tracker::interpret_parsed) and
/// [`PendingStore::from_stored_with`](crate::pending::PendingStore::from_stored_with)
/// before they call the parser.
///
/// ```
/// use appswitch_core::parsed::check_nesting;
/// assert!(check_nesting(r#"{"a":[1,{"b":"[[[["}]}"#).is_ok());
/// assert!(check_nesting(&"[".repeat(200)).is_err());
/// ```
pub fn check_nesting(text: &str) -> Result<(), String> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                (false, _) => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!(
                        "arrays and objects are nested deeper than {MAX_NESTING} levels"
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A `u64` in JSON that JavaScript reads exactly: a number up to 2^53 − 1
/// (`Number.MAX_SAFE_INTEGER`), a decimal string above it; both are read
/// back. For the tracker's random numbers (the jitter seed and state),
/// which use all 64 bits: as plain JSON numbers they would lose their low
/// bits in `JSON.parse` (and serde-wasm-bindgen refuses them).
///
/// ```
/// # #[cfg(feature = "json")] {
/// #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
/// struct S(#[serde(with = "appswitch_core::parsed::safe_u64")] u64);
/// assert_eq!(serde_json::to_string(&S(7)).unwrap(), "7");
/// assert_eq!(serde_json::to_string(&S(u64::MAX)).unwrap(), r#""18446744073709551615""#);
/// assert_eq!(serde_json::from_str::<S>(r#""18446744073709551615""#).unwrap(), S(u64::MAX));
/// assert_eq!(serde_json::from_str::<S>("7").unwrap(), S(7));
/// # }
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
        crate::vipps::wire::u64_lenient(d)
    }
}

/// The outline of a JSON value, two objects deep: what recognising a
/// body needs (which keys there are, which of them hold text), without
/// reading it into a type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Outline {
    /// A number, a boolean, `null`, an array, or an object too deep.
    #[default]
    Other,
    /// A string.
    Text(String),
    /// An object: its keys in order, with their outlines.
    Object(Vec<(String, Outline)>),
}

/// How many objects deep an outline looks.
const OUTLINE_DEPTH: u8 = 2;

impl Outline {
    /// The outline of `doc`; `None` if the deserializer fails.
    pub(crate) fn of(doc: &impl ParsedJson) -> Option<Outline> {
        Seed(OUTLINE_DEPTH).deserialize(doc.deserializer()).ok()
    }

    /// The value of `key` in an object (the last one, if it repeats).
    pub(crate) fn get(&self, key: &str) -> Option<&Outline> {
        match self {
            Outline::Object(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            Outline::Other | Outline::Text(_) => None,
        }
    }

    /// The text of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Outline::Text(t) => Some(t),
            Outline::Other | Outline::Object(_) => None,
        }
    }

    /// Whether this is an object.
    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Outline::Object(_))
    }
}

struct Seed(u8);

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Outline;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Outline, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Outline;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Outline, E> {
        Ok(Outline::Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Outline, E> {
        Ok(Outline::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outline, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Outline::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outline, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = if self.0 == 0 {
                map.next_value::<IgnoredAny>()?;
                Outline::Other
            } else {
                map.next_value_seed(Seed(self.0 - 1))?
            };
            fields.push((key, value));
        }
        if self.0 == 0 {
            return Ok(Outline::Other);
        }
        Ok(Outline::Object(fields))
    }
}

#[cfg(test)]
#[cfg(feature = "json")]
mod tests {
    use super::*;

    fn outline(text: &str) -> Outline {
        Outline::of(&serde_json::from_str::<serde_json::Value>(text).unwrap()).unwrap()
    }

    #[test]
    fn outlines_two_objects_deep() {
        let o = outline(
            r#"{"status":"success","n":1,"data":{"status":"pending","deep":{"x":"y"}},"a":[1]}"#,
        );
        assert_eq!(o.get("status").and_then(Outline::as_str), Some("success"));
        assert_eq!(o.get("n"), Some(&Outline::Other));
        let data = o.get("data").unwrap();
        assert!(data.is_object());
        assert_eq!(
            data.get("status").and_then(Outline::as_str),
            Some("pending")
        );
        assert_eq!(data.get("deep"), Some(&Outline::Other));
        assert_eq!(o.get("a"), Some(&Outline::Other));
        assert_eq!(outline("[1]"), Outline::Other);
        assert_eq!(outline(r#""x""#).as_str(), Some("x"));
        assert_eq!(
            outline(r#"{"k":1,"k":"two"}"#)
                .get("k")
                .and_then(Outline::as_str),
            Some("two")
        );
    }
}
