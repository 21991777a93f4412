//! A parsed JSON document, and reading typed fields out of its objects
//! with errors that name the field.

use super::{JsonError, Number, Reader, Writer};

/// A JSON value. Objects keep their members in order (a repeated key:
/// the last one counts, as in serde_json).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Parses JSON text (all of it).
    ///
    /// ```
    /// use appswitch_core::foundation::json_text::Value;
    ///
    /// let v = Value::parse(r#"{"a": [1, "x"], "a": true}"#)?;
    /// assert_eq!(v.get("a"), Some(&Value::Bool(true)));
    /// assert!(Value::parse("[1,]").is_err());
    /// # Ok::<(), appswitch_core::foundation::json_text::JsonError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Value, JsonError> {
        let mut r = Reader::new(text);
        let v = Value::read(&mut r)?;
        r.end()?;
        Ok(v)
    }

    /// Reads one value from `r`.
    pub fn read(r: &mut Reader<'_>) -> Result<Value, JsonError> {
        Ok(match r.peek() {
            Some(b'"') => Value::String(r.string()?),
            Some(b'-' | b'0'..=b'9') => Value::Number(r.number()?),
            Some(b @ (b'[' | b'{')) => {
                let close = if b == b'[' { b']' } else { b'}' };
                r.open(b)?;
                let (mut items, mut members, mut first) = (Vec::new(), Vec::new(), true);
                while r.next(close, &mut first)? {
                    if close == b'}' {
                        let key = r.key()?;
                        members.push((key, Value::read(r)?));
                    } else {
                        items.push(Value::read(r)?);
                    }
                }
                if close == b'}' {
                    Value::Object(members)
                } else {
                    Value::Array(items)
                }
            }
            Some(b't' | b'f') => Value::Bool(r.bool()?),
            _ if r.null() => Value::Null,
            _ => return Err(r.unexpected("a JSON value")),
        })
    }

    /// Writes the value.
    pub fn write(&self, w: &mut Writer) {
        match self {
            Value::Null => w.null(),
            Value::Bool(b) => w.bool(*b),
            Value::Number(Number::Unsigned(n)) => w.u64(*n),
            Value::Number(Number::Signed(n)) => w.i64(*n),
            Value::Number(Number::Float(x)) if x.is_finite() => w.raw(&x.to_string()),
            Value::Number(Number::Float(_)) => w.null(),
            Value::String(s) => w.string(s),
            Value::Array(items) => {
                w.open(b'[');
                items.iter().for_each(|v| v.write(w));
                w.close(b']');
            }
            Value::Object(members) => {
                w.open(b'{');
                for (k, v) in members {
                    w.key(k);
                    v.write(w);
                }
                w.close(b'}');
            }
        }
    }

    /// The member `key` of an object (the last one, if it repeats).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// What the value is, for messages: `a string`, `null`, ….
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(Number::Unsigned(_)) => "a number",
            Value::Number(Number::Signed(_)) => "a negative number",
            Value::Number(Number::Float(_)) => "a number with a fraction",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The members of an object, read as the fields of `what` (`status
    /// document`, …); an error if this is not an object.
    pub fn fields(&self, what: &'static str) -> Result<Fields<'_>, FieldError> {
        match self {
            Value::Object(members) => Ok(Fields { members }),
            other => Err(FieldError {
                field: String::new(),
                problem: format!("expected {what} (an object), found {}", other.kind()),
            }),
        }
    }
}

/// A field that cannot be read: which, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{problem}", if field.is_empty() { String::new() } else { format!("`{field}`: ") })]
pub struct FieldError {
    /// The field's path (`amounts.reserved`), empty for the value itself.
    pub field: String,
    /// What is wrong.
    pub problem: String,
}

impl FieldError {
    /// The same error, for a field inside `outer`.
    pub fn within(mut self, outer: &str) -> FieldError {
        self.field = if self.field.is_empty() {
            outer.to_string()
        } else {
            format!("{outer}.{}", self.field)
        };
        self
    }

    /// A field `key` with a value of the wrong kind.
    pub fn wrong(key: &str, expected: &str, found: &Value) -> FieldError {
        FieldError {
            field: key.to_string(),
            problem: format!("expected {expected}, found {}", found.kind()),
        }
    }
}

/// The members of one object, read field by field. An absent field and
/// a `null` one are the same to the `opt_` readers.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'v> {
    members: &'v [(String, Value)],
}

