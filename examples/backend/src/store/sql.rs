//! [`SqlStore`]: the [`Store`] on SQLite or PostgreSQL, with `sqlx`'s
//! runtime `query()` calls (no compile-time checked macros).
//!
//! One schema serves both (`migrations/`); the few statements that differ
//! are chosen by dialect: PostgreSQL leases the watcher's batch with
//! `FOR UPDATE SKIP LOCKED` and tells other instances about a change with
//! `pg_notify` inside the transaction that made it (delivered on commit).
//!
//! SQLite runs in WAL mode with `synchronous = FULL`: a commit is on disk
//! when it returns, so neither a `kill -9` of the backend nor a power cut
//! loses an order the backend answered for.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use appswitch_core::foundation::money::Amount;
use appswitch_core::merchant::checkout::CheckoutSession;
use appswitch_core::merchant::mutation::MutationKind;
use appswitch_core::providers::vipps_ecom::AuthToken;
use async_trait::async_trait;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use sqlx::sqlite::SqliteSynchronous;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{ColumnIndex, Decode, Row, Type};

use super::{
    Millis, NewEvent, NewOperation, NewOrder, NextCheck, OperationOrigin, OperationState,
    OrderState, RemoteWake, Store, StoreError, StoredEvent, StoredOperation, StoredOrder,
};

/// The channel other instances `LISTEN` on; the payload is an `orderId`.
const CHANNEL: &str = "appswitch_orders";

/// The schema, embedded in the binary.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "orders",
    include_str!("../../migrations/0001_orders.sql"),
)];

fn migrator() -> Migrator {
    Migrator {
        migrations: Cow::Owned(
            MIGRATIONS
                .iter()
                .map(|(version, name, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*name),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect(),
        ),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}

/// Which database, from `--database` / `APPSWITCH_DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH` (created if missing) or `sqlite::memory:`.
    Sqlite(String),
    /// `postgres://…` or `postgresql://…`.
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    /// Without a password that may be in a PostgreSQL URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(u) => write!(f, "Sqlite({u})"),
            DatabaseUrl::Postgres(_) => f.write_str("Postgres(…)"),
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        let s = s.trim();
        if s.starts_with("sqlite:") {
            Ok(DatabaseUrl::Sqlite(s.to_string()))
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(s.to_string()))
        } else {
            Err(StoreError::Url(s.to_string()))
        }
    }
}

impl DatabaseUrl {
    /// `sqlite://<path>`.
    pub fn sqlite_file(path: &std::path::Path) -> DatabaseUrl {
        DatabaseUrl::Sqlite(format!("sqlite://{}", path.display()))
    }
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool: every query is
/// written once and compiled for both databases.
macro_rules! on_pool {
    ($self:expr, $p:ident => $body:expr) => {
        match &$self.pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

/// The [`Store`] on SQLite or PostgreSQL.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: Pool,
}

impl SqlStore {
    /// Opens (creating a SQLite file if needed) and migrates the database.
    pub async fn open(url: &DatabaseUrl) -> Result<SqlStore, StoreError> {
        let pool = match url {
            DatabaseUrl::Sqlite(u) => {
                let options = SqliteConnectOptions::from_str(u)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true);
                // An in-memory database is one per connection: keep one.
                let max = if u.contains(":memory:") { 1 } else { 8 };
                Pool::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(max)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .connect_with(options)
                        .await?,
                )
            }
            DatabaseUrl::Postgres(u) => Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(u)
                    .await?,
            ),
        };
        let store = SqlStore { pool };
        on_pool!(store, p => migrator().run(p).await)?;
        Ok(store)
    }

    fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn corrupt(order_id: &str, what: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        order_id: order_id.to_string(),
        what,
        detail: e.to_string(),
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Our own types always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

fn kind_name(k: MutationKind) -> &'static str {
    k.as_str()
}

fn kind_from(order_id: &str, s: &str) -> Result<MutationKind, StoreError> {
    match s {
        "capture" => Ok(MutationKind::Capture),
        "cancel" => Ok(MutationKind::Cancel),
        "refund" => Ok(MutationKind::Refund),
        other => Err(corrupt(order_id, "operation kind", other)),
    }
}

fn origin_name(o: OperationOrigin) -> &'static str {
    match o {
        OperationOrigin::Merchant => "merchant",
        OperationOrigin::CleanUp => "clean-up",
    }
}

fn op_state_name(s: OperationState) -> &'static str {
    match s {
        OperationState::Pending => "pending",
        OperationState::Done => "done",
        OperationState::Refused => "refused",
    }
}

const ORDER_COLUMNS: &str = "order_id, basket_id, amount, currency, express, auth_token, \
    fallback_url, expectation, created_at, deeplink, status, version, goods_issued, problem, \
    provider_unknown, finished_at, next_check_at, last_check_at, checks";

