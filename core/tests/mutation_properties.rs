//! Property tests of the mutation plan: for random provider answers, a
//! capture plan never exceeds the provider's rate limits, always sends the
//! same key and body, never sends again after an unknown outcome without a
//! details check that showed no operation with its key, reports done only
//! on proof, and always ends.

use core::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::mutation::*;
use appswitch_core::providers::vipps_ecom::MerchantSerialNumber;
use appswitch_core::providers::vipps_ecom::order_id::OrderId;
use appswitch_core::shopper::tracker::{BackoffPolicy, RequestId, TransportErrorKind};
use appswitch_core::status::PaymentStatus;
use proptest::prelude::*;

const ORDER: &str = "shop-7";
const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);

/// What the scripted provider does with one request.
#[derive(Clone, Debug)]
enum Reply {
    /// `2xx` with the right body (a capture response, or details whose
    /// history shows the key when `shows_key`).
    Ok {
        shows_key: bool,
    },
    /// Details with an unsuccessful entry for the key.
    FailedEntry,
    Status(u16),
    RateLimited(Option<u64>),
    EcomError(&'static str),
    Unreadable,
    Transport(TransportErrorKind),
    /// No answer at all: the plan's own timeout.
    Silence,
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        3 => any::<bool>().prop_map(|shows_key| Reply::Ok { shows_key }),
        1 => Just(Reply::FailedEntry),
        2 => prop_oneof![Just(500u16), Just(502), Just(503), Just(400), Just(404), Just(401)].prop_map(Reply::Status),
        2 => proptest::option::of(0u64..90).prop_map(Reply::RateLimited),
        2 => prop_oneof![Just("61"), Just("63"), Just("92"), Just("93"), Just("98"), Just("99"), Just("52")].prop_map(Reply::EcomError),
        1 => Just(Reply::Unreadable),
        3 => prop_oneof![
            Just(TransportErrorKind::ReadTimeout),
            Just(TransportErrorKind::ConnectTimeout),
            Just(TransportErrorKind::Offline),
            Just(TransportErrorKind::Other),
        ].prop_map(Reply::Transport),
        1 => Just(Reply::Silence),
    ]
}

fn details(key: &str, entry: Option<bool>) -> String {
    let ours = match entry {
        Some(ok) => format!(
            r#",{{"operation": "CAPTURE", "operationSuccess": {ok}, "amount": 20000, "requestId": "{key}"}}"#
        ),
        None => String::new(),
    };
    format!(
        r#"{{"orderId": "{ORDER}", "transactionLogHistory": [{{"operation": "RESERVE", "operationSuccess": true, "amount": 20000, "requestId": ""}}{ours}]}}"#
    )
}

/// Feeds `reply` to request `id`; `bodies` are the `2xx` bodies of
/// [`Reply::Ok`], [`Reply::FailedEntry`] and [`Reply::Unreadable`], and
/// `group` the error group of [`Reply::EcomError`].
fn deliver(
    plan: &mut MutationPlan,
    id: RequestId,
    reply: &Reply,
    bodies: [&str; 3],
    group: &str,
    now: Timestamp,
) {
    let [ok, failed, unreadable] = bodies;
    match reply {
        Reply::Ok { .. } => plan.handle_http(id, 200, None, ok, now),
        Reply::FailedEntry => plan.handle_http(id, 200, None, failed, now),
        Reply::Unreadable => plan.handle_http(id, 200, None, unreadable, now),
        Reply::Status(s) => plan.handle_http(id, *s, None, "", now),
        Reply::RateLimited(ra) => {
            let header = ra.map(|s| s.to_string());
            plan.handle_http(id, 429, header.as_deref(), "", now);
        }
        Reply::EcomError(code) => {
            let body = format!(
                r#"[{{"errorGroup": "{group}", "errorCode": "{code}", "errorMessage": "x"}}]"#
            );
            plan.handle_http(id, 400, None, &body, now);
        }
        Reply::Transport(kind) => plan.handle(PlanEvent::TransportError { id, kind: *kind }, now),
        Reply::Silence => {}
    }
}

