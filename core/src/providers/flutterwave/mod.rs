//! Flutterwave (Rave v2): long requests answered by polling a ping URL
//! (Flutterwave (Rave), "Handling Timeouts Via API").
//!
//! With `use_polling=1` ([`with_use_polling`] adds it to the charge and
//! validate endpoints that need it), a charge that takes too long is
//! answered with a
//! [`LongRequest`] (`"message": "LONG-REQ"`) carrying a `ping_url` and an
//! advised `wait` in milliseconds. The client waits, then polls the ping URL
//! until its [`PingAnswer`] says `completed`, and then — "Do I still need to
//! requery when I get the final response from the ping url? Yes you do." —
//! asks for the final result once more. The tracker
//! ([`crate::shopper::tracker`]) does exactly that; this module holds the wire types
//! and what their embedded charge response proves.
//!
//! Every Rave answer is an [`Envelope`]: `{"status", "message", "data"}`.
//!
//! ```
//! use appswitch_core::providers::flutterwave::{self, FlutterwaveBody};
//!
//! let body = r#"{"status":"success","message":"LONG-REQ","data":{
//!     "ping_url":"https://api.ravepay.co/flwv3-pug/getpaidx/api/requests/RCORE_CHREQ_529B",
//!     "message":"The request is taking too long. Please poll the ping_url to get response",
//!     "REQUEST":"RCORE_CHREQ_529B","wait":7468}}"#;
//! match flutterwave::read(body) {
//!     Some(Ok(FlutterwaveBody::LongRequest(long))) => {
//!         assert_eq!(long.wait().as_millis(), 7468)
//!     }
//!     // Without the `flutterwave-answers` feature (the browser module) the
//!     // body is recognised, and refused by name.
//!     Some(Err(flutterwave::FlutterwaveError::NotRead)) => {}
//!     other => panic!("{other:?}"),
//! }
//! ```
//!
//! The one place that recognises a Rave envelope is [`read_value`]; it
//! reads the body with the `flutterwave-answers` feature, and refuses it
//! with [`FlutterwaveError::NotRead`] without.

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::json::{self, Value};
use crate::foundation::money::Amount;
use crate::status::PaymentStatus;

mod fields;
mod polling;
mod recognise;

// Reading the recognised answers, or (without `flutterwave-answers`)
// refusing them.
#[cfg(feature = "flutterwave-answers")]
mod read;
#[cfg(not(feature = "flutterwave-answers"))]
#[path = "read_refused.rs"]
mod read;

pub use polling::{
    PollingEndpoint, PollingUrlError, USE_POLLING, requires_use_polling, with_use_polling,
};

/// The `message` of a long-request answer.
pub const LONG_REQUEST_MESSAGE: &str = "LONG-REQ";

/// The envelope of every Rave answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// `success` or `error`.
    pub status: String,
    /// `LONG-REQ`, `REQSPONSE` (sic, the ping answer), or a message.
    pub message: String,
    /// The payload.
    pub data: T,
}

/// `data` of a `LONG-REQ` answer: "The request is taking too long. Please
/// poll the ping_url to get response" (Flutterwave, "Handling Timeouts Via API").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LongRequest {
    /// The URL to poll for the result.
    pub ping_url: String,
    /// A human-readable note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The request reference (`RCORE_CHREQ_…`).
    #[serde(rename = "REQUEST", default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// "`"wait": 7468`, is the advised wait time before you should start
    /// polling" — milliseconds (Flutterwave, "Handling Timeouts Via API").
    pub wait: u64,
}

impl LongRequest {
    /// The advised wait before the first ping.
    pub fn wait(&self) -> Duration {
        Duration::from_millis(self.wait)
    }
}

/// Whether the ping URL has the result yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PingStatus {
    /// "If we still don't have a success or failure response" (Flutterwave, "Handling Timeouts Via API").
    Pending,
    /// "Once we have a success or failure response" (Flutterwave, "Handling Timeouts Via API").
    Completed,
}

