//! Words for the shopper: what each outcome and each tracking phase means,
//! in plain language, in English, Norwegian (bokmål), Danish and Finnish —
//! the languages of the markets Vipps and MobilePay serve.
//!
//! A provider's code (`RESERVE_FAILED`, `DO_NOT_RETRY`, …) never reaches
//! the shopper's screen: [`outcome_text`] turns an [`Outcome`] into a title,
//! a sentence and the [next step](NextStep) the page should offer, and
//! keeps the code beside them for the developer (logs, support).
//!
//! ```
//! use appswitch_core::shopper::tracker::Outcome;
//! use appswitch_core::shopper::wording::{outcome_text, Locale, NextStep};
//!
//! let refused = Outcome::Failed { reason: "RESERVE_FAILED".into() };
//! let text = outcome_text(&refused, Locale::from_tag("nb-NO"), "Vipps");
//! assert_eq!(text.title, "Betalingen ble ikke godkjent");
//! assert!(!text.detail.contains("RESERVE_FAILED"));
//! assert_eq!(text.code, "failed:RESERVE_FAILED");
//! assert_eq!(text.next_step, NextStep::TryAgain);
//! ```

mod catalog;

use serde::{Deserialize, Serialize};

use crate::shopper::tracker::{Outcome, Phase, UnknownReason};
use crate::status::CancelledBy;
use catalog::Texts;

/// A language the shopper reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English (also the fallback for any other language).
    En,
    /// Norwegian bokmål (`nb`; `no` and `nn` are read as it too).
    Nb,
    /// Danish.
    Da,
    /// Finnish.
    Fi,
}

impl Locale {
    /// Every locale.
    pub const ALL: [Locale; 4] = [Locale::En, Locale::Nb, Locale::Da, Locale::Fi];

    /// The locale of a BCP 47 language tag (`nb-NO`, `da`, `fi-FI`, what
    /// `navigator.language` or `Locale.getDefault()` give): its primary
    /// language, case-insensitively; English for anything else.
    pub fn from_tag(tag: &str) -> Locale {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "nb" | "no" | "nn" => Locale::Nb,
            "da" => Locale::Da,
            "fi" => Locale::Fi,
            _ => Locale::En,
        }
    }

    /// The payment app the shoppers of this language know, for a page that
    /// does not name it: MobilePay where that is the app's name (Denmark,
    /// Finland: "Vipps MobilePay" is the company, the app is MobilePay
    /// there), Vipps elsewhere.
    pub fn app_name(self) -> &'static str {
        match self {
            Locale::Da | Locale::Fi => "MobilePay",
            Locale::En | Locale::Nb => "Vipps",
        }
    }

    /// The primary language subtag: `en`, `nb`, `da`, `fi`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Nb => "nb",
            Locale::Da => "da",
            Locale::Fi => "fi",
        }
    }

    fn texts(self) -> &'static Texts {
        match self {
            Locale::En => &catalog::EN,
            Locale::Nb => &catalog::NB,
            Locale::Da => &catalog::DA,
            Locale::Fi => &catalog::FI,
        }
    }
}

/// What the page should offer once the payment is settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "camelCase")]
pub enum NextStep {
    /// Paid: show the receipt, no payment button.
    Done,
    /// Nothing was charged: offer "Try again".
    TryAgain,
    /// Not known whether money moved: no new payment; ask the shopper to
    /// look in the payment app or contact the shop.
    CheckPaymentApp,
}

/// The shopper-facing text of an outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ShopperText {
    /// A short heading: "Payment approved".
    pub title: String,
    /// One or two sentences in plain words, with the payment app's name.
    pub detail: String,
    /// What the page should offer.
    pub next_step: NextStep,
    /// The label of the button for [`NextStep::TryAgain`] (empty for the
    /// others).
    pub action: String,
    /// For the developer, never for the shopper's eyes: the outcome and
    /// the provider's code (`failed:RESERVE_FAILED`, `unknown:deadlinePassed`).
    pub code: String,
}

/// Why a payment failed, as far as the provider's words tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FailureKind {
    /// Not enough money on the account or card.
    InsufficientFunds,
    /// The card has expired.
    CardExpired,
    /// Refused by the bank or card issuer (or the payment app) without a
    /// more precise reason.
    Declined,
}

