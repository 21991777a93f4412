//! Operations by idempotency key, the baskets' sessions, eviction.

use appswitch_core::merchant::checkout::CheckoutSession;
use sqlx::Row;

use crate::store::{Millis, NewOperation, OperationState, StoreError, StoredOperation};

use super::rows::*;
use super::{Pool, SqlStore};

/// Stores `$op` as pending (unless its key is taken), due for the watcher
/// at `$attempt_at`, on `$executor`.
macro_rules! insert_operation {
    ($executor:expr, $op:expr, $now:expr, $attempt_at:expr) => {
        sqlx::query(
            "INSERT INTO operations (order_id, idempotency_key, kind, amount, text, origin, \
             state, answer, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', NULL, $8, $7, $7) \
             ON CONFLICT (order_id, idempotency_key) DO NOTHING",
        )
        .bind(&$op.order_id)
        .bind(&$op.key)
        .bind(kind_name($op.kind))
        .bind($op.amount.map(|a| to_i64(a.minor())))
        .bind(&$op.text)
        .bind(origin_name($op.origin))
        .bind(to_i64($now))
        .bind(to_i64($attempt_at))
        .execute($executor)
        .await?
    };
}

impl SqlStore {
    pub(super) async fn do_begin_operation(
        &self,
        op: &NewOperation,
        now: Millis,
        attempt_at: Millis,
    ) -> Result<StoredOperation, StoreError> {
        on_pool!(self, write, p => {
            insert_operation!(p, op, now, attempt_at);
            let row = sqlx::query(
                "SELECT order_id, idempotency_key, kind, amount, text, origin, state, answer \
                 FROM operations WHERE order_id = $1 AND idempotency_key = $2",
            )
            .bind(&op.order_id)
            .bind(&op.key)
            .fetch_one(p)
            .await?;
            operation_from_row(&row)
        })
    }

    pub(super) async fn do_finish_operation(
        &self,
        order_id: &str,
        key: &str,
        state: OperationState,
        answer: &str,
        now: Millis,
        retry_at: Option<Millis>,
    ) -> Result<(), StoreError> {
        on_pool!(self, write, p => {
            sqlx::query(
                "UPDATE operations SET state = $3, answer = $4, updated_at = $5, \
                 next_attempt_at = $6 WHERE order_id = $1 AND idempotency_key = $2",
            )
            .bind(order_id)
            .bind(key)
            .bind(op_state_name(state))
            .bind(answer)
            .bind(to_i64(now))
            .bind(retry_at.map(to_i64))
            .execute(p)
            .await?;
            Ok(())
        })
    }

    pub(super) async fn do_pending_operations(
        &self,
        order_id: &str,
    ) -> Result<Vec<StoredOperation>, StoreError> {
        on_pool!(self, read, p => {
            let rows = sqlx::query(
                "SELECT order_id, idempotency_key, kind, amount, text, origin, state, answer \
                 FROM operations WHERE order_id = $1 AND state = 'pending' ORDER BY created_at",
            )
            .bind(order_id)
            .fetch_all(p)
            .await?;
            rows.iter().map(operation_from_row).collect()
        })
    }

    pub(super) async fn do_basket_session(
        &self,
        basket_id: &str,
    ) -> Result<Option<(CheckoutSession, i64)>, StoreError> {
        on_pool!(self, read, p => {
            let row = sqlx::query("SELECT session, version FROM baskets WHERE basket_id = $1")
                .bind(basket_id)
                .fetch_optional(p)
                .await?;
            match row {
                None => Ok(None),
                Some(r) => {
                    let session: String = r.try_get("session")?;
                    let session = serde_json::from_str(&session)
                        .map_err(|e| corrupt(basket_id, "checkout session", e))?;
                    Ok(Some((session, r.try_get("version")?)))
                }
            }
        })
    }

    pub(super) async fn do_save_basket_session(
        &self,
        basket_id: &str,
        session: &CheckoutSession,
        version: Option<i64>,
        clean_ups: &[NewOperation],
        now: Millis,
    ) -> Result<bool, StoreError> {
        let text = json(session);
        on_pool!(self, write, p => {
            let mut tx = p.begin().await?;
            let saved = match version {
                None => sqlx::query(
                    "INSERT INTO baskets (basket_id, session, version) VALUES ($1, $2, 1) \
                     ON CONFLICT (basket_id) DO NOTHING",
                )
                .bind(basket_id)
                .bind(&text)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                Some(v) => sqlx::query(
                    "UPDATE baskets SET session = $2, version = version + 1 \
                     WHERE basket_id = $1 AND version = $3",
                )
                .bind(basket_id)
                .bind(&text)
                .bind(v)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if saved != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            for op in clean_ups {
                insert_operation!(&mut *tx, op, now, now);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    pub(super) async fn do_evict(&self, before: Millis, limit: u32) -> Result<u64, StoreError> {
        on_pool!(self, write, p => {
            let mut tx = p.begin().await?;
            let gone: Vec<(String, String)> = sqlx::query_as(
                "DELETE FROM orders WHERE order_id IN (\
                 SELECT order_id FROM orders WHERE finished_at IS NOT NULL AND finished_at < $1 \
                 AND next_check_at IS NULL AND lease_until IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM operations o \
                     WHERE o.order_id = orders.order_id AND o.state = 'pending') \
                 ORDER BY finished_at LIMIT $2) RETURNING order_id, basket_id",
            )
            .bind(to_i64(before))
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
            for (order_id, basket_id) in &gone {
                sqlx::query("DELETE FROM order_events WHERE order_id = $1")
                    .bind(order_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM operations WHERE order_id = $1")
                    .bind(order_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "DELETE FROM baskets WHERE basket_id = $1 \
                     AND NOT EXISTS (SELECT 1 FROM orders WHERE basket_id = $1)",
                )
                .bind(basket_id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(gone.len() as u64)
        })
    }

    pub(super) async fn do_count_orders(&self) -> Result<u64, StoreError> {
        on_pool!(self, read, p => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(p).await?;
            Ok(to_u64(n))
        })
    }
}
