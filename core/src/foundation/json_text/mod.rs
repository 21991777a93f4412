//! JSON text read and written without serde_json: a small [`Reader`] and
//! [`Writer`], a parsed [`Value`] with [`Fields`] for reading typed fields
//! out of its objects, and serde's `Deserializer` and `Serializer` over the
//! reader and writer ([`from_str`], [`to_string`]).
//!
//! The browser module is downloaded by every shopper, and a general JSON
//! library (serde_json, or serde-wasm-bindgen over `JSON.parse`) is most of
//! what it would ship; serde's derived readers, instantiated per type, are
//! most of the rest. So the core reads its own documents by hand from a
//! [`Value`] — the status document and Flutterwave's answers
//! ([`interpret_http`](crate::shopper::tracker::interpret_http)), the return
//! expectation and the policy a page passes in — once, for every platform:
//! their serde `Deserialize` goes through the same reader. The pending
//! payments in storage have their own compact codec on top of [`Reader`]
//! and [`Writer`] ([`PendingStore`](crate::shopper::pending::PendingStore)).
//!
//! ```
//! use appswitch_core::foundation::json_text::{self, Value};
//! use appswitch_core::status::StatusDocument;
//!
//! let text = r#"{"version":1,"orderId":"o-1","provider":"vipps","status":"reserved","final":true}"#;
//! let doc = StatusDocument::from_json(&Value::parse(text)?).unwrap();
//! assert_eq!(doc.order_id, "o-1");
//! // Written with serde, read back the same way (serde readers too).
//! let written = json_text::to_string(&doc)?;
//! assert_eq!(json_text::from_str::<StatusDocument>(&written)?, doc);
//!
//! let wrong = Value::parse(r#"{"version":1,"orderId":7}"#)?;
//! let e = StatusDocument::from_json(&wrong).unwrap_err();
//! assert_eq!(e.to_string(), "`orderId`: expected a string, found a number");
//! # Ok::<(), appswitch_core::foundation::json_text::JsonError>(())
//! ```

mod de;
mod reader;
mod ser;
mod value;
mod writer;

pub use reader::{Number, Reader};
pub use value::{FieldError, Fields, Value};
pub(crate) use value::{deserialize_through_value, serde_by_name};
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
/// struct S(#[serde(with = "appswitch_core::foundation::json_text::safe_u64")] u64);
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
        crate::foundation::lenient::u64_lenient(d)
    }
}

#[cfg(test)]
mod tests;
