//! The shopper's words: every outcome has them in every language, and no
//! provider code ever reaches them.

use super::*;
use crate::status::PaymentStatus;

fn every_outcome(reason: &str) -> Vec<Outcome> {
    vec![
        Outcome::Success {
            status: PaymentStatus::initiated(),
        },
        Outcome::Cancelled {
            by: CancelledBy::User,
        },
        Outcome::Cancelled {
            by: CancelledBy::Merchant,
        },
        Outcome::Rejected,
        Outcome::Failed {
            reason: reason.to_string(),
        },
        Outcome::Unknown {
            reason: UnknownReason::DeadlinePassed,
        },
        Outcome::Unknown {
            reason: UnknownReason::BackendUnreachable,
        },
        Outcome::Unknown {
            reason: UnknownReason::TooManyErrors,
        },
        Outcome::Unknown {
            reason: UnknownReason::Stopped,
        },
    ]
}

/// The reasons providers give: eCom callback statuses and operation
/// names, its error messages, Dintero's error types and codes.
const PROVIDER_REASONS: [&str; 8] = [
    "RESERVE_FAILED",
    "SALE_FAILED",
    "FAILED",
    "RESERVE_FAILED; SALE_FAILED",
    "DO_NOT_RETRY",
    "payex:errorCode:DO_NOT_RETRY",
    "INSUFFICIENT_FUNDS",
    "Refused by issuer because of expired card",
];

#[test]
fn no_provider_code_reaches_the_shopper() {
    for locale in Locale::ALL {
        for reason in PROVIDER_REASONS {
            for outcome in every_outcome(reason) {
                let text = outcome_text(&outcome, locale, "Vipps");
                for shown in [&text.title, &text.detail, &text.action] {
                    assert!(!shown.contains(reason), "{locale:?} {outcome:?}: {shown}");
                    assert!(!shown.contains('_'), "{locale:?} {outcome:?}: {shown}");
                    assert!(!shown.contains('{'), "unfilled placeholder: {shown}");
                }
                assert!(!text.title.is_empty() && !text.detail.is_empty());
            }
        }
    }
}

#[test]
fn the_code_stays_for_the_developer() {
    let text = outcome_text(
        &Outcome::Failed {
            reason: "SALE_FAILED".into(),
        },
        Locale::En,
        "Vipps",
    );
    assert_eq!(text.code, "failed:SALE_FAILED");
    let codes: Vec<String> = every_outcome("X")
        .iter()
        .map(|o| outcome_text(o, Locale::Da, "MobilePay").code)
        .collect();
    assert_eq!(
        codes,
        [
            "success",
            "cancelled:user",
            "cancelled:merchant",
            "rejected",
            "failed:X",
            "unknown:deadlinePassed",
            "unknown:backendUnreachable",
            "unknown:tooManyErrors",
            "unknown:stopped",
        ]
    );
}

#[test]
fn the_next_step_follows_what_happened_to_the_money() {
    for locale in Locale::ALL {
        for outcome in every_outcome("RESERVE_FAILED") {
            let text = outcome_text(&outcome, locale, "Vipps");
            let want = match outcome {
                Outcome::Success { .. } => NextStep::Done,
                Outcome::Cancelled { .. } | Outcome::Rejected | Outcome::Failed { .. } => {
                    NextStep::TryAgain
                }
                Outcome::Unknown { .. } => NextStep::CheckPaymentApp,
            };
            assert_eq!(text.next_step, want, "{outcome:?}");
            // A button label exactly when there is something to try again.
            assert_eq!(text.action.is_empty(), want != NextStep::TryAgain);
        }
    }
}

#[test]
fn an_unknown_outcome_tells_the_shopper_not_to_pay_again_and_names_the_app() {
    let dont = [
        (Locale::En, "do not pay again"),
        (Locale::Nb, "ikke betal på nytt"),
        (Locale::Da, "betal ikke igen"),
        (Locale::Fi, "älä maksa uudelleen"),
    ];
    for (locale, words) in dont {
        for outcome in every_outcome("X") {
            if let Outcome::Unknown { .. } = outcome {
                let text = outcome_text(&outcome, locale, "MobilePay");
                assert!(
                    text.detail.to_lowercase().contains(words),
                    "{locale:?}: {}",
                    text.detail
                );
                assert!(text.detail.contains("MobilePay"), "{}", text.detail);
            }
        }
    }
}

