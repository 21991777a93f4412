//! Where the backend keeps its orders: the [`Store`] trait, and
//! [`SqlStore`], its implementation on SQLite (the default: embedded,
//! nothing to start) and PostgreSQL (several instances).
//!
//! A store holds, per order: what the checkout made (amount, basket, the
//! callback's `authToken`, the return expectation), the merged facts the
//! provider proved ([`PaymentStatus`]), the event history, the capture /
//! cancel / refund operations by idempotency key, and the watcher's queue
//! (`next_check_at`) with the lease that lets one instance at a time ask
//! the provider about an order. Per basket it holds the core's
//! [`CheckoutSession`].
//!
//! Every change of an order is a compare-and-swap on its `version`
//! ([`Store::update_order`]): two requests (or two instances) that merge at
//! once never lose each other's facts; the loser reads again and merges
//! again.
//!
//! A SQLite database serves one backend process (its provider leases live
//! in that process); several instances share a PostgreSQL database, which
//! holds the leases and tells every instance about every change.

mod sql;

use std::fmt;
use std::sync::Arc;

use appswitch_core::foundation::money::Amount;
use appswitch_core::merchant::checkout::CheckoutSession;
use appswitch_core::merchant::mutation::MutationKind;
use appswitch_core::providers::vipps_ecom::AuthToken;
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::url::ReturnExpectation;
use appswitch_core::status::PaymentStatus;
use async_trait::async_trait;

use crate::provider_api::ProviderApi;

pub use sql::{DatabaseUrl, SqlStore, SqliteSync};

/// Milliseconds since the Unix epoch, on the backend's wall clock.
pub type Millis = u64;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The migrations could not be applied.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be read back.
    #[error("stored {what} of order `{order_id}` cannot be read: {detail}")]
    Corrupt {
        /// The order (or basket).
        order_id: String,
        /// The column.
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// The `--database` URL is not one this store opens.
    #[error(
        "database URL `{0}`: expected `sqlite://PATH` (or `sqlite::memory:`) or `postgres://…`"
    )]
    Url(String),
    /// An order with this id exists already.
    #[error("order `{0}` exists already")]
    Duplicate(String),
}

/// What changes about an order over its life (everything else is fixed at
/// checkout).
#[derive(Clone, Debug, PartialEq)]
pub struct OrderState {
    /// The merged facts.
    pub status: PaymentStatus,
    /// The provider's initiate answer, once it came.
    pub deeplink: Option<Deeplink>,
    /// The merchant shipped (captured for) this order.
    pub goods_issued: bool,
    /// Why the provider's view is not known, if the last check failed.
    pub problem: Option<String>,
    /// The provider does not know this order (its error 35).
    pub provider_unknown: bool,
    /// When the order was finished (decided, nothing left to do): the
    /// retention period counts from here.
    pub finished_at: Option<Millis>,
}

/// An order as the checkout makes it.
#[derive(Clone, Debug)]
pub struct NewOrder {
    /// The `orderId`.
    pub order_id: String,
    /// The basket it pays for.
    pub basket_id: String,
    /// The amount initiated.
    pub amount: Amount,
    /// ISO 4217 (eCom v2 is `NOK` only).
    pub currency: String,
    /// The API the order was made with; it is followed, captured,
    /// cancelled and refunded through that one.
    pub provider_api: ProviderApi,
    /// An express checkout (the callback may add a shipping cost).
    pub express: bool,
    /// The callback's `Authorization`.
    pub auth_token: AuthToken,
    /// The `fallBack` URL.
    pub fallback_url: String,
    /// Recognises the shopper's return.
    pub expectation: ReturnExpectation,
    /// When the checkout began.
    pub created_at: Millis,
    /// The first state.
    pub state: OrderState,
    /// When the watcher first asks the provider.
    pub next_check_at: Option<Millis>,
}

/// An order as stored.
#[derive(Clone, Debug)]
pub struct StoredOrder {
    /// What the checkout made.
    pub order: NewOrder,
    /// The compare-and-swap version of [`state`](Self::state).
    pub version: i64,
    /// What it is now.
    pub state: OrderState,
    /// The watcher's queue position.
    pub next_check_at: Option<Millis>,
    /// When the provider was last asked.
    pub last_check_at: Option<Millis>,
    /// How many times the watcher asked.
    pub checks: u32,
}

