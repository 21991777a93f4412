//! serde's `Deserializer` over the [`Reader`]: the core's serde types read
//! from JSON text without serde_json.
//!
//! Kept small on purpose, for the browser build: a struct is read only
//! from an object, an enum only from a string (its unit variants), and
//! nothing is buffered. Errors carry the byte offset and — unlike serde's
//! defaults — never format a float.

use core::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, Expected, MapAccess, SeqAccess, Unexpected, Visitor,
};

use super::{JsonError, Number, Reader};

impl de::Error for JsonError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        JsonError {
            message: message.to_string(),
            at: usize::MAX,
            syntax: false,
        }
    }

    fn invalid_type(found: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {expected}",
            Found(found)
        ))
    }

    fn invalid_value(found: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {expected}",
            Found(found)
        ))
    }
}

/// What was found, as serde says it, but a float only as "a number" (the
/// float formatting code is the biggest part of `core::fmt`).
struct Found<'a>(Unexpected<'a>);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(n) => write!(f, "integer `{n}`"),
            Unexpected::Signed(n) => write!(f, "integer `{n}`"),
            Unexpected::Float(_) => f.write_str("a number with a fraction"),
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string \"{s}\""),
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Seq => f.write_str("an array"),
            Unexpected::Map => f.write_str("an object"),
            Unexpected::Bytes(_)
            | Unexpected::Option
            | Unexpected::Enum
            | Unexpected::NewtypeStruct
            | Unexpected::UnitVariant
            | Unexpected::NewtypeVariant
            | Unexpected::TupleVariant
            | Unexpected::StructVariant
            | Unexpected::Other(_) => f.write_str("another value"),
        }
    }
}

impl Reader<'_> {
    /// Puts the reader's offset on an error that has none yet.
    pub(crate) fn locate(&self, mut e: JsonError) -> JsonError {
        if e.at == usize::MAX {
            e.at = self.offset();
        }
        e
    }

    fn visit_number<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, JsonError> {
        match self.number()? {
            Number::Unsigned(n) => visitor.visit_u64(n),
            Number::Signed(n) => visitor.visit_i64(n),
            Number::Float(x) => visitor.visit_f64(x),
        }
    }

    fn visit_container<'de, V: Visitor<'de>>(
        &mut self,
        bracket: u8,
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        self.open(bracket)?;
        let mut items = Items {
            reader: self,
            first: true,
            done: false,
        };
        let value = if bracket == b'[' {
            visitor.visit_seq(&mut items)?
        } else {
            visitor.visit_map(&mut items)?
        };
        // A visitor that knows how many elements to take (a tuple, a
        // fixed-size array) stops before the closing bracket.
        let close = if bracket == b'[' { b']' } else { b'}' };
        if !items.done && items.next(close)? {
            return Err(items.reader.locate(de::Error::custom(
                "the array has more elements than expected",
            )));
        }
        Ok(value)
    }
}

impl<'de> Deserializer<'de> for &mut Reader<'_> {
    type Error = JsonError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        let value = match self.peek() {
            Some(b'"') => {
                let s = self.string()?;
                visitor.visit_string(s)
            }
            Some(b'-' | b'0'..=b'9') => self.visit_number(visitor),
            Some(b @ (b'[' | b'{')) => self.visit_container(b, visitor),
            Some(b't' | b'f') => {
                let b = self.bool()?;
                visitor.visit_bool(b)
            }
            _ if self.null() => visitor.visit_unit(),
            _ => Err(self.unexpected("a JSON value")),
        };
        value.map_err(|e| self.locate(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        if self.null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        if self.peek() != Some(b'{') {
            return Err(self.unexpected("an object"));
        }
        self.visit_container(b'{', visitor)
            .map_err(|e| self.locate(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        let name = self.string()?;
        visitor
            .visit_enum(de::value::StringDeserializer::<JsonError>::new(name))
            .map_err(|e| self.locate(e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

/// The elements of an array or the members of an object.
struct Items<'r, 'a> {
    reader: &'r mut Reader<'a>,
    first: bool,
    /// The closing bracket was read.
    done: bool,
}

impl Items<'_, '_> {
    fn next(&mut self, close: u8) -> Result<bool, JsonError> {
        let more = self.reader.next(close, &mut self.first)?;
        self.done = !more;
        Ok(more)
    }
}

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = JsonError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, JsonError> {
        if !self.next(b']')? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

impl<'de> MapAccess<'de> for Items<'_, '_> {
    type Error = JsonError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, JsonError> {
        if !self.next(b'}')? {
            return Ok(None);
        }
        let key = self.reader.key()?;
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, JsonError> {
        seed.deserialize(&mut *self.reader)
    }
}

/// An object key: always a string.
struct Key(String);

impl<'de> Deserializer<'de> for Key {
    type Error = JsonError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        visitor.visit_string(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
