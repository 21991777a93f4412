//! The payment in flight, as the browser module and the apps keep it: a
//! page reload, a bfcache restore, another tab or a killed app finds it
//! again and finishes tracking it.
//!
//! A [`PendingPayment`] is the tracker's [`Snapshot`], the classified
//! [`Deeplink`] and the [`ReturnExpectation`] that recognises the shopper's
//! return. Nothing in it is secret: no keys, no tokens — the nonce only ties
//! a return to the attempt that started it. All pending payments of one app
//! or origin live in one [`PendingStore`], stored as a versioned JSON
//! document (serde's, written and read by the core on every platform:
//! `{"version": 3, "payments": [{"orderId", "deeplink", "expectation",
//! "tracker", "savedAt"}, …]}`) under [`STORAGE_KEY`] in whatever the
//! platform has (`localStorage`, `SharedPreferences`, the Keychain, a
//! file). A store of another version, or a damaged one, is an error for
//! [`PendingStore::from_json`] and an empty store for
//! [`PendingStore::from_stored`]; never a panic.
//!
//! ```
//! use appswitch_core::shopper::deeplink::Deeplink;
//! use appswitch_core::shopper::pending::{PendingPayment, PendingStore};
//! use appswitch_core::shopper::platform::Platform;
//! use appswitch_core::foundation::time::Timestamp;
//! use appswitch_core::shopper::tracker::{Tracker, TrackerConfig};
//! use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget};
//!
//! let now = Timestamp::from_millis(1_700_000_000_000);
//! let fallback = FallbackSpec::new(
//!     Platform::MobileWeb,
//!     FallbackTarget::Web { base: "https://shop.example.no/return".into() },
//!     "shop-1042",
//! )
//! .build(AttemptNonce::from_random([7; 16]))?;
//! let deeplink = Deeplink::classify("https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x", now)?;
//! let config = TrackerConfig::new("shop-1042", "https://shop.example.no/api/status/shop-1042", now, 1);
//! let tracker = Tracker::new(config)?;
//!
//! let mut store = PendingStore::default();
//! store.put(PendingPayment::new(&tracker, deeplink, fallback.expectation, now)?);
//! let saved = store.to_json();
//!
//! // … the page reloads on the fallback URL the provider opened:
//! let store = PendingStore::from_json(&saved)?;
//! let returned_on = format!("{}&status=301", fallback.url);
//! let (pending, returned) = store.match_return(&returned_on, now)?;
//! assert_eq!(returned.order_id, "shop-1042");
//! let tracker = pending.restore(now)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::json::{self, Value};
use crate::foundation::time::Timestamp;
use crate::shopper::deeplink::Deeplink;
use crate::shopper::tracker::{Snapshot, SnapshotError, Tracker};
use crate::shopper::url::{ReturnError, ReturnExpectation, ShopperReturned, UrlParts};

/// The key the [`PendingStore`] is kept under.
pub const STORAGE_KEY: &str = "appswitch.pending";

/// The version of the stored JSON this crate writes and reads: 3, serde's
/// field-named JSON of these types. Versions 1 (field-named, older types)
/// and 2 (a positional form) are no longer read: such a store reads as
/// empty, like any other it cannot read.
pub const PENDING_VERSION: u32 = 3;

/// How long a pending payment is kept after the tracker's deadline: long
/// enough for a shopper who comes back late to see the outcome (or the one
/// final check), short enough that storage does not fill up.
pub const KEEP_AFTER_DEADLINE: Duration = Duration::from_secs(60 * 60);

/// The most payments one store keeps; the oldest go first.
pub const MAX_PENDING: usize = 8;

/// Why a pending payment cannot be made, read or resumed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PendingError {
    /// The tracker, the deeplink's attempt and the return expectation are
    /// about different orders.
    #[error(
        "the tracker is for order `{tracker}` but the return expectation is for order `{expectation}`"
    )]
    OrderMismatch {
        /// The tracker's order id.
        tracker: String,
        /// The return expectation's order id.
        expectation: String,
    },
    /// The stored text is not a pending store.
    #[error("the stored pending payments (`{STORAGE_KEY}`) cannot be read: {0}")]
    Corrupt(String),
    /// The stored text was written by a newer version.
    #[error(
        "the stored pending payments (`{STORAGE_KEY}`) have version {found}; this version reads {supported}"
    )]
    UnsupportedVersion {
        /// The version found.
        found: u32,
        /// The version this crate reads.
        supported: u32,
    },
    /// The stored tracker cannot be restored.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}

/// Why the URL the shopper came back on does not resume a pending payment.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResumeError {
    /// No payment is pending here (none stored, or all expired).
    #[error("no payment is pending on this device")]
    NothingPending,
    /// The return is for a pending order but not from its attempt: a stale
    /// or forged link, or the wrong page.
    #[error("the return does not belong to pending order `{order_id}`: {error}")]
    NotThisAttempt {
        /// The pending order it claims to be for.
        order_id: String,
        /// What did not match.
        error: ReturnError,
    },
    /// The return names an order that is not pending here.
    #[error("the return is for no pending order{}", match found { Some(o) => format!(" (it names `{o}`)"), None => String::new() })]
    UnknownOrder {
        /// The order the return names, if it names one.
        found: Option<String>,
    },
}

