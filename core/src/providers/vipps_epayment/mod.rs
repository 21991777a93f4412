//! Vipps MobilePay ePayment API v1 with the Webhooks API: the provider's
//! API for new integrations in Norway, Denmark and Finland, beside eCom v2
//! ([`crate::providers::vipps_ecom`]).
//!
//! Sources, cited by name and section throughout: the ePayment API guide
//! (Create, Capture, Cancel, Refund, Get payment, Get payment event log,
//! Payment states, Webhooks, Errors, FAQ, Migration from the eCom API) and
//! its OpenAPI specification (v1.4.1, and the 2024 text of the provider's
//! SDK where it is newer); the Webhooks API guide (Register a webhook,
//! Events, Retries, Request authentication); the knowledge base (Timeouts,
//! App flow recommendations).
//!
//! # A payment, from the backend's side
//!
//! 1. **Create**: build a [`CreatePaymentRequest`] with
//!    [`CreatePaymentRequest::builder`] (reference, amount and currency,
//!    `userFlow` and what it needs), `POST` it to [`endpoints::PAYMENTS`]
//!    with an [`IdempotencyKey`] as `Idempotency-Key`, and read the
//!    [`CreatePaymentResponse`]. [`Redirect::for_response`] says what its
//!    `redirectUrl` is for; the shopper floor's deeplink plans open it.
//! 2. **Register a webhook** once ([`RegisterWebhookRequest`] →
//!    [`RegisterWebhookResponse`], whose [`WebhookSecret`] signs every
//!    delivery). Verify each delivery with [`signature::verify`] (feature
//!    `webhook-auth`); one that fails changes nothing and is answered
//!    `401`.
//! 3. **Find out what happened**: each [`WebhookEvent`], each
//!    [`GetPaymentResponse`] poll and each [`EventLog`] gives facts with
//!    `to_status()`; merge them ([`PaymentStatus::merge`]) in any order,
//!    any number of times. "The Merchant must not rely on `returnUrl` or
//!    `webhooks` alone, and must poll" (ePayment API checklist).
//! 4. **Capture, cancel, refund**: [`check_capture`], [`check_cancel`],
//!    [`check_refund`] against the last state and aggregate, then `POST`
//!    the body with an `Idempotency-Key`; read the [`ModificationResponse`].
//! 5. **When a call fails**: read the [`Problem`] and ask [`classify`].
//!
//! # From the provider's words to a status
//!
//! | observation | facts |
//! |---|---|
//! | state `CREATED` | none yet |
//! | state `AUTHORIZED` | reserved, `aggregate.authorizedAmount` |
//! | state `AUTHORIZED` with `cancelledAmount` > 0 | also cancelled by the merchant |
//! | state `ABORTED` | cancelled by the user |
//! | state `EXPIRED` | rejected (the shopper did not act in time) |
//! | state `TERMINATED` | cancelled by the merchant (before authorization) |
//! | `capturedAmount` / `refundedAmount` > 0 | captured / refunded, that total |
//! | event `AUTHORIZED` | reserved, its amount |
//! | event `CAPTURED` / `REFUNDED` | captured / refunded: at least its amount; the log's sum exactly |
//! | event `ABORTED` / `EXPIRED` | cancelled by the user / rejected |
//! | event `CANCELLED` / `TERMINATED` | cancelled by the merchant |
//! | event `CREATED`, unknown names | none (its time) |
//! | any event with `success: false` | a [`FailedOperation`](crate::status::FailedOperation); the state does not move |
//!
//! Why these, and why never "failed": the ePayment API has no failure
//! state. A refused card does not end the payment — "`WALLET` payments
//! include retry functionality such that, if the user attempts to pay with
//! a declined card, they can retry with a different card for the same
//! payment process" (guide, "Create payment") — so the payment ends as
//! `AUTHORIZED`, `ABORTED` (the user gave up: "actively stopped the
//! process by selecting Cancel or similar"), `EXPIRED` (no action in time:
//! eCom's `REJECTED`, "User did not act on the payment") or `TERMINATED`
//! (the merchant). An unsuccessful event stays a fact, as eCom's
//! `operationSuccess: false` does. Success comes only from an
//! authorization (state `AUTHORIZED`, an `AUTHORIZED` event) or a capture.
//!
//! # eCom payments read through ePayment
//!
//! "payments initiated via the eCom API can be captured, refunded,
//! cancelled, and retrieved using the ePayment API" (guide, "Migration");
//! "The eCom API uses the ePayment API behind the scenes" (FAQ, "Can
//! payments be mixed and matched"). Such a payment reads here as eCom's
//! details do there: a reservation is `AUTHORIZED`, eCom's user `CANCEL`
//! is `ABORTED`, its timeout `REJECTED` is `EXPIRED`, its `VOID` is a
//! `cancelledAmount`, and a direct-capture `SALE` is `AUTHORIZED` with
//! `capturedAmount` equal to it ("The ePayment API only offers reserve
//! capture") — the same facts, so the same [`PaymentStatus`]. Its
//! `reference` is the eCom `orderId`, which may be shorter than a new
//! reference must be: responses keep it as text.
//!
//! # Example
//!
//! ```
//! use appswitch_core::providers::vipps_epayment::{GetPaymentResponse, WebhookEvent};
//! use appswitch_core::status::PaymentState;
//!
//! let webhook = WebhookEvent::parse_json(r#"{"msn": "123456", "reference": "acme-shop-123-order123abc",
//!   "pspReference": "2018200034", "name": "CAPTURED", "amount": {"currency": "DKK", "value": 10000},
//!   "timestamp": "2023-03-27T10:52:07.748Z", "success": true}"#).unwrap();
//! let polled = GetPaymentResponse::parse_json(r#"{"state": "AUTHORIZED",
//!   "aggregate": {"authorizedAmount": {"currency": "DKK", "value": 49900},
//!     "cancelledAmount": {"currency": "DKK", "value": 0},
//!     "capturedAmount": {"currency": "DKK", "value": 0},
//!     "refundedAmount": {"currency": "DKK", "value": 0}},
//!   "amount": {"currency": "DKK", "value": 49900}, "paymentMethod": {"type": "WALLET"},
//!   "profile": {}, "pspReference": "1304787731", "reference": "acme-shop-123-order123abc"}"#).unwrap();
//! // A stale poll and a fresh webhook, either order, twice: the same truth.
//! let a = polled.to_status().merge(&webhook.to_status()).merge(&webhook.to_status());
//! let b = webhook.to_status().merge(&polled.to_status());
//! assert_eq!(a, b);
//! assert_eq!(a.state(), PaymentState::Captured { full: false });
//! ```
//!
//! [`PaymentStatus`]: crate::status::PaymentStatus
//! [`PaymentStatus::merge`]: crate::status::PaymentStatus::merge

