//! What JavaScript gets back: plain objects with camelCase fields, exactly
//! as the interfaces in the `.d.ts` ([`crate::types`]) describe them.

use appswitch_core::status::{Amounts, PaymentState, PaymentStatus, StatusName};
use appswitch_core::time::Timestamp;
use appswitch_core::tracker::{Outcome, Phase, Progress};
use appswitch_core::url::UrlWarning;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::error::invalid;

/// `value` as a plain JavaScript object (maps as objects, `None` as
/// `undefined`). Fails only for a whole number beyond 2^53, which no
/// amount or time reaches.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| invalid(format!("a value cannot be given to JavaScript: {e}")))
}

/// A status change, as `onChange` listeners get it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressView<'a> {
    order_id: &'a str,
    #[serde(flatten)]
    state: &'a PaymentState,
    phase: Phase,
    amounts: Amounts,
    deadline: Timestamp,
    status: &'a PaymentStatus,
}

impl<'a> ProgressView<'a> {
    /// The view of `progress` for `order_id`.
    pub fn new(order_id: &'a str, progress: &'a Progress) -> Self {
        ProgressView {
            order_id,
            state: &progress.state,
            phase: progress.phase,
            amounts: progress.status.amounts(),
            deadline: progress.deadline,
            status: &progress.status,
        }
    }
}

/// How the payment ended, as the `settled` promise resolves.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeView<'a> {
    order_id: &'a str,
    #[serde(flatten)]
    outcome: &'a Outcome,
    state: StatusName,
    amounts: Amounts,
}

impl<'a> OutcomeView<'a> {
    /// The view of `outcome` for `order_id`; `known` is everything the
    /// tracker knew last (a success carries its own status).
    pub fn new(order_id: &'a str, outcome: &'a Outcome, known: Option<&PaymentStatus>) -> Self {
        let status = match outcome {
            Outcome::Success { status } => Some(status),
            Outcome::Cancelled { .. }
            | Outcome::Rejected
            | Outcome::Failed { .. }
            | Outcome::Unknown { .. } => known,
        };
        let initiated = PaymentStatus::initiated();
        let status = status.unwrap_or(&initiated);
        OutcomeView {
            order_id,
            outcome,
            state: status.state().name(),
            amounts: status.amounts(),
        }
    }
}

/// A URL warning with its message.
#[derive(Debug, Serialize)]
pub struct WarningView<'a> {
    #[serde(flatten)]
    warning: &'a UrlWarning,
    message: String,
}

impl<'a> WarningView<'a> {
    /// The views of `warnings`.
    pub fn all(warnings: &'a [UrlWarning]) -> Vec<WarningView<'a>> {
        warnings
            .iter()
            .map(|warning| WarningView {
                warning,
                message: warning.to_string(),
            })
            .collect()
    }
}
