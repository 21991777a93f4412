//! What JavaScript gets back: plain objects with camelCase fields, exactly
//! as the interfaces in the `.d.ts` ([`crate::types`]) describe them,
//! handed over with [`to_js`](crate::json::to_js).

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::tracker::{Outcome, Phase, Progress};
use appswitch_core::shopper::wording::{self, Locale, ShopperText};
use appswitch_core::status::{Amounts, PaymentState, PaymentStatus, StatusName};
use serde::Serialize;

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
    phase_text: String,
}

impl<'a> ProgressView<'a> {
    /// The view of `progress` for `order_id`, its phase in the shopper's
    /// `locale`.
    pub fn new(order_id: &'a str, progress: &'a Progress, locale: Locale) -> Self {
        ProgressView {
            phase_text: wording::phase_text(progress.phase, locale, locale.app_name()),
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
    text: ShopperText,
}

impl<'a> OutcomeView<'a> {
    /// The view of `outcome` for `order_id`; `known` is everything the
    /// tracker knew last (a success carries its own status); its words in
    /// the shopper's `locale`.
    pub fn new(
        order_id: &'a str,
        outcome: &'a Outcome,
        known: Option<&PaymentStatus>,
        locale: Locale,
    ) -> Self {
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
            text: wording::outcome_text(outcome, locale, locale.app_name()),
            order_id,
            outcome,
            state: status.state().name(),
            amounts: status.amounts(),
        }
    }
}
