//! Retries and idempotency for the merchant's calls to the provider:
//! capture, cancel and refund ([`MutationPlan`]), and initiate
//! ([`InitiatePlan`]), as sans-io plans in the style of the
//! [tracker](crate::shopper::tracker): the caller passes `now` in, does the requests
//! the plan hands out, and feeds back what happened.
//!
//! # The rules (the Vipps eCom API guide and its "Exception handling" guide)
//!
//! - Every capture, cancel and refund carries an [`IdempotencyKey`]
//!   (`X-Request-Id`), made from 16 random bytes the caller draws: "if the
//!   merchant retries a request with the same `X-Request-Id` the retried
//!   request will not make additional changes" (Vipps eCom API guide, "Idempotency").
//!   The key and the exact request body are kept for every retry and in
//!   the [`MutationSnapshot`].
//! - The amount rules ([`check_capture`](crate::providers::vipps_ecom::check_capture),
//!   [`check_cancel`](crate::providers::vipps_ecom::check_cancel),
//!   [`check_refund`](crate::providers::vipps_ecom::check_refund)) are applied before the
//!   first request is built, and again on the latest details before every
//!   retry.
//! - What a failed call means is decided by the error model alone
//!   ([`classify`](crate::providers::vipps_ecom::classify) → [`ErrorClass`](crate::foundation::retry::ErrorClass)):
//!   - `RetryLater` (`429`, `VippsError` 98 or 94, a connection never made):
//!     nothing happened; send again, with the same key, after the
//!     `Retry-After` (or a jittered backoff).
//!   - `CheckThenRetry` (read timeout, `5xx`, `Payment` 52 and 63,
//!     `VippsError` 92 and 99, an
//!     unreadable `2xx`): "if/when the socket read timeout occurs, … call
//!     `GET:/ecomm/v2/payments/{orderId}/details` and check status of last
//!     transaction in transaction history prior to executing the service
//!     call again" (Vipps knowledge base, "Exception handling"). If the history shows the operation — by the
//!     entry with this plan's key, or by its effect where the history
//!     carries no key (no `VOID` does: the cancel endpoint takes no
//!     `X-Request-Id`): the operation, its amount, logged after the plan
//!     first sent it; for a cancel, the payment cancelled at all
//!     ([`PaymentDetails::effect_of`](crate::providers::vipps_ecom::PaymentDetails::effect_of))
//!     — the operation is done; otherwise it is sent again "using the same
//!     idempotency key" (Vipps knowledge base, "Exception handling", "PSP connection issues"). A full
//!     capture the history shows is done, not "nothing remains to
//!     capture"; a cancel of a payment already cancelled is done, not
//!     repeated.
//!   - `Final` (`Payment` 61, 71, 93 and 98, `401`, …) and `NewOrderId`: the plan
//!     fails with the provider's answer, its codes and its class.
//! - The rate-limit table ([`RATE_LIMITS`](crate::providers::vipps_ecom::limits::RATE_LIMITS):
//!   initiate 2 a minute; capture, cancel and refund 5 a minute; details
//!   120 a minute, per order) is never exceeded: a request that would
//!   exceed it is handed out later ([`OrderRates`]).
//! - "The initiate call is not idempotent" (Vipps eCom API guide, "Payment retries"):
//!   [`InitiatePlan`] never sends an initiate whose outcome is unknown
//!   again with the same `orderId`; it checks whether the order exists and
//!   says [`InitiateAction::NewOrderId`] (error 34 says it at once).
//!
//! # The drain rule
//!
//! Call [`poll`](MutationPlan::poll) with the current time. It returns one
//! action:
//!
//! - [`MutationAction::Send`] / [`MutationAction::CheckDetails`]: make that
//!   request, with the timeouts it carries, and feed its outcome back with
//!   [`handle`](MutationPlan::handle) ([`PlanEvent::Answer`] or
//!   [`PlanEvent::TransportError`]) — or with
//!   [`handle_http`](MutationPlan::handle_http) and the raw status,
//!   `Retry-After` header and body. Then poll again.
//! - [`MutationAction::WaitUntil`]: sleep until then (always later than
//!   `now`), then poll again. While a request is in flight this is its
//!   timeout; an answer that never comes counts as a read timeout.
//! - [`MutationAction::Done`] / [`MutationAction::Failed`]: over; every
//!   later poll says the same.
//!
//! One request is in flight at a time, so from async code the plan is a
//! plain loop (the plan is `Send + Sync`, and holds no borrowed data):
//!
//! ```
//! use appswitch_core::foundation::money::Amount;
//! use appswitch_core::merchant::mutation::*;
//! use appswitch_core::providers::vipps_ecom::order_id::OrderId;
//! use appswitch_core::status::PaymentStatus;
//! use appswitch_core::foundation::time::Timestamp;
//! use appswitch_core::shopper::tracker::TransportErrorKind;
//! use appswitch_core::providers::vipps_ecom::MerchantSerialNumber;
//!
//! let order = OrderId::new("shop-1042-a").unwrap();
//! let msn = MerchantSerialNumber::new("123456").unwrap();
//! let reserved = PaymentStatus::initiated().with_reserved(Amount::from_minor(20000));
//! let key = IdempotencyKey::from_random([7; 16]); // 16 bytes from the OS's RNG
//! let mut plan = MutationPlan::capture(&order, &msn, &reserved, None, "Socks shipped", key).unwrap();
//! let mut now = Timestamp::from_millis(1_700_000_000_000);
//!
//! // 1st try: the read times out — the outcome is unknown.
//! let MutationAction::Send(first) = plan.poll(now) else { panic!() };
//! assert_eq!(first.idempotency_header().0, "X-Request-Id");
//! plan.handle(PlanEvent::TransportError { id: first.id, kind: TransportErrorKind::ReadTimeout }, now);
//!
//! // So the details come first. They show no operation with this key …
//! let MutationAction::CheckDetails(check) = plan.poll(now) else { panic!() };
//! plan.handle_http(check.id, 200, None, r#"{"orderId": "shop-1042-a", "transactionLogHistory": [
//!     {"operation": "RESERVE", "operationSuccess": true, "amount": 20000, "requestId": ""}]}"#, now);
//!
//! // … so the capture is sent again, after a backoff, with the same key and body.
//! let second = loop {
//!     match plan.poll(now) {
//!         MutationAction::WaitUntil(t) => now = t,
//!         MutationAction::Send(req) => break req,
//!         other => panic!("{other:?}"),
//!     }
//! };
//! assert_eq!((&second.idempotency_key, &second.body), (&first.idempotency_key, &first.body));
//! plan.handle_http(second.id, 200, None, r#"{"orderId": "shop-1042-a",
//!     "transactionInfo": {"amount": 20000, "status": "Captured", "transactionId": "5001420058"}}"#, now);
//! let MutationAction::Done(done) = plan.poll(now) else { panic!() };
//! assert_eq!(done.status.amounts().captured, Amount::from_minor(20000));
//! ```

mod action;
mod answer;
mod initiate;
mod key;
mod order_rates;
mod pacer;
mod plan;
mod policy;
mod routing;
mod snapshot;

pub use action::{
    Confirmation, DetailsCheck, HttpMethod, MutationAction, MutationDone, MutationFailure,
    MutationKind, MutationRequest,
};
pub use answer::{Expected, PlanEvent, Problem, ProviderAnswer};
pub use initiate::{
    InitiateAction, InitiateFailure, InitiatePlan, InitiateSend, NewOrderId, PreviousOrder,
};
pub use key::{IdempotencyKey, IdempotencyKeyError, MAX_KEY_LEN};
pub use order_rates::OrderRates;
pub use plan::MutationPlan;
pub use policy::{MutationPolicy, PolicyError};
pub use snapshot::{InitiateSnapshot, MutationSnapshot, PLAN_SNAPSHOT_VERSION, PlanSnapshotError};

#[cfg(test)]
mod tests;