/// One row into an order. Generic over the row type so that both
/// databases share it.
fn order_from_row<R>(row: &R) -> Result<StoredOrder, StoreError>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database>,
{
    let order_id: String = row.try_get("order_id")?;
    let id = order_id.as_str();
    let text = |col: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(col)?) };
    let int = |col: &str| -> Result<i64, StoreError> { Ok(row.try_get::<i64, _>(col)?) };
    let opt_int = |col: &str| -> Result<Option<Millis>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(col)?.map(to_u64))
    };
    let deeplink = match row.try_get::<Option<String>, _>("deeplink")? {
        Some(d) => Some(serde_json::from_str(&d).map_err(|e| corrupt(id, "deeplink", e))?),
        None => None,
    };
    let state = OrderState {
        status: serde_json::from_str(&text("status")?).map_err(|e| corrupt(id, "status", e))?,
        deeplink,
        goods_issued: int("goods_issued")? != 0,
        problem: row.try_get("problem")?,
        provider_unknown: int("provider_unknown")? != 0,
        finished_at: opt_int("finished_at")?,
    };
    let order = NewOrder {
        basket_id: text("basket_id")?,
        amount: Amount::from_minor(to_u64(int("amount")?)),
        currency: text("currency")?,
        express: int("express")? != 0,
        auth_token: AuthToken::new(text("auth_token")?),
        fallback_url: text("fallback_url")?,
        expectation: serde_json::from_str(&text("expectation")?)
            .map_err(|e| corrupt(id, "return expectation", e))?,
        created_at: to_u64(int("created_at")?),
        state: state.clone(),
        next_check_at: opt_int("next_check_at")?,
        order_id: order_id.clone(),
    };
    Ok(StoredOrder {
        version: int("version")?,
        next_check_at: order.next_check_at,
        last_check_at: opt_int("last_check_at")?,
        checks: u32::try_from(int("checks")?).unwrap_or(u32::MAX),
        state,
        order,
    })
}

fn operation_from_row<R>(row: &R) -> Result<StoredOperation, StoreError>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database>,
    i64: Type<R::Database>,
{
    let order_id: String = row.try_get("order_id")?;
    let kind = kind_from(&order_id, &row.try_get::<String, _>("kind")?)?;
    let origin = match row.try_get::<String, _>("origin")?.as_str() {
        "merchant" => OperationOrigin::Merchant,
        "clean-up" => OperationOrigin::CleanUp,
        other => return Err(corrupt(&order_id, "operation origin", other)),
    };
    let state = match row.try_get::<String, _>("state")?.as_str() {
        "pending" => OperationState::Pending,
        "done" => OperationState::Done,
        "refused" => OperationState::Refused,
        other => return Err(corrupt(&order_id, "operation state", other)),
    };
    Ok(StoredOperation {
        op: NewOperation {
            key: row.try_get("idempotency_key")?,
            kind,
            amount: row
                .try_get::<Option<i64>, _>("amount")?
                .map(|a| Amount::from_minor(to_u64(a))),
            text: row.try_get("text")?,
            origin,
            order_id,
        },
        state,
        answer: row.try_get("answer")?,
    })
}

#[async_trait]
impl Store for SqlStore {
    async fn insert_order(&self, o: &NewOrder, event: &NewEvent) -> Result<(), StoreError> {
        let s = &o.state;
        let result = on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO orders (order_id, basket_id, amount, currency, express, auth_token, \
                 fallback_url, expectation, created_at, deeplink, status, state, version, \
                 goods_issued, problem, provider_unknown, finished_at, next_check_at, event_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15, $16, $17, 1) \
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
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                sqlx::query(
                    "INSERT INTO order_events (order_id, seq, at, source, accepted, detail) \
                     VALUES ($1, 1, $2, $3, $4, $5)",
                )
                .bind(&o.order_id)
                .bind(to_i64(o.created_at))
                .bind(event.source.as_str())
                .bind(i64::from(event.accepted))
                .bind(&event.detail)
                .execute(&mut *tx)
                .await?;
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

    async fn order(&self, order_id: &str) -> Result<Option<StoredOrder>, StoreError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = $1");
        on_pool!(self, p => {
            let row = sqlx::query(&sql)
                .bind(order_id)
                .fetch_optional(p)
                .await?;
            row.as_ref().map(order_from_row).transpose()
        })
    }

