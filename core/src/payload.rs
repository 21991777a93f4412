//! One parser for anything the provider or the merchant's backend sends
//! back about a payment: [`StatusPayload::parse_json`] recognises what the
//! text is, reads it into its wire type, and [`StatusPayload::to_status`]
//! turns it into the provider-neutral [`PaymentStatus`].
//!
//! ```
//! use appswitch_core::payload::StatusPayload;
//! use appswitch_core::status::PaymentState;
//!
//! // A Vipps callback …
//! let callback = StatusPayload::parse_json(r#"{"merchantSerialNumber": 123456,
//!   "orderId": "order123abc", "transactionInfo": {"amount": 20000,
//!   "status": "RESERVED", "timeStamp": "2018-12-12T11:18:38.246Z",
//!   "transactionId": "5001420062"}}"#)?;
//! // … and the backend's own status document, in any order:
//! let polled = StatusPayload::parse_json(r#"{"version": 1, "orderId": "order123abc",
//!   "provider": "vipps", "status": "initiated", "final": false}"#)?;
//! let status = polled.to_status()?.merge(&callback.to_status()?);
//! assert_eq!(status.state(), PaymentState::Reserved);
//!
//! // What cannot be understood is an error that says why:
//! let e = StatusPayload::parse_json(r#"{"orderId": "o", "transactionLogHistory": [{"operation": "RESERVE"}]}"#)
//!     .unwrap_err();
//! assert_eq!(e.to_string(), "`transactionLogHistory[0]`: missing field `operationSuccess`");
//! # Ok::<(), appswitch_core::payload::PayloadError>(())
//! ```
//!
//! ## What is recognised
//!
//! | the JSON object has | it is read as |
//! |---|---|
//! | `version` and `status` | [`StatusPayload::Document`] (appswitch's status document) |
//! | `transactionLogHistory` | [`StatusPayload::VippsDetails`] |
//! | `transactionInfo` / `transaction` with `status` `Captured`, `Cancelled` or `Refund` | [`StatusPayload::VippsOperation`] |
//! | `transactionInfo` with a callback status (`RESERVED`, `RESERVE_FAILED`, …) | [`StatusPayload::VippsCallback`] |
//! | `transactionInfo` with a deprecated status name (`REGISTER`, `VOID`, …) and no `merchantSerialNumber` | [`StatusPayload::VippsOrderStatus`] |
//!
//! Adding a provider means adding a variant, a row to this table (a test
//! in `sniff`), and its `to_status` arm; the compiler then points at every
//! `match` that must handle it.

use serde::{Deserialize, Serialize};

use crate::json::TextReader;
use crate::status::{DocumentError, PaymentStatus, StatusDocument};
use crate::vipps::{Callback, OperationResponse, OrderStatusResponse, PaymentDetails};

/// A payload about one payment, recognised by its shape
/// ([`parse_json`](Self::parse_json)). Its `Deserialize` is untagged: the
/// first variant that reads wins, in the order listed, with less precise
/// errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StatusPayload {
    /// appswitch's own status document (what a merchant backend serves).
    Document(StatusDocument),
    /// A Vipps details response: the whole history.
    VippsDetails(PaymentDetails),
    /// A Vipps capture, cancel or refund response.
    VippsOperation(OperationResponse),
    /// A Vipps callback, regular or express.
    VippsCallback(Callback),
    /// The deprecated Vipps order-status response.
    VippsOrderStatus(OrderStatusResponse),
}

