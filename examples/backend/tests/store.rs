//! The [`Store`] contract, run on both databases the backend ships with:
//! SQLite (a temp file) and PostgreSQL (a throwaway server).

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::sync::Arc;

use appswitch_core::foundation::money::Amount;
use appswitch_core::merchant::checkout::{CheckoutSession, SlowPaymentPolicy};
use appswitch_core::merchant::mutation::MutationKind;
use appswitch_core::providers::vipps_ecom::AuthToken;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget};
use appswitch_core::status::PaymentStatus;
use appswitch_merchant_backend::ProviderApi;
use appswitch_merchant_backend::store::{
    EventSource, NewEvent, NewOperation, NewOrder, NextCheck, OperationOrigin, OperationState,
    OrderState, SqlStore, Store, StoreError, StoredWebhook,
};
use support::TempDb;

fn order(id: &str, basket: &str, next: Option<u64>) -> NewOrder {
    let fallback = FallbackSpec::new(
        Platform::DesktopWeb,
        FallbackTarget::Web {
            base: "https://shop.vipps.no/return".into(),
        },
        id,
    )
    .build(AttemptNonce::from_random([7; 16]))
    .unwrap();
    NewOrder {
        order_id: id.into(),
        basket_id: basket.into(),
        amount: Amount::from_minor(20000),
        currency: "NOK".into(),
        provider_api: ProviderApi::Ecom,
        express: false,
        auth_token: AuthToken::new(format!("token-of-{id}")),
        fallback_url: fallback.url,
        expectation: fallback.expectation,
        created_at: 1_000,
        state: OrderState {
            status: PaymentStatus::initiated(),
            deeplink: None,
            goods_issued: false,
            problem: None,
            provider_unknown: false,
            finished_at: None,
        },
        next_check_at: next,
    }
}

fn event(detail: &str, accepted: bool) -> NewEvent {
    NewEvent {
        source: EventSource::Callback,
        accepted,
        detail: detail.into(),
    }
}

