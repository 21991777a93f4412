//! Writing JSON text token by token; the commas are placed for you.

use core::fmt::Write as _;

/// Builds JSON text. Call the methods in document order; a comma is put
/// between values and between an object's members by itself.
///
/// ```
/// use appswitch_core::foundation::json_text::Writer;
///
/// let mut w = Writer::default();
/// w.open(b'{');
/// w.key("orderId");
/// w.string("shop-\"1\"");
/// w.key("amounts");
/// w.open(b'[');
/// w.u64(100);
/// w.null();
/// w.close(b']');
/// w.close(b'}');
/// assert_eq!(w.finish(), r#"{"orderId":"shop-\"1\"","amounts":[100,null]}"#);
/// ```
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    /// A value was written at this level: the next one needs a comma.
    after_value: bool,
}

impl Writer {
    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }

    fn separate(&mut self) {
        if self.after_value {
            self.out.push(',');
        }
        self.after_value = true;
    }

    /// Starts an array (`[`) or an object (`{`).
    pub fn open(&mut self, bracket: u8) {
        self.separate();
        self.out.push(char::from(bracket));
        self.after_value = false;
    }

    /// Ends an array (`]`) or an object (`}`).
    pub fn close(&mut self, bracket: u8) {
        self.out.push(char::from(bracket));
        self.after_value = true;
    }

    /// An object member's key; its value comes next.
    pub fn key(&mut self, key: &str) {
        self.separate();
        self.quoted(key);
        self.out.push(':');
        self.after_value = false;
    }

    /// A string value.
    pub fn string(&mut self, text: &str) {
        self.separate();
        self.quoted(text);
    }

    /// A whole number.
    pub fn u64(&mut self, n: u64) {
        self.separate();
        let _ = write!(self.out, "{n}");
    }

    /// A negative or positive whole number.
    pub fn i64(&mut self, n: i64) {
        self.separate();
        let _ = write!(self.out, "{n}");
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) {
        self.raw(if b { "true" } else { "false" });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.raw("null");
    }

    /// A token written as it is (`true`, a number's text).
    pub(super) fn raw(&mut self, token: &str) {
        self.separate();
        self.out.push_str(token);
    }

    fn quoted(&mut self, text: &str) {
        self.out.push('"');
        for c in text.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(self.out, "\\u{:04x}", u32::from(c));
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}