/// One payment in flight: what the tracker knew, the deeplink and how to
/// recognise the return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingPayment {
    /// The merchant's order id.
    pub order_id: String,
    /// The initiate `url`, classified, with its deadlines; `None` for an
    /// attempt this device did not start (resumed from its return URL and
    /// the backend's [return check](crate::shopper::return_check)): the
    /// shopper is already back. (A store holding such a payment cannot be
    /// read by a version before this field could be absent.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deeplink: Option<Deeplink>,
    /// What the shopper's return must look like.
    pub expectation: ReturnExpectation,
    /// The tracker's snapshot.
    pub tracker: Snapshot,
    /// When this was written.
    pub saved_at: Timestamp,
}

impl PendingPayment {
    /// The pending payment of `tracker`, as of `now`.
    pub fn new(
        tracker: &Tracker,
        deeplink: Deeplink,
        expectation: ReturnExpectation,
        now: Timestamp,
    ) -> Result<PendingPayment, PendingError> {
        PendingPayment::make(tracker, Some(deeplink), expectation, now)
    }

    /// The pending payment of `tracker` for an attempt this device did not
    /// start: the shopper came back on its return URL and the backend
    /// vouched for it ([`ReturnCheck`](crate::shopper::return_check::ReturnCheck)).
    /// There is no deeplink to open again.
    pub fn returned(
        tracker: &Tracker,
        expectation: ReturnExpectation,
        now: Timestamp,
    ) -> Result<PendingPayment, PendingError> {
        PendingPayment::make(tracker, None, expectation, now)
    }

    fn make(
        tracker: &Tracker,
        deeplink: Option<Deeplink>,
        expectation: ReturnExpectation,
        now: Timestamp,
    ) -> Result<PendingPayment, PendingError> {
        let order_id = tracker.config().order_id.clone();
        if expectation.order_id != order_id {
            return Err(PendingError::OrderMismatch {
                tracker: order_id,
                expectation: expectation.order_id,
            });
        }
        Ok(PendingPayment {
            order_id,
            deeplink,
            expectation,
            tracker: tracker.snapshot(),
            saved_at: now,
        })
    }

    /// Takes in what `tracker` knows now.
    pub fn update(&mut self, tracker: &Tracker, now: Timestamp) {
        self.tracker = tracker.snapshot();
        self.saved_at = now;
    }

    /// After this instant the payment is forgotten: the tracker's deadline
    /// plus [`KEEP_AFTER_DEADLINE`].
    pub fn expires_at(&self) -> Timestamp {
        self.tracker.deadline() + KEEP_AFTER_DEADLINE
    }

    /// True once [`expires_at`](Self::expires_at) has passed.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now > self.expires_at()
    }

    /// True once the tracker has settled (its outcome is in the snapshot).
    pub fn is_settled(&self) -> bool {
        self.tracker.outcome().is_some()
    }

    /// A tracker that carries on from here (see [`Tracker::restore`]).
    pub fn restore(&self, now: Timestamp) -> Result<Tracker, SnapshotError> {
        Tracker::restore(self.tracker.clone(), now)
    }

    /// Checks that `url` is this attempt's return (see
    /// [`ReturnExpectation::check_return`]).
    pub fn check_return(&self, url: &str) -> Result<ShopperReturned, ReturnError> {
        self.expectation.check_return(url)
    }

    /// [`check_return`](Self::check_return) for a URL already taken apart
    /// (see [`ReturnExpectation::check_parts`]).
    pub fn check_parts(&self, url: &UrlParts) -> Result<ShopperReturned, ReturnError> {
        self.expectation.check_parts(url)
    }
}

/// All pending payments of one app or origin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingStore {
    version: u32,
    #[serde(default)]
    payments: Vec<PendingPayment>,
}

/// The first thing read of a stored text: its version.
#[derive(Deserialize)]
struct Version {
    version: u32,
}

impl Default for PendingStore {
    fn default() -> Self {
        PendingStore {
            version: PENDING_VERSION,
            payments: Vec::new(),
        }
    }
}

impl PendingStore {
    /// Reads a store written by [`to_json`](Self::to_json). An empty text
    /// is an empty store; a store of another version is
    /// [`UnsupportedVersion`](PendingError::UnsupportedVersion) (its payments
    /// are not read), a damaged one [`Corrupt`](PendingError::Corrupt),
    /// naming the field.
    pub fn from_json(text: &str) -> Result<PendingStore, PendingError> {
        if text.trim().is_empty() {
            return Ok(PendingStore::default());
        }
        let corrupt = |e: json::JsonError| PendingError::Corrupt(e.to_string());
        let value: Value = json::parse(text).map_err(corrupt)?;
        let Version { version } = json::from_value(&value).map_err(corrupt)?;
        if version != PENDING_VERSION {
            return Err(PendingError::UnsupportedVersion {
                found: version,
                supported: PENDING_VERSION,
            });
        }
        json::from_value(&value).map_err(corrupt)
    }

