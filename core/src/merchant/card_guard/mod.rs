//! The card reattempt guard (Dintero "Error handling" guide, "Do Not Try
//! Again & Excessive Reattempts"): it refuses a merchant-initiated card
//! attempt *before* the card scheme would block the card.
//!
//! - "MasterCard - 10 failed payment attempts allowed during a period of 24
//!   hours. Visa - 15 failed payment attempts allowed during a period of 30
//!   days." ([`GuardPolicy::schemes`])
//! - "all of the attempts has to get a failed response to be added to the
//!   limit quota - if a transaction goes through successfully, the quota
//!   will reset."
//! - "Do Not Retry": "the card will be blocked immediately and no further
//!   attempts are allowed."
//! - "Both of these limitations are based on the combination of the
//!   acquiring agreement … and the PAN of the card": the guard's key is a
//!   [`CardKey`] — a [`CardFingerprint`] (which refuses anything that looks
//!   like a card number) and an [`AcquiringAgreement`].
//! - "This marks the importance of having such a logic in place that
//!   limits reattempts before the block actually takes place."
//!
//! # When an attempt is refused
//!
//! With a limit of `n` failures per window, the guard allows an attempt
//! only while fewer than `n - 1` failures count, so that even if this
//! attempt fails the card stays below the limit: **the attempt that would
//! reach the limit is refused**. For Mastercard, the 10th attempt after 9
//! failures within 24 hours is refused; the card never collects its 10th
//! failure. A failure counts for a whole window after it happened (a
//! rolling window, which counts at least as much as any fixed period the
//! scheme might use). Attempts begun and not yet finished count as
//! failures, so concurrent attempts cannot overshoot. The refusal says why
//! and, for the quota, when the oldest counted failure leaves the window
//! ([`Refusal::retry_at`]).
//!
//! ```
//! use appswitch_core::merchant::card_guard::*;
//! use appswitch_core::foundation::time::Timestamp;
//! use core::time::Duration;
//!
//! let key = CardKey::new("card_tok_8c1e", "agreement-1").unwrap();
//! let mut guard = CardGuard::new(GuardPolicy::schemes());
//! let t0 = Timestamp::from_millis(1_700_000_000_000);
//! for i in 0..9 {
//!     let at = t0 + Duration::from_secs(i * 60);
//!     let ticket = guard.begin(&key, CardScheme::Mastercard, at).unwrap();
//!     guard.finish(ticket, AttemptResult::Failed, at);
//! }
//! let now = t0 + Duration::from_secs(3600);
//! let refusal = guard.check(&key, CardScheme::Mastercard, now).unwrap_err();
//! assert_eq!(refusal.retry_at(), Some(t0 + Duration::from_secs(24 * 3600)));
//! // A success elsewhere (the shopper paid in person) resets the quota.
//! guard.record(&key, AttemptResult::Succeeded, now);
//! assert!(guard.check(&key, CardScheme::Mastercard, now).is_ok());
//! ```

mod dintero;
mod fingerprint;

pub use fingerprint::{AcquiringAgreement, CardFingerprint, FingerprintError, MAX_ID_LEN};

use core::time::Duration;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::foundation::time::{Timestamp, serde_millis};

/// The card's scheme (brand), which decides the quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardScheme {
    /// Mastercard: 10 failures per 24 hours.
    Mastercard,
    /// Visa: 15 failures per 30 days.
    Visa,
    /// Any other scheme: no quota in the Dintero guide (only "Do Not Retry").
    Other,
}

/// A scheme's quota: at most `failures` failed attempts per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemeLimit {
    /// Failures the scheme allows per window.
    pub failures: u32,
    /// The window.
    #[serde(with = "serde_millis")]
    pub window: Duration,
}

/// The quotas per scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardPolicy {
    /// Mastercard's quota.
    pub mastercard: SchemeLimit,
    /// Visa's quota.
    pub visa: SchemeLimit,
    /// A quota for other schemes, if wanted.
    #[serde(default)]
    pub other: Option<SchemeLimit>,
}

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

