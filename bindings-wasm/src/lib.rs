//! appswitch-wasm: the browser module.
