//! The watcher's queue and the provider leases: in the database for
//! PostgreSQL (several instances share them), in memory for SQLite (one
//! instance: a check that changes nothing then writes nothing).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::store::{Millis, NextCheck, RemoteWake, StoreError};

use super::rows::*;
use super::{CHANNEL, Pool, SqlStore};

/// Past this many remembered orders, those neither leased nor checked in
/// the last two minutes are forgotten.
const REMEMBERED: usize = 4096;
const FORGET_AFTER: Millis = 120_000;

/// One order's lease and last check, in memory.
#[derive(Debug)]
struct Slot {
    owner: Option<String>,
    until: Millis,
    last_check: Option<Millis>,
}

/// The leases of a SQLite store (one instance per database file).
#[derive(Debug, Default)]
pub(super) struct MemoryLeases {
    map: Mutex<HashMap<String, Slot>>,
}

impl MemoryLeases {
    fn take(&self, id: &str, owner: &str, now: Millis, until: Millis, gap: Option<u64>) -> bool {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > REMEMBERED {
            map.retain(|_, s| {
                (s.owner.is_some() && s.until >= now)
                    || s.last_check
                        .is_some_and(|t| now.saturating_sub(t) < FORGET_AFTER)
            });
        }
        let slot = map.entry(id.to_string()).or_insert(Slot {
            owner: None,
            until: 0,
            last_check: None,
        });
        let held = slot.owner.is_some() && slot.until >= now;
        let too_soon =
            gap.is_some_and(|g| slot.last_check.is_some_and(|t| now.saturating_sub(t) < g));
        if held || too_soon {
            return false;
        }
        slot.owner = Some(owner.to_string());
        slot.until = until;
        true
    }

    /// Gives the lease back; whether `owner` held it.
    fn release(&self, id: &str, owner: &str, now: Millis, checked: bool) -> bool {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let Some(slot) = map.get_mut(id) else {
            return false;
        };
        if slot.owner.as_deref() != Some(owner) {
            return false;
        }
        slot.owner = None;
        if checked {
            slot.last_check = Some(now);
        }
        true
    }
}

/// SQLite's due checks, earliest first (the `orders_due` index).
pub(super) const DUE_CHECKS: &str = "SELECT order_id FROM orders WHERE next_check_at IS NOT NULL \
     AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2";

/// SQLite's due operations, earliest first (the `operations_due` index).
pub(super) const DUE_OPERATIONS: &str = "SELECT order_id FROM operations WHERE state = 'pending' \
     AND next_attempt_at IS NOT NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2";

impl SqlStore {
    pub(super) async fn do_try_lease(
        &self,
        order_id: &str,
        owner: &str,
        now: Millis,
        until: Millis,
        gap: Option<u64>,
    ) -> Result<bool, StoreError> {
        if let Pool::Sqlite { leases, .. } = &self.pool {
            return Ok(leases.take(order_id, owner, now, until, gap));
        }
        let checked_before = gap.map(|g| to_i64(now.saturating_sub(g)));
        on_pool!(self, write, p => {
            let n = sqlx::query(
                "UPDATE orders SET lease_owner = $2, lease_until = $4 \
                 WHERE order_id = $1 AND (lease_until IS NULL OR lease_until < $3) \
                 AND ($5 IS NULL OR last_check_at IS NULL OR last_check_at <= $5)",
            )
            .bind(order_id)
            .bind(owner)
            .bind(to_i64(now))
            .bind(to_i64(until))
            .bind(checked_before)
            .execute(p)
            .await?
            .rows_affected();
            Ok(n == 1)
        })
    }

    pub(super) async fn do_release_lease(
        &self,
        order_id: &str,
        owner: &str,
        now: Millis,
        checked: bool,
        next: NextCheck,
    ) -> Result<(), StoreError> {
        let (set, at) = match next {
            NextCheck::Keep => (0, None),
            NextCheck::At(at) => (1, at.map(to_i64)),
        };
        if let Pool::Sqlite { leases, write, .. } = &self.pool {
            if !leases.release(order_id, owner, now, checked) || set == 0 {
                return Ok(());
            }
            sqlx::query(
                "UPDATE orders SET next_check_at = $2, \
                 last_check_at = CASE WHEN $3 = 1 THEN $4 ELSE last_check_at END, \
                 checks = checks + $3 WHERE order_id = $1",
            )
            .bind(order_id)
            .bind(at)
            .bind(i64::from(checked))
            .bind(to_i64(now))
            .execute(write)
            .await?;
            return Ok(());
        }
        on_pool!(self, write, p => {
            sqlx::query(
                "UPDATE orders SET lease_owner = NULL, lease_until = NULL, \
                 next_check_at = CASE WHEN $6 = 1 THEN $4 ELSE next_check_at END, \
                 last_check_at = CASE WHEN $3 = 1 THEN $5 ELSE last_check_at END, \
                 checks = checks + $3 \
                 WHERE order_id = $1 AND lease_owner = $2",
            )
            .bind(order_id)
            .bind(owner)
            .bind(i64::from(checked))
            .bind(at)
            .bind(to_i64(now))
            .bind(set)
            .execute(p)
            .await?;
            Ok(())
        })
    }