#[test]
fn each_language_has_its_own_words() {
    for outcome in every_outcome("RESERVE_FAILED") {
        let titles: Vec<String> = Locale::ALL
            .iter()
            .map(|l| outcome_text(&outcome, *l, "Vipps").detail)
            .collect();
        for (i, a) in titles.iter().enumerate() {
            for b in titles.iter().skip(i + 1) {
                assert_ne!(a, b, "{outcome:?}");
            }
        }
    }
}

#[test]
fn failures_are_told_apart_by_the_providers_words() {
    assert_eq!(
        FailureKind::of_reason("INSUFFICIENT_FUNDS"),
        FailureKind::InsufficientFunds
    );
    assert_eq!(
        FailureKind::of_reason("Refused by issuer because of expired card"),
        FailureKind::CardExpired
    );
    for declined in [
        "RESERVE_FAILED",
        "SALE_FAILED",
        "DO_NOT_RETRY",
        "FAILED",
        "",
    ] {
        assert_eq!(FailureKind::of_reason(declined), FailureKind::Declined);
    }
    let expired = outcome_text(
        &Outcome::Failed {
            reason: "CARD_EXPIRED".into(),
        },
        Locale::Nb,
        "Vipps",
    );
    assert_eq!(expired.title, "Kortet er utløpt");
}

#[test]
fn language_tags_pick_the_locale() {
    for (tag, want) in [
        ("nb-NO", Locale::Nb),
        ("no", Locale::Nb),
        ("NN_no", Locale::Nb),
        ("da-DK", Locale::Da),
        ("fi", Locale::Fi),
        ("sv-SE", Locale::En),
        ("en-GB", Locale::En),
        ("", Locale::En),
        ("💥", Locale::En),
    ] {
        assert_eq!(Locale::from_tag(tag), want, "{tag}");
    }
    for l in Locale::ALL {
        assert_eq!(Locale::from_tag(l.tag()), l);
    }
}

#[test]
fn phases_and_the_countdown_are_worded_with_the_app() {
    use Phase::*;
    for locale in Locale::ALL {
        for phase in [
            AwaitingSwitch,
            Polling,
            Paused,
            Offline,
            BackingOff,
            LongRequest,
            Verifying,
            FinalCheck,
            Settled,
        ] {
            let text = phase_text(phase, locale, "Vipps");
            assert!(!text.is_empty() && !text.contains('{'), "{phase:?}");
        }
        assert!(phase_text(AwaitingSwitch, locale, "Vipps").contains("Vipps"));
        assert!(reopen_label(locale, "Vipps").contains("Vipps"));
        let left = time_left_text(245, locale, "Vipps");
        assert!(left.contains("4:05") && left.contains("Vipps"), "{left}");
    }
    assert_eq!(
        time_left_text(9, Locale::En, "Vipps"),
        "You have 0:09 left to approve in Vipps"
    );
}

proptest::proptest! {
    /// Whatever code a provider invents, the shopper does not see it.
    #[test]
    fn invented_codes_stay_hidden(reason in "[A-Z][A-Z_]{5,24}") {
        for locale in Locale::ALL {
            let text = outcome_text(&Outcome::Failed { reason: reason.clone() }, locale, "Vipps");
            proptest::prop_assert!(!text.title.contains(&reason));
            proptest::prop_assert!(!text.detail.contains(&reason));
            proptest::prop_assert_eq!(&text.code, &format!("failed:{reason}"));
        }
    }
}

#[test]
fn the_app_is_mobilepay_in_denmark_and_finland_and_vipps_elsewhere() {
    let names: Vec<_> = Locale::ALL
        .iter()
        .map(|l| (l.tag(), l.app_name()))
        .collect();
    assert_eq!(
        names,
        [
            ("en", "Vipps"),
            ("nb", "Vipps"),
            ("da", "MobilePay"),
            ("fi", "MobilePay")
        ]
    );
    assert_eq!(Locale::from_tag("da-DK").app_name(), "MobilePay");
}