async fn contract(store: Arc<dyn Store>) {
    // Insert, read back, refuse a duplicate.
    store
        .insert_order(&order("o-1", "b-1", Some(5_000)), &event("made", true))
        .await
        .unwrap();
    let o = store.order("o-1").await.unwrap().unwrap();
    assert_eq!(
        (
            o.order.amount.minor(),
            o.order.auth_token.expose(),
            o.version,
            o.next_check_at
        ),
        (20000, "token-of-o-1", 1, Some(5_000))
    );
    assert_eq!(
        o.order.expectation.nonce.as_str(),
        "07070707070707070707070707070707"
    );
    assert!(matches!(
        store
            .insert_order(&order("o-1", "b-1", None), &event("again", true))
            .await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.order("nope").await.unwrap().is_none());

    // Compare-and-swap: the stale writer loses.
    let mut next = o.state.clone();
    next.status = PaymentStatus::initiated().with_reserved(Amount::from_minor(20000));
    assert!(
        store
            .update_order("o-1", 1, &next, Some(&event("reserved", true)), true)
            .await
            .unwrap()
    );
    let mut stale = o.state.clone();
    stale.problem = Some("lost".into());
    assert!(
        !store
            .update_order("o-1", 1, &stale, None, false)
            .await
            .unwrap()
    );
    let o = store.order("o-1").await.unwrap().unwrap();
    assert_eq!(
        (o.version, o.state.status.is_final(), o.state.problem),
        (2, true, None)
    );
    assert_eq!(o.next_check_at, None, "a decided order leaves the queue");

    // History, with a cap on refused entries.
    for i in 0..5 {
        store
            .add_event("o-1", &event(&format!("forged {i}"), false), 3)
            .await
            .unwrap();
    }
    let events = store.events("o-1").await.unwrap();
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert_eq!(events.iter().filter(|e| !e.accepted).count(), 3);
    assert_eq!(events[1].detail, "reserved");

    // The lease: one holder; the gap since the last check.
    store
        .insert_order(&order("o-2", "b-1", Some(2_000)), &event("made", true))
        .await
        .unwrap();
    assert!(
        store
            .try_lease("o-2", "x", 10_000, 20_000, None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .try_lease("o-2", "y", 10_001, 20_001, None)
            .await
            .unwrap()
    );
    assert!(
        store
            .try_lease("o-2", "y", 20_001, 30_000, None)
            .await
            .unwrap(),
        "expired"
    );
    store
        .release_lease("o-2", "x", 20_002, true, NextCheck::At(None))
        .await
        .unwrap();
    assert!(
        !store
            .try_lease("o-2", "z", 20_003, 30_000, None)
            .await
            .unwrap(),
        "not x's any more"
    );
    store
        .release_lease("o-2", "y", 21_000, true, NextCheck::Keep)
        .await
        .unwrap();
    assert!(
        !store
            .try_lease("o-2", "z", 21_100, 30_000, Some(500))
            .await
            .unwrap(),
        "asked 100 ms ago"
    );
    assert!(
        store
            .try_lease("o-2", "z", 21_600, 30_000, Some(500))
            .await
            .unwrap()
    );
    store
        .release_lease("o-2", "z", 21_700, false, NextCheck::At(Some(3_000)))
        .await
        .unwrap();

    // The watcher's queue: due first, leased ones skipped, operations too.
    store
        .insert_order(&order("o-3", "b-2", Some(1_000)), &event("made", true))
        .await
        .unwrap();
    store
        .insert_order(&order("o-4", "b-2", Some(90_000)), &event("made", true))
        .await
        .unwrap();
    store
        .insert_order(&order("o-5", "b-3", None), &event("made", true))
        .await
        .unwrap();
    assert_eq!(store.next_due().await.unwrap(), Some(1_000));
    let batch = store.lease_due("w", 50_000, 60_000, 1, 0).await.unwrap();
    assert_eq!(batch, ["o-3"], "earliest first");
    let batch = store.lease_due("w", 50_000, 60_000, 10, 0).await.unwrap();
    assert_eq!(
        batch,
        ["o-2"],
        "o-3 is leased; o-4 is not due; o-5 is not queued"
    );
    assert!(
        store
            .lease_due("w", 50_000, 60_000, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    // An order asked about moments ago waits for the next batch.
    store
        .insert_order(&order("o-6", "b-4", Some(1_000)), &event("made", true))
        .await
        .unwrap();
    assert!(
        store
            .try_lease("o-6", "s", 40_000, 41_000, None)
            .await
            .unwrap()
    );
    store
        .release_lease("o-6", "s", 40_000, true, NextCheck::Keep)
        .await
        .unwrap();
    assert!(
        store
            .lease_due("w", 40_100, 60_000, 10, 500)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.lease_due("w", 40_600, 60_000, 10, 500).await.unwrap(),
        ["o-6"]
    );
    let op = NewOperation {
        order_id: "o-5".into(),
        key: "key-1".into(),
        kind: MutationKind::Capture,
        amount: Some(Amount::from_minor(500)),
        text: "ship".into(),
        origin: OperationOrigin::Merchant,
    };
    let stored = store.begin_operation(&op, 50_000, 55_000).await.unwrap();
    assert_eq!(
        (stored.state, stored.op.clone()),
        (OperationState::Pending, op.clone())
    );
    let other = NewOperation {
        amount: Some(Amount::from_minor(999)),
        ..op.clone()
    };
    let again = store.begin_operation(&other, 50_001, 55_001).await.unwrap();
    assert_eq!(
        again.op.amount, op.amount,
        "the first request under a key stands"
    );
    assert!(
        store
            .lease_due("w", 54_000, 60_000, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.lease_due("w", 55_000, 60_000, 10, 0).await.unwrap(),
        ["o-5"],
        "its operation is due"
    );
    assert_eq!(store.pending_operations("o-5").await.unwrap().len(), 1);
    store
        .finish_operation(
            "o-5",
            "key-1",
            OperationState::Done,
            "{\"ok\":true}",
            56_000,
            None,
        )
        .await
        .unwrap();
    assert!(store.pending_operations("o-5").await.unwrap().is_empty());
    let done = store.begin_operation(&op, 57_000, 58_000).await.unwrap();
    assert_eq!(
        (done.state, done.answer.as_deref()),
        (OperationState::Done, Some("{\"ok\":true}"))
    );

    // A basket's session, compare-and-swap, with its clean-ups.
    let mut session = CheckoutSession::new(
        "b-2",
        SlowPaymentPolicy::tickets(std::time::Duration::from_secs(600)),
    );
    session
        .start_attempt(
            "o-3",
            appswitch_core::foundation::time::Timestamp::from_millis(1),
        )
        .unwrap();
    let clean_up = NewOperation {
        order_id: "o-4".into(),
        key: "clean-1".into(),
        kind: MutationKind::Cancel,
        amount: None,
        text: "dup".into(),
        origin: OperationOrigin::CleanUp,
    };
    assert!(
        store
            .save_basket_session("b-2", &session, None, &[clean_up], 60_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .save_basket_session("b-2", &session, None, &[], 60_000)
            .await
            .unwrap()
    );
    let (read, version) = store.basket_session("b-2").await.unwrap().unwrap();
    assert_eq!((read, version), (session.clone(), 1));
    assert!(
        !store
            .save_basket_session("b-2", &session, Some(7), &[], 60_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .save_basket_session("b-2", &session, Some(1), &[], 60_000)
            .await
            .unwrap()
    );
    assert_eq!(
        store.pending_operations("o-4").await.unwrap()[0].op.origin,
        OperationOrigin::CleanUp
    );
    assert_eq!(
        store.lease_due("v", 60_000, 70_000, 10, 0).await.unwrap(),
        ["o-4"],
        "the clean-up is due at once"
    );

    // Eviction: finished long enough ago, not queued, nothing pending.
    let o5 = store.order("o-5").await.unwrap().unwrap();
    let mut finished = o5.state.clone();
    finished.status = PaymentStatus::initiated().with_rejected();
    finished.finished_at = Some(100_000);
    assert!(
        store
            .update_order("o-5", o5.version, &finished, None, false)
            .await
            .unwrap()
    );
    store
        .release_lease("o-5", "w", 100_000, true, NextCheck::At(None))
        .await
        .unwrap();
    assert_eq!(
        store.evict(100_000, 10).await.unwrap(),
        0,
        "not before its time"
    );
    assert_eq!(store.count_orders().await.unwrap(), 6);
    assert_eq!(store.evict(100_001, 10).await.unwrap(), 1);
    assert!(store.order("o-5").await.unwrap().is_none());
    assert!(store.events("o-5").await.unwrap().is_empty());
    assert_eq!(
        store.begin_operation(&op, 1, 1).await.unwrap().state,
        OperationState::Pending,
        "its operations went too"
    );
    assert_eq!(store.count_orders().await.unwrap(), 5);
    epayment_contract(store.as_ref()).await;
}

/// An ePayment order keeps its API and currency; the webhook registration
/// is stored once per URL (the first instance wins), and can be replaced.
async fn epayment_contract(store: &dyn Store) {
    let mut ep = order("ep-1", "b-ep", None);
    ep.provider_api = ProviderApi::Epayment;
    ep.currency = "DKK".into();
    store.insert_order(&ep, &event("made", true)).await.unwrap();
    let back = store.order("ep-1").await.unwrap().unwrap();
    assert_eq!(
        (back.order.provider_api, back.order.currency.as_str()),
        (ProviderApi::Epayment, "DKK")
    );
    let url = "https://shop.example/vipps/webhooks/v1/epayment";
    assert!(store.webhook(url).await.unwrap().is_none());
    let first = StoredWebhook {
        url: url.into(),
        id: "id-1".into(),
        secret: "s3cret-1".into(),
        events: "epayments.payment.authorized.v1".into(),
        created_at: 7,
    };
    let second = StoredWebhook {
        id: "id-2".into(),
        secret: "s3cret-2".into(),
        ..first.clone()
    };
    assert!(store.save_webhook(&first).await.unwrap());
    assert!(
        !store.save_webhook(&second).await.unwrap(),
        "the first stays"
    );
    assert_eq!(store.webhook(url).await.unwrap(), Some(first.clone()));
    assert!(
        !format!("{first:?}").contains("s3cret"),
        "no secret in Debug"
    );
    store.delete_webhook(url).await.unwrap();
    assert!(store.save_webhook(&second).await.unwrap());
    assert_eq!(store.webhook(url).await.unwrap().unwrap().id, "id-2");
    store.delete_webhook(url).await.unwrap();
}

#[tokio::test]
async fn the_store_contract_holds_on_sqlite() {
    let db = TempDb::new();
    let store = SqlStore::open(&db.url()).await.unwrap();
    contract(Arc::new(store)).await;
    // Migrations run again on an existing database without harm.
    let again = SqlStore::open(&db.url()).await.unwrap();
    assert_eq!(again.count_orders().await.unwrap(), 6);
}

#[tokio::test]
async fn the_store_contract_holds_on_postgres() {
    let pg = appswitch_test_postgres::TempPostgres::start().unwrap_or_else(|e| panic!("{e}"));
    let url = pg.url().parse().unwrap();
    let store = SqlStore::open(&url).await.unwrap();
    contract(Arc::new(store)).await;
    let again = SqlStore::open(&url).await.unwrap();
    assert_eq!(again.count_orders().await.unwrap(), 6);
}
