//! The pending store (serde's versioned JSON) as it comes back from
//! `localStorage` or the app's store (anything may be there: another
//! version, a truncated write, a page's own tampering): read it, never
//! panicking; what reads must write back to the same
//! text and read back equal, and its payments must restore or refuse.
#![no_main]

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::pending::PendingStore;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(store) = PendingStore::from_json(text) else {
        return;
    };
    let written = store.to_json();
    let again = PendingStore::from_json(&written).expect("what was written reads back");
    assert_eq!(again, store, "read back equal");
    assert_eq!(again.to_json(), written, "written the same way twice");
    let now = Timestamp::from_millis(1_800_000_000_000);
    for payment in store.payments() {
        let _ = payment.restore(now);
        let _ = payment.check_return("https://shop.example/return?orderId=o&attempt=x");
    }
    let _ = store.latest_unsettled(now);
});
