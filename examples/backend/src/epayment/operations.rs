//! Capture, cancel and refund of an ePayment order.
//!
//! The rules are the core's (`check_capture`, `check_cancel`,
//! `check_refund` against the payment's state and aggregate); the backend
//! only sends. The ePayment API makes this simpler than eCom: every
//! modification carries an `Idempotency-Key`, and "if the request is
//! repeated with the same idempotency key, the same response is returned
//! and the modification is not repeated" (ePayment API guide,
//! "Idempotency") — so after a timeout, a `5xx` or a `429` the same request
//! is sent again with the same key, backing off, until the provider
//! answers or the policy's sends are used up (the outcome is then open:
//! repeat the merchant's request with the same key later).
//!
//! A request repeated after its answer was lost finds the operation in the
//! payment's event log under its key ([`from_log`]).

use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::retry::ErrorClass;
use appswitch_core::merchant::mutation::MutationKind;
use appswitch_core::providers::vipps_epayment::{
    Currency, GetPaymentResponse, IdempotencyKey, Money, check_cancel, check_capture, check_refund,
};

use crate::app::App;
use crate::plans::{Done, Mutation, MutationError, policy};
use crate::provider::{Modification, ProviderError};
use crate::store::{EventSource, NewEvent, StoredOrder};

/// The operation with `key` in the payment's event log, if it succeeded:
/// its amount. `Err` when the log could not be read.
pub(crate) async fn from_log(
    app: &App,
    reference: &str,
    key: &str,
) -> Result<Option<Amount>, ProviderError> {
    let log = app.client.event_log(reference).await?;
    Ok(log
        .event_for_key(key)
        .filter(|e| e.success)
        .map(|e| e.amount.value))
}

/// Carries out `m` on an ePayment order (under its lease), given its
/// payment as just fetched, and merges what the answer proves.
pub(crate) async fn mutate(
    app: &App,
    order: &StoredOrder,
    m: &Mutation,
    payment: Option<&GetPaymentResponse>,
) -> Result<Done, MutationError> {
    let reference = order.order.order_id.as_str();
    let key = IdempotencyKey::new(m.key.as_str()).map_err(MutationError::EpaymentKey)?;
    let fetched;
    let payment = match payment {
        Some(p) => p,
        None => {
            fetched = app
                .client
                .get_payment(reference)
                .await
                .map_err(MutationError::Provider)?;
            &fetched
        }
    };
    let currency = Currency::from_code(&order.order.currency).unwrap_or(Currency::Nok);
    let money = |v: Amount| Money { currency, value: v };
    let state = &payment.state;
    let aggregate = &payment.aggregate;
    let checked = match m.kind {
        MutationKind::Capture => {
            let amount = m.amount.unwrap_or_else(|| aggregate.capturable());
            check_capture(payment.amount, state, aggregate, money(amount))
                .map(|r| (Modification::Capture(r), amount))
        }
        MutationKind::Refund => {
            let amount = m.amount.unwrap_or(Amount::ZERO);
            check_refund(payment.amount, state, aggregate, money(amount))
                .map(|r| (Modification::Refund(r), amount))
        }
        MutationKind::Cancel => check_cancel(state, aggregate)
            .map(|r| (Modification::Cancel(r), aggregate.capturable())),
    };
    let (request, amount) = match checked {
        Ok(r) => r,
        Err(rule) => {
            // Refused by the rules: perhaps because this very request was
            // made already and its answer lost.
            if let Ok(Some(done)) = from_log(app, reference, key.as_str()).await {
                return Ok(Done {
                    amount: done,
                    from_history: true,
                });
            }
            return Err(MutationError::EpaymentRule(rule));
        }
    };
    let answer = send(app, reference, &request, &key).await?;
    let status = answer.to_status();
    let event = NewEvent {
        source: EventSource::Operation,
        accepted: true,
        detail: serde_json::json!({
            "operation": m.kind.as_str(),
            "idempotencyKey": m.key.as_str(),
            "status": status,
        })
        .to_string(),
    };
    app.merge(reference, &status, event, true).await?;
    Ok(Done {
        amount,
        from_history: false,
    })
}

/// Sends the modification until the provider answers it, with the same key
/// every time: waits as the provider's `Retry-After` says, or backs off
/// doubling (the policy's numbers).
async fn send(
    app: &App,
    reference: &str,
    request: &Modification,
    key: &IdempotencyKey,
) -> Result<appswitch_core::providers::vipps_epayment::ModificationResponse, MutationError> {
    let policy = policy(app);
    let mut sends = 0u32;
    loop {
        sends += 1;
        let error = match app.client.modify(reference, request, key).await {
            Ok(answer) => return Ok(answer),
            Err(e) => e,
        };
        match error.epayment_class(false) {
            ErrorClass::Final | ErrorClass::NewOrderId => {
                return Err(MutationError::Provider(error));
            }
            ErrorClass::RetryLater | ErrorClass::CheckThenRetry => {
                if sends >= policy.max_sends.max(1) {
                    return Err(MutationError::Provider(error));
                }
                let shift = (sends - 1).min(16);
                let backoff = policy
                    .backoff
                    .base
                    .saturating_mul(1 << shift)
                    .min(policy.backoff.max);
                let wait = match &error {
                    ProviderError::Http {
                        retry_after: Some(after),
                        ..
                    } => {
                        let now = app.config.clock.now();
                        after.until(now).saturating_since(now).max(backoff)
                    }
                    _ => backoff,
                };
                tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
            }
        }
    }
}