impl GuardPolicy {
    /// The Dintero "Error handling" guide's numbers: Mastercard 10 failures per 24 hours, Visa 15 per
    /// 30 days, no quota for other schemes.
    pub fn schemes() -> GuardPolicy {
        GuardPolicy {
            mastercard: SchemeLimit {
                failures: 10,
                window: DAY,
            },
            visa: SchemeLimit {
                failures: 15,
                window: DAY * 30,
            },
            other: None,
        }
    }

    /// The quota of `scheme`, if it has one.
    pub fn limit(&self, scheme: CardScheme) -> Option<SchemeLimit> {
        match scheme {
            CardScheme::Mastercard => Some(self.mastercard),
            CardScheme::Visa => Some(self.visa),
            CardScheme::Other => self.other,
        }
    }

    /// Checks the numbers: a quota needs at least 2 failures (with 1, no
    /// attempt could ever be allowed) and a window longer than zero.
    pub fn validate(&self) -> Result<(), GuardPolicyError> {
        let limits = [
            ("mastercard", Some(self.mastercard)),
            ("visa", Some(self.visa)),
            ("other", self.other),
        ];
        for (scheme, limit) in limits {
            match limit {
                Some(l) if l.failures < 2 => {
                    return Err(GuardPolicyError::TooFewFailures { scheme });
                }
                Some(l) if l.window.is_zero() => {
                    return Err(GuardPolicyError::ZeroWindow { scheme });
                }
                Some(_) | None => {}
            }
        }
        Ok(())
    }
}

impl Default for GuardPolicy {
    fn default() -> Self {
        GuardPolicy::schemes()
    }
}

/// Why a [`GuardPolicy`] cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GuardPolicyError {
    /// `failures` is below 2.
    #[error("guard policy field `{scheme}.failures` must be at least 2")]
    TooFewFailures {
        /// The scheme's field.
        scheme: &'static str,
    },
    /// `window` is zero.
    #[error("guard policy field `{scheme}.window` must be longer than zero")]
    ZeroWindow {
        /// The scheme's field.
        scheme: &'static str,
    },
}

/// The guard's key: one card at one acquiring agreement.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardKey {
    /// The card.
    pub fingerprint: CardFingerprint,
    /// The agreement.
    pub agreement: AcquiringAgreement,
}

impl CardKey {
    /// The key for a fingerprint and an agreement id, both checked.
    pub fn new(fingerprint: &str, agreement: &str) -> Result<CardKey, FingerprintError> {
        Ok(CardKey {
            fingerprint: CardFingerprint::new(fingerprint)?,
            agreement: AcquiringAgreement::new(agreement)?,
        })
    }
}

/// How an attempt on a card ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "result")]
pub enum AttemptResult {
    /// Authorized: the quota (and any block) is reset.
    Succeeded,
    /// Failed: counts towards the quota.
    Failed,
    /// Failed and flagged "Do Not Retry": the card is blocked at this
    /// agreement for good (until a success proves otherwise).
    DoNotRetry {
        /// The provider's code, for the record.
        code: String,
    },
    /// The attempt never reached the card scheme (not sent, refused before
    /// authorization): nothing counts.
    NotAttempted,
}

/// Why the guard refuses an attempt.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The card was flagged "Do Not Retry" at this agreement: "no further
    /// attempts are allowed". Never retried.
    #[error("the card was flagged DO_NOT_RETRY at {since} ({code}); it must not be charged again")]
    DoNotRetry {
        /// When the flag was seen.
        since: Timestamp,
        /// The provider's code.
        code: String,
    },
    /// Another failure would reach the scheme's limit.
    #[error(
        "{counted} failed attempts within {window:?} on this {scheme:?} card; one more would reach the scheme's limit of {limit}: retry from {retry_at}"
    )]
    ExcessiveReattempts {
        /// The card's scheme.
        scheme: CardScheme,
        /// Failures (and unfinished attempts) counted now.
        counted: u32,
        /// The scheme's limit.
        limit: u32,
        /// The scheme's window.
        window: Duration,
        /// When enough counted attempts have left the window for one more.
        retry_at: Timestamp,
    },
}

