//! serde's `Serializer` over the [`Writer`]: the core's serde types
//! written as JSON text without serde_json, in the same shape serde_json
//! gives them (compact, maps and structs as objects, `None` as `null`,
//! unit variants as strings, other variants as `{"Variant": …}`).

use core::fmt;

use serde::ser::{self, Serialize, Serializer};

use super::{JsonError, Writer};

impl ser::Error for JsonError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        JsonError {
            message: message.to_string(),
            at: 0,
            syntax: false,
        }
    }
}

/// Serialises into a [`Writer`].
#[derive(Debug)]
pub(super) struct TextSerializer<'w>(pub(super) &'w mut Writer);

/// An array, object or variant being written; `variant` closes one more
/// object (the `{"Variant": …}` wrapper).
#[derive(Debug)]
pub(super) struct Compound<'w> {
    writer: &'w mut Writer,
    close: u8,
    variant: bool,
}

impl Compound<'_> {
    fn end(self) -> Result<(), JsonError> {
        self.writer.close(self.close);
        if self.variant {
            self.writer.close(b'}');
        }
        Ok(())
    }
}

impl<'w> TextSerializer<'w> {
    fn compound(self, open: u8, variant: Option<&str>) -> Compound<'w> {
        if let Some(name) = variant {
            self.0.open(b'{');
            self.0.key(name);
        }
        self.0.open(open);
        Compound {
            writer: self.0,
            close: if open == b'[' { b']' } else { b'}' },
            variant: variant.is_some(),
        }
    }
}

impl<'w> Serializer for TextSerializer<'w> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Compound<'w>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Compound<'w>;

    fn serialize_bool(self, v: bool) -> Result<(), JsonError> {
        self.0.bool(v);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), JsonError> {
        self.0.i64(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), JsonError> {
        self.0.u64(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), JsonError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), JsonError> {
        if v.is_finite() {
            self.0.raw(&v.to_string());
        } else {
            self.0.null();
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        self.0.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), JsonError> {
        self.0.open(b'[');
        for b in v {
            self.0.u64((*b).into());
        }
        self.0.close(b']');
        Ok(())
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        self.0.null();
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        self.0.null();
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.0.open(b'{');
        self.0.key(variant);
        value.serialize(TextSerializer(&mut *self.0))?;
        self.0.close(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w>, JsonError> {
        Ok(self.compound(b'[', None))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'w>, JsonError> {
        Ok(self.compound(b'[', None))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, JsonError> {
        Ok(self.compound(b'[', None))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, JsonError> {
        Ok(self.compound(b'[', Some(variant)))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w>, JsonError> {
        Ok(self.compound(b'{', None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w>, JsonError> {
        Ok(self.compound(b'{', None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, JsonError> {
        Ok(self.compound(b'{', Some(variant)))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(TextSerializer(self.writer))
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(TextSerializer(self.writer))
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(TextSerializer(self.writer))
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(TextSerializer(self.writer))
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JsonError> {
        key.serialize(KeySerializer(self.writer))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(TextSerializer(self.writer))
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.writer.key(key);
        value.serialize(TextSerializer(self.writer))
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.writer.key(key);
        value.serialize(TextSerializer(self.writer))
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self)
    }
}

/// A map key: a string, or a number or boolean written as one.
struct KeySerializer<'w>(&'w mut Writer);

fn key_error() -> JsonError {
    <JsonError as ser::Error>::custom("a map key must be a string, a number or a boolean")
}

impl Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = ser::Impossible<(), JsonError>;
    type SerializeTuple = ser::Impossible<(), JsonError>;
    type SerializeTupleStruct = ser::Impossible<(), JsonError>;
    type SerializeTupleVariant = ser::Impossible<(), JsonError>;
    type SerializeMap = ser::Impossible<(), JsonError>;
    type SerializeStruct = ser::Impossible<(), JsonError>;
    type SerializeStructVariant = ser::Impossible<(), JsonError>;

    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        self.0.key(v);
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), JsonError> {
        self.serialize_str(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), JsonError> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), JsonError> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, JsonError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, JsonError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Err(key_error())
    }
}
