//! A cursor over JSON text (RFC 8259): the tokens, one at a time, with the
//! byte offset of every error and a nesting limit.

use super::{JsonError, MAX_NESTING};

/// A JSON number, as the text wrote it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A whole number from 0 to `u64::MAX`.
    Unsigned(u64),
    /// A negative whole number down to `i64::MIN`.
    Signed(i64),
    /// Anything else: a fraction, an exponent, or a whole number out of
    /// range. Exact (the nearest `f64`) when the digits make a number below
    /// 2^53 and the decimal exponent is at most 22 either way, as for every
    /// amount a provider writes (`330.07`); else close, maybe off in the
    /// last bits.
    Float(f64),
}

/// Reads JSON text token by token. Every method skips the whitespace
/// before its token; none panics, whatever the text.
///
/// ```
/// use appswitch_core::foundation::json_text::{Number, Reader};
///
/// let mut r = Reader::new(r#"[7, "a\u00e5"]"#);
/// r.open(b'[')?;
/// let mut first = true;
/// let mut items = Vec::new();
/// while r.next(b']', &mut first)? {
///     match r.peek() {
///         Some(b'"') => items.push(r.string()?),
///         _ => items.push(format!("{:?}", r.number()?)),
///     }
/// }
/// r.end()?;
/// assert_eq!(items, ["Unsigned(7)", "aå"]);
/// # Ok::<(), appswitch_core::foundation::json_text::JsonError>(())
/// ```
#[derive(Debug)]
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// The byte offset the reader is at.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// An error at the reader's offset.
    pub fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError {
            message: message.into(),
            at: self.pos,
            syntax: true,
        }
    }

    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// The first byte of the next token, or `None` at the end.
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.byte() {
            self.pos += 1;
        }
        self.byte()
    }

    /// Consumes `token` (`null`, `true`, `false`, `:`, …) if it comes next.
    pub fn eat(&mut self, token: &str) -> bool {
        self.peek();
        let found = self
            .text
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(token));
        if found {
            self.pos += token.len();
        }
        found
    }

    fn expect(&mut self, token: &str, what: &str) -> Result<(), JsonError> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    /// "expected `what`, found …" at the next token.
    pub fn unexpected(&mut self, what: &str) -> JsonError {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let found = match rest.bytes().next() {
            None => "the end of the text",
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(_) if rest.starts_with("true") || rest.starts_with("false") => "a boolean",
            Some(_) if rest.starts_with("null") => "null",
            Some(_) => "a character that starts no JSON value",
        };
        self.error(format!("expected {what}, found {found}"))
    }

    /// `null`, or `None` if another value comes next.
    pub fn null(&mut self) -> bool {
        self.eat("null")
    }

    /// `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, JsonError> {
        if self.eat("true") {
            Ok(true)
        } else if self.eat("false") {
            Ok(false)
        } else {
            Err(self.unexpected("a boolean"))
        }
    }

    /// Enters an array (`[`) or an object (`{`). Nesting deeper than
    /// [`MAX_NESTING`] levels is an error: a deeper document could exhaust the
    /// stack of whatever reads it recursively.
    pub fn open(&mut self, bracket: u8) -> Result<(), JsonError> {
        let what = if bracket == b'[' {
            "an array"
        } else {
            "an object"
        };
        if self.peek() != Some(bracket) {
            return Err(self.unexpected(what));
        }
        if self.depth >= MAX_NESTING {
            return Err(self.error(format!(
                "arrays and objects are nested more than {MAX_NESTING} levels deep"
            )));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Moves to the next element of an array (`close` = `]`) or the next
    /// member of an object (`}`): `true` if there is one (for an object,
    /// its key comes next), `false` after the closing bracket. `first`
    /// starts `true` for each array or object.
    pub fn next(&mut self, close: u8, first: &mut bool) -> Result<bool, JsonError> {
        if self.peek() == Some(close) {
            self.close(close)?;
            return Ok(false);
        }
        if !*first {
            self.expect(
                ",",
                if close == b']' {
                    "`,` or `]`"
                } else {
                    "`,` or `}`"
                },
            )?;
        }
        *first = false;
        Ok(true)
    }

    /// Leaves an array (`]`) or an object (`}`): the bracket must come next.
    pub fn close(&mut self, bracket: u8) -> Result<(), JsonError> {
        if self.peek() != Some(bracket) {
            return Err(self.unexpected(if bracket == b']' { "`]`" } else { "`}`" }));
        }
        self.pos += 1;
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }

    /// An object member's key and the `:` after it.
    pub fn key(&mut self) -> Result<String, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a key (a string)"));
        }
        let key = self.string()?;
        self.expect(":", "`:`")?;
        Ok(key)
    }

    /// A string, unescaped.
    pub fn string(&mut self) -> Result<String, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string"));
        }
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.byte() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // `start` and `pos` are at ASCII bytes or the end: char boundaries.
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
            match self.byte() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.error("a control character in a string")),
                None => return Err(self.error("the text ends inside a string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let b = self.byte();
        self.pos += 1;
        Ok(match b {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&high) {
                    if !self
                        .text
                        .get(self.pos..)
                        .is_some_and(|r| r.starts_with("\\u"))
                    {
                        return Err(self.error("a lone surrogate in a `\\u` escape"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return Err(self.error("a lone surrogate in a `\\u` escape"));
                    }
                    0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
                } else {
                    high
                };
                char::from_u32(code)
                    .ok_or_else(|| self.error("a lone surrogate in a `\\u` escape"))?
            }
            _ => return Err(self.error("an unknown escape in a string")),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .byte()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error("`\\u` is not followed by four hex digits"))?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    /// A number.
    pub fn number(&mut self) -> Result<Number, JsonError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.unexpected("a number"));
        }
        let number_start = self.pos;
        let negative = self.byte() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let (mut mantissa, mut exponent) = (0u64, 0i32);
        let int_start = self.pos;
        while let Some(d @ b'0'..=b'9') = self.byte() {
            self.pos += 1;
            push_digit(&mut mantissa, &mut exponent, d, false);
        }
        let int_len = self.pos - int_start;
        if int_len == 0 || (int_len > 1 && self.text.as_bytes().get(int_start) == Some(&b'0')) {
            return Err(self.error("not a JSON number"));
        }
        let whole = exponent == 0;
        let mut float = !whole;
        if self.byte() == Some(b'.') {
            self.pos += 1;
            float = true;
            let frac_start = self.pos;
            while let Some(d @ b'0'..=b'9') = self.byte() {
                self.pos += 1;
                push_digit(&mut mantissa, &mut exponent, d, true);
            }
            if self.pos == frac_start {
                return Err(self.error("not a JSON number"));
            }
        }
        if let Some(b'e' | b'E') = self.byte() {
            self.pos += 1;
            float = true;
            let sign = match self.byte() {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            if sign != 0 {
                self.pos += 1;
            }
            let exp_start = self.pos;
            let mut e: i32 = 0;
            while let Some(d @ b'0'..=b'9') = self.byte() {
                self.pos += 1;
                e = e.saturating_mul(10).saturating_add(i32::from(d - b'0'));
            }
            if self.pos == exp_start {
                return Err(self.error("not a JSON number"));
            }
            exponent = exponent.saturating_add(if sign < 0 { -e } else { e });
        }
        if !float {
            if !negative {
                return Ok(Number::Unsigned(mantissa));
            }
            if let Some(n) = 0i64.checked_sub_unsigned(mantissa) {
                return Ok(Number::Signed(n));
            }
        }
        let value = to_f64(mantissa, exponent);
        if value.is_infinite() {
            // As serde_json: JSON has no infinity (`1e999`).
            return Err(JsonError {
                at: number_start,
                ..self.error("number out of range")
            });
        }
        Ok(Number::Float(if negative { -value } else { value }))
    }

    /// Skips one value of any kind.
    pub fn skip(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b @ (b'[' | b'{')) => {
                let close = if b == b'[' { b']' } else { b'}' };
                self.open(b)?;
                let mut first = true;
                while self.next(close, &mut first)? {
                    if close == b'}' {
                        self.key()?;
                    }
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(b't' | b'f') => self.bool().map(drop),
            _ if self.null() => Ok(()),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    /// Checks that nothing but whitespace follows.
    pub fn end(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("text after the JSON value")),
        }
    }
}

