//! The ePayment and Webhooks API paths, and the headers a merchant sends
//! (ePayment API specification, `paths` and `parameters`; Webhooks API
//! specification, `paths`).
//!
//! ```
//! use appswitch_core::providers::vipps_epayment::endpoints;
//!
//! assert_eq!(endpoints::payment("acme-shop-123-order123abc"), "/epayment/v1/payments/acme-shop-123-order123abc");
//! assert_eq!(endpoints::capture("acme-shop-123-order123abc"), "/epayment/v1/payments/acme-shop-123-order123abc/capture");
//! ```
//!
//! The access token, `Ocp-Apim-Subscription-Key`, `Merchant-Serial-Number`
//! and the `Vipps-System-*` headers are the same as eCom's
//! ([`crate::providers::vipps_ecom::headers`]): "all APIs use the same API
//! keys, authentication methods, terminology, and error message formats"
//! (ePayment API FAQ).

/// `POST:/epayment/v1/payments`: create.
pub const PAYMENTS: &str = "/epayment/v1/payments";
/// `POST:/webhooks/v1/webhooks`: register (and `GET`: list).
pub const WEBHOOKS: &str = "/webhooks/v1/webhooks";
/// `Idempotency-Key`: required on create, capture, cancel and refund.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// `GET:/epayment/v1/payments/{reference}`: get payment.
pub fn payment(reference: &str) -> String {
    format!("{PAYMENTS}/{reference}")
}

/// `GET:/epayment/v1/payments/{reference}/events`: the event log.
pub fn events(reference: &str) -> String {
    format!("{PAYMENTS}/{reference}/events")
}

/// `POST:/epayment/v1/payments/{reference}/capture`.
pub fn capture(reference: &str) -> String {
    format!("{PAYMENTS}/{reference}/capture")
}

/// `POST:/epayment/v1/payments/{reference}/cancel`.
pub fn cancel(reference: &str) -> String {
    format!("{PAYMENTS}/{reference}/cancel")
}

/// `POST:/epayment/v1/payments/{reference}/refund`.
pub fn refund(reference: &str) -> String {
    format!("{PAYMENTS}/{reference}/refund")
}

/// `POST:/epayment/v1/test/payments/{reference}/approve`: force approve,
/// test environment only.
pub fn force_approve(reference: &str) -> String {
    format!("/epayment/v1/test/payments/{reference}/approve")
}

/// `DELETE:/webhooks/v1/webhooks/{id}`.
pub fn webhook(id: &str) -> String {
    format!("{WEBHOOKS}/{id}")
}