impl Refusal {
    /// When an attempt becomes possible again, or `None` for "Do Not
    /// Retry" (never).
    pub fn retry_at(&self) -> Option<Timestamp> {
        match self {
            Refusal::DoNotRetry { .. } => None,
            Refusal::ExcessiveReattempts { retry_at, .. } => Some(*retry_at),
        }
    }
}

/// An attempt the guard allowed; hand it back with
/// [`CardGuard::finish`]. Until then it counts as a failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptTicket {
    id: u64,
    key: CardKey,
    started: Timestamp,
}

impl AttemptTicket {
    /// The card and agreement.
    pub fn key(&self) -> &CardKey {
        &self.key
    }

    /// When the attempt was begun.
    pub fn started(&self) -> Timestamp {
        self.started
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Blocked {
    since: Timestamp,
    code: String,
}

/// What the guard remembers about one card at one agreement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CardRecord {
    /// Failures since the last success, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    failures: Vec<Timestamp>,
    /// Unfinished attempts: (ticket id, start).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending: Vec<(u64, Timestamp)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blocked: Option<Blocked>,
}

impl CardRecord {
    /// The instants that count at `now` (failures and unfinished attempts
    /// within `window`; ones "in the future" count too), oldest first.
    fn counted(&self, now: Timestamp, window: Duration) -> Vec<Timestamp> {
        let mut times: Vec<Timestamp> = self
            .failures
            .iter()
            .copied()
            .chain(self.pending.iter().map(|(_, t)| *t))
            .filter(|t| t.saturating_add(window) > now)
            .collect();
        times.sort_unstable();
        times
    }
}

/// The card reattempt guard: per card and agreement, the failures that
/// count, unfinished attempts, and "Do Not Retry" blocks. Serialisable
/// (camelCase JSON, no card data); time is passed in. See the
/// [module documentation](self).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardGuard {
    policy: GuardPolicy,
    #[serde(default, with = "cards_as_list")]
    cards: BTreeMap<CardKey, CardRecord>,
    #[serde(default)]
    next_ticket: u64,
}

impl CardGuard {
    /// An empty guard with `policy` (see [`GuardPolicy::validate`]; use
    /// [`CardGuard::with_policy`] to have it checked).
    pub fn new(policy: GuardPolicy) -> CardGuard {
        CardGuard {
            policy,
            cards: BTreeMap::new(),
            next_ticket: 1,
        }
    }

    /// An empty guard with a checked `policy`.
    pub fn with_policy(policy: GuardPolicy) -> Result<CardGuard, GuardPolicyError> {
        policy.validate()?;
        Ok(CardGuard::new(policy))
    }

    /// The policy.
    pub fn policy(&self) -> &GuardPolicy {
        &self.policy
    }

    fn record_mut(&mut self, key: &CardKey) -> &mut CardRecord {
        self.cards.entry(key.clone()).or_default()
    }

    /// May the card be charged now? `Ok` or the reason it may not.
    pub fn check(&self, key: &CardKey, scheme: CardScheme, now: Timestamp) -> Result<(), Refusal> {
        let Some(record) = self.cards.get(key) else {
            return Ok(());
        };
        if let Some(b) = &record.blocked {
            return Err(Refusal::DoNotRetry {
                since: b.since,
                code: b.code.clone(),
            });
        }
        let Some(limit) = self.policy.limit(scheme) else {
            return Ok(());
        };
        let counted = record.counted(now, limit.window);
        // Allowed while one more failure stays below the limit.
        let allowed = usize::try_from(limit.failures.saturating_sub(1)).unwrap_or(usize::MAX);
        if counted.len() < allowed {
            return Ok(());
        }
        // Once the oldest `counted - allowed + 1` have left the window.
        let retry_at = counted
            .get(counted.len() - allowed)
            .map_or(now, |t| t.saturating_add(limit.window))
            .max(now);
        Err(Refusal::ExcessiveReattempts {
            scheme,
            counted: u32::try_from(counted.len()).unwrap_or(u32::MAX),
            limit: limit.failures,
            window: limit.window,
            retry_at,
        })
    }