impl<'v> Fields<'v> {
    /// The value of `key`, if present and not `null`.
    pub fn get(&self, key: &str) -> Option<&'v Value> {
        self.members
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v, Value::Null))
    }

    /// The keys and their values (`null` included), in order.
    pub fn entries(&self) -> impl Iterator<Item = (&'v str, &'v Value)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v))
    }

    fn required(&self, key: &str) -> Result<&'v Value, FieldError> {
        self.get(key).ok_or_else(|| FieldError {
            field: key.to_string(),
            problem: "missing".to_string(),
        })
    }

    /// A string, or `None`.
    pub fn opt_str(&self, key: &str) -> Result<Option<String>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(FieldError::wrong(key, "a string", other)),
        }
    }

    /// A string.
    pub fn str(&self, key: &str) -> Result<String, FieldError> {
        self.required(key)?;
        self.opt_str(key).map(Option::unwrap_or_default)
    }

    /// A whole number ≥ 0, or `None`.
    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(Number::Unsigned(n))) => Ok(Some(*n)),
            Some(other) => Err(FieldError::wrong(key, "a whole number ≥ 0", other)),
        }
    }

    /// A whole number ≥ 0.
    pub fn u64(&self, key: &str) -> Result<u64, FieldError> {
        self.required(key)?;
        self.opt_u64(key).map(Option::unwrap_or_default)
    }

    /// `true` or `false`, or `None`.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(FieldError::wrong(key, "a boolean", other)),
        }
    }

    /// `true` or `false`.
    pub fn bool(&self, key: &str) -> Result<bool, FieldError> {
        self.required(key)?;
        self.opt_bool(key).map(Option::unwrap_or_default)
    }

    /// One of `all`, by its `name`, or `None`.
    pub fn opt_one_of<T: Copy>(
        &self,
        key: &str,
        all: &[T],
        name: impl Fn(T) -> &'static str,
    ) -> Result<Option<T>, FieldError> {
        let Some(found) = self.opt_str(key)? else {
            return Ok(None);
        };
        match all.iter().find(|v| name(**v) == found) {
            Some(v) => Ok(Some(*v)),
            None => Err(FieldError {
                field: key.to_string(),
                problem: format!(
                    "`{found}` is none of: {}",
                    all.iter().map(|v| name(*v)).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }

    /// One of `all`, by its `name`.
    pub fn one_of<T: Copy>(
        &self,
        key: &str,
        all: &[T],
        name: impl Fn(T) -> &'static str,
    ) -> Result<T, FieldError> {
        self.required(key)?;
        self.opt_one_of(key, all, name)?.ok_or_else(|| FieldError {
            field: key.to_string(),
            problem: "missing".to_string(),
        })
    }

    /// An object, read with `read`, or `None`; its errors name the field
    /// inside it.
    pub fn opt_object<T>(
        &self,
        key: &str,
        what: &'static str,
        read: impl FnOnce(Fields<'v>) -> Result<T, FieldError>,
    ) -> Result<Option<T>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .fields(what)
                .and_then(read)
                .map(Some)
                .map_err(|e| e.within(key)),
        }
    }
}

/// Any serde data as a [`Value`]: how the core's hand-written readers are
/// offered to serde (`impl Deserialize for StatusDocument` reads a `Value`
/// and maps it), so that every reader of a type shares one definition.
impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> serde::de::Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(match u64::try_from(v) {
            Ok(n) => Number::Unsigned(n),
            Err(_) => Number::Signed(v),
        }))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(Number::Unsigned(v)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(Number::Float(v)))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            members.push((k, v));
        }
        Ok(Value::Object(members))
    }
}

/// A [`Value`] as serde data (what [`Value::write`] writes).
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(Number::Unsigned(n)) => s.serialize_u64(*n),
            Value::Number(Number::Signed(n)) => s.serialize_i64(*n),
            Value::Number(Number::Float(x)) => s.serialize_f64(*x),
            Value::String(v) => s.serialize_str(v),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Implements `Deserialize` for a type through its hand-written reader
/// `fn(&Value) -> Result<Self, FieldError>`: serde readers (serde_json,
/// reqwest's `.json()`) and the core read it the same way.
macro_rules! deserialize_through_value {
    ($type:ty, $read:path) => {
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value =
                    <$crate::foundation::json_text::Value as serde::Deserialize>::deserialize(d)?;
                $read(&value).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use deserialize_through_value;

/// Implements `Serialize` and `Deserialize` for a fieldless enum through
/// its `ALL` and `as_str`: the names are written once, in `as_str`.
macro_rules! serde_by_name {
    ($type:ty) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <String as serde::Deserialize>::deserialize(d)?;
                <$type>::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == name)
                    .ok_or_else(|| {
                        let names: Vec<&str> = <$type>::ALL.iter().map(|v| v.as_str()).collect();
                        serde::de::Error::custom(format_args!(
                            "`{name}` is none of: {}",
                            names.join(", ")
                        ))
                    })
            }
        }
    };
}
pub(crate) use serde_by_name;