    /// Reads what the platform's storage holds under [`STORAGE_KEY`]:
    /// nothing stored, or a store that cannot be read (written by another
    /// version, or damaged), is an empty store — the payments in it cannot
    /// be resumed either way, and the next write replaces it.
    pub fn from_stored(text: Option<&str>) -> PendingStore {
        text.and_then(|t| PendingStore::from_json(t).ok())
            .unwrap_or_default()
    }

    /// The JSON to store under [`STORAGE_KEY`].
    pub fn to_json(&self) -> String {
        // Every field is a string, a number, a boolean or made of them.
        json::to_string(self).unwrap_or_default()
    }

    /// Every pending payment, oldest first.
    pub fn payments(&self) -> &[PendingPayment] {
        &self.payments
    }

    /// The pending payment of `order_id`.
    pub fn get(&self, order_id: &str) -> Option<&PendingPayment> {
        self.payments.iter().find(|p| p.order_id == order_id)
    }

    /// Adds `payment`, replacing the one of the same order; keeps at most
    /// [`MAX_PENDING`], dropping the oldest.
    pub fn put(&mut self, payment: PendingPayment) {
        self.payments.retain(|p| p.order_id != payment.order_id);
        self.payments.push(payment);
        let excess = self.payments.len().saturating_sub(MAX_PENDING);
        self.payments.drain(..excess);
    }

    /// Forgets the payment of `order_id` (the app has shown its outcome).
    pub fn remove(&mut self, order_id: &str) -> Option<PendingPayment> {
        let at = self.payments.iter().position(|p| p.order_id == order_id)?;
        Some(self.payments.remove(at))
    }

    /// Forgets every expired payment; returns how many.
    pub fn prune(&mut self, now: Timestamp) -> usize {
        let before = self.payments.len();
        self.payments.retain(|p| !p.is_expired(now));
        before - self.payments.len()
    }

    /// The newest payment that is neither settled nor expired: what a cold
    /// start should resume.
    pub fn latest_unsettled(&self, now: Timestamp) -> Option<&PendingPayment> {
        self.payments
            .iter()
            .rev()
            .find(|p| !p.is_settled() && !p.is_expired(now))
    }

    /// The pending payment `url` is the return of, and what the return
    /// carried. Of several pending payments the newest matching one wins;
    /// if the URL names a pending order but fails its check (another
    /// attempt's nonce: a stale or forged link), that is the error.
    pub fn match_return(
        &self,
        url: &str,
        now: Timestamp,
    ) -> Result<(&PendingPayment, ShopperReturned), ResumeError> {
        self.match_parts(UrlParts::parse(url).as_ref(), now)
    }

    /// [`match_return`](Self::match_return) for a URL already taken apart
    /// (`None`: it is no URL): the browser module splits `location.href`
    /// with the page's own `URL`.
    pub fn match_parts(
        &self,
        url: Option<&UrlParts>,
        now: Timestamp,
    ) -> Result<(&PendingPayment, ShopperReturned), ResumeError> {
        let live: Vec<&PendingPayment> = self
            .payments
            .iter()
            .rev()
            .filter(|p| !p.is_expired(now))
            .collect();
        if live.is_empty() {
            return Err(ResumeError::NothingPending);
        }
        let Some(url) = url else {
            return Err(ResumeError::UnknownOrder { found: None });
        };
        let mut errors = Vec::new();
        for pending in &live {
            match pending.check_parts(url) {
                Ok(returned) => return Ok((pending, returned)),
                Err(error) => errors.push((*pending, error)),
            }
        }
        // The order matched but the attempt did not (nonce, parameters):
        // the most telling answer — a stale or forged link.
        let order_matched = |e: &ReturnError| {
            matches!(
                e,
                ReturnError::NonceMismatch
                    | ReturnError::MissingNonce
                    | ReturnError::DuplicateParam { .. }
            )
        };
        let pick = errors
            .iter()
            .find(|(_, e)| order_matched(e))
            .or_else(|| (errors.len() == 1).then(|| errors.first()).flatten());
        if let Some((pending, error)) = pick
            && !matches!(error, ReturnError::OrderIdMismatch { .. })
        {
            return Err(ResumeError::NotThisAttempt {
                order_id: pending.order_id.clone(),
                error: error.clone(),
            });
        }
        let found = errors.into_iter().find_map(|(_, e)| match e {
            ReturnError::OrderIdMismatch { found, .. } => Some(found),
            _ => None,
        });
        Err(ResumeError::UnknownOrder { found })
    }
}

#[cfg(test)]
mod stored_form_tests;
#[cfg(test)]
mod tests;
