//! Snapshot and restore: a tracker survives a reloaded page or a killed
//! app without losing what it knew.

use serde::{Deserialize, Serialize};

use super::action::Outcome;
use super::detect::{Detection, LongPollSupport};
use super::machine::{Ping, Tracker};
use super::policy::{ConfigError, TrackerConfig};
use crate::foundation::backoff::{Backoff, SplitMix64};
use crate::foundation::json::{self, JsonError};
use crate::foundation::rate_window::RateWindow;
use crate::foundation::time::Timestamp;
use crate::status::PaymentStatus;

/// The version of [`Snapshot`] this crate writes (4: serde's JSON with
/// field names, with what was learned about the backend's long poll). It
/// reads 4 and 3 (the same without the long-poll fields: read as not known
/// yet); 2 was a positional form and is not read.
pub const SNAPSHOT_VERSION: u32 = 4;

/// The oldest [`Snapshot`] version this crate reads (see
/// [`SNAPSHOT_VERSION`]).
pub const OLDEST_SNAPSHOT_VERSION: u32 = 3;

/// Everything a tracker knew: the status facts, the deadlines, the rate
/// window (so the cap holds across a restart), the backoff and its
/// generator, a pending Flutterwave ping, and whether the backend holds
/// long polls (so a restored tracker does not probe again). Store it wherever the platform
/// keeps state — as part of a [`PendingStore`](crate::shopper::pending::PendingStore),
/// or alone as [`to_json`](Snapshot::to_json) — and give it to
/// [`Tracker::restore`].
///
/// The request in flight is not kept: after a restart its answer never
/// comes. Visibility and network state are not kept either: a restored
/// tracker runs in a page or app that has just started, in the foreground.
///
/// In JSON it is an object with camelCase field names (serde's); the
/// 64-bit generator state is written so that JavaScript reads it exactly
/// ([`safe_u64`](crate::foundation::lenient::safe_u64)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub(crate) version: u32,
    pub(crate) config: TrackerConfig,
    pub(crate) status: PaymentStatus,
    pub(crate) switched_out_at: Option<Timestamp>,
    pub(crate) deeplink_checked: bool,
    pub(crate) last_fetch_started: Option<Timestamp>,
    /// Since version 4.
    #[serde(default)]
    pub(crate) last_poll_started: Option<Timestamp>,
    pub(crate) next_request_id: u64,
    pub(crate) rate_window: Vec<Timestamp>,
    pub(crate) backoff_failures: u32,
    pub(crate) backoff_until: Option<Timestamp>,
    pub(crate) retry_after_until: Option<Timestamp>,
    #[serde(with = "crate::foundation::lenient::safe_u64")]
    pub(crate) jitter_state: u64,
    pub(crate) bad_answers: u32,
    pub(crate) ping: Option<Ping>,
    pub(crate) verify_pending: bool,
    pub(crate) final_check: bool,
    pub(crate) outcome: Option<Outcome>,
    /// Since version 4 (absent: not known yet).
    #[serde(default)]
    pub(crate) long_poll_support: LongPollSupport,
    /// Since version 4.
    #[serde(default)]
    pub(crate) quick_answers: u32,
}

impl Snapshot {
    /// The snapshot as compact JSON text (the form the
    /// [`PendingStore`](crate::shopper::pending::PendingStore) keeps it in).
    pub fn to_json(&self) -> String {
        // Every field is a string, a number, a boolean or made of them.
        json::to_string(self).unwrap_or_default()
    }

    /// Reads a snapshot written by [`to_json`](Self::to_json); the error
    /// names the field that is wrong.
    pub fn from_json(text: &str) -> Result<Snapshot, JsonError> {
        json::from_str(text)
    }

    /// The snapshot's format version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The order it tracks.
    pub fn order_id(&self) -> &str {
        &self.config.order_id
    }

    /// When its final check is due (see [`Tracker::deadline`]).
    pub fn deadline(&self) -> Timestamp {
        self.config.deadline()
    }

    /// The facts it holds.
    pub fn status(&self) -> &PaymentStatus {
        &self.status
    }

    /// The starts of the requests still counted by the rate cap.
    pub fn rate_window(&self) -> &[Timestamp] {
        &self.rate_window
    }

