//! The rolling-window rate cap: at most `cap` request starts in any window
//! of `window`, counted per tracker (one order).

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::time::Timestamp;

/// The starts of recent requests, oldest first. Serialised as the list of
/// starts (sorted again when read back).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Timestamp>", into = "Vec<Timestamp>")]
pub(crate) struct RateWindow {
    starts: Vec<Timestamp>,
}

impl From<Vec<Timestamp>> for RateWindow {
    fn from(starts: Vec<Timestamp>) -> Self {
        RateWindow::from_starts(starts)
    }
}

impl From<RateWindow> for Vec<Timestamp> {
    fn from(window: RateWindow) -> Self {
        window.starts
    }
}

impl RateWindow {
    pub(crate) fn from_starts(mut starts: Vec<Timestamp>) -> Self {
        // An insertion sort: the starts come back as they were saved,
        // sorted (one pass), and there are at most a rate cap of them; the
        // standard library's sort would cost the browser module more than
        // all of this file.
        for i in 1..starts.len() {
            let mut j = i;
            while j > 0 && starts.get(j - 1) > starts.get(j) {
                starts.swap(j - 1, j);
                j -= 1;
            }
        }
        RateWindow { starts }
    }

    pub(crate) fn starts(&self) -> &[Timestamp] {
        &self.starts
    }

    /// Forgets starts that no longer count at `now`. Starts "in the future"
    /// (a clock that went back) are kept: they count until they are a
    /// whole window old.
    pub(crate) fn prune(&mut self, now: Timestamp, window: Duration) {
        self.starts.retain(|s| s.saturating_add(window) > now);
    }

    /// Requests counted at `now`.
    pub(crate) fn count(&self, now: Timestamp, window: Duration) -> usize {
        self.starts
            .iter()
            .filter(|s| s.saturating_add(window) > now)
            .count()
    }

    /// The earliest instant (not before `now`) at which a request may start
    /// if at most `allowed` may be counted, or `None` if `allowed` is zero.
    pub(crate) fn earliest(
        &self,
        now: Timestamp,
        window: Duration,
        allowed: usize,
    ) -> Option<Timestamp> {
        if allowed == 0 {
            return None;
        }
        let live: Vec<Timestamp> = self
            .starts
            .iter()
            .copied()
            .filter(|s| s.saturating_add(window) > now)
            .collect();
        if live.len() < allowed {
            return Some(now);
        }
        // Once the oldest `live.len() - allowed + 1` starts have left the
        // window, a slot is free.
        live.get(live.len() - allowed)
            .map(|s| s.saturating_add(window).max(now))
    }

    pub(crate) fn record(&mut self, at: Timestamp) {
        let pos = self.starts.partition_point(|s| *s <= at);
        self.starts.insert(pos, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: u64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    #[test]
    fn counts_a_rolling_window() {
        let w = Duration::from_millis(1000);
        let mut r = RateWindow::default();
        for ms in [0, 100, 200] {
            r.record(t(ms));
        }
        assert_eq!(r.count(t(200), w), 3);
        assert_eq!(r.earliest(t(200), w, 4), Some(t(200)));
        assert_eq!(
            r.earliest(t(200), w, 3),
            Some(t(1000)),
            "oldest leaves at 1000"
        );
        assert_eq!(r.earliest(t(200), w, 2), Some(t(1100)));
        assert_eq!(r.earliest(t(200), w, 0), None);
        assert_eq!(r.count(t(1000), w), 2);
        r.prune(t(1150), w);
        assert_eq!(r.starts(), &[t(200)]);
    }

    #[test]
    fn a_clock_that_goes_back_is_counted_conservatively() {
        let w = Duration::from_millis(1000);
        let mut r = RateWindow::default();
        r.record(t(5000));
        r.record(t(100));
        assert_eq!(r.starts(), &[t(100), t(5000)]);
        assert_eq!(r.count(t(200), w), 2, "a start in the future still counts");
        assert_eq!(r.earliest(t(200), w, 1), Some(t(6000)));
    }
}
