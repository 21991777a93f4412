//! appswitch-mobile: Kotlin and Swift bindings.
uniffi::setup_scaffolding!();