pub mod app;
mod create;
mod create_builder;
pub mod endpoints;
mod events;
mod modification;
mod money;
mod msisdn;
mod parse;
mod payment;
mod problem;
mod recognise;
mod redirect;
mod reference;
#[cfg(feature = "webhook-auth")]
pub mod signature;
mod to_status;
mod webhook;

#[cfg(test)]
mod tests;

pub use create::{
    CreatePaymentRequest, CreatePaymentResponse, Customer, CustomerInteraction, PaymentMethod,
    PaymentMethodType, ProfileRequest, QrFormat, QrImageFormat, UserFlow,
};
pub use create_builder::{CreateError, CreatePaymentBuilder, check_amount};
pub use events::{EventKey, EventLog, PaymentEvent, PaymentEventName};
pub use modification::{
    CancelRequest, ForceApproveRequest, ModificationError, ModificationRequest,
    ModificationResponse, check_cancel, check_capture, check_refund,
};
pub use money::{Currency, MAX_VALUE, Money};
pub use msisdn::{Msisdn, MsisdnError};
pub use payment::{Aggregate, GetPaymentResponse, PaymentMethodResponse, ProfileResponse, State};
pub use problem::{CallFailure, ExtraDetail, Problem, classify};
pub use recognise::{EpaymentKind, recognise};
pub use redirect::{Redirect, RedirectError};
pub use reference::{
    IDEMPOTENCY_KEY_MAX_LEN, IdempotencyKey, REFERENCE_LEN, Reference, ReferenceError,
};
pub use webhook::{
    EventType, RegisterWebhookRequest, RegisterWebhookResponse, WebhookEvent, WebhookRegistration,
    WebhookRegistrations, WebhookSecret,
};

/// The `provider` name of an ePayment payment in appswitch's status
/// document.
pub const PROVIDER_NAME: &str = "vipps-epayment";
