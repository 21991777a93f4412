//! # appswitch-mobile
//!
//! appswitch for iOS and Android: the core exposed through uniffi, with
//! Kotlin (package `io.appswitch`) and Swift (module `AppSwitch`) generated
//! from this library by the workspace's own `uniffi-bindgen`. The host app
//! plugs in its HTTP stack, a small key-value store and its scheduler;
//! every rule stays in `appswitch-core`. This crate translates types and
//! does the I/O through the app.
//!
//! - [`urls`] — `checkUrl`, `buildFallback`, [`ReturnExpectation`](urls::ReturnExpectation).
//! - [`deeplink`] — `classifyDeeplink`, `openPlan`.
//! - [`tracker`] — [`PaymentTracker`](tracker::PaymentTracker).
//! - [`resume`] — cold starts: `resumePending` (from the store, or from
//!   the return URL and the backend's return check), `forgetPending`.
//! - [`wording`] — `outcomeText`, `phaseText`, `reopenLabel`: words for
//!   the shopper.
//! - [`host`] — the foreign traits the app implements:
//!   [`HttpTransport`](host::HttpTransport), [`KeyValueStore`](host::KeyValueStore),
//!   [`TrackerScheduler`](host::TrackerScheduler), [`StatusListener`](host::StatusListener).
//! - [`policy`] — the tracker's numbers, in milliseconds.
//! - [`errors`] — one error per concern.
//!
//! The records and enums the core defines (the status, the tracker's
//! progress and outcome, deeplinks and open plans, fallbacks and returns,
//! the shopper's texts) are the core's own, through its `uniffi` feature:
//! Kotlin package `io.appswitch.core`, in Swift the same `AppSwitch`
//! module.
//!
//! In Kotlin:
//!
//! ```kotlin
//! import io.appswitch.*
//! import io.appswitch.core.*
//!
//! val tracker = PaymentTracker(attempt, OkHttpTransport(client), PrefsStore(prefs),
//!     CoroutineScheduler, listener = { progress -> render(progress) })
//! startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(attempt.deeplink.url)))
//! tracker.onSwitchedOut()
//! // onNewIntent: tracker.handleReturn(intent.data.toString()); onResume: tracker.onForeground()
//! when (val outcome = tracker.awaitSettled()) { is Outcome.Success -> …; else -> … }
//! ```

uniffi::setup_scaffolding!();

mod convert;
pub mod deeplink;
pub mod errors;
pub mod host;
pub mod policy;
pub mod resume;
pub mod tracker;
pub mod urls;
pub mod wording;

/// The version of this library (and of the core it carries).
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
