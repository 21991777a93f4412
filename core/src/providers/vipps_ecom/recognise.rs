//! Which Vipps body a parsed JSON object is, by its keys: the one place
//! that recognises what Vipps sends about a payment. [`payload`] asks it
//! (after the status document); the reading of each kind follows the
//! answer, so a body is parsed once.
//!
//! | the object has | it is |
//! |---|---|
//! | `transactionLogHistory` | a details response (Vipps eCom API, "Get payment details") |
//! | `transactionInfo` / `transaction` with `status` `Captured`, `Cancelled` or `Refund` | a capture, cancel or refund response |
//! | `transactionInfo` with a callback status (`RESERVED`, `RESERVE_FAILED`, …) | a callback ("Callbacks") |
//! | `transactionInfo` with a deprecated status name (`REGISTER`, `VOID`, …) and no `merchantSerialNumber` | the deprecated order-status response |
//! | a string `status` and none of the above (asked last) | a Vipps Recurring charge |
//!
//! A key whose value is `null` counts as absent.
//!
//! [`payload`]: crate::providers::payload

use super::{CallbackStatus, Operation, OperationStatus};
use crate::foundation::json::{Object, Value};

/// A Vipps body about a payment, by its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VippsBody {
    /// A details response: the whole history.
    Details,
    /// A capture, cancel or refund response.
    Operation,
    /// A callback, regular or express.
    Callback,
    /// The deprecated order-status response.
    OrderStatus,
}

/// A `status` in a Vipps transaction block that no Vipps body uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnknownStatus {
    /// `transactionInfo.status` or `transaction.status`.
    pub(crate) field: &'static str,
    /// The value found.
    pub(crate) value: String,
}

/// Which Vipps body `object` is; `None` when it has none of the keys of
/// one, an error when it has a transaction block with a status no Vipps
/// body uses.
pub(crate) fn recognise(object: &Object) -> Option<Result<VippsBody, UnknownStatus>> {
    let has = |key: &str| object.get(key).is_some_and(|v| !v.is_null());
    if has("transactionLogHistory") {
        return Some(Ok(VippsBody::Details));
    }
    // `transactionInfo.status` / `transaction.status`, and which block.
    let block = |name: &'static str| {
        let block = object.get(name).and_then(Value::as_object)?;
        Some((name, block.get("status").and_then(Value::as_str)))
    };
    let (name, status) = block("transactionInfo").or_else(|| block("transaction"))?;
    let msn = has("merchantSerialNumber");
    let Some(status) = status else {
        // A block without a readable status: read it as a callback (with
        // an MSN) or an operation response, whose errors name the field.
        return Some(Ok(if msn {
            VippsBody::Callback
        } else {
            VippsBody::Operation
        }));
    };
    let deprecated_name = !matches!(Operation::from_name(status), Operation::Other(_));
    Some(if OperationStatus::from_name(status).is_some() {
        Ok(VippsBody::Operation)
    } else if CallbackStatus::from_name(status).is_some() && (msn || !deprecated_name) {
        Ok(VippsBody::Callback)
    } else if deprecated_name {
        Ok(VippsBody::OrderStatus)
    } else {
        Err(UnknownStatus {
            field: if name == "transaction" {
                "transaction.status"
            } else {
                "transactionInfo.status"
            },
            value: status.to_string(),
        })
    })
}

/// Whether `object` is a Vipps Recurring charge (Vipps Recurring API,
/// "Charge states"): a string `status`. So loose a shape is asked last,
/// after every other recogniser said no.
pub(crate) fn is_recurring_charge(object: &Object) -> bool {
    object.get("status").is_some_and(Value::is_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<Result<VippsBody, UnknownStatus>> {
        let value: Value = serde_json::from_str(text).unwrap();
        recognise(value.as_object().unwrap())
    }

    #[test]
    fn recognises_each_shape() {
        let cases = [
            (r#"{"transactionLogHistory":[]}"#, VippsBody::Details),
            (
                r#"{"transaction":{"status":"Refund"}}"#,
                VippsBody::Operation,
            ),
            (
                r#"{"transactionInfo":{"status":"Captured"}}"#,
                VippsBody::Operation,
            ),
            (
                r#"{"merchantSerialNumber":1,"transactionInfo":{"status":"RESERVE"}}"#,
                VippsBody::Callback,
            ),
            (
                r#"{"transactionInfo":{"status":"RESERVED"}}"#,
                VippsBody::Callback,
            ),
            (
                r#"{"transactionInfo":{"status":"RESERVE"}}"#,
                VippsBody::OrderStatus,
            ),
            (
                r#"{"transactionInfo":{"status":"VOID"}}"#,
                VippsBody::OrderStatus,
            ),
            (r#"{"transactionInfo":{"status":5}}"#, VippsBody::Operation),
            (
                r#"{"merchantSerialNumber":1,"transactionInfo":{}}"#,
                VippsBody::Callback,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), Some(Ok(want)), "{text}");
        }
    }

    #[test]
    fn says_no_to_other_shapes_and_names_an_unknown_status() {
        for text in [
            r#"{"a":1}"#,
            r#"{"transactionLogHistory":null}"#,
            r#"{"transactionInfo":"RESERVED"}"#,
            r#"{"version":1,"status":"reserved"}"#,
        ] {
            assert_eq!(kind(text), None, "{text}");
        }
        assert_eq!(
            kind(r#"{"transactionInfo":{"status":"PENDING"}}"#),
            Some(Err(UnknownStatus {
                field: "transactionInfo.status",
                value: "PENDING".into()
            }))
        );
        assert_eq!(
            kind(r#"{"transaction":{"status":"PENDING"}}"#),
            Some(Err(UnknownStatus {
                field: "transaction.status",
                value: "PENDING".into()
            }))
        );
    }

    #[test]
    fn a_recurring_charge_has_a_string_status() {
        let charge = |t: &str| {
            let v: Value = serde_json::from_str(t).unwrap();
            is_recurring_charge(v.as_object().unwrap())
        };
        assert!(charge(r#"{"id":"chr-1","status":"CHARGED","amount":100}"#));
        assert!(!charge(r#"{"status":5}"#));
        assert!(!charge(r#"{"id":"chr-1"}"#));
    }
}