impl FailureKind {
    /// Reads the provider's reason: Vipps eCom's callback statuses
    /// (`RESERVE_FAILED`: "Reserve failed because of insufficient funds,
    /// invalid card, or similar", eCom API guide, "Callbacks"), its error
    /// messages ("Refused by issuer because of expired card"), Dintero's
    /// error types (`INSUFFICIENT_FUNDS`, `DO_NOT_RETRY`). Anything else is
    /// [`Declined`](Self::Declined): the payment was refused, the exact
    /// reason is the provider's.
    pub fn of_reason(reason: &str) -> FailureKind {
        let upper = reason.to_ascii_uppercase();
        if upper.contains("INSUFFICIENT") {
            FailureKind::InsufficientFunds
        } else if upper.contains("EXPIRED CARD") || upper.contains("CARD_EXPIRED") {
            FailureKind::CardExpired
        } else {
            FailureKind::Declined
        }
    }
}

/// The shopper-facing text of `outcome` in `locale`, naming the payment
/// app (`"Vipps"`, `"MobilePay"`).
pub fn outcome_text(outcome: &Outcome, locale: Locale, app: &str) -> ShopperText {
    let t = locale.texts();
    let (pair, next_step, code) = match outcome {
        Outcome::Success { .. } => (t.success, NextStep::Done, "success".to_string()),
        Outcome::Cancelled { by } => {
            let pair = match by {
                CancelledBy::User => t.cancelled_by_user,
                CancelledBy::Merchant => t.cancelled_by_merchant,
            };
            (
                pair,
                NextStep::TryAgain,
                format!("cancelled:{}", by.as_str()),
            )
        }
        Outcome::Rejected => (t.rejected, NextStep::TryAgain, "rejected".to_string()),
        Outcome::Failed { reason } => {
            let pair = match FailureKind::of_reason(reason) {
                FailureKind::InsufficientFunds => t.insufficient_funds,
                FailureKind::CardExpired => t.card_expired,
                FailureKind::Declined => t.declined,
            };
            (pair, NextStep::TryAgain, format!("failed:{reason}"))
        }
        Outcome::Unknown { reason } => {
            let pair = match reason {
                UnknownReason::DeadlinePassed => t.unknown_deadline,
                UnknownReason::BackendUnreachable | UnknownReason::TooManyErrors => {
                    t.unknown_unreachable
                }
                UnknownReason::Stopped => t.unknown_stopped,
            };
            let name = match reason {
                UnknownReason::DeadlinePassed => "deadlinePassed",
                UnknownReason::BackendUnreachable => "backendUnreachable",
                UnknownReason::TooManyErrors => "tooManyErrors",
                UnknownReason::Stopped => "stopped",
            };
            (pair, NextStep::CheckPaymentApp, format!("unknown:{name}"))
        }
    };
    ShopperText {
        title: fill(pair.0, app),
        detail: fill(pair.1, app),
        action: match next_step {
            NextStep::TryAgain => t.try_again.to_string(),
            NextStep::Done | NextStep::CheckPaymentApp => String::new(),
        },
        next_step,
        code,
    }
}

/// What to show while the tracker is in `phase`, naming the payment app.
pub fn phase_text(phase: Phase, locale: Locale, app: &str) -> String {
    let t = locale.texts();
    let text = match phase {
        Phase::AwaitingSwitch => t.awaiting_switch,
        Phase::Polling => t.polling,
        Phase::Paused => t.paused,
        Phase::Offline => t.offline,
        Phase::BackingOff => t.backing_off,
        Phase::LongRequest => t.long_request,
        Phase::Verifying => t.verifying,
        Phase::FinalCheck => t.final_check,
        Phase::Settled => t.settled,
    };
    fill(text, app)
}

/// The label of the button that opens the payment app again while the
/// payment is pending ("Open Vipps again").
pub fn reopen_label(locale: Locale, app: &str) -> String {
    fill(locale.texts().reopen, app)
}

/// "You have 4:05 left to approve in Vipps": the time the shopper has, in
/// whole seconds, as minutes and seconds.
pub fn time_left_text(seconds_left: u64, locale: Locale, app: &str) -> String {
    let time = format!("{}:{:02}", seconds_left / 60, seconds_left % 60);
    fill(locale.texts().time_left, app).replace("{time}", &time)
}

fn fill(text: &str, app: &str) -> String {
    text.replace("{app}", app)
}

#[cfg(test)]
mod tests;
