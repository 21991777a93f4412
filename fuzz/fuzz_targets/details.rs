//! The details response parser, and everything derived from what it reads.
#![no_main]

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_ecom::{
    MerchantSerialNumber, OperationRequest, PaymentDetails,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(details) = PaymentDetails::parse_json(text) {
        let status = details.to_status();
        let _ = (
            status.state(),
            status.amounts(),
            status.clone().merge(&status),
        );
        let _ = details.entry_for_request("1542208966");
        if let Ok(msn) = MerchantSerialNumber::new("123456") {
            let _ = OperationRequest::capture(&msn, &status, None, "t");
            let _ = OperationRequest::refund(
                &msn,
                &status,
                Amount::from_minor(1),
                "t",
                Timestamp::from_millis(u64::MAX),
            );
            let _ = OperationRequest::cancel(&msn, &status, "t");
        }
    }
});
