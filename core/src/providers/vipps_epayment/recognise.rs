//! Recognising an ePayment body by its keys — the one place that says what
//! an ePayment payload looks like, asked by
//! [`StatusPayload`](crate::providers::payload::StatusPayload).
//!
//! | the JSON has | it is |
//! |---|---|
//! | an object with `state` and `aggregate`, and `paymentMethod` or `profile` | a get payment response ([`GetPaymentResponse`](super::GetPaymentResponse)) |
//! | an object with `state` and `aggregate` otherwise | a capture, cancel or refund response ([`ModificationResponse`](super::ModificationResponse)) |
//! | an object with `msn`, `name` and `success` | a webhook body ([`WebhookEvent`](super::WebhookEvent)) |
//! | an array whose first element has `name` and `success` | an event log ([`EventLog`](super::EventLog)) |
//!
//! No eCom payload has these keys (eCom's use `transactionInfo`,
//! `transactionLogHistory`, `orderId`), nor does appswitch's status
//! document (`version` and `status`).

use crate::foundation::json::Value;

/// What an ePayment body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpaymentKind {
    /// `GET …/payments/{reference}`.
    Payment,
    /// A capture, cancel or refund response.
    Modification,
    /// `GET …/payments/{reference}/events`.
    EventLog,
    /// A webhook delivery's body.
    Webhook,
}

impl EpaymentKind {
    /// What it is, for messages.
    pub fn what(self) -> &'static str {
        match self {
            EpaymentKind::Payment => "ePayment get payment response",
            EpaymentKind::Modification => "ePayment capture, cancel or refund response",
            EpaymentKind::EventLog => "ePayment event log",
            EpaymentKind::Webhook => "ePayment webhook",
        }
    }
}

/// The kind of ePayment body `value` is, if it is one (a key whose value
/// is `null` counts as absent).
pub fn recognise(value: &Value) -> Option<EpaymentKind> {
    let has = |v: &Value, key: &str| v.get(key).is_some_and(|v| *v != Value::Null);
    match value {
        Value::Object(_) => {
            if has(value, "state") && has(value, "aggregate") {
                if has(value, "paymentMethod") || has(value, "profile") {
                    Some(EpaymentKind::Payment)
                } else {
                    Some(EpaymentKind::Modification)
                }
            } else if has(value, "msn") && has(value, "name") && has(value, "success") {
                Some(EpaymentKind::Webhook)
            } else {
                None
            }
        }
        Value::Array(items) => items
            .first()
            .filter(|first| has(first, "name") && has(first, "success"))
            .map(|_| EpaymentKind::EventLog),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<EpaymentKind> {
        recognise(&crate::foundation::json::parse(text).unwrap())
    }

    #[test]
    fn recognises_each_shape_and_nothing_else() {
        let cases = [
            (
                r#"{"state":"CREATED","aggregate":{},"paymentMethod":{"type":"WALLET"}}"#,
                Some(EpaymentKind::Payment),
            ),
            (
                r#"{"state":"CREATED","aggregate":{},"profile":{}}"#,
                Some(EpaymentKind::Payment),
            ),
            (
                r#"{"state":"AUTHORIZED","aggregate":{},"amount":{}}"#,
                Some(EpaymentKind::Modification),
            ),
            (
                r#"{"msn":"123456","name":"AUTHORIZED","success":true}"#,
                Some(EpaymentKind::Webhook),
            ),
            (
                r#"[{"name":"CREATED","success":true}]"#,
                Some(EpaymentKind::EventLog),
            ),
            (r#"[]"#, None),
            (r#"[{"errorCode":"35"}]"#, None),
            (r#"{"state":"AUTHORIZED","aggregate":null}"#, None),
            (r#"{"version":1,"status":"reserved"}"#, None),
            (
                r#"{"orderId":"o","transactionInfo":{"status":"RESERVED"}}"#,
                None,
            ),
            (r#""CREATED""#, None),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }
}
