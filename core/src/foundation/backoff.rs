//! Exponential backoff with jitter drawn from a seed passed in.

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::time::{Timestamp, duration_millis, serde_millis};

/// Exponential backoff after errors: `base`, `2·base`, `4·base`, … capped
/// at `max`; each delay is drawn from `[d/2, d]` ("equal jitter") with the
/// tracker's seeded generator, so that many clients failing together do not
/// come back together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackoffPolicy {
    /// The delay after the first error.
    #[serde(with = "serde_millis")]
    pub base: Duration,
    /// The longest delay.
    #[serde(with = "serde_millis")]
    pub max: Duration,
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator whose
/// whole state is one `u64`, so it fits in a snapshot. Not for secrets —
/// only to spread retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn state(self) -> u64 {
        self.0
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..=max` (the modulo bias is irrelevant for jitter).
    pub(crate) fn up_to(&mut self, max: u64) -> u64 {
        match max.checked_add(1) {
            Some(n) => self.next_u64() % n,
            None => self.next_u64(),
        }
    }
}

/// The backoff state: failures in a row, the generator, and until when to
/// wait. Serialisable for the mutation plans' snapshots (the tracker's
/// [`Snapshot`](super::Snapshot) keeps the fields by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Backoff {
    pub(crate) failures: u32,
    pub(crate) rng: SplitMix64,
    pub(crate) until: Option<Timestamp>,
}

impl Backoff {
    pub(crate) fn new(seed: u64) -> Self {
        Backoff {
            failures: 0,
            rng: SplitMix64::new(seed),
            until: None,
        }
    }

    /// The un-jittered delay after `failures` failures in a row:
    /// `base · 2^(failures-1)`, capped at `max`.
    pub(crate) fn ceiling(policy: &BackoffPolicy, failures: u32) -> Duration {
        let shift = failures.saturating_sub(1).min(32);
        let base = duration_millis(policy.base);
        let d = base.saturating_mul(1u64 << shift);
        Duration::from_millis(d).min(policy.max)
    }

    /// Records one more failure of a request started at `from`; returns
    /// when to try again: `from + d`, with `d` drawn from
    /// `[ceiling/2, ceiling]`.
    pub(crate) fn fail(&mut self, policy: &BackoffPolicy, from: Timestamp) -> Timestamp {
        self.failures = self.failures.saturating_add(1);
        let ceiling = duration_millis(Self::ceiling(policy, self.failures));
        let half = ceiling / 2;
        let d = half + self.rng.up_to(ceiling - half);
        let until = from.saturating_add(Duration::from_millis(d));
        self.until = Some(until);
        until
    }

    /// A usable answer arrived: start over.
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
        self.until = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // Reference values for seed 1234567 (from the published algorithm).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(r.up_to(0), 0);
        let _ = r.up_to(u64::MAX);
    }

    #[test]
    fn delays_grow_are_capped_and_jittered_within_bounds() {
        let policy = BackoffPolicy {
            base: Duration::from_secs(2),
            max: Duration::from_secs(30),
        };
        let ceilings: Vec<u64> = (1..=7)
            .map(|n| Backoff::ceiling(&policy, n).as_secs())
            .collect();
        assert_eq!(ceilings, [2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(Backoff::ceiling(&policy, u32::MAX), Duration::from_secs(30));
        let now = Timestamp::from_millis(1_000_000);
        let mut b = Backoff::new(42);
        let mut delays = Vec::new();
        for n in 1..=20u32 {
            let until = b.fail(&policy, now);
            let d = until.saturating_since(now);
            let c = Backoff::ceiling(&policy, n);
            assert!(
                d >= c / 2 && d <= c,
                "failure {n}: {d:?} not in [{:?}, {c:?}]",
                c / 2
            );
            delays.push(d);
        }
        assert!(
            delays[5..].windows(2).any(|w| w[0] != w[1]),
            "capped delays are still jittered"
        );
        b.reset();
        assert_eq!((b.failures, b.until), (0, None));
        // Same seed, same delays: deterministic.
        let mut a = Backoff::new(42);
        let mut c = Backoff::new(42);
        assert_eq!(a.fail(&policy, now), c.fail(&policy, now));
    }
}
