//! [`SqlStore`]: the [`Store`] on SQLite or PostgreSQL, with `sqlx`'s
//! runtime `query()` calls (no compile-time checked macros).
//!
//! One schema serves both (`migrations/`); the few statements that differ
//! are chosen by dialect: PostgreSQL leases the watcher's batch with
//! `FOR UPDATE SKIP LOCKED` and tells other instances about a change with
//! `pg_notify` inside the transaction that made it (delivered on commit).
//!
//! SQLite serves one instance (one process per database file): its
//! provider leases are kept in memory ([`queue`]), and its writes go through
//! one connection, in order, while reads share a pool of their own — the
//! writers queue in the process instead of sleeping on SQLite's busy lock.
//!
//! SQLite runs in WAL mode. With [`SqliteSync::Full`] (the default) a
//! commit is on disk when it returns, so neither a `kill -9` of the backend
//! nor a power cut loses an order the backend answered for; with
//! [`SqliteSync::Normal`] a commit is in the WAL file when it returns — a
//! `kill -9` still loses nothing, a power cut may lose the last commits —
//! and the backend does not wait for the disk on every commit.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use appswitch_core::merchant::checkout::CheckoutSession;
use async_trait::async_trait;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{
    Millis, NewEvent, NewOperation, NewOrder, NextCheck, OperationState, OrderState, RemoteWake,
    Store, StoreError, StoredEvent, StoredOperation, StoredOrder, StoredWebhook,
};

/// The channel other instances `LISTEN` on; the payload is an `orderId`.
const CHANNEL: &str = "appswitch_orders";

/// The schema, embedded in the binary.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "orders",
        include_str!("../../../migrations/0001_orders.sql"),
    ),
    (
        2,
        "epayment",
        include_str!("../../../migrations/0002_epayment.sql"),
    ),
];

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
    /// `sqlite://PATH` (created if missing) or `sqlite::memory:`: one
    /// backend process per file.
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

/// How SQLite waits for the disk on a commit (`PRAGMA synchronous`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqliteSync {
    /// Every commit is flushed to the disk before it returns.
    #[default]
    Full,
    /// Commits are written to the WAL and flushed at checkpoints: safe
    /// against a process crash, not against a power cut.
    Normal,
}

