//! Without the `raw-vipps` feature (the browser module): the raw Vipps
//! bodies are recognised, and refused with an error that names the
//! feature and says to serve appswitch's status document instead.

use super::{PayloadError, StatusPayload};
use crate::foundation::json::Value;
use crate::providers::vipps_ecom::recognise::VippsBody;
use crate::providers::vipps_ecom::recurring::Charge;
use crate::providers::vipps_epayment::EpaymentKind;

/// Refuses the Vipps body `body`, naming it.
pub(super) fn read(body: VippsBody, _: &Value) -> Result<StatusPayload, PayloadError> {
    let what = match body {
        VippsBody::Details => "raw Vipps details response",
        VippsBody::Operation => "raw Vipps capture, cancel or refund response",
        VippsBody::Callback => "raw Vipps callback",
        VippsBody::OrderStatus => "raw Vipps order status response",
    };
    Err(PayloadError::NotRead {
        what,
        feature: "raw-vipps",
    })
}

/// Refuses a Vipps Recurring charge.
pub(crate) fn read_recurring_charge(_: &Value) -> Result<Charge, PayloadError> {
    Err(PayloadError::NotRead {
        what: "raw Vipps recurring charge",
        feature: "raw-vipps",
    })
}

/// Refuses the ePayment body `kind`, naming it.
pub(super) fn read_epayment(kind: EpaymentKind, _: &Value) -> Result<StatusPayload, PayloadError> {
    Err(PayloadError::NotRead {
        what: kind.what(),
        feature: "raw-vipps",
    })
}
