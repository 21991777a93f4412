//! Reading the raw Vipps bodies a backend may pass through (the
//! `raw-vipps` feature): each as the wire type its recogniser named.

use super::{PayloadError, StatusPayload};
use crate::foundation::json::{self, Value};
use crate::providers::vipps_ecom::recognise::VippsBody;
use crate::providers::vipps_ecom::recurring::Charge;
use crate::providers::vipps_epayment::EpaymentKind;

/// Reads `value` as the Vipps body `body` says it is.
pub(super) fn read(body: VippsBody, value: &Value) -> Result<StatusPayload, PayloadError> {
    Ok(match body {
        VippsBody::Details => StatusPayload::VippsDetails(json::from_value(value)?),
        VippsBody::Operation => StatusPayload::VippsOperation(json::from_value(value)?),
        VippsBody::Callback => StatusPayload::VippsCallback(json::from_value(value)?),
        VippsBody::OrderStatus => StatusPayload::VippsOrderStatus(json::from_value(value)?),
    })
}

/// Reads `value` as a Vipps Recurring charge.
pub(crate) fn read_recurring_charge(value: &Value) -> Result<Charge, PayloadError> {
    Ok(json::from_value(value)?)
}

/// Reads `value` as the ePayment body `kind` says it is.
pub(super) fn read_epayment(
    kind: EpaymentKind,
    value: &Value,
) -> Result<StatusPayload, PayloadError> {
    Ok(match kind {
        EpaymentKind::Payment => StatusPayload::EpaymentPayment(json::from_value(value)?),
        EpaymentKind::Modification => StatusPayload::EpaymentModification(json::from_value(value)?),
        EpaymentKind::EventLog => StatusPayload::EpaymentEventLog(json::from_value(value)?),
        EpaymentKind::Webhook => StatusPayload::EpaymentWebhook(json::from_value(value)?),
    })
}