    /// Checks and, if allowed, begins an attempt: until it is
    /// [finished](Self::finish) it counts as a failure, so attempts made at
    /// the same time cannot together overshoot the limit.
    pub fn begin(
        &mut self,
        key: &CardKey,
        scheme: CardScheme,
        now: Timestamp,
    ) -> Result<AttemptTicket, Refusal> {
        self.check(key, scheme, now)?;
        let id = self.next_ticket.max(1);
        self.next_ticket = id.saturating_add(1);
        self.record_mut(key).pending.push((id, now));
        Ok(AttemptTicket {
            id,
            key: key.clone(),
            started: now,
        })
    }

    /// Ends an attempt begun with [`begin`](Self::begin), with its result
    /// at `at`. A ticket finished twice (or unknown) only records the
    /// result.
    pub fn finish(&mut self, ticket: AttemptTicket, result: AttemptResult, at: Timestamp) {
        let record = self.record_mut(&ticket.key);
        record.pending.retain(|(id, _)| *id != ticket.id);
        self.record(&ticket.key, result, at);
    }

    /// Records the result of an attempt the guard did not begin (a
    /// shopper-initiated payment with the same card, a late callback).
    pub fn record(&mut self, key: &CardKey, result: AttemptResult, at: Timestamp) {
        let record = self.record_mut(key);
        match result {
            AttemptResult::Succeeded => {
                // "if a transaction goes through successfully, the quota
                // will reset" — and the card is evidently not blocked.
                record.failures.clear();
                record.blocked = None;
            }
            AttemptResult::Failed => {
                let pos = record.failures.partition_point(|t| *t <= at);
                record.failures.insert(pos, at);
            }
            AttemptResult::DoNotRetry { code } => {
                let pos = record.failures.partition_point(|t| *t <= at);
                record.failures.insert(pos, at);
                if record.blocked.is_none() {
                    record.blocked = Some(Blocked { since: at, code });
                }
            }
            AttemptResult::NotAttempted => {}
        }
    }

    /// Forgets what no longer counts at `now`: failures older than their
    /// scheme's longest window, and cards with nothing left. Keeps the
    /// stored state small; never changes a decision.
    pub fn prune(&mut self, now: Timestamp) {
        let longest = [
            Some(self.policy.mastercard),
            Some(self.policy.visa),
            self.policy.other,
        ]
        .into_iter()
        .flatten()
        .map(|l| l.window)
        .max()
        .unwrap_or(Duration::ZERO);
        for r in self.cards.values_mut() {
            r.failures.retain(|t| t.saturating_add(longest) > now);
            r.pending.retain(|(_, t)| t.saturating_add(longest) > now);
        }
        self.cards
            .retain(|_, r| r.blocked.is_some() || !r.failures.is_empty() || !r.pending.is_empty());
    }

    /// How many cards the guard remembers.
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    /// True if it remembers none.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }
}

/// The cards as a JSON list of `{"key": …, "failures": …, …}` (a map
/// with struct keys has no JSON form).
mod cards_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{CardKey, CardRecord};

    #[derive(Serialize)]
    struct EntryRef<'a> {
        key: &'a CardKey,
        #[serde(flatten)]
        record: &'a CardRecord,
    }

    #[derive(Deserialize)]
    struct Entry {
        key: CardKey,
        #[serde(flatten)]
        record: CardRecord,
    }

    pub(super) fn serialize<S: Serializer>(
        cards: &BTreeMap<CardKey, CardRecord>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(cards.iter().map(|(key, record)| EntryRef { key, record }))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<CardKey, CardRecord>, D::Error> {
        Vec::<Entry>::deserialize(d).map(|v| v.into_iter().map(|e| (e.key, e.record)).collect())
    }
}

#[cfg(test)]
mod tests;
