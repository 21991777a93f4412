//! Wakes the long polls held on this instance when their order changes —
//! here (a callback, a check, an operation) or on another instance (the
//! store's [`listen`](crate::store::Store::listen)).
//!
//! A held long poll [`subscribe`](Hub::subscribe)s to its order; only
//! orders somebody waits on have an entry, so the hub's size follows the
//! open long polls, not the number of orders.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

#[derive(Debug)]
struct Entry {
    tx: watch::Sender<u64>,
    waiters: usize,
}

/// The orders long polls wait on.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    map: Mutex<HashMap<String, Entry>>,
}

impl Hub {
    fn map(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits on `order_id` until the returned subscription is dropped.
    pub(crate) fn subscribe(self: &Arc<Self>, order_id: &str) -> Subscription {
        let mut map = self.map();
        let entry = map.entry(order_id.to_string()).or_insert_with(|| Entry {
            tx: watch::Sender::new(0),
            waiters: 0,
        });
        entry.waiters += 1;
        let mut rx = entry.tx.subscribe();
        rx.mark_unchanged();
        Subscription {
            hub: self.clone(),
            order_id: order_id.to_string(),
            rx,
        }
    }

    /// `order_id` changed.
    pub(crate) fn wake(&self, order_id: &str) {
        if let Some(e) = self.map().get(order_id) {
            e.tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Anything may have changed.
    pub(crate) fn wake_all(&self) {
        for e in self.map().values() {
            e.tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// How many orders have waiters.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.map().len()
    }
}

/// One long poll's interest in one order.
#[derive(Debug)]
pub(crate) struct Subscription {
    hub: Arc<Hub>,
    order_id: String,
    rx: watch::Receiver<u64>,
}

impl Subscription {
    /// Resolves at the next wake after the last one seen.
    pub(crate) async fn changed(&mut self) {
        if self.rx.changed().await.is_err() {
            // The sender lives as long as a subscription does.
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut map = self.hub.map();
        if let Some(e) = map.get_mut(&self.order_id) {
            e.waiters = e.waiters.saturating_sub(1);
            if e.waiters == 0 {
                map.remove(&self.order_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_wake_reaches_the_waiters_of_that_order_only_and_entries_go_with_them() {
        let hub = Arc::new(Hub::default());
        let mut a1 = hub.subscribe("a");
        let mut a2 = hub.subscribe("a");
        let mut b = hub.subscribe("b");
        hub.wake("a");
        tokio::time::timeout(Duration::from_secs(1), a1.changed())
            .await
            .unwrap();
        tokio::time::timeout(Duration::from_secs(1), a2.changed())
            .await
            .unwrap();
        assert!(
            tokio::time::timeout(Duration::from_millis(50), b.changed())
                .await
                .is_err(),
            "b was not woken"
        );
        hub.wake_all();
        tokio::time::timeout(Duration::from_secs(1), b.changed())
            .await
            .unwrap();
        assert_eq!(hub.len(), 2);
        drop((a1, a2));
        assert_eq!(hub.len(), 1);
        drop(b);
        assert_eq!(hub.len(), 0);
        hub.wake("a"); // nobody waits: nothing to do
    }
}