    pub(super) async fn do_lease_due(
        &self,
        owner: &str,
        now: Millis,
        until: Millis,
        limit: u32,
        gap: u64,
    ) -> Result<Vec<String>, StoreError> {
        if let Pool::Sqlite { read, leases, .. } = &self.pool {
            // The queue from its indexes; the leases in memory.
            let mut ids = Vec::new();
            for sql in [DUE_CHECKS, DUE_OPERATIONS] {
                let due: Vec<String> = sqlx::query_scalar(sql)
                    .bind(to_i64(now))
                    .bind(i64::from(limit.saturating_mul(2)))
                    .fetch_all(read)
                    .await?;
                for id in due {
                    if ids.len() < limit as usize && leases.take(&id, owner, now, until, Some(gap))
                    {
                        ids.push(id);
                    }
                }
            }
            return Ok(ids);
        }
        // PostgreSQL: rows another instance is leasing right now are
        // skipped, not waited for.
        let lock = if self.is_postgres() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let checks = format!(
            "UPDATE orders SET lease_owner = $1, lease_until = $3 WHERE order_id IN (\
             SELECT order_id FROM orders WHERE next_check_at IS NOT NULL AND next_check_at <= $2 \
             AND (lease_until IS NULL OR lease_until < $2) \
             AND (last_check_at IS NULL OR last_check_at <= $5) \
             ORDER BY next_check_at LIMIT $4{lock}) \
             AND (lease_until IS NULL OR lease_until < $2) \
             AND (last_check_at IS NULL OR last_check_at <= $5) RETURNING order_id"
        );
        let operations = "UPDATE orders SET lease_owner = $1, lease_until = $3 WHERE order_id IN (\
             SELECT order_id FROM operations WHERE state = 'pending' \
             AND next_attempt_at IS NOT NULL AND next_attempt_at <= $2 \
             ORDER BY next_attempt_at LIMIT $4) \
             AND (lease_until IS NULL OR lease_until < $2) \
             AND (last_check_at IS NULL OR last_check_at <= $5) RETURNING order_id";
        on_pool!(self, write, p => {
            let mut ids: Vec<String> = Vec::new();
            for sql in [checks.as_str(), operations] {
                let got: Vec<String> = sqlx::query_scalar(sql)
                    .bind(owner)
                    .bind(to_i64(now))
                    .bind(to_i64(until))
                    .bind(i64::from(limit))
                    .bind(to_i64(now.saturating_sub(gap)))
                    .fetch_all(p)
                    .await?;
                ids.extend(got);
            }
            Ok(ids)
        })
    }

    pub(super) async fn do_next_due(&self) -> Result<Option<Millis>, StoreError> {
        on_pool!(self, read, p => {
            let check: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(next_check_at) FROM orders WHERE next_check_at IS NOT NULL",
            )
            .fetch_one(p)
            .await?;
            let op: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(next_attempt_at) FROM operations \
                 WHERE state = 'pending' AND next_attempt_at IS NOT NULL",
            )
            .fetch_one(p)
            .await?;
            Ok(match (check, op) {
                (Some(a), Some(b)) => Some(to_u64(a.min(b))),
                (a, b) => a.or(b).map(to_u64),
            })
        })
    }

    pub(super) async fn do_listen(
        &self,
        wake: RemoteWake,
    ) -> Result<Option<tokio::task::JoinHandle<()>>, StoreError> {
        let Pool::Postgres(pool) = &self.pool else {
            return Ok(None);
        };
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => wake(Some(n.payload())),
                    // The connection was lost (and is made again): what
                    // was sent meanwhile is gone, so wake everything.
                    Ok(None) => wake(None),
                    Err(e) => {
                        tracing::warn!("LISTEN {CHANNEL}: {e}; retrying");
                        wake(None);
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        })))
    }

    pub(super) async fn do_recover_after_restart(&self) -> Result<(), StoreError> {
        if let Pool::Sqlite { write: p, .. } = &self.pool {
            sqlx::query(
                "UPDATE orders SET lease_owner = NULL, lease_until = NULL \
                 WHERE lease_until IS NOT NULL",
            )
            .execute(p)
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DatabaseUrl;

    /// The watcher's queue is read through its indexes, never by scanning
    /// the tables: `EXPLAIN QUERY PLAN` says so.
    #[tokio::test]
    async fn the_queue_is_read_through_its_indexes() {
        let url: DatabaseUrl = "sqlite::memory:".parse().unwrap();
        let store = SqlStore::open(&url).await.unwrap();
        let Pool::Sqlite { read, .. } = &store.pool else {
            panic!("a SQLite store");
        };
        for (sql, index) in [
            (DUE_CHECKS, "orders_due"),
            (DUE_OPERATIONS, "operations_due"),
            (
                "SELECT MIN(next_check_at) FROM orders WHERE next_check_at IS NOT NULL",
                "orders_due",
            ),
        ] {
            // Each row of the plan: id, parent, (unused), what it does.
            let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                .bind(0i64)
                .bind(10i64)
                .fetch_all(read)
                .await
                .unwrap()
                .iter()
                .map(|r| sqlx::Row::get::<String, _>(r, 3))
                .collect();
            let text = plan.join(" | ");
            assert!(text.contains(index), "{sql}: {text}");
            assert!(
                !text.contains("SCAN orders") && !text.contains("SCAN operations"),
                "{sql}: {text}"
            );
        }
    }

    #[test]
    fn a_memory_lease_has_one_holder_and_keeps_its_gap() {
        let l = MemoryLeases::default();
        assert!(l.take("o", "a", 100, 200, None));
        assert!(!l.take("o", "b", 150, 250, None), "held");
        assert!(!l.release("o", "b", 160, true), "not b's");
        assert!(l.release("o", "a", 160, true));
        assert!(!l.take("o", "b", 170, 270, Some(500)), "checked 10 ms ago");
        assert!(l.take("o", "b", 170, 270, None));
        assert!(l.take("o", "c", 271, 300, None), "b's lease expired");
    }
}
