//! Orders and their history.

use crate::store::{NewEvent, NewOrder, OrderState, StoreError, StoredEvent, StoredOrder};
use sqlx::Row;

use super::rows::*;
use super::{CHANNEL, Pool, SqlStore};

/// Appends `$event` to the order's history as entry `$seq`, in `$tx`.
macro_rules! insert_event {
    ($tx:expr, $order_id:expr, $seq:expr, $at:expr, $event:expr) => {
        sqlx::query(
            "INSERT INTO order_events (order_id, seq, at, source, accepted, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($order_id)
        .bind($seq)
        .bind(to_i64($at))
        .bind($event.source.as_str())
        .bind(i64::from($event.accepted))
        .bind(&$event.detail)
        .execute(&mut *$tx)
        .await?
    };
}

impl SqlStore {
    pub(super) async fn do_insert_order(
        &self,
        o: &NewOrder,
        event: &NewEvent,
    ) -> Result<(), StoreError> {
        let s = &o.state;
        let result = on_pool!(self, write, p => {
            let mut tx = p.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO orders (order_id, basket_id, amount, currency, express, auth_token, \
                 fallback_url, expectation, created_at, deeplink, status, state, version, \
                 goods_issued, problem, provider_unknown, finished_at, next_check_at, event_seq, provider_api) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15, $16, $17, 1, $18) \
                 ON CONFLICT (order_id) DO NOTHING",
            )
            .bind(&o.order_id)
            .bind(&o.basket_id)
            .bind(to_i64(o.amount.minor()))
            .bind(&o.currency)
            .bind(i64::from(o.express))
            .bind(o.auth_token.expose())
            .bind(&o.fallback_url)
            .bind(json(&o.expectation))
            .bind(to_i64(o.created_at))
            .bind(s.deeplink.as_ref().map(json))
            .bind(json(&s.status))
            .bind(s.status.state().name().as_str())
            .bind(i64::from(s.goods_issued))
            .bind(s.problem.as_deref())
            .bind(i64::from(s.provider_unknown))
            .bind(s.finished_at.map(to_i64))
            .bind(o.next_check_at.map(to_i64))
            .bind(o.provider_api.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                insert_event!(tx, &o.order_id, 1i64, o.created_at, event);
            }
            tx.commit().await?;
            Ok::<_, StoreError>(inserted)
        })?;
        if result == 1 {
            Ok(())
        } else {
            Err(StoreError::Duplicate(o.order_id.clone()))
        }
    }

    pub(super) async fn do_order(&self, order_id: &str) -> Result<Option<StoredOrder>, StoreError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = $1");
        on_pool!(self, read, p => {
            let row = sqlx::query(&sql)
                .bind(order_id)
                .fetch_optional(p)
                .await?;
            row.as_ref().map(order_from_row).transpose()
        })
    }

    pub(super) async fn do_basket_orders(
        &self,
        basket_id: &str,
    ) -> Result<Vec<StoredOrder>, StoreError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE basket_id = $1 ORDER BY created_at, order_id"
        );
        on_pool!(self, read, p => {
            let rows = sqlx::query(&sql)
                .bind(basket_id)
                .fetch_all(p)
                .await?;
            rows.iter().map(order_from_row).collect()
        })
    }

    pub(super) async fn do_update_order(
        &self,
        order_id: &str,
        version: i64,
        s: &OrderState,
        event: Option<&NewEvent>,
        notify: bool,
    ) -> Result<bool, StoreError> {
        let postgres = self.is_postgres();
        let now = crate::util::wall_millis();
        on_pool!(self, write, p => {
            let mut tx = p.begin().await?;
            let seq: Option<i64> = sqlx::query_scalar(
                "UPDATE orders SET deeplink = $3, status = $4, state = $5, goods_issued = $6, \
                 problem = $7, provider_unknown = $8, finished_at = $9, version = version + 1, \
                 event_seq = event_seq + $10, \
                 next_check_at = CASE WHEN $11 = 1 THEN NULL ELSE next_check_at END \
                 WHERE order_id = $1 AND version = $2 RETURNING event_seq",
            )
            .bind(order_id)
            .bind(version)
            .bind(s.deeplink.as_ref().map(json))
            .bind(json(&s.status))
            .bind(s.status.state().name().as_str())
            .bind(i64::from(s.goods_issued))
            .bind(s.problem.as_deref())
            .bind(i64::from(s.provider_unknown))
            .bind(s.finished_at.map(to_i64))
            .bind(i64::from(event.is_some()))
            .bind(i64::from(s.status.is_final()))
            .fetch_optional(&mut *tx)
            .await?;
            let Some(seq) = seq else {
                tx.rollback().await?;
                return Ok(false);
            };
            if let Some(e) = event {
                insert_event!(tx, order_id, seq, now, e);
            }
            if notify && postgres {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(order_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    pub(super) async fn do_add_event(
        &self,
        order_id: &str,
        e: &NewEvent,
        cap: u32,
    ) -> Result<(), StoreError> {
        let now = crate::util::wall_millis();
        on_pool!(self, write, p => {
            let mut tx = p.begin().await?;
            let seq: Option<i64> = sqlx::query_scalar(
                "UPDATE orders SET event_seq = event_seq + 1 WHERE order_id = $1 \
                 AND ($2 = 1 OR (SELECT COUNT(*) FROM order_events \
                      WHERE order_id = $1 AND accepted = 0) < $3) \
                 RETURNING event_seq",
            )
            .bind(order_id)
            .bind(i64::from(e.accepted))
            .bind(i64::from(cap))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(seq) = seq {
                insert_event!(tx, order_id, seq, now, e);
            }
            tx.commit().await?;
            Ok(())
        })
    }

    pub(super) async fn do_events(&self, order_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        on_pool!(self, read, p => {
            let rows = sqlx::query(
                "SELECT seq, at, source, accepted, detail FROM order_events \
                 WHERE order_id = $1 ORDER BY seq",
            )
            .bind(order_id)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(StoredEvent {
                        seq: r.try_get("seq")?,
                        at: to_u64(r.try_get("at")?),
                        source: r.try_get("source")?,
                        accepted: r.try_get::<i64, _>("accepted")? != 0,
                        detail: r.try_get("detail")?,
                    })
                })
                .collect()
        })
    }
}