/// `data` of a ping answer (`"message": "REQSPONSE"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PingAnswer {
    /// Row id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The request reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reqid: Option<String>,
    /// `pending` or `completed`.
    pub status: PingStatus,
    /// The charge response as JSON text (`null` while pending).
    #[serde(default)]
    pub response: Option<String>,
    /// The same charge response, already parsed (`null` while pending).
    #[serde(default)]
    pub response_parsed: Option<ChargeResponse>,
    /// When the request was created (provider's text).
    #[serde(rename = "createdAt", default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When it was last updated (provider's text).
    #[serde(rename = "updatedAt", default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// The charge response a completed ping embeds: an error (`"code":
/// "FLW_ERR"`, `err_tx`, `is_err: 1`) or a transaction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChargeResponse {
    /// `FLW_ERR` for errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The provider's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The failed transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_tx: Option<ChargeTransaction>,
    /// The transaction, when the charge went through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<ChargeTransaction>,
    /// `1` (or `true`) when the charge failed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "fields::flag"
    )]
    pub is_err: Option<bool>,
}

/// One transaction inside a charge response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChargeTransaction {
    /// Transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Flutterwave's reference.
    #[serde(rename = "flwRef", default, skip_serializing_if = "Option::is_none")]
    pub flw_ref: Option<String>,
    /// `00` (or `0`) when approved; other codes otherwise.
    #[serde(
        rename = "chargeResponseCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub charge_response_code: Option<String>,
    /// The reason given with the code.
    #[serde(
        rename = "chargeResponseMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub charge_response_message: Option<String>,
    /// `successful`, `failed`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The amount charged, in major units as the provider sends it
    /// (`"330.07"` or `4500.00`), converted to minor units; `None` when it
    /// has more than two decimals or is not a plain number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "fields::major_units"
    )]
    pub charged_amount: Option<Amount>,
}

/// `data` of an error answer — Flutterwave's "Sample response when there is a
/// timeout": the outcome of the charge is not known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorData {
    /// `FLW_ERR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The provider's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A Flutterwave answer, sorted by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum FlutterwaveBody {
    /// `LONG-REQ`: wait, then poll the ping URL.
    LongRequest(LongRequest),
    /// A ping answer.
    Ping(Box<PingAnswer>),
    /// `"status": "error"`: "Timeouts happen when a request takes to long
    /// to provide respond or you get a 5xx error" (Flutterwave, "Handling Timeouts Via API") — the outcome is
    /// unknown, so ask again.
    Error(ErrorData),
}

/// Why a Flutterwave answer cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlutterwaveError {
    /// The envelope's `data` does not have the fields its kind needs.
    #[error("Flutterwave {kind} answer: field `data`: {reason}")]
    Data {
        /// `LONG-REQ`, `ping` or `error`.
        kind: &'static str,
        /// What is wrong, as the JSON reader said it.
        reason: String,
    },
    /// `ping_url` is not an `http://` or `https://` URL.
    #[error("Flutterwave LONG-REQ answer: field `data.ping_url` `{0}` is not an http(s) URL")]
    PingUrl(String),
    /// A success envelope that is neither `LONG-REQ` nor a ping answer.
    #[error(
        "Flutterwave answer with `message` `{0}` is neither a LONG-REQ nor a ping answer (`data.status` pending/completed)"
    )]
    UnknownKind(String),
    /// The ping answer's `response` text is not a charge response.
    #[error("Flutterwave ping answer: field `data.response`: {0}")]
    Response(String),
    /// A Flutterwave answer, which this build does not read: appswitch-core
    /// without `flutterwave-answers` (the browser module) reads only
    /// appswitch's status document.
    #[error(
        "the body is a Flutterwave answer (`status`, `message`, `data`), which this build does not read (appswitch-core without `flutterwave-answers`): serve appswitch's status document"
    )]
    NotRead,
}

