//! Whether the backend holds long polls, learned from its answers.
//!
//! A backend that supports `GET <statusUrl>?wait=N` holds the request until
//! the status changes or `N` seconds pass; one that does not just answers
//! at once (DESIGN.md, "The status endpoint"). The tracker cannot be told
//! which, so it finds out: until it knows, a poll asks for a short hold that
//! fits in the plain read timeout (a *probe*); an answer with nothing new
//! that took at least that hold says the backend holds, two in a row that
//! came at once say it does not. Answers with news say nothing (every
//! backend answers a change at once), nor do errors.

use core::time::Duration;

use serde::{Deserialize, Serialize};

/// What the tracker has learned about the backend's long poll.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LongPollSupport {
    /// Not known yet: polls are probes, asking for a hold of one poll
    /// interval (`?wait=2`; at least a second) within the plain read
    /// timeout where it fits, so that a backend that never holds never
    /// costs a longer timeout.
    #[default]
    Unknown,
    /// The backend held a request: polls ask for the whole
    /// [`Policy::long_poll`](super::Policy::long_poll) wait, and their read
    /// timeout grows by it.
    Holds,
    /// The backend answered long polls at once with nothing new, twice in
    /// a row: plain polls every [`Policy::poll_interval`](super::Policy::poll_interval),
    /// with the plain timeouts.
    DoesNotHold,
}

/// Quick answers with nothing new, in a row, that make the tracker stop
/// asking for a hold.
pub(crate) const QUICK_ANSWERS_TO_GIVE_UP: u32 = 2;

/// The detection state: what is known, and the evidence against holding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Detection {
    pub(crate) support: LongPollSupport,
    /// Answers to long polls, in a row, that came at once with nothing new.
    pub(crate) quick_answers: u32,
}

impl Detection {
    /// One usable answer to a request that asked for a hold of `wait`: it
    /// came `elapsed` after the request started, and it did or did not say
    /// anything new.
    ///
    /// Held means it took at least `wait`, or at least one `poll_interval`
    /// (and never less than a second, the unit of a hold) if that is
    /// shorter: a backend that answers at once answers within a round trip,
    /// and one slower than the poll interval may as well be held (the next
    /// poll follows it at once either way).
    pub(crate) fn observe(
        &mut self,
        wait: Duration,
        elapsed: Duration,
        news: bool,
        poll_interval: Duration,
    ) {
        if news {
            return;
        }
        let held_after = wait.min(poll_interval.max(Duration::from_secs(1)));
        if elapsed >= held_after {
            self.support = LongPollSupport::Holds;
            self.quick_answers = 0;
        } else {
            self.quick_answers = self.quick_answers.saturating_add(1);
            if self.quick_answers >= QUICK_ANSWERS_TO_GIVE_UP {
                self.support = LongPollSupport::DoesNotHold;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: Duration = Duration::from_secs(2);

    fn ms(m: u64) -> Duration {
        Duration::from_millis(m)
    }

    #[test]
    fn a_held_answer_says_the_backend_holds() {
        let mut d = Detection::default();
        d.observe(TWO, ms(2_000), false, TWO);
        assert_eq!(d.support, LongPollSupport::Holds);
        // A long wait is held once it took a poll interval.
        let mut d = Detection::default();
        d.observe(Duration::from_secs(25), ms(2_000), false, TWO);
        assert_eq!(d.support, LongPollSupport::Holds);
    }

    #[test]
    fn quick_answers_with_nothing_new_in_a_row_say_it_does_not() {
        let mut d = Detection::default();
        d.observe(TWO, ms(1_999), false, TWO);
        assert_eq!((d.support, d.quick_answers), (LongPollSupport::Unknown, 1));
        d.observe(TWO, ms(80), false, TWO);
        assert_eq!(d.support, LongPollSupport::DoesNotHold);
        // Even after it held once (a proxy in front of it changed).
        let mut d = Detection {
            support: LongPollSupport::Holds,
            quick_answers: 0,
        };
        d.observe(Duration::from_secs(25), ms(80), false, TWO);
        assert_eq!(d.support, LongPollSupport::Holds);
        d.observe(Duration::from_secs(25), ms(80), false, TWO);
        assert_eq!(d.support, LongPollSupport::DoesNotHold);
    }

    #[test]
    fn with_a_poll_interval_under_a_second_a_hold_is_a_second() {
        let fast = ms(100);
        let mut d = Detection::default();
        d.observe(Duration::from_secs(1), ms(600), false, fast);
        assert_eq!(d.quick_answers, 1, "600 ms is a slow answer, not a hold");
        d.observe(Duration::from_secs(1), ms(1_000), false, fast);
        assert_eq!(d.support, LongPollSupport::Holds);
    }

    #[test]
    fn news_says_nothing_and_a_held_answer_clears_the_evidence() {
        let mut d = Detection::default();
        d.observe(TWO, ms(80), true, TWO);
        assert_eq!(d, Detection::default());
        d.observe(TWO, ms(80), false, TWO);
        d.observe(TWO, ms(2_080), false, TWO);
        assert_eq!(d.support, LongPollSupport::Holds);
        assert_eq!(d.quick_answers, 0);
        d.observe(TWO, ms(80), false, TWO);
        assert_eq!(
            d.support,
            LongPollSupport::Holds,
            "one quick answer is not enough"
        );
    }
}