/// Where an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSource {
    /// The checkout (and the provider's initiate answer).
    Checkout,
    /// A callback from the provider (eCom).
    Callback,
    /// A webhook from the provider (ePayment).
    Webhook,
    /// A details response that changed what is known.
    Details,
    /// A capture, cancel or refund.
    Operation,
}

impl EventSource {
    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EventSource::Checkout => "checkout",
            EventSource::Callback => "callback",
            EventSource::Webhook => "webhook",
            EventSource::Details => "details",
            EventSource::Operation => "operation",
        }
    }
}

/// One entry of an order's history.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// Where it came from.
    pub source: EventSource,
    /// Whether it was accepted (a refused callback is kept too).
    pub accepted: bool,
    /// What it said (JSON, or the reason it was refused).
    pub detail: String,
}

/// A stored entry of an order's history.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvent {
    /// Its place in the order's history, from 1.
    pub seq: i64,
    /// When (ms since the epoch).
    pub at: Millis,
    /// `checkout`, `callback`, `webhook`, `details` or `operation`.
    pub source: String,
    /// Whether it was accepted.
    pub accepted: bool,
    /// What it said.
    pub detail: String,
}

/// Who asked for an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationOrigin {
    /// The merchant, through the API.
    Merchant,
    /// The backend, cleaning up a duplicate payment of a basket.
    CleanUp,
}

/// Where an operation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationState {
    /// Accepted; its outcome is not known yet (or was lost in a crash).
    Pending,
    /// Done: the answer is stored.
    Done,
    /// Refused for good (a rule, or the provider): the answer is stored.
    Refused,
}

/// A capture, cancel or refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOperation {
    /// The order.
    pub order_id: String,
    /// `X-Request-Id`, kept across retries and restarts.
    pub key: String,
    /// Which.
    pub kind: MutationKind,
    /// Capture: a part (`None`: all that remains). Refund: the amount.
    pub amount: Option<Amount>,
    /// The text shown to the shopper.
    pub text: String,
    /// Who asked.
    pub origin: OperationOrigin,
}

/// An operation as stored.
#[derive(Clone, Debug)]
pub struct StoredOperation {
    /// What was asked.
    pub op: NewOperation,
    /// Where it stands.
    pub state: OperationState,
    /// The answer given (JSON), once there is one.
    pub answer: Option<String>,
}

/// An ePayment webhook registration (Webhooks API, "Register a webhook"):
/// the secret signs every delivery to its URL and is never shown again by
/// the provider, so it is kept here. `Debug` prints no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredWebhook {
    /// The URL the provider posts to.
    pub url: String,
    /// The provider's id of the registration.
    pub id: String,
    /// The secret.
    pub secret: String,
    /// The event types registered, comma-separated.
    pub events: String,
    /// When it was registered.
    pub created_at: Millis,
}

impl fmt::Debug for StoredWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredWebhook")
            .field("url", &self.url)
            .field("id", &self.id)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// Where an order goes in the watcher's queue when its lease is given back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextCheck {
    /// Where it is (a check made for a status request).
    Keep,
    /// At this time (`None`: out of the queue).
    At(Option<Millis>),
}

/// Wakes long polls of this instance for orders changed elsewhere: `Some`
/// with an order id, or `None` for "anything may have changed" (the
/// notification channel was lost for a while).
pub type RemoteWake = Arc<dyn Fn(Option<&str>) + Send + Sync>;

