//! # appswitch-core
//!
//! The sans-io heart of appswitch: everything that decides, nothing that
//! does. No I/O, no clock, no randomness, no threads — the caller passes
//! `now` (and any randomness) in, and the core answers with what to do next.
//! The browser module (`appswitch-wasm`), the Kotlin/Swift bindings
//! (`appswitch-mobile`) and merchant backends all use these same rules, so
//! iOS, Android and the web can never disagree.
//!
//! - [`status`]: the provider-neutral payment status that only moves forward.
//! - [`payload`]: one parser for anything the provider or the backend sends
//!   back about a payment, turned into a status.
//! - [`vipps`]: the Vipps eCom v2 API: its numbers, wire types and rules.
//! - [`order_id`]: the merchant's `orderId`, its rules and a generator.
//! - [`mobile_number`]: the shopper's number, normalised to `91234567`.
//! - [`retry`]: what to do after a provider call failed.
//! - [`money`], [`time`]: øre as integers, time as passed in.

#[cfg(feature = "json")]
mod json;
pub mod mobile_number;
pub mod money;
pub mod order_id;
pub mod payload;
pub mod retry;
pub mod status;
pub mod time;
pub mod vipps;