impl ChargeResponse {
    /// What this charge response proves, or `None` when it proves nothing
    /// (neither an error nor an approved transaction).
    ///
    /// An error (`is_err`, `err_tx`, or `code: FLW_ERR`) is a failed
    /// payment with the provider's message. Only a transaction whose
    /// `status` is `successful` and whose `chargeResponseCode` is `00` (or
    /// absent) counts as money taken (a direct sale: captured).
    pub fn observation(&self) -> Option<PaymentStatus> {
        let failed = self.is_err == Some(true)
            || self.err_tx.is_some()
            || self.code.as_deref() == Some("FLW_ERR");
        if failed {
            let reason = self
                .err_tx
                .as_ref()
                .and_then(|t| t.charge_response_message.clone())
                .or_else(|| self.message.clone())
                .unwrap_or_else(|| "Flutterwave charge failed".to_string());
            return Some(PaymentStatus::initiated().with_failure(reason));
        }
        let tx = self.tx.as_ref()?;
        let approved_code = tx
            .charge_response_code
            .as_deref()
            .is_none_or(|c| c == "00" || c == "0");
        let successful = tx
            .status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("successful"));
        if successful && approved_code {
            let amount = tx.charged_amount.unwrap_or_default();
            return Some(
                PaymentStatus::initiated()
                    .with_reserved(amount)
                    .with_captured(amount),
            );
        }
        if tx
            .status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("failed"))
        {
            let reason = tx
                .charge_response_message
                .clone()
                .unwrap_or_else(|| "Flutterwave charge failed".to_string());
            return Some(PaymentStatus::initiated().with_failure(reason));
        }
        None
    }
}

impl PingAnswer {
    /// The embedded charge response: `response_parsed`, or else the
    /// `response` text read as JSON. `None` while pending.
    pub fn charge_response(&self) -> Result<Option<ChargeResponse>, FlutterwaveError> {
        if let Some(parsed) = &self.response_parsed {
            return Ok(Some(parsed.clone()));
        }
        let Some(text) = &self.response else {
            return Ok(None);
        };
        json::parse(text)
            .and_then(|value| json::from_value(&value))
            .map(Some)
            .map_err(|e| FlutterwaveError::Response(e.to_string()))
    }
}

/// Sorts a JSON body into a Flutterwave answer. `None` when the body is not
/// a Rave envelope (an object with string `status` and `message` and an
/// object `data`); `Some(Err(..))` when it is one but cannot be used (or
/// this build does not read Flutterwave answers).
pub fn read(body: &str) -> Option<Result<FlutterwaveBody, FlutterwaveError>> {
    read_value(&json::parse(body).ok()?)
}

/// [`read`] for a body already parsed: the one place that recognises a
/// Flutterwave answer.
pub fn read_value(body: &Value) -> Option<Result<FlutterwaveBody, FlutterwaveError>> {
    let (kind, data) = recognise::recognise(body.as_object()?)?;
    Some(read::read(kind, data))
}

/// The whole number of cents `x` is, if `x` is the double nearest to an
/// amount with at most two decimals (`4500.0`, `330.07`; not `10.0736`).
/// The division by 100 rounds exactly once, so this holds exactly when the
/// shortest decimal text of `x` has at most two decimals.
fn cents_of(x: f64) -> Option<u64> {
    /// 2^53: every whole number below it is exact as an `f64`.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let cents = (x * 100.0).round();
    if !(0.0..EXACT).contains(&cents) || cents / 100.0 != x {
        return None;
    }
    // A whole number in [0, 2^53): exact as a u64.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(cents as u64)
}

/// `"330.07"` → 33007 minor units.
pub fn parse_major_units(text: &str) -> Option<Amount> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return None;
    }
    let cents: u64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole
        .parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
        .map(Amount::from_minor)
}

#[cfg(test)]
#[cfg(feature = "flutterwave-answers")]
mod tests;
