//! Per-client allowances: checkouts per client, status requests per client
//! and order. Each key gets the core's rolling-window [`RateBudget`]; keys
//! not seen for a window are forgotten, so the table's size follows the
//! clients of the last minute, not all clients ever.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use appswitch_core::foundation::rate_budget::RateBudget;
use appswitch_core::foundation::time::Timestamp;

/// How many keys may be remembered at most; past it the oldest minute is
/// swept first, and a key that still finds no room is refused (a flood of
/// new clients cannot grow the table without bound).
const MAX_KEYS: usize = 200_000;

#[derive(Debug)]
struct Slot {
    budget: RateBudget,
    last: Timestamp,
}

/// Calls per key per window.
#[derive(Debug)]
pub(crate) struct Limiter<K> {
    calls: u32,
    per: Duration,
    started: Instant,
    map: Mutex<HashMap<K, Slot>>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// `calls` per `per` for every key.
    pub(crate) fn new(calls: u32, per: Duration) -> Self {
        Limiter {
            calls,
            per,
            started: Instant::now(),
            map: Mutex::new(HashMap::new()),
        }
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_millis(
            u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        )
    }

    /// Counts a call of `key`; `Err` says how long until it may call again.
    pub(crate) fn admit(&self, key: &K) -> Result<(), Duration> {
        let now = self.now();
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if !map.contains_key(key) && map.len() >= MAX_KEYS {
            let per = self.per;
            map.retain(|_, s| now.saturating_since(s.last) < per);
            if map.len() >= MAX_KEYS {
                return Err(self.per);
            }
        }
        let slot = map.entry(key.clone()).or_insert_with(|| Slot {
            budget: RateBudget::new(self.calls, self.per),
            last: now,
        });
        slot.last = now;
        slot.budget
            .try_acquire(now)
            .map_err(|at| Duration::from_millis(at.as_millis().saturating_sub(now.as_millis())))
    }

    /// Forgets keys idle for a whole window.
    pub(crate) fn sweep(&self) {
        let now = self.now();
        let per = self.per;
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, s| now.saturating_since(s.last) < per);
    }

    /// Keys remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Whole seconds to wait, at least one (`Retry-After`).
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_its_own_allowance_and_idle_keys_are_forgotten() {
        let l = Limiter::new(2, Duration::from_millis(100));
        assert!(l.admit(&"a").is_ok());
        assert!(l.admit(&"a").is_ok());
        let wait = l.admit(&"a").unwrap_err();
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        assert!(l.admit(&"b").is_ok(), "another key, another allowance");
        std::thread::sleep(Duration::from_millis(120));
        l.sweep();
        assert_eq!(l.len(), 0);
        assert!(l.admit(&"a").is_ok(), "the window passed");
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }
}
