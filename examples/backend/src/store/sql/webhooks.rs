//! The ePayment webhook registration, shared by every instance.

use sqlx::Row;

use crate::store::{StoreError, StoredWebhook};

use super::rows::{to_i64, to_u64};
use super::{Pool, SqlStore};

impl SqlStore {
    pub(super) async fn do_webhook(&self, url: &str) -> Result<Option<StoredWebhook>, StoreError> {
        on_pool!(self, read, p => {
            let row = sqlx::query(
                "SELECT url, id, secret, events, created_at FROM webhooks WHERE url = $1",
            )
            .bind(url)
            .fetch_optional(p)
            .await?;
            match row {
                Some(r) => Ok(Some(StoredWebhook {
                    url: r.try_get("url")?,
                    id: r.try_get("id")?,
                    secret: r.try_get("secret")?,
                    events: r.try_get("events")?,
                    created_at: to_u64(r.try_get("created_at")?),
                })),
                None => Ok(None),
            }
        })
    }

    pub(super) async fn do_save_webhook(&self, w: &StoredWebhook) -> Result<bool, StoreError> {
        on_pool!(self, write, p => {
            let n = sqlx::query(
                "INSERT INTO webhooks (url, id, secret, events, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (url) DO NOTHING",
            )
            .bind(&w.url)
            .bind(&w.id)
            .bind(&w.secret)
            .bind(&w.events)
            .bind(to_i64(w.created_at))
            .execute(p)
            .await?
            .rows_affected();
            Ok(n == 1)
        })
    }

    pub(super) async fn do_delete_webhook(&self, url: &str) -> Result<(), StoreError> {
        on_pool!(self, write, p => {
            sqlx::query("DELETE FROM webhooks WHERE url = $1")
                .bind(url)
                .execute(p)
                .await?;
            Ok(())
        })
    }
}