/// How the last send ended, from the plan's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SendOutcome {
    NothingHappened,
    Unknown,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_capture_plan_keeps_every_rule(
        replies in proptest::collection::vec(reply(), 1..60),
        seed in any::<[u8; 16]>(),
        tight in any::<bool>(),
    ) {
        let key = IdempotencyKey::from_random(seed);
        let status = PaymentStatus::initiated().with_reserved(Amount::from_minor(20000));
        let policy = if tight {
            MutationPolicy {
                max_sends: 9,
                max_checks: 15,
                backoff: BackoffPolicy { base: Duration::from_millis(10), max: Duration::from_millis(50) },
                ..MutationPolicy::vipps()
            }
        } else {
            MutationPolicy::vipps()
        };
        let mut plan = MutationPlan::capture(
            &OrderId::new(ORDER).unwrap(),
            &MerchantSerialNumber::new("123456").unwrap(),
            &status,
            None,
            "Socks",
            key.clone(),
        )
        .unwrap()
        .with_policy(policy)
        .unwrap();

        let mut now = T0;
        let mut script = replies.iter().cycle();
        let mut sends: Vec<Timestamp> = Vec::new();
        let mut checks: Vec<Timestamp> = Vec::new();
        let mut first_body = None;
        let mut last_send: Option<SendOutcome> = None;
        let mut cleared_by_check = false;
        let mut proof = false;
        let mut steps = 0;
        let end = loop {
            steps += 1;
            prop_assert!(steps < 500, "the plan never ends");
            match plan.poll(now) {
                MutationAction::WaitUntil(t) => {
                    prop_assert!(t > now);
                    now = t;
                }
                MutationAction::Done(d) => break Ok(d),
                MutationAction::Failed(f) => break Err(f),
                MutationAction::Send(req) => {
                    prop_assert_eq!(&req.idempotency_key, &key);
                    let body = first_body.get_or_insert_with(|| req.body.clone());
                    prop_assert_eq!(&req.body, &*body);
                    if last_send == Some(SendOutcome::Unknown) {
                        prop_assert!(cleared_by_check, "sent again after an unknown outcome without a check");
                    }
                    sends.push(now);
                    cleared_by_check = false;
                    let r = script.next().unwrap().clone();
                    last_send = Some(match &r {
                        Reply::Transport(TransportErrorKind::ConnectTimeout | TransportErrorKind::Offline)
                        | Reply::RateLimited(_) => SendOutcome::NothingHappened,
                        Reply::EcomError("98") => SendOutcome::NothingHappened,
                        _ => SendOutcome::Unknown,
                    });
                    if matches!(r, Reply::Ok { .. }) {
                        proof = true;
                    }
                    let captured = format!(r#"{{"orderId": "{ORDER}", "transactionInfo": {{"amount": 20000, "status": "Captured"}}}}"#);
                    deliver(&mut plan, req.id, &r, [&captured, "[]", "[]"], "Payments", now);
                }
                MutationAction::CheckDetails(c) => {
                    checks.push(now);
                    let r = script.next().unwrap().clone();
                    match r {
                        Reply::Ok { shows_key: true } => proof = true,
                        Reply::Ok { shows_key: false } => cleared_by_check = true,
                        _ => {}
                    }
                    let shows_key = matches!(r, Reply::Ok { shows_key: true });
                    let ok = details(key.as_str(), shows_key.then_some(true));
                    let failed = details(key.as_str(), Some(false));
                    deliver(&mut plan, c.id, &r, [&ok, &failed, "{}"], "VippsError", now);
                }
            }
        };

        // The provider's limits, in every rolling minute.
        for (list, cap) in [(&sends, 5usize), (&checks, 120)] {
            for (i, s) in list.iter().enumerate() {
                let in_window = list[..=i].iter().filter(|t| s.saturating_since(**t) < Duration::from_secs(60)).count();
                prop_assert!(in_window <= cap, "{} requests in a minute", in_window);
            }
        }
        prop_assert!(sends.len() <= policy.max_sends as usize);
        prop_assert!(checks.len() <= policy.max_checks as usize);
        match end {
            Ok(done) => {
                prop_assert!(proof, "done without a 2xx capture or the key in the history");
                prop_assert_eq!(done.idempotency_key, key);
                prop_assert!(done.status.amounts().captured > Amount::ZERO);
            }
            Err(MutationFailure::GaveUp { idempotency_key, .. }) => prop_assert_eq!(idempotency_key, key),
            Err(_) => {}
        }
    }
}
