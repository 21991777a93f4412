//! The baskets' checkout sessions (appswitch-core's [`CheckoutSession`]),
//! kept in the store: every attempt to pay for a basket, and the clean-up
//! of duplicates — Vipps eCom API "Exception handling" guide, "Clean-up strategies": when one attempt's
//! goods are issued, another reservation is cancelled (or a sale refunded).
//!
//! After every observation of an attempt, [`observe`] tells the session
//! what is known of each attempt of the basket and saves it; the clean-ups
//! it asks for are stored in the same transaction, so a crash cannot lose
//! one, and the watcher carries them out.

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::checkout::SessionAction;
use appswitch_core::merchant::mutation::{IdempotencyKey, MutationKind};

use crate::app::App;
use crate::plans::new_session;
use crate::store::{NewOperation, OperationOrigin, StoreError, StoredOrder};
use crate::util::{random_bytes, wall_millis};

/// How often a concurrent save is retried.
const TRIES: usize = 16;

/// When the attempt began, on the provider's clock.
fn initiated_at(app: &App, order: &StoredOrder) -> Timestamp {
    order
        .state
        .deeplink
        .as_ref()
        .map(|d| d.deadlines.received_at)
        .unwrap_or_else(|| app.config.clock.now())
}

/// Tells the basket's session everything known of its attempts, saves it,
/// and queues the clean-ups it asks for (waking the watcher).
pub(crate) async fn observe(app: &App, basket_id: &str) -> Result<(), StoreError> {
    for _ in 0..TRIES {
        let orders = app.store.basket_orders(basket_id).await?;
        let (before, version) = match app.store.basket_session(basket_id).await? {
            Some((s, v)) => (Some(s), Some(v)),
            None => (None, None),
        };
        let mut session = before.clone().unwrap_or_else(|| new_session(basket_id));
        let now = app.config.clock.now();
        for o in &orders {
            let id = o.order.order_id.as_str();
            if session.attempt(id).is_none() {
                // An orderId is new for every attempt: never a duplicate.
                let _ = session.start_attempt(id, initiated_at(app, o));
            }
            let _ = session.observe(id, &o.state.status, now);
            if o.state.goods_issued {
                let _ = session.goods_issued(id, now);
            }
        }
        let mut clean_ups = Vec::new();
        while let Some(action) = session.next_action() {
            let (kind, amount, order_id) = match action {
                // The demo shop issues goods when the merchant ships them.
                SessionAction::IssueGoods { .. } => continue,
                SessionAction::CancelReservation { order_id, .. } => {
                    (MutationKind::Cancel, None, order_id)
                }
                SessionAction::RefundPayment {
                    order_id, amount, ..
                } => (MutationKind::Refund, Some(amount), order_id),
            };
            let Ok(bytes) = random_bytes::<16>() else {
                continue;
            };
            clean_ups.push(NewOperation {
                order_id,
                key: IdempotencyKey::from_random(bytes).as_str().to_string(),
                kind,
                amount,
                text: "A duplicate payment for your order: returned".into(),
                origin: OperationOrigin::CleanUp,
            });
        }
        if before.as_ref() == Some(&session) && clean_ups.is_empty() {
            return Ok(());
        }
        let saved = app
            .store
            .save_basket_session(basket_id, &session, version, &clean_ups, wall_millis())
            .await?;
        if saved {
            if !clean_ups.is_empty() {
                app.watcher_kick.notify_one();
            }
            return Ok(());
        }
    }
    tracing::warn!("basket {basket_id}: gave up saving its session after {TRIES} concurrent saves");
    Ok(())
}