/// Adds a decimal digit to the mantissa; digits beyond what a `u64` holds
/// only move the exponent (whole part) or are dropped (fraction).
fn push_digit(mantissa: &mut u64, exponent: &mut i32, d: u8, fraction: bool) {
    let next = mantissa
        .checked_mul(10)
        .and_then(|m| m.checked_add(u64::from(d - b'0')));
    match (next, fraction) {
        (Some(m), false) => *mantissa = m,
        (Some(m), true) => {
            *mantissa = m;
            *exponent = exponent.saturating_sub(1);
        }
        (None, false) => *exponent = exponent.saturating_add(1),
        (None, true) => {}
    }
}

/// `mantissa · 10^exponent`: exact (correctly rounded) when the mantissa
/// is below 2^53 and |exponent| ≤ 22, the common case; else close.
fn to_f64(mantissa: u64, exponent: i32) -> f64 {
    // Exact powers of ten: every one up to 1e22 is a double.
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    // Exact below 2^53; above, rounded once.
    #[allow(clippy::cast_precision_loss)]
    let m = mantissa as f64;
    if m == 0.0 {
        return 0.0;
    }
    let steps = exponent.unsigned_abs();
    match POW10.get(steps as usize) {
        Some(p) if exponent < 0 => m / p,
        Some(p) => m * p,
        None => {
            let (mut value, mut left) = (m, steps);
            while left > 0 && value.is_finite() && value != 0.0 {
                let step = left.min(22);
                let p = POW10.get(step as usize).copied().unwrap_or(1e22);
                value = if exponent < 0 { value / p } else { value * p };
                left -= step;
            }
            value
        }
    }
}
