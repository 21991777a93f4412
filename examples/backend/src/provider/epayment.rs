//! The ePayment API and the Webhooks API, on the same client as eCom: "all
//! APIs use the same API keys, authentication methods, terminology, and
//! error message formats" (ePayment API FAQ). Every call that changes
//! something carries an `Idempotency-Key` ("required on create, capture,
//! cancel and refund", ePayment API guide, "Idempotency").

use appswitch_core::providers::payload::PayloadError;
use appswitch_core::providers::vipps_epayment::{
    CancelRequest, CreatePaymentRequest, CreatePaymentResponse, EventLog, GetPaymentResponse,
    IdempotencyKey, ModificationRequest, ModificationResponse, RegisterWebhookRequest,
    RegisterWebhookResponse, WebhookRegistrations, endpoints,
};
use reqwest::Method;

use super::{Key, ProviderError, VippsClient, to_json};

/// A capture, cancel or refund, as the ePayment API takes it.
#[derive(Clone, Debug)]
pub(crate) enum Modification {
    /// `POST …/capture` with `modificationAmount`.
    Capture(ModificationRequest),
    /// `POST …/cancel`.
    Cancel(CancelRequest),
    /// `POST …/refund` with `modificationAmount`.
    Refund(ModificationRequest),
}

impl VippsClient {
    /// `POST /epayment/v1/payments` with `key` as `Idempotency-Key`: the
    /// same key and body may be sent again after a timeout and get the
    /// same answer (ePayment API guide, "Idempotency").
    pub(crate) async fn create_payment(
        &self,
        request: &CreatePaymentRequest,
        key: &IdempotencyKey,
    ) -> Result<CreatePaymentResponse, ProviderError> {
        self.call(
            Method::POST,
            endpoints::PAYMENTS,
            Some(to_json(request)?),
            Some(Key::idempotency(key.as_str())),
            CreatePaymentResponse::parse_json,
        )
        .await
    }

    /// `GET /epayment/v1/payments/{reference}`.
    pub(crate) async fn get_payment(
        &self,
        reference: &str,
    ) -> Result<GetPaymentResponse, ProviderError> {
        self.call(
            Method::GET,
            &endpoints::payment(reference),
            None,
            None,
            GetPaymentResponse::parse_json,
        )
        .await
    }

    /// `GET /epayment/v1/payments/{reference}/events`.
    pub(crate) async fn event_log(&self, reference: &str) -> Result<EventLog, ProviderError> {
        self.call(
            Method::GET,
            &endpoints::events(reference),
            None,
            None,
            EventLog::parse_json,
        )
        .await
    }

    /// A capture, cancel or refund of `reference` with `key` as its
    /// `Idempotency-Key`.
    pub(crate) async fn modify(
        &self,
        reference: &str,
        modification: &Modification,
        key: &IdempotencyKey,
    ) -> Result<ModificationResponse, ProviderError> {
        let (path, body) = match modification {
            Modification::Capture(m) => (endpoints::capture(reference), to_json(m)?),
            Modification::Cancel(c) => (endpoints::cancel(reference), to_json(c)?),
            Modification::Refund(m) => (endpoints::refund(reference), to_json(m)?),
        };
        self.call(
            Method::POST,
            &path,
            Some(body),
            Some(Key::idempotency(key.as_str())),
            ModificationResponse::parse_json,
        )
        .await
    }

    /// `POST /webhooks/v1/webhooks`.
    pub(crate) async fn register_webhook(
        &self,
        request: &RegisterWebhookRequest,
    ) -> Result<RegisterWebhookResponse, ProviderError> {
        self.call(
            Method::POST,
            endpoints::WEBHOOKS,
            Some(to_json(request)?),
            None,
            RegisterWebhookResponse::parse_json,
        )
        .await
    }

    /// `GET /webhooks/v1/webhooks`.
    pub(crate) async fn webhooks(&self) -> Result<WebhookRegistrations, ProviderError> {
        self.call(
            Method::GET,
            endpoints::WEBHOOKS,
            None,
            None,
            WebhookRegistrations::parse_json,
        )
        .await
    }

    /// `DELETE /webhooks/v1/webhooks/{id}` (its `204` has no body).
    pub(crate) async fn delete_webhook(&self, id: &str) -> Result<(), ProviderError> {
        fn nothing(_: &str) -> Result<(), PayloadError> {
            Ok(())
        }
        self.call(Method::DELETE, &endpoints::webhook(id), None, None, nothing)
            .await
    }
}
