//! Fuzzes the URL rules, the fallback builder and the return check.
//!
//! The input is read as UTF-8 and cut at `\n` into up to three pieces: a
//! base URL, an order id and a parameter value. Beyond "no panic", it checks
//! the round trip: whatever fallback gets built, its own URL (with or
//! without the provider's `status` appended) is recognised as the return of
//! its attempt, with the same order id and parameters, and another
//! attempt's nonce is refused; and a URL the provider's rules accept is
//! accepted again as the WHATWG parser writes it.
#![no_main]

use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{
    AttemptNonce, FallbackSpec, FallbackTarget, ReturnError, UrlKind, UrlParts, check_url,
    validate_url,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut pieces = text.splitn(3, '\n');
    let base = pieces.next().unwrap_or("");
    let order_id = pieces.next().unwrap_or("order-1");
    let value = pieces.next().unwrap_or("");

    // The rules alone. What the provider's rules accept stays accepted as
    // the browser writes it (the WHATWG serialisation), with the same host.
    let _ = UrlParts::parse(text);
    if let Ok(valid) = validate_url(text) {
        let again = validate_url(valid.url.as_str())
            .unwrap_or_else(|e| panic!("{text} → {}: {e}", valid.url));
        assert_eq!(again.url, valid.url);
    }
    for kind in [UrlKind::Web, UrlKind::App, UrlKind::Callback] {
        let _ = check_url(kind, text);
    }

    // The builder and the return, as a round trip.
    let nonce = AttemptNonce::from_random([0x42; 16]);
    let other = AttemptNonce::from_random([0x24; 16]);
    for target in [
        FallbackTarget::Web { base: base.into() },
        FallbackTarget::App { base: base.into() },
        FallbackTarget::AndroidIntent,
    ] {
        for platform in Platform::ALL {
            let spec = FallbackSpec::new(platform, target.clone(), order_id).with_param("p", value);
            let Ok(fallback) = spec.build(nonce.clone()) else {
                continue;
            };
            let expectation = &fallback.expectation;
            if fallback.url == "INTENT" {
                assert!(expectation.app_resumed().is_ok());
                continue;
            }
            for suffix in ["", "&status=301", "?status=0"] {
                let url = format!("{}{suffix}", fallback.url);
                let back = expectation
                    .check_return(&url)
                    .unwrap_or_else(|e| panic!("{url}: {e}"));
                assert_eq!(back.order_id, order_id);
                assert!(
                    back.params
                        .iter()
                        .any(|p| p.name == "p" && p.value == value)
                );
            }
            let stale = fallback.url.replace(nonce.as_str(), other.as_str());
            assert_eq!(
                expectation.check_return(&stale),
                Err(ReturnError::NonceMismatch)
            );
            // Whatever the input, it never panics as a return either.
            let _ = expectation.check_return(text);
        }
    }
});