/// Why a payload could not be understood. Every message names what was
/// wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not JSON, or a field has the wrong type, value or is missing.
    /// `path` is the field (`transactionLogHistory[2].amount`), empty for
    /// the top level.
    #[error("{}{message}", if path.is_empty() { String::new() } else { format!("`{path}`: ") })]
    Json {
        /// Where: a JSON path such as `transactionInfo.status`.
        path: String,
        /// What: serde_json's description.
        message: String,
    },
    /// The JSON is not an object.
    #[error("expected a JSON object, found {found}")]
    NotAnObject {
        /// What was found: `an array`, `a string`, ….
        found: &'static str,
    },
    /// A JSON object of no shape this crate knows.
    #[error("not a payment payload this crate knows (found keys: {}); expected a status document (`version`, `status`), a Vipps details response (`transactionLogHistory`), or a callback / operation response (`transactionInfo` with a `status`)", if keys.is_empty() { "none".to_string() } else { keys.join(", ") })]
    Unrecognised {
        /// The object's keys (the first 12).
        keys: Vec<String>,
    },
    /// A JSON object of none of the provider's error-body shapes.
    #[error("not a provider error body (found keys: {}); expected an array of `{{errorGroup, errorCode, errorMessage}}`, a gateway `{{statusCode, message}}` or a token error `{{error, error_description}}`", if keys.is_empty() { "none".to_string() } else { keys.join(", ") })]
    UnrecognisedError {
        /// The object's keys (the first 12, sorted).
        keys: Vec<String>,
    },
    /// A `status` value that no known payload uses.
    #[error(
        "`{field}` is `{value}`, which is no known status: callbacks say RESERVED, RESERVE, SALE, RESERVE_FAILED, SALE_FAILED, CANCELLED or REJECTED; capture/cancel/refund responses say Captured, Cancelled or Refund"
    )]
    UnknownStatus {
        /// The field, e.g. `transactionInfo.status`.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// A status document that contradicts itself or is too new.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// A raw Vipps payload, which this build does not read: appswitch-core
    /// without its `raw-vipps` feature (the browser module's default
    /// entry) reads only appswitch's status document and Flutterwave
    /// answers.
    #[error(
        "the body is a raw Vipps {what}, which this build does not read (appswitch-core without `raw-vipps`): serve appswitch's status document"
    )]
    NotRead {
        /// What it is: `details response`, `recurring charge`, ….
        what: &'static str,
    },
}

impl StatusPayload {
    /// Recognises and reads `text` (see the [module documentation](self)
    /// for what is recognised).
    pub fn parse_json(text: &str) -> Result<StatusPayload, PayloadError> {
        StatusPayload::read_with(crate::json::READER, text)
    }

    /// [`parse_json`](Self::parse_json) with the given JSON reader.
    pub(crate) fn read_with(
        reader: impl TextReader,
        text: &str,
    ) -> Result<StatusPayload, PayloadError> {
        let shape = reader.seed(text, sniff::Probe::SEED)?;
        read_kind(sniff::classify(shape)?, reader, text)
    }

    /// The facts this payload proves. Fails only for a status document
    /// that contradicts itself.
    pub fn to_status(&self) -> Result<PaymentStatus, PayloadError> {
        Ok(match self {
            StatusPayload::Document(d) => d.to_status()?,
            StatusPayload::VippsDetails(d) => d.to_status(),
            StatusPayload::VippsOperation(r) => r.to_status(),
            StatusPayload::VippsCallback(c) => c.to_status(),
            StatusPayload::VippsOrderStatus(s) => s.to_status(),
        })
    }

    /// The merchant's `orderId` the payload is about.
    pub fn order_id(&self) -> &str {
        match self {
            StatusPayload::Document(d) => &d.order_id,
            StatusPayload::VippsDetails(d) => &d.order_id,
            StatusPayload::VippsOperation(r) => &r.order_id,
            StatusPayload::VippsCallback(c) => &c.order_id,
            StatusPayload::VippsOrderStatus(s) => &s.order_id,
        }
    }

    /// The provider: the document's `provider`, or `vipps`.
    pub fn provider(&self) -> &str {
        match self {
            StatusPayload::Document(d) => &d.provider,
            StatusPayload::VippsDetails(_)
            | StatusPayload::VippsOperation(_)
            | StatusPayload::VippsCallback(_)
            | StatusPayload::VippsOrderStatus(_) => "vipps",
        }
    }

    /// A short name for what the payload is: `status-document`,
    /// `vipps-details`, `vipps-operation`, `vipps-callback`,
    /// `vipps-order-status`.
    pub fn kind(&self) -> &'static str {
        match self {
            StatusPayload::Document(_) => "status-document",
            StatusPayload::VippsDetails(_) => "vipps-details",
            StatusPayload::VippsOperation(_) => "vipps-operation",
            StatusPayload::VippsCallback(_) => "vipps-callback",
            StatusPayload::VippsOrderStatus(_) => "vipps-order-status",
        }
    }
}

