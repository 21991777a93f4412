//! The watcher: asks the provider about orders nobody is waiting on, and
//! carries out the operations left to it — from a queue in the store
//! ordered by due time, read through its index (no scan of all orders),
//! leased order by order so that several instances share the work without
//! asking twice.
//!
//! It is how a lost callback is made up for (Vipps eCom API "Exception handling" guide: callbacks "will not
//! be retried"), how a duplicate reservation that comes late is cleaned up,
//! and how a backend that was killed finds out, once restarted, what
//! happened to every payment while it was down: the queue is in the
//! database, not in memory.
//!
//! The evictor beside it deletes finished orders once they are older than
//! the retention period.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::app::{App, Lease, millis};
use crate::check::{self, NEVER_INITIATED, never_initiated};
use crate::config::{Clock, SystemClock};
use crate::store::{EventSource, NewEvent, NextCheck, StoreError};
use crate::util::wall_millis;

/// Runs the watcher until the task is aborted.
pub(crate) async fn run(app: Arc<App>) {
    let permits = Arc::new(Semaphore::new(app.config.watch.concurrency.max(1)));
    loop {
        let now = wall_millis();
        let owner = app.batch_owner();
        let until = now.saturating_add(millis(app.config.watch.check_lease));
        let batch = app.config.watch.batch.max(1);
        // Not sooner after a check (a status request's, another
        // instance's) than the per-order interval allows.
        let gap = millis(app.config.details_gap(false));
        let leased = match app.store.lease_due(&owner, now, until, batch, gap).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!("watcher: reading the queue: {e}");
                Vec::new()
            }
        };
        let full = leased.len() >= usize::try_from(batch).unwrap_or(usize::MAX);
        let ids: BTreeSet<String> = leased.into_iter().collect();
        for id in ids {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                return;
            };
            let app = app.clone();
            let lease = App::leased(id, owner.clone());
            tokio::spawn(async move {
                let id = lease.order_id.clone();
                if let Err(e) = work(&app, lease).await {
                    tracing::warn!("watcher: order {id}: {e}");
                }
                drop(permit);
            });
        }
        if full {
            continue;
        }
        let idle = app.config.watch.idle_poll;
        let wait = match app.store.next_due().await {
            Ok(Some(due)) => Duration::from_millis(due.saturating_sub(wall_millis())).min(idle),
            _ => idle,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = app.watcher_kick.notified() => {}
        }
    }
}

/// One leased order: ask the provider (if its check is due or an
/// operation waits), settle its due operations, update its basket's
/// session, and queue its next check.
async fn work(app: &App, lease: Lease) -> Result<(), StoreError> {
    let id = lease.order_id.clone();
    let Some(order) = app.store.order(&id).await? else {
        app.release(lease, false, NextCheck::At(None)).await;
        return Ok(());
    };
    let now = wall_millis();
    let pending = app.store.pending_operations(&id).await?;
    let details = match check::details_and_merge(app, &id).await {
        Ok(d) => d,
        Err(e) => {
            app.release(lease, false, NextCheck::Keep).await;
            return Err(e);
        }
    };
    for op in &pending {
        if let Err(e) = crate::plans::settle_pending(app, op, details.as_ref()).await {
            tracing::warn!("watcher: order {id}: operation {}: {e}", op.op.key);
        }
    }
    let mut order = app.store.order(&id).await?.unwrap_or(order);
    if never_initiated(app, &order, now) {
        let failed = order.state.status.clone().with_failure(NEVER_INITIATED);
        let event = NewEvent {
            source: EventSource::Details,
            accepted: true,
            detail: NEVER_INITIATED.to_string(),
        };
        if let Some(c) = app.merge(&id, &failed, event, false).await? {
            order = c.order;
        }
    }
    if let Err(e) = crate::sessions::observe(app, &order.order.basket_id).await {
        tracing::warn!("watcher: basket {}: {e}", order.order.basket_id);
    }
    let next = check::next_check(app, &order, wall_millis());
    app.release(lease, true, NextCheck::At(next)).await;
    Ok(())
}

/// Evicts finished orders past the retention period, and forgets idle
/// clients of the rate limits, every `eviction_interval`, until aborted.
pub(crate) async fn evict(app: Arc<App>) {
    const BATCH: u32 = 1000;
    loop {
        tokio::time::sleep(app.config.eviction_interval).await;
        let before = wall_millis().saturating_sub(millis(app.config.retention));
        loop {
            match app.store.evict(before, BATCH).await {
                Ok(n) if n >= u64::from(BATCH) => continue,
                Ok(n) => {
                    if n > 0 {
                        tracing::info!("evicted {n} finished order(s)");
                    }
                    break;
                }
                Err(e) => {
                    tracing::warn!("evicting finished orders: {e}");
                    break;
                }
            }
        }
        app.checkouts.sweep();
        app.details_holds.sweep(wall_millis());
        app.rates.sweep(SystemClock.now());
        app.status_requests.sweep();
    }
}
