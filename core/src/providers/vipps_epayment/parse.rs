//! `parse_json` for each wire type: serde_json plus errors that name the
//! field ([`PayloadError::Json`] carries its path).

use super::create::{CreatePaymentRequest, CreatePaymentResponse};
use super::events::EventLog;
use super::modification::{
    CancelRequest, ForceApproveRequest, ModificationRequest, ModificationResponse,
};
use super::payment::GetPaymentResponse;
use super::problem::Problem;
use super::webhook::{
    RegisterWebhookRequest, RegisterWebhookResponse, WebhookEvent, WebhookRegistrations,
};
use crate::foundation::json;
use crate::providers::payload::PayloadError;

macro_rules! parse_json {
    ($($ty:ident: $what:literal;)*) => {$(
        impl $ty {
            #[doc = concat!("Reads ", $what, " from JSON text; the error names the field that is wrong.")]
            pub fn parse_json(text: &str) -> Result<Self, PayloadError> {
                Ok(json::from_str(text)?)
            }
        }
    )*};
}

parse_json! {
    CreatePaymentRequest: "a create payment request";
    CreatePaymentResponse: "a create payment response";
    GetPaymentResponse: "a get payment response";
    EventLog: "an event log (a JSON array of events)";
    ModificationRequest: "a capture or refund request";
    CancelRequest: "a cancel request";
    ForceApproveRequest: "a force approve request";
    ModificationResponse: "a capture, cancel or refund response";
    Problem: "a problem details error body";
    WebhookEvent: "a webhook body";
    RegisterWebhookRequest: "a webhook registration";
    RegisterWebhookResponse: "a webhook registration's answer";
    WebhookRegistrations: "the list of webhook registrations";
}
