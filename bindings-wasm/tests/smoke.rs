//! Runs in headless Chromium: the module loads and answers.

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn module_loads_in_a_real_browser() {
    assert_eq!(appswitch_wasm::version(), env!("CARGO_PKG_VERSION"));
}
