//! The three retry pieces together, as a merchant backend drives them: a
//! checkout session asks for a duplicate reservation to be cancelled, a
//! cancel plan does it through a timeout (checking the details first), and
//! the result goes back into the session. Also: every type a backend keeps
//! across `.await` points or shares between tasks is `Send + Sync +
//! 'static`.

use core::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::card_guard::{AttemptTicket, CardGuard, Refusal};
use appswitch_core::merchant::checkout::{
    CheckoutSession, CleanUpReason, SessionAction, SlowPaymentPolicy, Watch,
};
use appswitch_core::merchant::mutation::*;
use appswitch_core::providers::vipps_ecom::MerchantSerialNumber;
use appswitch_core::providers::vipps_ecom::order_id::OrderId;
use appswitch_core::shopper::tracker::TransportErrorKind;
use appswitch_core::status::{CancelledBy, PaymentState, PaymentStatus};

fn shareable<T: Send + Sync + 'static>() {}

#[test]
fn everything_a_backend_keeps_can_cross_await_points_and_threads() {
    shareable::<MutationPlan>();
    shareable::<MutationAction>();
    shareable::<MutationFailure>();
    shareable::<MutationSnapshot>();
    shareable::<InitiatePlan>();
    shareable::<InitiateAction>();
    shareable::<InitiateSnapshot>();
    shareable::<OrderRates>();
    shareable::<CheckoutSession>();
    shareable::<SessionAction>();
    shareable::<CardGuard>();
    shareable::<AttemptTicket>();
    shareable::<Refusal>();
}

/// The provider, scripted: the first cancel times out but goes through.
/// Its `VOID` carries no `requestId`, as the provider's history does (the
/// cancel endpoint takes no `X-Request-Id`).
struct Provider {
    cancelled_with: Option<String>,
    cancels: u32,
    details: u32,
}

impl Provider {
    fn details(&self) -> String {
        let void = match &self.cancelled_with {
            Some(_key) => {
                r#",{"operation": "VOID", "operationSuccess": true, "amount": 20000, "timeStamp": "2023-11-14T22:15:00Z"}"#.to_string()
            }
            None => String::new(),
        };
        format!(
            r#"{{"orderId": "shop-1-a", "transactionLogHistory": [{{"operation": "RESERVE", "operationSuccess": true, "amount": 20000, "requestId": ""}}{void}]}}"#
        )
    }
}

#[test]
fn a_duplicate_reservation_is_cancelled_through_a_timeout_and_the_session_completes() {
    let t0 = Timestamp::from_millis(1_700_000_000_000);
    let mut now = t0;
    let mut session = CheckoutSession::new(
        "basket-1",
        SlowPaymentPolicy::tickets(Duration::from_secs(120)),
    );
    session.start_attempt("shop-1-a", t0).unwrap();
    session
        .start_attempt("shop-1-b", t0 + Duration::from_secs(20))
        .unwrap();
    let reserved = PaymentStatus::initiated().with_reserved(Amount::from_minor(20000));
    session
        .observe("shop-1-b", &reserved, t0 + Duration::from_secs(25))
        .unwrap();
    assert!(matches!(
        session.next_action(),
        Some(SessionAction::IssueGoods { .. })
    ));
    session
        .goods_issued("shop-1-b", t0 + Duration::from_secs(26))
        .unwrap();
    now = now + Duration::from_secs(60);
    session.observe("shop-1-a", &reserved, now).unwrap();

    // The session asks to cancel the first attempt …
    let Some(SessionAction::CancelReservation {
        order_id,
        reason,
        status,
    }) = session.next_action()
    else {
        panic!("a cancel")
    };
    assert_eq!(
        reason,
        CleanUpReason::Duplicate {
            issued: "shop-1-b".into()
        }
    );
    // … which a cancel plan does, with the status the action carries.
    let key = IdempotencyKey::from_random([3; 16]);
    let msn = MerchantSerialNumber::new("123456").unwrap();
    let mut plan = MutationPlan::cancel(
        &OrderId::new(order_id.clone()).unwrap(),
        &msn,
        &status,
        "Duplicate payment",
        key,
    )
    .unwrap();
    let mut provider = Provider {
        cancelled_with: None,
        cancels: 0,
        details: 0,
    };
    let done = loop {
        match plan.poll(now) {
            MutationAction::Send(req) => {
                provider.cancels += 1;
                provider.cancelled_with = Some(req.idempotency_header().1.to_string());
                // The cancel goes through, but the answer is lost.
                let kind = TransportErrorKind::ReadTimeout;
                plan.handle(PlanEvent::TransportError { id: req.id, kind }, now);
            }
            MutationAction::CheckDetails(c) => {
                provider.details += 1;
                plan.handle_http(c.id, 200, None, &provider.details(), now);
            }
            MutationAction::WaitUntil(t) => now = t,
            MutationAction::Done(done) => break done,
            MutationAction::Failed(f) => panic!("{f}"),
        }
    };
    assert_eq!((provider.cancels, provider.details), (1, 1));
    assert!(matches!(done.confirmation, Confirmation::History { .. }));
    assert_eq!(
        done.status.state(),
        PaymentState::Cancelled {
            by: CancelledBy::Merchant
        }
    );

    // Until the session hears of it, the clean-up is unconfirmed.
    assert_eq!(
        session.watch(now),
        vec![Watch {
            order_id: order_id.clone(),
            reason: appswitch_core::merchant::checkout::WatchReason::CleanUpUnconfirmed
        }]
    );
    session.observe(&order_id, &done.status, now).unwrap();
    assert!(session.is_complete(now));
    assert_eq!(session.next_action(), None);
}