    async fn basket_orders(&self, basket_id: &str) -> Result<Vec<StoredOrder>, StoreError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE basket_id = $1 ORDER BY created_at, order_id"
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql)
                .bind(basket_id)
                .fetch_all(p)
                .await?;
            rows.iter().map(order_from_row).collect()
        })
    }

    async fn update_order(
        &self,
        order_id: &str,
        version: i64,
        s: &OrderState,
        event: Option<&NewEvent>,
        notify: bool,
    ) -> Result<bool, StoreError> {
        let postgres = self.is_postgres();
        let now = crate::util::wall_millis();
        on_pool!(self, p => {
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
                sqlx::query(
                    "INSERT INTO order_events (order_id, seq, at, source, accepted, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(order_id)
                .bind(seq)
                .bind(to_i64(now))
                .bind(e.source.as_str())
                .bind(i64::from(e.accepted))
                .bind(&e.detail)
                .execute(&mut *tx)
                .await?;
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

    async fn add_event(&self, order_id: &str, e: &NewEvent, cap: u32) -> Result<(), StoreError> {
        let now = crate::util::wall_millis();
        on_pool!(self, p => {
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
                sqlx::query(
                    "INSERT INTO order_events (order_id, seq, at, source, accepted, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(order_id)
                .bind(seq)
                .bind(to_i64(now))
                .bind(e.source.as_str())
                .bind(i64::from(e.accepted))
                .bind(&e.detail)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn events(&self, order_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        on_pool!(self, p => {
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

    async fn try_lease(
        &self,
        order_id: &str,
        owner: &str,
        now: Millis,
        until: Millis,
        gap: Option<u64>,
    ) -> Result<bool, StoreError> {
        let checked_before = gap.map(|g| to_i64(now.saturating_sub(g)));
        on_pool!(self, p => {
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

    async fn release_lease(
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
        on_pool!(self, p => {
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

    async fn lease_due(
        &self,
        owner: &str,
        now: Millis,
        until: Millis,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
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
             ORDER BY next_check_at LIMIT $4{lock}) \
             AND (lease_until IS NULL OR lease_until < $2) RETURNING order_id"
        );
        let operations = "UPDATE orders SET lease_owner = $1, lease_until = $3 WHERE order_id IN (\
             SELECT order_id FROM operations WHERE state = 'pending' \
             AND next_attempt_at IS NOT NULL AND next_attempt_at <= $2 \
             ORDER BY next_attempt_at LIMIT $4) \
             AND (lease_until IS NULL OR lease_until < $2) RETURNING order_id";
        on_pool!(self, p => {
            let mut ids: Vec<String> = Vec::new();
            for sql in [checks.as_str(), operations] {
                let got: Vec<String> = sqlx::query_scalar(sql)
                    .bind(owner)
                    .bind(to_i64(now))
                    .bind(to_i64(until))
                    .bind(i64::from(limit))
                    .fetch_all(p)
                    .await?;
                ids.extend(got);
            }
            Ok(ids)
        })
    }

    async fn next_due(&self) -> Result<Option<Millis>, StoreError> {
        on_pool!(self, p => {
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

    async fn begin_operation(
        &self,
        op: &NewOperation,
        now: Millis,
        attempt_at: Millis,
    ) -> Result<StoredOperation, StoreError> {
        on_pool!(self, p => {
            sqlx::query(
                "INSERT INTO operations (order_id, idempotency_key, kind, amount, text, origin, \
                 state, answer, next_attempt_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', NULL, $8, $7, $7) \
                 ON CONFLICT (order_id, idempotency_key) DO NOTHING",
            )
            .bind(&op.order_id)
            .bind(&op.key)
            .bind(kind_name(op.kind))
            .bind(op.amount.map(|a| to_i64(a.minor())))
            .bind(&op.text)
            .bind(origin_name(op.origin))
            .bind(to_i64(now))
            .bind(to_i64(attempt_at))
            .execute(p)
            .await?;
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

    async fn finish_operation(
        &self,
        order_id: &str,
        key: &str,
        state: OperationState,
        answer: &str,
        now: Millis,
        retry_at: Option<Millis>,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
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

    async fn pending_operations(&self, order_id: &str) -> Result<Vec<StoredOperation>, StoreError> {
        on_pool!(self, p => {
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

    async fn basket_session(
        &self,
        basket_id: &str,
    ) -> Result<Option<(CheckoutSession, i64)>, StoreError> {
        on_pool!(self, p => {
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

    async fn save_basket_session(
        &self,
        basket_id: &str,
        session: &CheckoutSession,
        version: Option<i64>,
        clean_ups: &[NewOperation],
        now: Millis,
    ) -> Result<bool, StoreError> {
        let text = json(session);
        on_pool!(self, p => {
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
                sqlx::query(
                    "INSERT INTO operations (order_id, idempotency_key, kind, amount, text, \
                     origin, state, answer, next_attempt_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'pending', NULL, $7, $7, $7) \
                     ON CONFLICT (order_id, idempotency_key) DO NOTHING",
                )
                .bind(&op.order_id)
                .bind(&op.key)
                .bind(kind_name(op.kind))
                .bind(op.amount.map(|a| to_i64(a.minor())))
                .bind(&op.text)
                .bind(origin_name(op.origin))
                .bind(to_i64(now))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    async fn evict(&self, before: Millis, limit: u32) -> Result<u64, StoreError> {
        on_pool!(self, p => {
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

    async fn count_orders(&self) -> Result<u64, StoreError> {
        on_pool!(self, p => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(p).await?;
            Ok(to_u64(n))
        })
    }

    async fn listen(
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

    async fn recover_after_restart(&self) -> Result<(), StoreError> {
        if let Pool::Sqlite(p) = &self.pool {
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
