//! # appswitch-wasm
//!
//! The browser module web checkouts bundle (npm package `appswitch`). It
//! exposes `appswitch-core` through wasm-bindgen and does the browser's I/O —
//! fetch, timers, page lifecycle and storage — talking only to the
//! merchant's own backend, never to the provider. Every rule (what a status
//! means, when to poll, whether a URL or a return is acceptable) is the
//! core's; this crate translates types and runs the core's drain loop
//! ([`appswitch_core::drive`]) on the page.
//!
//! The JavaScript API (see `README.md` in this folder, and the `.d.ts`):
//!
//! - [`track`](tracker::track)`({statusUrl, orderId, url, expectation, initiatedAt?, policy?})`
//!   → a [`Tracker`](tracker::Tracker); the pending payment is saved in
//!   `localStorage` at once.
//! - [`resume`](tracker::resume)`(url?)` on the fallback page, and
//!   [`resumePending`](tracker::resume_pending)`()` elsewhere.
//! - The tracker: `onChange(listener)`, `settled` / `outcome()`, `stop()`,
//!   `switchedOut()`, `detach()`.
//! - Page helpers: [`classifyDeeplink`](page::classify_deeplink),
//!   [`openPlan`](page::open_plan), [`detectPlatform`](page::detect_platform),
//!   [`defaultPolicy`](page::default_policy).
//! - Errors: an `AppSwitchError` with a stable `code` ([`error::Code`]).
//!
//! Fallback URLs are built and checked where the payment is initiated (the
//! merchant's backend with `appswitch-core`, the CLI, the mobile library),
//! not in the browser: the page gets the `expectation` from its backend.

pub mod browser;
pub mod error;
pub mod host;
pub mod input;
pub mod json;
pub mod lifecycle;
pub mod output;
pub mod page;
pub mod return_check;
#[cfg(feature = "node")]
pub mod server;
pub mod tabs;
pub mod tracker;
pub mod types;

use appswitch_core::shopper;

use wasm_bindgen::prelude::*;

/// The allocator: talc, smaller than the standard library's dlmalloc (the
/// module is downloaded by every shopper). The page runs the module on
/// one thread, which makes its lock-free cell sound (checked when built).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The version of this package (and of the core it carries).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The time the shopper has left, in their words (`navigator.language`):
/// "You have 4:59 to approve in Vipps." For the countdown under a pending
/// payment; `secondsLeft` below zero counts as zero.
#[wasm_bindgen(js_name = timeLeftText)]
pub fn time_left_text(seconds_left: f64) -> String {
    let locale = browser::locale();
    // `as` saturates: NaN and negatives are 0, huge values the maximum.
    let seconds = seconds_left.max(0.0) as u64;
    shopper::wording::time_left_text(seconds, locale, locale.app_name())
}

/// The label of the button that opens the payment app again for a pending
/// payment (`navigator.language`): "Open Vipps again".
#[wasm_bindgen(js_name = reopenLabel)]
pub fn reopen_label() -> String {
    let locale = browser::locale();
    shopper::wording::reopen_label(locale, locale.app_name())
}

/// Whether `value` is an error this module threw (an `AppSwitchError`).
#[wasm_bindgen(js_name = isAppSwitchError, unchecked_return_type = "value is AppSwitchError")]
pub fn is_app_switch_error(
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
) -> bool {
    value.is_object()
        && js_sys::Reflect::get(&value, &JsValue::from_str("name"))
            .ok()
            .and_then(|n| n.as_string())
            .is_some_and(|n| n == "AppSwitchError")
}

/// In debug builds, a Rust panic is shown in the console with its message
/// (release builds leave the hook out: it costs size, and no input may
/// panic anyway).
#[cfg(debug_assertions)]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
