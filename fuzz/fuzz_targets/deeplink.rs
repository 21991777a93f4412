//! Fuzzes the deeplink classifier and the open plans.
//!
//! Beyond "no panic": classifying is deterministic, every native platform
//! gets a plan while the link is valid, and after `link_valid_until` every
//! plan is "start a new attempt".
#![no_main]

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::deeplink::{Deeplink, LinkKind, OpenPlan};
use appswitch_core::shopper::platform::Platform;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<8>() else {
        return;
    };
    let Ok(url) = std::str::from_utf8(rest) else {
        return;
    };
    let received_at = Timestamp::from_millis(u64::from_le_bytes(*head) >> 20);
    let Ok(link) = Deeplink::classify(url, received_at) else {
        return;
    };
    assert_eq!(
        Deeplink::classify(&link.url, received_at).as_ref(),
        Ok(&link)
    );
    let valid_until = link.deadlines.link_valid_until;
    for platform in Platform::ALL {
        let native = platform.is_native_app();
        match link.open_plan(platform, received_at) {
            Ok(plan) => {
                if valid_until > received_at {
                    assert!(!matches!(plan, OpenPlan::StartNewAttempt { .. }));
                }
            }
            Err(_) => assert!(link.kind == LinkKind::App && !native),
        }
        if let Ok(plan) = link.open_plan(platform, valid_until) {
            assert_eq!(
                plan,
                OpenPlan::StartNewAttempt {
                    expired_at: valid_until
                }
            );
        }
    }
});
