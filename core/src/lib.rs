//! # appswitch-core
//!
//! The sans-io heart of appswitch: everything that decides, nothing that
//! does. No I/O, no clock, no randomness, no threads — the caller passes
//! `now` (and any randomness) in, and the core answers with what to do next.
//! The browser module (`appswitch-wasm`), the Kotlin/Swift bindings
//! (`appswitch-mobile`) and merchant backends all use these same rules, so
//! iOS, Android and the web can never disagree.
//!
//! ## What the provider says
//! - [`status`]: the provider-neutral payment status that only moves forward,
//!   and the status document the backend serves.
//! - [`payload`]: one parser for anything the provider or the backend sends
//!   back about a payment, turned into a status.
//! - [`vipps`]: the Vipps eCom v2 API: its numbers, wire types and rules.
//! - [`flutterwave`]: Flutterwave's long requests (`LONG-REQ`, ping URL).
//! - [`dintero`]: Dintero's failed card transactions, `DO_NOT_RETRY`, and
//!   the `strict-merchant-reference` duplicate.
//!
//! ## Getting the shopper out and back
//! - [`url`]: fallback URLs, the provider's URL rules, callback prefixes,
//!   and recognising the shopper's return.
//! - [`deeplink`]: the initiate response's `url` — landing page or app
//!   deeplink — its deadlines, and how to open it on each platform.
//! - [`platform`]: iOS, Android, mobile web, desktop web.
//!
//! ## Finding out what happened
//! - [`tracker`]: the sans-io payment tracker — when to ask for the status,
//!   what each answer means, when the payment is settled.
//! - [`pending`]: the payment in flight, as browsers and apps keep it across
//!   reloads and process death (nothing secret in it).
//! - [`drive`]: the drain loop, written once for every platform, generic
//!   over the host's clock, HTTP stack, timers and storage.
//!
//! ## The merchant's side
//! - [`mutation`]: capture, cancel, refund and initiate as sans-io retry
//!   plans — idempotency keys, "check the details first", rate limits.
//! - [`checkout`]: all attempts for one basket — which to issue, which
//!   duplicate reservation to cancel, and which still need watching.
//! - [`card_guard`]: the card reattempt guard — never past the schemes'
//!   limits, never a raw card number.
//! - [`order_id`]: the merchant's `orderId`, its rules and a generator.
//! - [`mobile_number`]: the shopper's number, normalised to `91234567`.
//! - [`retry`]: what to do after a provider call failed, and `Retry-After`.
//! - [`rate`]: a rolling-window budget for the provider's rate limits.
//! - [`money`], [`time`]: øre as integers, time as passed in.
//! - [`json_text`]: JSON text read and written without serde_json (the
//!   browser build, and the pending payments on every platform).

pub mod card_guard;
pub mod checkout;
pub mod deeplink;
pub mod dintero;
pub mod drive;
pub mod flutterwave;
mod json;
pub mod json_text;
pub mod mobile_number;
pub mod money;
pub mod mutation;
pub mod order_id;
pub mod payload;
pub mod pending;
pub mod platform;
pub mod rate;
pub mod retry;
pub mod status;
pub mod time;
pub mod tracker;
pub mod url;
pub mod vipps;
