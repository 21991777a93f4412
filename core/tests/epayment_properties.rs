//! Over random ePayment histories the provider could produce: webhook
//! deliveries in any order, any of them repeated, merge to the same final
//! status; gathered into an event log they give exactly the totals of the
//! provider's aggregate; and a poll of the get payment response merged with
//! them is never behind either.
#![cfg(feature = "raw-vipps")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_epayment::{
    Aggregate, Currency, EventLog, GetPaymentResponse, Money, PaymentEvent, PaymentEventName,
    State, WebhookEvent,
};
use appswitch_core::status::{PaymentState, PaymentStatus};
use proptest::prelude::*;

/// How the shopper's part ended.
#[derive(Clone, Debug)]
enum Shopper {
    Pending,
    Aborts,
    Expires,
    MerchantTerminates,
    Authorizes { failed_tries: u8 },
}

/// What the merchant did after an authorization: captures and refunds as
/// fractions (per mille) of what was left, then maybe a cancel.
#[derive(Clone, Debug)]
struct After {
    captures: Vec<u16>,
    refunds: Vec<u16>,
    cancel: bool,
}

#[derive(Clone, Debug)]
struct History {
    currency: Currency,
    amount: u64,
    shopper: Shopper,
    after: After,
}

fn history() -> impl Strategy<Value = History> {
    let shopper = prop_oneof![
        Just(Shopper::Pending),
        Just(Shopper::Aborts),
        Just(Shopper::Expires),
        Just(Shopper::MerchantTerminates),
        (0u8..3).prop_map(|failed_tries| Shopper::Authorizes { failed_tries }),
    ];
    let after = (
        proptest::collection::vec(1u16..=1000, 0..4),
        proptest::collection::vec(1u16..=1000, 0..3),
        any::<bool>(),
    )
        .prop_map(|(captures, refunds, cancel)| After {
            captures,
            refunds,
            cancel,
        });
    (
        prop_oneof![
            Just(Currency::Nok),
            Just(Currency::Dkk),
            Just(Currency::Eur)
        ],
        100u64..1_000_000,
        shopper,
        after,
    )
        .prop_map(|(currency, amount, shopper, after)| History {
            currency,
            amount,
            shopper,
            after,
        })
}

/// The events the provider logs for `h`, and its final state and
/// aggregate.
fn play(h: &History) -> (Vec<PaymentEvent>, State, Aggregate) {
    let t0 = Timestamp::from_millis(1_700_000_000_000);
    let mut events = Vec::new();
    let mut n = 0u64;
    let mut push = |events: &mut Vec<PaymentEvent>, name: PaymentEventName, value: u64, success| {
        n += 1;
        events.push(PaymentEvent {
            reference: "acme-shop-123-order123abc".into(),
            psp_reference: Some(format!("psp-{n}")),
            name,
            amount: Money::new(h.currency, value),
            timestamp: Some(t0 + core::time::Duration::from_secs(n)),
            idempotency_key: None,
            success,
        });
    };
    push(&mut events, PaymentEventName::Created, h.amount, true);
    let agg = |a: u64, x: u64, c: u64, r: u64| {
        Aggregate::of(
            h.currency,
            Amount::from_minor(a),
            Amount::from_minor(x),
            Amount::from_minor(c),
            Amount::from_minor(r),
        )
    };
    match &h.shopper {
        Shopper::Pending => (events, State::Created, agg(0, 0, 0, 0)),
        Shopper::Aborts => {
            push(&mut events, PaymentEventName::Aborted, h.amount, true);
            (events, State::Aborted, agg(0, 0, 0, 0))
        }
        Shopper::Expires => {
            push(&mut events, PaymentEventName::Expired, h.amount, true);
            (events, State::Expired, agg(0, 0, 0, 0))
        }
        Shopper::MerchantTerminates => {
            push(&mut events, PaymentEventName::Terminated, h.amount, true);
            (events, State::Terminated, agg(0, h.amount, 0, 0))
        }
        Shopper::Authorizes { failed_tries } => {
            for _ in 0..*failed_tries {
                push(&mut events, PaymentEventName::Authorized, h.amount, false);
            }
            push(&mut events, PaymentEventName::Authorized, h.amount, true);
            let (mut captured, mut refunded, mut cancelled) = (0u64, 0u64, 0u64);
            for per_mille in &h.after.captures {
                let left = h.amount - captured;
                let c = (left * u64::from(*per_mille) / 1000).max(1).min(left);
                if left > 0 {
                    captured += c;
                    push(&mut events, PaymentEventName::Captured, c, true);
                }
            }
            for per_mille in &h.after.refunds {
                let left = captured - refunded;
                let r = (left * u64::from(*per_mille) / 1000).max(1).min(left);
                if left > 0 {
                    refunded += r;
                    push(&mut events, PaymentEventName::Refunded, r, true);
                }
            }
            if h.after.cancel && captured < h.amount {
                cancelled = h.amount - captured;
                push(&mut events, PaymentEventName::Cancelled, cancelled, true);
            }
            (
                events,
                State::Authorized,
                agg(h.amount, cancelled, captured, refunded),
            )
        }
    }
}

