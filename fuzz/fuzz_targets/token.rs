//! The access-token response parser and the refresh decision.
#![no_main]

use core::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::AccessTokenResponse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(token) = AccessTokenResponse::parse_json(text) {
        for now in [0, 1_495_271_273_000, u64::MAX] {
            let now = Timestamp::from_millis(now);
            let _ = token.needs_refresh(now, Duration::from_secs(300));
            let _ = token.needs_refresh(now, Duration::MAX);
            let _ = token.expires_at_received(now);
        }
    }
});