    /// The Flutterwave ping URL it was polling, if any.
    pub fn ping_url(&self) -> Option<&str> {
        self.ping.as_ref().map(|p| p.url.as_str())
    }

    /// The outcome, if the tracker had settled.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// What the tracker had learned about the backend's long poll.
    pub fn long_poll_support(&self) -> LongPollSupport {
        self.long_poll_support
    }
}

/// Why a snapshot cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// The snapshot's `version` is not one this crate reads.
    #[error(
        "tracker snapshot field `version` is {found}; this build reads versions {oldest} to {supported}"
    )]
    UnsupportedVersion {
        /// The version in the snapshot.
        found: u32,
        /// The newest version this crate reads (the one it writes).
        supported: u32,
        /// The oldest version this crate reads.
        oldest: u32,
    },
    /// The configuration inside the snapshot is not valid.
    #[error("tracker snapshot field `config`: {0}")]
    Config(#[from] ConfigError),
}

impl Tracker {
    /// What the tracker knows, to restore it later.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: SNAPSHOT_VERSION,
            config: self.config.clone(),
            status: self.status.clone(),
            switched_out_at: self.switched_out_at,
            deeplink_checked: self.deeplink_checked,
            last_fetch_started: self.last_fetch_started,
            last_poll_started: self.last_poll_started,
            next_request_id: self.next_id,
            rate_window: self.rate.starts().to_vec(),
            backoff_failures: self.backoff.failures,
            backoff_until: self.backoff.until,
            retry_after_until: self.retry_after_until,
            jitter_state: self.backoff.rng.state(),
            bad_answers: self.bad_answers,
            ping: self.ping.clone(),
            verify_pending: self.verify_pending,
            final_check: self.final_check,
            outcome: self.outcome.clone(),
            long_poll_support: self.detection.support,
            quick_answers: self.detection.quick_answers,
        }
    }

    /// A tracker that carries on from `snapshot` at `now`.
    ///
    /// If the shopper had switched out, it checks at once (subject to the
    /// rate cap and a `Retry-After`): it was away for an unknown time. If
    /// the deadline has passed, that check is the final one, and an
    /// undecided payment settles as `Unknown`. A settled snapshot stays
    /// settled. A version 3 snapshot is read as one that had not learned
    /// yet whether the backend holds long polls. The first [`poll`](Tracker::poll) gives a
    /// [`Notify`](super::Action::Notify) so that the UI can redraw.
    pub fn restore(snapshot: Snapshot, now: Timestamp) -> Result<Tracker, SnapshotError> {
        if !(OLDEST_SNAPSHOT_VERSION..=SNAPSHOT_VERSION).contains(&snapshot.version) {
            return Err(SnapshotError::UnsupportedVersion {
                found: snapshot.version,
                supported: SNAPSHOT_VERSION,
                oldest: OLDEST_SNAPSHOT_VERSION,
            });
        }
        let mut tracker = Tracker::new(snapshot.config)?;
        tracker.status = snapshot.status;
        tracker.switched_out_at = snapshot.switched_out_at;
        tracker.deeplink_checked = snapshot.deeplink_checked;
        tracker.last_fetch_started = snapshot.last_fetch_started;
        tracker.last_poll_started = snapshot.last_poll_started;
        tracker.next_id = snapshot.next_request_id.max(1);
        tracker.rate = RateWindow::from_starts(snapshot.rate_window);
        tracker.backoff = Backoff {
            failures: snapshot.backoff_failures,
            rng: SplitMix64::new(snapshot.jitter_state),
            until: snapshot.backoff_until,
        };
        tracker.retry_after_until = snapshot.retry_after_until;
        tracker.bad_answers = snapshot.bad_answers;
        tracker.ping = snapshot.ping;
        tracker.verify_pending = snapshot.verify_pending;
        tracker.final_check = snapshot.final_check;
        tracker.outcome = snapshot.outcome;
        tracker.detection = Detection {
            support: snapshot.long_poll_support,
            quick_answers: snapshot.quick_answers,
        };
        if tracker.outcome.is_none() && tracker.switched_out_at.is_some() {
            // Away for an unknown time: earlier network failures say
            // little, and the status may have moved.
            tracker.backoff.until = None;
            tracker.check_requested_at = Some(now);
        }
        Ok(tracker)
    }
}
