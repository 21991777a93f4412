//! Reading Flutterwave's answers from parsed JSON: the one reader of each
//! type (serde's `Deserialize` goes through it too).

use super::{
    ChargeResponse, ChargeTransaction, ErrorData, LongRequest, PingAnswer, PingStatus, cents_of,
    parse_major_units,
};
use crate::foundation::json_text::{
    FieldError, Fields, Number, Value, deserialize_through_value, serde_by_name,
};
use crate::foundation::money::Amount;

impl PingStatus {
    /// Both.
    pub const ALL: [PingStatus; 2] = [PingStatus::Pending, PingStatus::Completed];

    /// `pending` or `completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            PingStatus::Pending => "pending",
            PingStatus::Completed => "completed",
        }
    }
}

impl LongRequest {
    /// Reads the `data` of a `LONG-REQ` answer.
    pub fn from_json(v: &Value) -> Result<LongRequest, FieldError> {
        let f = v.fields("a LONG-REQ answer's data")?;
        Ok(LongRequest {
            ping_url: f.str("ping_url")?,
            message: f.opt_str("message")?,
            request: f.opt_str("REQUEST")?,
            wait: f.u64("wait")?,
        })
    }
}

impl PingAnswer {
    /// Reads the `data` of a ping answer.
    pub fn from_json(v: &Value) -> Result<PingAnswer, FieldError> {
        let f = v.fields("a ping answer's data")?;
        Ok(PingAnswer {
            id: f.opt_u64("id")?,
            reqid: f.opt_str("reqid")?,
            status: f.one_of("status", &PingStatus::ALL, PingStatus::as_str)?,
            response: f.opt_str("response")?,
            response_parsed: f.opt_object(
                "response_parsed",
                "a charge response",
                charge_response,
            )?,
            created_at: f.opt_str("createdAt")?,
            updated_at: f.opt_str("updatedAt")?,
        })
    }
}

impl ChargeResponse {
    /// Reads a charge response (a completed ping's `response`).
    pub fn from_json(v: &Value) -> Result<ChargeResponse, FieldError> {
        charge_response(v.fields("a charge response")?)
    }
}

fn charge_response(f: Fields<'_>) -> Result<ChargeResponse, FieldError> {
    Ok(ChargeResponse {
        code: f.opt_str("code")?,
        message: f.opt_str("message")?,
        err_tx: f.opt_object("err_tx", "a transaction", transaction)?,
        tx: f.opt_object("tx", "a transaction", transaction)?,
        is_err: match f.get("is_err") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Number(Number::Unsigned(n))) => Some(*n != 0),
            Some(Value::Number(Number::Signed(n))) => Some(*n != 0),
            Some(other) => return Err(FieldError::wrong("is_err", "a boolean, 0 or 1", other)),
        },
    })
}

impl ChargeTransaction {
    /// Reads one transaction of a charge response.
    pub fn from_json(v: &Value) -> Result<ChargeTransaction, FieldError> {
        transaction(v.fields("a transaction")?)
    }
}

fn transaction(f: Fields<'_>) -> Result<ChargeTransaction, FieldError> {
    Ok(ChargeTransaction {
        id: f.opt_u64("id")?,
        flw_ref: f.opt_str("flwRef")?,
        charge_response_code: f.opt_str("chargeResponseCode")?,
        charge_response_message: f.opt_str("chargeResponseMessage")?,
        status: f.opt_str("status")?,
        // In major units as the provider sends it (`"330.07"`, `4500.00`,
        // `"4500"`); `None` when it has more than two decimals or is not a
        // plain number.
        charged_amount: match f.get("charged_amount") {
            None => None,
            Some(Value::String(s)) => parse_major_units(s),
            Some(Value::Number(Number::Unsigned(n))) => n.checked_mul(100).map(Amount::from_minor),
            Some(Value::Number(Number::Signed(_))) => None,
            Some(Value::Number(Number::Float(x))) => cents_of(*x).map(Amount::from_minor),
            Some(other) => {
                return Err(FieldError::wrong(
                    "charged_amount",
                    "an amount in major units",
                    other,
                ));
            }
        },
    })
}

impl ErrorData {
    /// Reads the `data` of an error answer.
    pub fn from_json(v: &Value) -> Result<ErrorData, FieldError> {
        let f = v.fields("an error answer's data")?;
        Ok(ErrorData {
            code: f.opt_str("code")?,
            message: f.opt_str("message")?,
        })
    }
}

serde_by_name!(PingStatus);
deserialize_through_value!(LongRequest, LongRequest::from_json);
deserialize_through_value!(PingAnswer, PingAnswer::from_json);
deserialize_through_value!(ChargeResponse, ChargeResponse::from_json);
deserialize_through_value!(ChargeTransaction, ChargeTransaction::from_json);
deserialize_through_value!(ErrorData, ErrorData::from_json);
