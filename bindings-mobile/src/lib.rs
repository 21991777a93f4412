//! # appswitch-mobile
//!
//! appswitch for iOS and Android: the core exposed through uniffi, with
//! Kotlin (package `io.appswitch`) and Swift (module `AppSwitch`) generated
//! from this library by the workspace's own `uniffi-bindgen`. The host app
//! plugs in its HTTP stack and a small key-value store; every rule stays in
//! `appswitch-core`.

uniffi::setup_scaffolding!();

/// The version of this library (and of the core it carries).
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
