//! The callback parser, the status it proves, and the `Authorization` check.
#![no_main]

use appswitch_core::providers::vipps_ecom::{AuthToken, Callback, verify_callback_authorization};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(callback) = Callback::parse_json(text) {
        let status = callback.to_status();
        let _ = (status.state(), status.amounts(), callback.is_express());
    }
    let _ = verify_callback_authorization(&AuthToken::new("secret"), Some(text));
});
