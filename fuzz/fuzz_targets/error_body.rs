//! The error-body parser (eCom array, gateway object, token error) and the
//! classification of every HTTP status with it.
#![no_main]

use appswitch_core::providers::vipps_ecom::{CallFailure, ErrorBody, classify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(body) = ErrorBody::parse_json(text) {
        let _ = (body.class(), body.known_codes());
        for status in [400, 401, 409, 429, 500, 503] {
            let _ = classify(CallFailure::Http {
                status,
                body: Some(&body),
            });
        }
    }
});