fn webhook(e: &PaymentEvent) -> WebhookEvent {
    WebhookEvent {
        msn: "123456".into(),
        reference: e.reference.clone(),
        psp_reference: e.psp_reference.clone(),
        name: e.name.clone(),
        amount: e.amount,
        timestamp: e.timestamp,
        idempotency_key: e.idempotency_key.clone(),
        success: e.success,
    }
}

/// Deliveries of `events`: each at least once (`repeats` more times for
/// some), in the order `order` picks.
fn deliveries(events: &[PaymentEvent], repeats: &[u8], order: &[usize]) -> Vec<WebhookEvent> {
    let mut all: Vec<WebhookEvent> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        for _ in 0..=repeats.get(i).copied().unwrap_or(0) {
            all.push(webhook(e));
        }
    }
    // A permutation from the random keys.
    let mut keyed: Vec<(usize, WebhookEvent)> = all
        .into_iter()
        .enumerate()
        .map(|(i, w)| (order.get(i).copied().unwrap_or(i), w))
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, w)| w).collect()
}

fn merged(ws: &[WebhookEvent]) -> PaymentStatus {
    ws.iter()
        .fold(PaymentStatus::initiated(), |s, w| s.merge(&w.to_status()))
}

fn name_of(s: &PaymentState) -> &'static str {
    s.name().as_str()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn order_and_duplicates_do_not_change_the_final_status(
        h in history(),
        repeats in proptest::collection::vec(0u8..3, 0..16),
        order in proptest::collection::vec(0usize..1000, 0..64),
    ) {
        let (events, state, aggregate) = play(&h);
        let in_order: Vec<WebhookEvent> = events.iter().map(webhook).collect();
        let shuffled = deliveries(&events, &repeats, &order);

        // Webhooks merged one by one: the same whatever the order and repeats.
        prop_assert_eq!(merged(&in_order), merged(&shuffled));

        // Gathered into a log (deduplicated by event key): the same log,
        // and exactly the provider's totals.
        let log_in_order: EventLog = in_order.iter().map(WebhookEvent::to_event).collect();
        let log_shuffled: EventLog = shuffled.iter().map(WebhookEvent::to_event).collect();
        prop_assert_eq!(&log_in_order, &log_shuffled);
        prop_assert_eq!(log_shuffled.len(), events.len());
        let exact = log_shuffled.to_status();
        let polled = GetPaymentResponse {
            aggregate,
            amount: Money::new(h.currency, h.amount),
            state,
            payment_method: None,
            profile: None,
            psp_reference: None,
            redirect_url: None,
            reference: "acme-shop-123-order123abc".into(),
            metadata: None,
        }
        .to_status();
        prop_assert_eq!(exact.state(), polled.state());
        prop_assert_eq!(exact.amounts(), polled.amounts());

        // Merging single webhooks proves the same state (its amounts are
        // lower bounds: a partial capture proves its own amount), and with
        // the poll it is exactly right, in either order.
        let from_webhooks = merged(&shuffled);
        prop_assert_eq!(name_of(&from_webhooks.state()), name_of(&exact.state()));
        let a = merged(&shuffled).merge(&polled);
        let b = polled.clone().merge(&merged(&shuffled));
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.state(), exact.state());
        prop_assert_eq!(a.amounts(), exact.amounts());

        // Success only after an authorization; an authorization the
        // merchant cancelled before any capture is a cancel.
        let authorized = matches!(h.shopper, Shopper::Authorizes { .. });
        let voided = aggregate.captured().is_zero() && !aggregate.cancelled().is_zero();
        prop_assert_eq!(exact.is_success(), authorized && !voided);
    }

    #[test]
    fn any_prefix_of_the_deliveries_is_never_ahead_of_the_truth(
        h in history(),
        order in proptest::collection::vec(0usize..1000, 0..64),
        cut in 0usize..64,
    ) {
        let (events, _, _) = play(&h);
        let shuffled = deliveries(&events, &[], &order);
        let seen = &shuffled[..cut.min(shuffled.len())];
        let partial: EventLog = seen.iter().map(WebhookEvent::to_event).collect();
        let exact: EventLog = events.iter().cloned().collect();
        let (p, e) = (partial.to_status().amounts(), exact.to_status().amounts());
        prop_assert!(p.captured <= e.captured);
        prop_assert!(p.refunded <= e.refunded);
        prop_assert!(p.reserved <= e.reserved);
        // A partial view is a subset of the facts: merging it into the
        // whole changes nothing.
        prop_assert_eq!(exact.to_status().merge(&partial.to_status()).state(), exact.to_status().state());
    }
}
