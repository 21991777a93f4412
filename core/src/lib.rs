//! # appswitch-core
//!
//! The sans-io heart of appswitch: everything that decides, nothing that
//! does. No I/O, no clock, no randomness, no threads — the caller passes
//! `now` (and any randomness) in, and the core answers with what to do next.
//! The browser module (`appswitch-wasm`), the Kotlin/Swift bindings
//! (`appswitch-mobile`) and merchant backends all use these same rules, so
//! iOS, Android and the web can never disagree.
//!
//! ## The floors
//!
//! The modules are floors, lowest first; an import only ever points down a
//! floor (ARCHITECTURE.md in the repository draws the plan).
//!
//! - [`foundation`]: time as passed in, money in øre, request ids, the
//!   lenient serde helpers, rate windows, backoff, `Retry-After`.
//! - [`status`]: the provider-neutral payment status that only moves
//!   forward, and the status document the backend serves.
//! - [`providers`]: one folder per provider — [`providers::vipps_ecom`]
//!   (Vipps eCom API v2), [`providers::flutterwave`] (long requests),
//!   [`providers::dintero`] (failed card transactions) — and
//!   [`providers::payload`], which recognises anything they send.
//! - [`shopper`]: fallback and return URLs, deeplinks, the tracker, the
//!   pending payment.
//! - [`merchant`]: capture, cancel, refund and initiate as retry plans,
//!   checkout sessions, the card guard.
//! - [`drive`]: the drain loop over a host's clock, HTTP stack, timers and
//!   storage, shared by every binding (the only floor with futures).

// Without the mobile binding's derives the core holds no `unsafe` code;
// uniffi's scaffolding and derives need it.
#![cfg_attr(not(feature = "uniffi"), forbid(unsafe_code))]

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
#[cfg(feature = "uniffi")]
mod uniffi_support;

pub mod drive;
pub mod foundation;
pub mod merchant;
pub mod providers;
pub mod shopper;
pub mod status;