/// Reads a body of a recognised `kind`.
fn read_kind(
    kind: sniff::Kind,
    reader: impl TextReader,
    text: &str,
) -> Result<StatusPayload, PayloadError> {
    Ok(match kind {
        sniff::Kind::Document => {
            let doc: StatusDocument = reader.read(text)?;
            doc.to_status()?;
            StatusPayload::Document(doc)
        }
        #[cfg(feature = "raw-vipps")]
        sniff::Kind::Details => StatusPayload::VippsDetails(reader.read(text)?),
        #[cfg(feature = "raw-vipps")]
        sniff::Kind::Operation => StatusPayload::VippsOperation(reader.read(text)?),
        #[cfg(feature = "raw-vipps")]
        sniff::Kind::Callback => StatusPayload::VippsCallback(reader.read(text)?),
        #[cfg(feature = "raw-vipps")]
        sniff::Kind::OrderStatus => StatusPayload::VippsOrderStatus(reader.read(text)?),
        #[cfg(not(feature = "raw-vipps"))]
        sniff::Kind::Details
        | sniff::Kind::Operation
        | sniff::Kind::Callback
        | sniff::Kind::OrderStatus => {
            let _ = (reader, text);
            return Err(PayloadError::NotRead { what: kind.what() });
        }
    })
}

/// Recognising a payload from its keys, in one pass that reads no values
/// but the status it needs.
mod sniff {
    use core::fmt;

    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

    use super::PayloadError;
    use crate::vipps::{CallbackStatus, Operation, OperationStatus};

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Kind {
        Document,
        Details,
        Operation,
        Callback,
        OrderStatus,
    }

