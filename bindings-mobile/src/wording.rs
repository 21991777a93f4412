//! Words for the shopper ([`appswitch_core::shopper::wording`]): what an
//! outcome or a tracking phase means, in English, Norwegian, Danish or
//! Finnish — never a provider's code on the shopper's screen (the code
//! stays in `ShopperText.code`, for logs and support).
//!
//! The language is a BCP 47 tag as the platform gives it
//! (`Locale.getDefault().toLanguageTag()`, `Locale.current.identifier`):
//! `nb-NO`, `da`, `fi_FI`; English for any other.
//!
//! ```kotlin
//! val text = outcomeText(outcome, Locale.getDefault().toLanguageTag(), "Vipps")
//! title.text = text.title; detail.text = text.detail
//! retry.isVisible = text.nextStep == NextStep.TRY_AGAIN; retry.text = text.action
//! ```

use appswitch_core::shopper::tracker::{Outcome, Phase};
use appswitch_core::shopper::wording::{self, Locale, ShopperText};

/// The shopper-facing text of `outcome` in the language of `languageTag`,
/// naming the payment app (`"Vipps"`, `"MobilePay"`): a title, a sentence,
/// what to offer next (`Done`, `TryAgain`, `CheckPaymentApp`), the button
/// label for `TryAgain`, and the code for the developer.
#[uniffi::export]
pub fn outcome_text(outcome: Outcome, language_tag: String, app: String) -> ShopperText {
    wording::outcome_text(&outcome, Locale::from_tag(&language_tag), &app)
}

/// What to show while the tracker is in `phase` ("Waiting for you to
/// approve in Vipps…").
#[uniffi::export]
pub fn phase_text(phase: Phase, language_tag: String, app: String) -> String {
    wording::phase_text(phase, Locale::from_tag(&language_tag), &app)
}

/// The label of the button that opens the payment app again while the
/// payment is pending and the deeplink still valid ("Open Vipps again").
#[uniffi::export]
pub fn reopen_label(language_tag: String, app: String) -> String {
    wording::reopen_label(Locale::from_tag(&language_tag), &app)
}

#[cfg(test)]
mod tests {
    use super::*;
    use appswitch_core::shopper::wording::NextStep;

    #[test]
    fn reads_the_language_tag_and_keeps_the_code_off_the_screen() {
        let failed = Outcome::Failed {
            reason: "RESERVE_FAILED".into(),
        };
        let nb = outcome_text(failed.clone(), "nb-NO".into(), "Vipps".into());
        let en = outcome_text(failed, "xx".into(), "Vipps".into());
        assert_ne!(
            nb.title, en.title,
            "Norwegian, and English for an unknown tag"
        );
        assert_eq!(
            nb,
            wording::outcome_text(
                &Outcome::Failed {
                    reason: "RESERVE_FAILED".into()
                },
                Locale::Nb,
                "Vipps"
            )
        );
        assert!(!nb.detail.contains("RESERVE_FAILED") && nb.code.contains("RESERVE_FAILED"));
        assert_eq!(nb.next_step, NextStep::TryAgain);
        assert!(reopen_label("da".into(), "MobilePay".into()).contains("MobilePay"));
        assert!(
            phase_text(Phase::AwaitingSwitch, "fi_FI".into(), "MobilePay".into())
                .contains("MobilePay")
        );
    }
}
