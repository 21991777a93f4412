//! JSON text read and written without serde_json: a small [`Reader`] and
//! [`Writer`], and serde's `Deserializer` and `Serializer` over them
//! ([`from_str`], [`to_string`]).
//!
//! The browser module is downloaded by every shopper, and a general JSON
//! library (serde_json, or serde-wasm-bindgen over `JSON.parse`) is most of
//! what it would ship. This is the least that reads and writes the core's
//! own documents: the status document and the provider answers the tracker
//! reads ([`interpret_http`](crate::tracker::interpret_http)), the pending
//! payments kept in storage ([`PendingStore`](crate::pending::PendingStore),
//! on every platform), and the values the browser module hands to and gets
//! from JavaScript. Builds with the `json` feature read provider answers
//! with serde_json instead, whose errors name the field's path.
//!
//! ```
//! use appswitch_core::json_text;
//! use appswitch_core::status::StatusDocument;
//!
//! let doc: StatusDocument = json_text::from_str(
//!     r#"{"version":1,"orderId":"o-1","provider":"vipps","status":"reserved","final":true}"#,
//! )?;
//! assert_eq!(doc.order_id, "o-1");
//! let text = json_text::to_string(&doc)?;
//! assert_eq!(json_text::from_str::<StatusDocument>(&text)?, doc);
//!
//! let e = json_text::from_str::<StatusDocument>(r#"{"version":1,"orderId":7}"#).unwrap_err();
//! assert_eq!(e.to_string(), "invalid type: integer `7`, expected a string (at byte 24)");
//! # Ok::<(), appswitch_core::json_text::JsonError>(())
//! ```

mod de;
mod reader;
mod ser;
mod writer;

pub use reader::{Number, Reader};
pub use writer::Writer;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// How many levels deep arrays and objects may nest: serde_json's own
/// limit (it refuses the 128th level), so that both readers refuse the
/// same documents.
pub const MAX_NESTING: usize = 127;

/// Why a text could not be read (or a value not written).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {at})")]
pub struct JsonError {
    /// What is wrong.
    pub message: String,
    /// The byte offset in the text where it was noticed.
    pub at: usize,
    /// True when the text is not JSON at all; false when it is JSON but
    /// not the value expected (a missing field, a wrong type).
    pub syntax: bool,
}

/// Reads a `T` from JSON text: all of it, nothing after the value.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    let mut reader = Reader::new(text);
    let value = T::deserialize(&mut reader).map_err(|e| reader.locate(e))?;
    reader.end()?;
    Ok(value)
}

/// Writes `value` as compact JSON text. Fails only for what JSON cannot
/// hold: a map whose keys are not strings, numbers or booleans.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    let mut writer = Writer::default();
    value.serialize(ser::TextSerializer(&mut writer))?;
    Ok(writer.finish())
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
/// struct S(#[serde(with = "appswitch_core::json_text::safe_u64")] u64);
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

#[cfg(test)]
mod tests;