    impl Kind {
        /// What a payload of this kind is, for messages.
        #[cfg_attr(feature = "raw-vipps", allow(dead_code))]
        pub(super) fn what(self) -> &'static str {
            match self {
                Kind::Document => "status document",
                Kind::Details => "details response",
                Kind::Operation => "capture, cancel or refund response",
                Kind::Callback => "callback",
                Kind::OrderStatus => "order status response",
            }
        }
    }

    #[derive(Default)]
    pub(super) struct Probe {
        keys: Vec<String>,
        version: bool,
        status: bool,
        history: bool,
        msn: bool,
        /// `transactionInfo.status` / `transaction.status`, and which block.
        info_status: Option<(&'static str, Option<String>)>,
    }

    /// Not a JSON object: what it was instead.
    pub(super) enum Shape {
        Object(Probe),
        Other(&'static str),
    }

    struct ProbeVisitor;

    impl<'de> Visitor<'de> for ProbeVisitor {
        type Value = Shape;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape, E> {
            Ok(Shape::Other("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape, E> {
            Ok(Shape::Other("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape, E> {
            Ok(Shape::Other("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape, E> {
            Ok(Shape::Other("a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape, E> {
            Ok(Shape::Other("a string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
            Ok(Shape::Other("null"))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Shape::Other("an array"))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
            let mut p = Probe::default();
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                let present = |v: Option<IgnoredAny>| v.is_some();
                match key.as_ref() {
                    "version" => p.version = present(map.next_value::<Option<IgnoredAny>>()?),
                    "status" => p.status = present(map.next_value::<Option<IgnoredAny>>()?),
                    "transactionLogHistory" => {
                        p.history = present(map.next_value::<Option<IgnoredAny>>()?)
                    }
                    "merchantSerialNumber" => {
                        p.msn = present(map.next_value::<Option<IgnoredAny>>()?)
                    }
                    block @ ("transactionInfo" | "transaction") => {
                        let status = map.next_value::<StatusOf>()?.0;
                        let name = if block == "transaction" {
                            "transaction.status"
                        } else {
                            "transactionInfo.status"
                        };
                        if p.info_status.is_none() || block == "transactionInfo" {
                            p.info_status = Some((name, status));
                        }
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                if p.keys.len() < 12 {
                    p.keys.push(key.into_owned());
                }
            }
            Ok(Shape::Object(p))
        }
    }

    /// Implements the visitor methods for every JSON value but an object
    /// (and, when asked, a string) as "no status here", draining arrays
    /// and objects so the reader stays in step.
    macro_rules! nothing_else {
        ($out:expr) => {
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok($out)
            }
        };
    }

    /// The `status` string inside a block, if it has one. Any other shape
    /// leaves the status unknown; the typed read then reports the wrong
    /// type with its path.
    struct StatusOf(Option<String>);

    impl<'de> de::Deserialize<'de> for StatusOf {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = StatusOf;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                nothing_else!(StatusOf(None));
                fn visit_str<E: de::Error>(self, _: &str) -> Result<StatusOf, E> {
                    Ok(StatusOf(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StatusOf, A::Error> {
                    let mut status = None;
                    while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                        if key == "status" {
                            status = map.next_value::<OptString>()?.0;
                        } else {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    Ok(StatusOf(status))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// A string, or `None` for any other JSON value.
    struct OptString(Option<String>);

    impl<'de> de::Deserialize<'de> for OptString {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OptString;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a string")
                }
                nothing_else!(OptString(None));
                fn visit_str<E: de::Error>(self, v: &str) -> Result<OptString, E> {
                    Ok(OptString(Some(v.to_string())))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OptString, A::Error> {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    Ok(OptString(None))
                }
            }
            d.deserialize_any(V)
        }
    }

    impl Probe {
        /// Reads the shape of a JSON text (with [`TextReader::seed`](crate::json::TextReader::seed)).
        pub(super) const SEED: ProbeSeed = ProbeSeed;
    }

    /// Reads a [`Shape`].
    #[derive(Clone, Copy)]
    pub(super) struct ProbeSeed;

    impl<'de> de::DeserializeSeed<'de> for ProbeSeed {
        type Value = Shape;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
            d.deserialize_any(ProbeVisitor)
        }
    }

    /// The shape of a JSON text.
    #[cfg(all(test, feature = "json"))]
    pub(super) fn kind(text: &str) -> Result<Kind, PayloadError> {
        use crate::json::TextReader;
        classify(crate::json::READER.seed(text, Probe::SEED)?)
    }

    /// What a body of this shape is.
    pub(super) fn classify(shape: Shape) -> Result<Kind, PayloadError> {
        let p = match shape {
            Shape::Object(p) => p,
            Shape::Other(found) => return Err(PayloadError::NotAnObject { found }),
        };
        if p.version && p.status {
            return Ok(Kind::Document);
        }
        if p.history {
            return Ok(Kind::Details);
        }
        match p.info_status {
            Some((field, Some(status))) => {
                if OperationStatus::from_name(&status).is_some() {
                    Ok(Kind::Operation)
                } else if CallbackStatus::from_name(&status).is_some()
                    && (p.msn || matches!(Operation::from_name(&status), Operation::Other(_)))
                {
                    Ok(Kind::Callback)
                } else if !matches!(Operation::from_name(&status), Operation::Other(_)) {
                    Ok(Kind::OrderStatus)
                } else {
                    Err(PayloadError::UnknownStatus {
                        field,
                        value: status,
                    })
                }
            }
            // A block without a readable status: read it as a callback (with
            // an MSN) or an operation response, whose errors name the field.
            Some((_, None)) if p.msn => Ok(Kind::Callback),
            Some((_, None)) => Ok(Kind::Operation),
            None => Err(PayloadError::Unrecognised { keys: p.keys }),
        }
    }

    #[cfg(test)]
    #[cfg(feature = "json")]
    mod tests {
        use super::*;

        #[test]
        fn recognises_each_shape() {
            let cases = [
                (r#"{"version":1,"status":"x"}"#, Kind::Document),
                (r#"{"transactionLogHistory":[]}"#, Kind::Details),
                (r#"{"transaction":{"status":"Refund"}}"#, Kind::Operation),
                (
                    r#"{"transactionInfo":{"status":"Captured"}}"#,
                    Kind::Operation,
                ),
                (
                    r#"{"merchantSerialNumber":1,"transactionInfo":{"status":"RESERVE"}}"#,
                    Kind::Callback,
                ),
                (
                    r#"{"transactionInfo":{"status":"RESERVED"}}"#,
                    Kind::Callback,
                ),
                (
                    r#"{"transactionInfo":{"status":"RESERVE"}}"#,
                    Kind::OrderStatus,
                ),
                (
                    r#"{"transactionInfo":{"status":"VOID"}}"#,
                    Kind::OrderStatus,
                ),
                (r#"{"transactionInfo":{"status":5}}"#, Kind::Operation),
            ];
            for (text, want) in cases {
                assert_eq!(kind(text).unwrap(), want, "{text}");
            }
        }

        #[test]
        fn explains_what_it_cannot_recognise() {
            assert_eq!(
                kind("[1]").unwrap_err(),
                PayloadError::NotAnObject { found: "an array" }
            );
            assert_eq!(
                kind(r#"{"a":1,"b":{"c":2}}"#).unwrap_err(),
                PayloadError::Unrecognised {
                    keys: vec!["a".into(), "b".into()]
                }
            );
            assert_eq!(
                kind(r#"{"transactionInfo":{"status":"PENDING"}}"#).unwrap_err(),
                PayloadError::UnknownStatus {
                    field: "transactionInfo.status",
                    value: "PENDING".into()
                }
            );
            assert!(matches!(
                kind(r#"{"a":1} x"#).unwrap_err(),
                PayloadError::Json { .. }
            ));
        }
    }
}
