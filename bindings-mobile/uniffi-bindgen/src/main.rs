//! `uniffi-bindgen`, built from the workspace so the generator and the
//! runtime in `appswitch-mobile` are always the same uniffi version.

fn main() {
    uniffi::uniffi_bindgen_main()
}
