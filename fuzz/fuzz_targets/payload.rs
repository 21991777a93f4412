//! The sniffing parser for anything about a payment, and its status.
#![no_main]

use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::status::StatusDocument;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(payload) = StatusPayload::parse_json(text) {
        let _ = (payload.kind(), payload.order_id(), payload.provider());
        if let Ok(status) = payload.to_status() {
            let state = status.state();
            let _ = (state.is_final(), state.is_success(), status.amounts());
            let doc = StatusDocument::from_status(payload.order_id(), payload.provider(), &status);
            let _ = doc.to_status();
        }
    }
});
