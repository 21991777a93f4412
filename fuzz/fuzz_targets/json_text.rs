//! The core's own JSON reader (`json_text`, what the browser module reads
//! with) against serde_json: both accept the same texts, and what they
//! accept they read the same.
#![no_main]

use appswitch_core::foundation::json_text::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = Value::parse(text);
    let reference = serde_json::from_str::<serde_json::Value>(text);
    assert_eq!(
        ours.is_ok(),
        reference.is_ok(),
        "json_text: {ours:?}, serde_json: {reference:?}"
    );
});
