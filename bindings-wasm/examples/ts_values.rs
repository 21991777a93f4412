//! Prints a TypeScript module of real values: every shape the module hands
//! to JavaScript (and the ones it reads from it), written by the same serde
//! derives and views the exported functions use, each assigned to its type
//! from the package's `.d.ts`.
//!
//! `cargo xtask test typescript` writes it to
//! `tests/ts-consumer/generated-values.ts` and type-checks it with `tsc`
//! (strict, `exactOptionalPropertyTypes`): a field renamed, added or
//! dropped in Rust but not in the `.d.ts` (or the other way round) is an
//! excess or missing property, and the suite fails.
//!
//! Run: `cargo run -p appswitch-wasm --example ts_values`.

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::tracker::{Outcome, Phase, Policy, Progress, UnknownReason};
use appswitch_core::shopper::url::{
    AttemptNonce, FallbackSpec, FallbackTarget, QueryParam, ReturnVia, ShopperReturned,
};
use appswitch_core::shopper::wording::Locale;
use appswitch_core::status::{CancelledBy, FailedOperation, PaymentStatus};
use appswitch_wasm::output::{OutcomeView, ProgressView};
use serde::Serialize;

const LANDING: &str =
    "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x";

/// The TypeScript module, one `const` per value.
struct Module {
    text: String,
    count: usize,
}

impl Module {
    fn value<T: Serialize + ?Sized>(&mut self, ts_type: &str, value: &T) {
        let json = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
            eprintln!("ts_values: a `{ts_type}` cannot be written: {e}");
            std::process::exit(1)
        });
        self.count += 1;
        self.text.push_str(&format!(
            "export const value{}: {ts_type} = {json};\n\n",
            self.count
        ));
    }
}

fn fail(what: &str, e: impl core::fmt::Display) -> ! {
    eprintln!("ts_values: {what}: {e}");
    std::process::exit(1)
}

fn main() {
    let now = Timestamp::from_millis(1_700_000_000_000);
    let mut m = Module {
        text: String::from(
            "// Written by `cargo run -p appswitch-wasm --example ts_values`: real values of\n\
             // the package's types, type-checked against its `.d.ts`. Do not edit.\n\
             import type {\n  Deeplink, Outcome, OpenPlan, PaymentStatus, Policy, Progress,\n  \
             ReturnExpectation, ShopperReturned,\n} from \"appswitch\";\n\n",
        ),
        count: 0,
    };

    // The expectations of fallbacks of every target (the backend builds
    // the fallback; the page keeps its expectation).
    for (platform, target) in [
        (
            Platform::MobileWeb,
            FallbackTarget::Web {
                base: "http://shop.example.no/return?step=2".into(),
            },
        ),
        (
            Platform::Ios,
            FallbackTarget::App {
                base: "merchantapp://result".into(),
            },
        ),
        (
            Platform::Ios,
            FallbackTarget::App {
                base: "merchantapp:/result".into(),
            },
        ),
        (Platform::Android, FallbackTarget::AndroidIntent),
    ] {
        let intent = matches!(target, FallbackTarget::AndroidIntent);
        let mut spec = FallbackSpec::new(platform, target, "shop-1042");
        if !intent {
            spec.params.push(QueryParam::new("cart", "7"));
        }
        let fallback = spec
            .build(AttemptNonce::from_random([7; 16]))
            .unwrap_or_else(|e| fail("a fallback", e));
        m.value("ReturnExpectation", &fallback.expectation);
    }

    // The deeplink, and the plans for it (valid, and expired).
    let link = Deeplink::classify(LANDING, now).unwrap_or_else(|e| fail("the deeplink", e));
    m.value("Deeplink", &link);
    for at in [now, Timestamp::from_millis(1_700_001_000_000)] {
        for platform in [Platform::MobileWeb, Platform::DesktopWeb] {
            let plan = link
                .open_plan(platform, at)
                .unwrap_or_else(|e| fail("the plan", e));
            m.value("OpenPlan", &plan);
        }
    }

    // The policy, as `defaultPolicy()` gives it (long poll on), and with
    // every other choice made (long poll off, polling while hidden).
    m.value("Policy", &Policy::vipps());
    let mut custom = Policy::vipps();
    custom.long_poll = None;
    custom.while_hidden = appswitch_core::shopper::tracker::HiddenPolling::Every {
        interval: core::time::Duration::from_secs(10),
    };
    m.value("Policy", &custom);

    // Statuses with every fact, and the progress and outcome of each state.
    let failed_op = FailedOperation {
        operation: "CAPTURE".into(),
        amount: Amount::from_minor(100),
        at: Some(now),
        transaction_id: Some("5001420062".into()),
    };
    let reserved = PaymentStatus::initiated()
        .with_reserved(Amount::from_minor(20000))
        .with_updated_at(now);
    let statuses = [
        PaymentStatus::initiated(),
        reserved.clone(),
        reserved
            .clone()
            .with_captured(Amount::from_minor(5000))
            .with_captured_at(now)
            .with_failed_operation(failed_op.clone()),
        reserved
            .clone()
            .with_captured(Amount::from_minor(20000))
            .with_refunded(Amount::from_minor(20000)),
        PaymentStatus::initiated().with_cancelled(CancelledBy::Merchant),
        PaymentStatus::initiated().with_rejected(),
        PaymentStatus::initiated()
            .with_failure("insufficient funds")
            .with_failed_operation(failed_op),
    ];
    let phases = [
        Phase::AwaitingSwitch,
        Phase::Polling,
        Phase::Paused,
        Phase::Offline,
        Phase::BackingOff,
        Phase::LongRequest,
        Phase::Verifying,
        Phase::FinalCheck,
        Phase::Settled,
    ];
    for (i, status) in statuses.iter().enumerate() {
        m.value("PaymentStatus", status);
        let progress = Progress {
            status: status.clone(),
            state: status.state(),
            phase: phases.get(i).copied().unwrap_or(Phase::Settled),
            deadline: now,
        };
        m.value(
            "Progress",
            &ProgressView::new("shop-1042", &progress, Locale::Nb),
        );
    }
    for phase in phases {
        m.value("Progress[\"phase\"]", &phase);
    }
    let success = Outcome::Success {
        status: statuses.get(2).cloned().unwrap_or_default(),
    };
    let outcomes = [
        success,
        Outcome::Cancelled {
            by: CancelledBy::User,
        },
        Outcome::Rejected,
        Outcome::Failed {
            reason: "insufficient funds".into(),
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
    ];
    for outcome in &outcomes {
        m.value(
            "Outcome",
            &OutcomeView::new("shop-1042", outcome, Some(&reserved), Locale::En),
        );
    }

    // How the shopper came back.
    for via in [
        ReturnVia::WebPage,
        ReturnVia::AppLink,
        ReturnVia::AppResumed,
    ] {
        m.value(
            "ShopperReturned",
            &ShopperReturned {
                order_id: "shop-1042".into(),
                via,
                params: vec![QueryParam::new("cart", "7")],
            },
        );
    }

    print!("{}", m.text);
}
