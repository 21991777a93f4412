//! # appswitch-wasm
//!
//! The browser module web checkouts bundle (npm package `appswitch`). It
//! exposes `appswitch-core` through wasm-bindgen and does the browser's I/O —
//! fetch, timers, page lifecycle and storage — talking only to the
//! merchant's own backend, never to the provider.

use wasm_bindgen::prelude::*;

/// The version of this package (and of the core it carries).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