/// Where the backend keeps its orders.
///
/// [`SqlStore`] implements it on SQLite and PostgreSQL; a merchant with
/// another database implements it on that. Every method is one atomic step;
/// none holds a lock across calls.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug + 'static {
    /// Stores a new order ([`StoreError::Duplicate`] if its id is taken).
    async fn insert_order(&self, order: &NewOrder, event: &NewEvent) -> Result<(), StoreError>;

    /// The order, if it is known (and not evicted).
    async fn order(&self, order_id: &str) -> Result<Option<StoredOrder>, StoreError>;

    /// Every attempt of a basket, oldest first.
    async fn basket_orders(&self, basket_id: &str) -> Result<Vec<StoredOrder>, StoreError>;

    /// Replaces the order's state if its version is still `version`
    /// (then it becomes `version + 1`), with `event` in its history, and
    /// tells the other instances (`notify`). A decided order leaves the
    /// watcher's queue (its operations have their own). `false`: somebody
    /// changed it first; read it again.
    async fn update_order(
        &self,
        order_id: &str,
        version: i64,
        state: &OrderState,
        event: Option<&NewEvent>,
        notify: bool,
    ) -> Result<bool, StoreError>;

    /// Adds an event without changing the order (a refused callback). At
    /// most `cap` refused events are kept per order.
    async fn add_event(&self, order_id: &str, event: &NewEvent, cap: u32)
    -> Result<(), StoreError>;

    /// The order's history, oldest first.
    async fn events(&self, order_id: &str) -> Result<Vec<StoredEvent>, StoreError>;

    /// Takes the order's provider lease for `owner` until `until`, if
    /// nobody holds it at `now` and (with `gap`) the provider was not
    /// asked within `gap` ms. Whether it was taken.
    async fn try_lease(
        &self,
        order_id: &str,
        owner: &str,
        now: Millis,
        until: Millis,
        gap: Option<u64>,
    ) -> Result<bool, StoreError>;

    /// Gives the lease back; `checked` records that the provider was
    /// asked at `now`; `next` is the order's new place in the watcher's
    /// queue.
    async fn release_lease(
        &self,
        order_id: &str,
        owner: &str,
        now: Millis,
        checked: bool,
        next: NextCheck,
    ) -> Result<(), StoreError>;

    /// Leases up to `limit` orders whose check, or one of whose pending
    /// operations, is due at `now`, earliest first, skipping leased ones
    /// and those the provider was asked about within `gap` ms (they come
    /// in a later batch): the watcher's next batch. Reads the queues'
    /// indexes, never a whole table.
    async fn lease_due(
        &self,
        owner: &str,
        now: Millis,
        until: Millis,
        limit: u32,
        gap: u64,
    ) -> Result<Vec<String>, StoreError>;

    /// When the earliest queued check or operation is due.
    async fn next_due(&self) -> Result<Option<Millis>, StoreError>;

    /// Stores an operation (the watcher looks at it at `attempt_at` if it
    /// is still pending then), or returns the one stored under its key.
    async fn begin_operation(
        &self,
        op: &NewOperation,
        now: Millis,
        attempt_at: Millis,
    ) -> Result<StoredOperation, StoreError>;

    /// Records where an operation stands: with [`OperationState::Pending`]
    /// and `retry_at`, when the watcher tries it again.
    async fn finish_operation(
        &self,
        order_id: &str,
        key: &str,
        state: OperationState,
        answer: &str,
        now: Millis,
        retry_at: Option<Millis>,
    ) -> Result<(), StoreError>;

    /// The order's pending operations, oldest first.
    async fn pending_operations(&self, order_id: &str) -> Result<Vec<StoredOperation>, StoreError>;

    /// The basket's checkout session and its version.
    async fn basket_session(
        &self,
        basket_id: &str,
    ) -> Result<Option<(CheckoutSession, i64)>, StoreError>;

    /// Saves the basket's session if it is still at `version` (`None`: it
    /// is new), and in the same transaction the clean-up operations it
    /// asked for, due for the watcher at `now`.
    /// `false`: somebody saved it first.
    async fn save_basket_session(
        &self,
        basket_id: &str,
        session: &CheckoutSession,
        version: Option<i64>,
        clean_ups: &[NewOperation],
        now: Millis,
    ) -> Result<bool, StoreError>;

    /// Deletes up to `limit` orders finished before `before` with nothing
    /// queued or pending, their history, operations and, once a basket
    /// has no order left, its session. How many orders went.
    async fn evict(&self, before: Millis, limit: u32) -> Result<u64, StoreError>;

    /// How many orders are stored.
    async fn count_orders(&self) -> Result<u64, StoreError>;

    /// Starts telling this instance about orders other instances change
    /// (PostgreSQL's `LISTEN`); `None` where there are no other instances
    /// (SQLite).
    async fn listen(
        &self,
        wake: RemoteWake,
    ) -> Result<Option<tokio::task::JoinHandle<()>>, StoreError>;

    /// The ePayment webhook registered for `url`, if one is stored.
    async fn webhook(&self, url: &str) -> Result<Option<StoredWebhook>, StoreError>;

    /// Stores a registration unless one for its URL is stored already
    /// (another instance registered first). Whether it was stored.
    async fn save_webhook(&self, webhook: &StoredWebhook) -> Result<bool, StoreError>;

    /// Forgets the registration for `url` (the provider no longer has it).
    async fn delete_webhook(&self, url: &str) -> Result<(), StoreError>;

    /// Forgets leases left by an earlier run of this process, where the
    /// database serves one instance only (SQLite); a no-op otherwise.
    async fn recover_after_restart(&self) -> Result<(), StoreError>;
}
