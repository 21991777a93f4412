//! The simulator's own clock: real time, optionally sped up, plus whatever
//! a test advanced it by.
//!
//! Every provider rule that involves time — the 5 + 5 minute timeouts, the
//! access token's lifetime, the rate-limit windows, a delayed callback, a
//! late reservation — reads this clock, never the system's directly. A time
//! scale of `60` makes a provider minute pass in a real second; a scale of
//! `0` stops the clock, so that only [`SimClock::advance`] moves it (the
//! deterministic setting for tests).

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use appswitch_core::foundation::time::{Timestamp, duration_millis};

/// The simulator's clock. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct SimClock {
    /// Real time when the clock was made.
    started: Instant,
    /// Simulated time at `started`.
    origin: Timestamp,
    /// Simulated milliseconds per real millisecond.
    scale: f64,
    /// Added by [`SimClock::advance`].
    advanced: Mutex<Duration>,
}

impl SimClock {
    /// A clock that starts at the system's time now and runs `scale` times
    /// as fast as real time (`0`: stopped; negative or not a number reads
    /// as `0`).
    pub fn new(scale: f64) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(duration_millis)
            .unwrap_or(0);
        SimClock::starting_at(Timestamp::from_millis(now), scale)
    }

    /// A clock that starts at `origin`.
    pub fn starting_at(origin: Timestamp, scale: f64) -> Self {
        SimClock {
            started: Instant::now(),
            origin,
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                0.0
            },
            advanced: Mutex::new(Duration::ZERO),
        }
    }

    /// The time scale.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The simulated time now.
    pub fn now(&self) -> Timestamp {
        let real = self.started.elapsed().as_secs_f64() * 1000.0 * self.scale;
        // `as` saturates for floats: a huge scale cannot overflow.
        let scaled = Duration::from_millis(real as u64);
        self.origin + scaled + self.advanced()
    }

    /// Moves the clock forward by `by`; returns the new time.
    pub fn advance(&self, by: Duration) -> Timestamp {
        {
            let mut advanced = self.advanced.lock().unwrap_or_else(|e| e.into_inner());
            *advanced = advanced.saturating_add(by);
        }
        self.now()
    }

    /// How long a simulated span takes in real time (`None` when the clock
    /// is stopped: it never passes by itself).
    pub fn real_time_for(&self, span: Duration) -> Option<Duration> {
        (self.scale > 0.0).then(|| Duration::from_secs_f64(span.as_secs_f64() / self.scale))
    }

    fn advanced(&self) -> Duration {
        *self.advanced.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_clock_moves_only_when_advanced() {
        let clock = SimClock::starting_at(Timestamp::from_millis(1_000), 0.0);
        assert_eq!(clock.now(), Timestamp::from_millis(1_000));
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), Timestamp::from_millis(1_000));
        assert_eq!(
            clock.advance(Duration::from_secs(300)),
            Timestamp::from_millis(301_000)
        );
        assert_eq!(clock.real_time_for(Duration::from_secs(1)), None);
    }

    #[test]
    fn a_fast_clock_runs_ahead_of_real_time() {
        let clock = SimClock::starting_at(Timestamp::from_millis(0), 1000.0);
        std::thread::sleep(Duration::from_millis(20));
        assert!(clock.now() >= Timestamp::from_millis(20_000));
        assert_eq!(
            clock.real_time_for(Duration::from_secs(60)),
            Some(Duration::from_millis(60))
        );
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(SimClock::new(bad).scale(), 0.0);
        }
    }
}