impl FromStr for SqliteSync {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "full" => Ok(SqliteSync::Full),
            "normal" => Ok(SqliteSync::Normal),
            other => Err(format!("`{other}`: expected `full` or `normal`")),
        }
    }
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite {
        /// Reads (WAL: they never wait for a writer).
        read: SqlitePool,
        /// Writes, one at a time.
        write: SqlitePool,
        /// The provider leases and last checks of this instance.
        leases: Arc<queue::MemoryLeases>,
    },
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool (`read` or `write`):
/// every query is written once and compiled for both databases.
macro_rules! on_pool {
    ($self:expr, $kind:ident, $p:ident => $body:expr) => {
        match &$self.pool {
            Pool::Sqlite { $kind: $p, .. } => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

mod operations;
mod orders;
mod queue;
mod rows;
mod webhooks;

/// The [`Store`] on SQLite or PostgreSQL.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: Pool,
}

impl SqlStore {
    /// Opens (creating a SQLite file if needed) and migrates the database;
    /// SQLite with [`SqliteSync::Full`].
    pub async fn open(url: &DatabaseUrl) -> Result<SqlStore, StoreError> {
        SqlStore::open_with(url, SqliteSync::Full).await
    }

    /// [`open`](Self::open), with SQLite's commits as `sync` says.
    pub async fn open_with(url: &DatabaseUrl, sync: SqliteSync) -> Result<SqlStore, StoreError> {
        let pool = match url {
            DatabaseUrl::Sqlite(u) => {
                let options = SqliteConnectOptions::from_str(u)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(match sync {
                        SqliteSync::Full => SqliteSynchronous::Full,
                        SqliteSync::Normal => SqliteSynchronous::Normal,
                    })
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true);
                let pool = |max: u32| {
                    SqlitePoolOptions::new()
                        .max_connections(max)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None)
                };
                let write = pool(1).connect_with(options.clone()).await?;
                // An in-memory database is one per connection: one for all.
                let read = if u.contains(":memory:") {
                    write.clone()
                } else {
                    pool(8).connect_with(options).await?
                };
                Pool::Sqlite {
                    read,
                    write,
                    leases: Arc::default(),
                }
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
        on_pool!(store, write, p => migrator().run(p).await)?;
        Ok(store)
    }

    fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn insert_order(&self, o: &NewOrder, event: &NewEvent) -> Result<(), StoreError> {
        self.do_insert_order(o, event).await
    }

    async fn order(&self, order_id: &str) -> Result<Option<StoredOrder>, StoreError> {
        self.do_order(order_id).await
    }

    async fn basket_orders(&self, basket_id: &str) -> Result<Vec<StoredOrder>, StoreError> {
        self.do_basket_orders(basket_id).await
    }

    async fn update_order(
        &self,
        order_id: &str,
        version: i64,
        s: &OrderState,
        event: Option<&NewEvent>,
        notify: bool,
    ) -> Result<bool, StoreError> {
        self.do_update_order(order_id, version, s, event, notify)
            .await
    }

    async fn add_event(&self, order_id: &str, e: &NewEvent, cap: u32) -> Result<(), StoreError> {
        self.do_add_event(order_id, e, cap).await
    }

    async fn events(&self, order_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.do_events(order_id).await
    }

    async fn try_lease(
        &self,
        order_id: &str,
        owner: &str,
        now: Millis,
        until: Millis,
        gap: Option<u64>,
    ) -> Result<bool, StoreError> {
        self.do_try_lease(order_id, owner, now, until, gap).await
    }

    async fn release_lease(
        &self,
        order_id: &str,
        owner: &str,
        now: Millis,
        checked: bool,
        next: NextCheck,
    ) -> Result<(), StoreError> {
        self.do_release_lease(order_id, owner, now, checked, next)
            .await
    }

    async fn lease_due(
        &self,
        owner: &str,
        now: Millis,
        until: Millis,
        limit: u32,
        gap: u64,
    ) -> Result<Vec<String>, StoreError> {
        self.do_lease_due(owner, now, until, limit, gap).await
    }

    async fn next_due(&self) -> Result<Option<Millis>, StoreError> {
        self.do_next_due().await
    }

    async fn begin_operation(
        &self,
        op: &NewOperation,
        now: Millis,
        attempt_at: Millis,
    ) -> Result<StoredOperation, StoreError> {
        self.do_begin_operation(op, now, attempt_at).await
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
        self.do_finish_operation(order_id, key, state, answer, now, retry_at)
            .await
    }

    async fn pending_operations(&self, order_id: &str) -> Result<Vec<StoredOperation>, StoreError> {
        self.do_pending_operations(order_id).await
    }

    async fn basket_session(
        &self,
        basket_id: &str,
    ) -> Result<Option<(CheckoutSession, i64)>, StoreError> {
        self.do_basket_session(basket_id).await
    }

    async fn save_basket_session(
        &self,
        basket_id: &str,
        session: &CheckoutSession,
        version: Option<i64>,
        clean_ups: &[NewOperation],
        now: Millis,
    ) -> Result<bool, StoreError> {
        self.do_save_basket_session(basket_id, session, version, clean_ups, now)
            .await
    }

    async fn evict(&self, before: Millis, limit: u32) -> Result<u64, StoreError> {
        self.do_evict(before, limit).await
    }

    async fn count_orders(&self) -> Result<u64, StoreError> {
        self.do_count_orders().await
    }

    async fn listen(
        &self,
        wake: RemoteWake,
    ) -> Result<Option<tokio::task::JoinHandle<()>>, StoreError> {
        self.do_listen(wake).await
    }

    async fn webhook(&self, url: &str) -> Result<Option<StoredWebhook>, StoreError> {
        self.do_webhook(url).await
    }

    async fn save_webhook(&self, webhook: &StoredWebhook) -> Result<bool, StoreError> {
        self.do_save_webhook(webhook).await
    }

    async fn delete_webhook(&self, url: &str) -> Result<(), StoreError> {
        self.do_delete_webhook(url).await
    }

    async fn recover_after_restart(&self) -> Result<(), StoreError> {
        self.do_recover_after_restart().await
    }
}
