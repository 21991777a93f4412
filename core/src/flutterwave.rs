//! Flutterwave (Rave v2): long requests answered by polling a ping URL
//! (seed `002_a8b733aee8e2a6b7.txt`, "Handling Timeouts Via API").
//!
//! With `use_polling=1`, a charge that takes too long is answered with a
//! [`LongRequest`] (`"message": "LONG-REQ"`) carrying a `ping_url` and an
//! advised `wait` in milliseconds. The client waits, then polls the ping URL
//! until its [`PingAnswer`] says `completed`, and then — "Do I still need to
//! requery when I get the final response from the ping url? Yes you do." —
//! asks for the final result once more. The tracker
//! ([`crate::tracker`]) does exactly that; this module holds the wire types
//! and what their embedded charge response proves.
//!
//! Every Rave answer is an [`Envelope`]: `{"status", "message", "data"}`.
//!
//! ```
//! use appswitch_core::flutterwave::{self, FlutterwaveBody};
//!
//! let body = r#"{"status":"success","message":"LONG-REQ","data":{
//!     "ping_url":"https://api.ravepay.co/flwv3-pug/getpaidx/api/requests/RCORE_CHREQ_529B",
//!     "message":"The request is taking too long. Please poll the ping_url to get response",
//!     "REQUEST":"RCORE_CHREQ_529B","wait":7468}}"#;
//! match flutterwave::read(body) {
//!     Some(Ok(FlutterwaveBody::LongRequest(long))) => {
//!         assert_eq!(long.wait().as_millis(), 7468)
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```

use core::time::Duration;

use core::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::json::{Outline, TextReader};
use crate::money::Amount;
use crate::status::PaymentStatus;

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
/// poll the ping_url to get response" (seed 002).
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
    /// polling" — milliseconds (seed 002).
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
    /// "If we still don't have a success or failure response" (seed 002).
    Pending,
    /// "Once we have a success or failure response" (seed 002).
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
        deserialize_with = "flag",
        skip_serializing_if = "Option::is_none"
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
    /// (`"330.07"` or `4500.00`), converted to minor units.
    #[serde(
        default,
        deserialize_with = "major_units",
        skip_serializing_if = "Option::is_none"
    )]
    pub charged_amount: Option<Amount>,
}

/// `data` of an error answer — seed 002's "Sample response when there is a
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
    /// to provide respond or you get a 5xx error" (seed 002) — the outcome is
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
        match &self.response {
            Some(text) => crate::json::parse(text)
                .map(Some)
                .map_err(|e| FlutterwaveError::Response(e.to_string())),
            None => Ok(None),
        }
    }
}

/// Sorts a JSON body into a Flutterwave answer. `None` when the body is not
/// a Rave envelope (an object with string `status` and `message` and an
/// object `data`); `Some(Err(..))` when it is one but cannot be used.
pub fn read(body: &str) -> Option<Result<FlutterwaveBody, FlutterwaveError>> {
    let reader = crate::json::READER;
    read_outlined(reader, body, &Outline::of(reader, body)?)
}

/// [`read`] with the body's outline already taken.
pub(crate) fn read_outlined(
    reader: impl TextReader,
    body: &str,
    outline: &Outline,
) -> Option<Result<FlutterwaveBody, FlutterwaveError>> {
    let status = outline.get("status")?.as_str()?;
    let message = outline.get("message")?.as_str()?;
    let data = outline.get("data")?;
    if !data.is_object() {
        return None;
    }
    if status == "error" {
        return Some(decode(reader, body, "error").map(FlutterwaveBody::Error));
    }
    if message == LONG_REQUEST_MESSAGE || data.get("ping_url").is_some() {
        return Some(
            decode::<LongRequest>(reader, body, "LONG-REQ").and_then(|long| {
                if long.ping_url.starts_with("https://") || long.ping_url.starts_with("http://") {
                    Ok(FlutterwaveBody::LongRequest(long))
                } else {
                    Err(FlutterwaveError::PingUrl(long.ping_url))
                }
            }),
        );
    }
    let is_ping_status = matches!(
        data.get("status").and_then(Outline::as_str),
        Some("pending" | "completed")
    );
    if data.get("reqid").is_some() || is_ping_status {
        return Some(decode(reader, body, "ping").map(|p| FlutterwaveBody::Ping(Box::new(p))));
    }
    Some(Err(FlutterwaveError::UnknownKind(message.to_string())))
}

/// The envelope's `data`, read as `T`.
fn decode<T: serde::de::DeserializeOwned>(
    reader: impl TextReader,
    body: &str,
    kind: &'static str,
) -> Result<T, FlutterwaveError> {
    reader
        .read::<Envelope<T>>(body)
        .map(|envelope| envelope.data)
        .map_err(|e| FlutterwaveError::Data {
            kind,
            reason: e.to_string(),
        })
}

/// `is_err`: `1`/`0` or `true`/`false` (or `null`).
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Flag;
    impl Visitor<'_> for Flag {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, 0 or 1")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v != 0))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v != 0))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Flag)
}

/// A major-unit amount (`"330.07"`, `4500.00`, `"4500"`) as minor units;
/// `None` when it has more than two decimals or is not a plain number.
fn major_units<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
    struct Major;
    impl Visitor<'_> for Major {
        type Value = Option<Amount>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an amount in major units")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(parse_major_units(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(v.checked_mul(100).map(Amount::from_minor))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(cents_of(v).map(Amount::from_minor))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Major)
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
#[cfg(feature = "json")]
mod tests {
    use super::*;
    use crate::status::PaymentState;

    /// Seed 002's completed ping answer, verbatim.
    const COMPLETED_FAILED: &str = r#"{
      "status": "success",
      "message": "REQSPONSE",
      "data": {
        "id": 61,
        "reqid": "RCORE_CHREQ_17F0B216FD488F229EA0",
        "status": "completed",
        "response": "{\"code\":\"FLW_ERR\",\"message\":\"Sorry that account number is invalid. Please check and try again\",\"err_tx\":{\"id\":83146,\"flwRef\":\"ACHG-1511212902957\",\"chargeResponseCode\":\"RR\",\"chargeResponseMessage\":\"Sorry that account number is invalid. Please check and try again\",\"status\":\"failed\",\"merchantbearsfee\":0,\"appfee\":\"10.0736\",\"merchantfee\":\"0\",\"charged_amount\":\"330.07\"},\"is_err\":1}",
        "createdAt": "2017-11-20T21:21:44.000Z",
        "updatedAt": "2017-11-20T21:21:57.000Z",
        "deletedAt": null,
        "response_parsed": {
          "code": "FLW_ERR",
          "message": "Sorry that account number is invalid. Please check and try again",
          "err_tx": {
            "id": 83146,
            "flwRef": "ACHG-1511212902957",
            "chargeResponseCode": "RR",
            "chargeResponseMessage": "Sorry that account number is invalid. Please check and try again",
            "status": "failed",
            "merchantbearsfee": 0,
            "appfee": "10.0736",
            "merchantfee": "0",
            "charged_amount": "330.07"
          },
          "is_err": 1
        }
      }
    }"#;

    /// Seed 002's pending ping answer, verbatim.
    const PENDING: &str = r#"{
      "status": "success",
      "message": "REQSPONSE",
      "data": {
        "id": 61,
        "reqid": "RCORE_CHREQ_17F0B216FD488F229EA0",
        "status": "pending",
        "response": null,
        "createdAt": "2017-11-20T21:21:44.000Z",
        "updatedAt": "2017-11-20T21:21:44.000Z",
        "deletedAt": null,
        "response_parsed": null
      }
    }"#;

    /// Seed 002's timeout answer, verbatim.
    const TIMEOUT: &str = r#"{
      "status": "error",
      "message": "No Message",
      "data": {
        "code": "FLW_ERR",
        "message": "No Message",
        "err_tx": {
          "id": 60335,
          "chargeResponseCode": "NR",
          "chargeResponseMessage": "No Message",
          "status": "failed",
          "merchantbearsfee": 1,
          "appfee": 96.25,
          "merchantfee": 0,
          "charged_amount": 4500.00
        }
      }
    }"#;

    /// What both readers make of `s` (they must agree; only the wording
    /// of their errors may differ).
    fn read_str(s: &str) -> Option<Result<FlutterwaveBody, FlutterwaveError>> {
        use crate::json::{Lite, SerdeJson};
        let serde = Outline::of(SerdeJson, s).and_then(|o| read_outlined(SerdeJson, s, &o));
        let lite = Outline::of(Lite, s).and_then(|o| read_outlined(Lite, s, &o));
        match (&serde, &lite) {
            (Some(Err(a)), Some(Err(b))) => {
                assert_eq!(
                    core::mem::discriminant(a),
                    core::mem::discriminant(b),
                    "{s}"
                )
            }
            _ => assert_eq!(serde, lite, "{s}"),
        }
        assert_eq!(read(s), serde);
        serde
    }

    #[test]
    fn reads_the_seed_long_request() {
        let body = r#"{"status":"success","message":"LONG-REQ","data":{
            "ping_url":"http://localhost:9329/flwv3-pug/getpaidx/api/requests/RCORE_CHREQ_529B140C1A06B38AD413",
            "message":"The request is taking too long. Please poll the ping_url to get response",
            "REQUEST":"RCORE_CHREQ_529B140C1A06B38AD413","wait":7468}}"#;
        let Some(Ok(FlutterwaveBody::LongRequest(long))) = read_str(body) else {
            panic!("not a long request")
        };
        assert_eq!(long.wait(), Duration::from_millis(7468));
        assert_eq!(
            long.request.as_deref(),
            Some("RCORE_CHREQ_529B140C1A06B38AD413")
        );
    }

    #[test]
    fn a_completed_ping_maps_its_embedded_response() {
        let Some(Ok(FlutterwaveBody::Ping(ping))) = read_str(COMPLETED_FAILED) else {
            panic!("not a ping")
        };
        assert_eq!(ping.status, PingStatus::Completed);
        let charge = ping.charge_response().unwrap().unwrap();
        assert_eq!(
            charge.err_tx.as_ref().unwrap().charged_amount,
            Some(Amount::from_minor(33007))
        );
        let status = charge.observation().unwrap();
        assert_eq!(
            status.state(),
            PaymentState::Failed {
                reason: "Sorry that account number is invalid. Please check and try again".into()
            }
        );
        // Without `response_parsed`, the `response` text is read instead.
        let mut text_only = ping.clone();
        text_only.response_parsed = None;
        assert_eq!(text_only.charge_response().unwrap(), Some(charge));
    }

    #[test]
    fn a_pending_ping_proves_nothing() {
        let Some(Ok(FlutterwaveBody::Ping(ping))) = read_str(PENDING) else {
            panic!("not a ping")
        };
        assert_eq!(ping.status, PingStatus::Pending);
        assert_eq!(ping.charge_response().unwrap(), None);
    }

    #[test]
    fn the_timeout_answer_is_an_error_not_a_failure() {
        let Some(Ok(FlutterwaveBody::Error(e))) = read_str(TIMEOUT) else {
            panic!("not an error")
        };
        assert_eq!(e.code.as_deref(), Some("FLW_ERR"));
        let Ok(Envelope {
            data: ChargeResponse {
                err_tx: Some(tx), ..
            },
            ..
        }) = crate::json::parse::<Envelope<ChargeResponse>>(TIMEOUT)
        else {
            panic!("the error's transaction")
        };
        assert_eq!(tx.charged_amount, Some(Amount::from_minor(450000)));
    }

    #[test]
    fn only_an_approved_successful_transaction_is_money() {
        let ok: ChargeResponse = serde_json::from_str(
            r#"{"code":"00","tx":{"status":"successful","chargeResponseCode":"00","charged_amount":4500.00}}"#,
        )
        .unwrap();
        let s = ok.observation().unwrap();
        assert_eq!(s.state(), PaymentState::Captured { full: true });
        assert_eq!(s.amounts().captured, Amount::from_minor(450000));
        let needs_otp: ChargeResponse =
            serde_json::from_str(r#"{"tx":{"status":"successful","chargeResponseCode":"02"}}"#)
                .unwrap();
        assert_eq!(needs_otp.observation(), None);
        assert_eq!(ChargeResponse::default().observation(), None);
    }

    #[test]
    fn rejects_what_it_cannot_use() {
        assert!(read_str(r#"{"orderId":"x"}"#).is_none());
        assert!(read_str(r#"[1,2]"#).is_none());
        let err = read_str(
            r#"{"status":"success","message":"LONG-REQ","data":{"ping_url":"javascript:alert(1)","wait":1}}"#,
        )
        .unwrap()
        .unwrap_err();
        assert!(err.to_string().contains("ping_url"), "{err}");
        let err = read_str(r#"{"status":"success","message":"LONG-REQ","data":{"wait":1}}"#)
            .unwrap()
            .unwrap_err();
        assert!(err.to_string().contains("ping_url"), "{err}");
        let err = read_str(r#"{"status":"success","message":"V-COMP","data":{"x":1}}"#)
            .unwrap()
            .unwrap_err();
        assert!(matches!(err, FlutterwaveError::UnknownKind(_)));
    }

    #[test]
    fn major_units_are_read_exactly() {
        assert_eq!(parse_major_units("330.07"), Some(Amount::from_minor(33007)));
        assert_eq!(parse_major_units("4500"), Some(Amount::from_minor(450000)));
        assert_eq!(parse_major_units("0.5"), Some(Amount::from_minor(50)));
        assert_eq!(parse_major_units("10.0736"), None);
        assert_eq!(parse_major_units("-1"), None);
        assert_eq!(parse_major_units(".5"), None);
        assert_eq!(parse_major_units("1e3"), None);
        assert_eq!(parse_major_units("99999999999999999999"), None);
        // As JSON numbers, with either reader.
        for (number, cents) in [
            ("4500.00", Some(450000)),
            ("330.07", Some(33007)),
            ("0.1", Some(10)),
            ("19.99", Some(1999)),
            ("10.0736", None),
            ("-1.5", None),
            ("-3", None),
            ("7", Some(700)),
            ("1e300", None),
            ("null", None),
        ] {
            let text = format!(r#"{{"charged_amount":{number}}}"#);
            let lite: ChargeTransaction = crate::json_text::from_str(&text).unwrap();
            let serde: ChargeTransaction = serde_json::from_str(&text).unwrap();
            assert_eq!(
                lite.charged_amount,
                cents.map(Amount::from_minor),
                "{number}"
            );
            assert_eq!(serde.charged_amount, lite.charged_amount, "{number}");
        }
    }

    proptest::proptest! {
        #[test]
        fn reading_never_panics(s in "\\PC{0,80}") {
            let _ = read_str(&s);
            let _ = parse_major_units(&s);
        }

        #[test]
        fn cents_are_exact_for_two_decimals(cents in 0u64..1_000_000_000_000) {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            let x: f64 = text.parse().unwrap();
            proptest::prop_assert_eq!(cents_of(x), Some(cents));
        }
    }
}
