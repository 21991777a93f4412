//! The payment tracker: a sans-io state machine that decides when to ask
//! for the status, what each answer means, and when the payment is settled.
//!
//! It never reads a clock, sleeps, opens a socket or draws a random number:
//! the caller passes `now` (milliseconds since the epoch, [`Timestamp`])
//! into every call and the jitter seed into the [`TrackerConfig`], does the
//! requests the tracker asks for, and feeds back what happened. The model is
//! `quinn-proto` and `str0m`: [`Tracker::handle`] takes an [`Event`] in,
//! [`Tracker::poll`] hands the next [`Action`] out.
//!
//! # The drain rule
//!
//! After creating or restoring a tracker, after every
//! [`handle`](Tracker::handle), and whenever the instant of the last
//! [`Action::WaitUntil`] is reached, call [`poll`](Tracker::poll) with the
//! current time **repeatedly, until it returns [`Action::WaitUntil`] or
//! [`Action::Settled`]**:
//!
//! - [`Action::FetchStatus`]: start that request (don't wait for it inside
//!   the loop), and when it ends, `handle` an [`Event::Response`] (see
//!   [`interpret_http`]) or an [`Event::TransportError`] with its id. The
//!   tracker waits for at most two requests at a time — a held long poll
//!   and a short request beside it (see below) — and for none it gave up
//!   on ([`Tracker::is_awaiting`]); a host that must drop a request drops
//!   those first.
//! - [`Action::Notify`]: the status or the phase changed; update the UI.
//! - [`Action::WaitUntil`]: sleep until that instant (always later than
//!   `now`) or until the next event, whichever comes first.
//! - [`Action::Settled`]: done. The outcome is decided once; every later
//!   `poll` returns the same `Settled`, and `handle` ignores events.
//!
//! Skipping the drain (stopping at the first action) loses nothing but
//! time: the same actions come out of the next poll. Polling late is safe
//! too: the tracker catches up on everything that became due.
//!
//! ```
//! use appswitch_core::foundation::time::Timestamp;
//! use appswitch_core::shopper::tracker::*;
//!
//! let start = Timestamp::from_millis(1_700_000_000_000);
//! let config = TrackerConfig::new("shop-1042", "https://shop.example/status/shop-1042", start, 7);
//! let mut tracker = Tracker::new(config).unwrap();
//! tracker.handle(Event::SwitchedOut, start);
//!
//! // The shopper comes back after 20 s: check at once.
//! let now = Timestamp::from_millis(1_700_000_020_000);
//! tracker.handle(Event::Returned, now);
//! let mut request = None;
//! loop {
//!     match tracker.poll(now) {
//!         Action::FetchStatus(req) => request = Some(req),
//!         Action::Notify(progress) => println!("{:?}", progress.phase),
//!         Action::WaitUntil(_) | Action::Settled(_) => break,
//!     }
//! }
//! let req = request.expect("a check on return");
//! // … GET req.url() → 200 with the backend's status document:
//! let body = r#"{"version":1,"orderId":"shop-1042","provider":"vipps","status":"reserved",
//!                "final":true,"amounts":{"reserved":20000}}"#;
//! tracker.handle(Event::Response { id: req.id, answer: interpret_http(200, None, body) }, now);
//! let settled = loop {
//!     match tracker.poll(now) {
//!         Action::Settled(outcome) => break outcome,
//!         Action::Notify(_) => continue,
//!         other => panic!("{other:?}"),
//!     }
//! };
//! assert!(matches!(settled, Outcome::Success { .. }));
//! ```
//!
//! # The policy (Vipps defaults, every number in [`Policy`])
//!
//! - Ask at once when the shopper comes back ([`Event::Returned`], or
//!   [`Event::Visible`] after the switch), with a fresh *short* request
//!   (plain timeouts, no hold) — even while a long poll is in flight, which
//!   may be a dead connection. A short request in flight answers the
//!   return; a repeat less than [`Policy::return_debounce`] after it (the
//!   burst of events a browser fires) is answered by the long poll that
//!   followed; a request that already completed never answers one. When
//!   the return's short request ends, the older long poll is given up:
//!   after an answer a fresh one follows, one poll interval after the
//!   previous one started at the latest.
//! - Otherwise the first poll 5 s after [`Event::SwitchedOut`], then every
//!   2 s, spaced from the *start* of the previous request.
//! - Long poll ([`Policy::long_poll`], 25 s by default; DESIGN "Tracking
//!   policy"): whether the backend holds `?wait=N` is learned from its
//!   answers ([`LongPollSupport`]). Until it is known, polls are probes
//!   (`?wait=2`, within the plain 5 s read timeout); a held answer with
//!   nothing new switches to the whole wait, with the read timeout grown by
//!   it; two quick answers with nothing new in a row switch to plain polls
//!   every 2 s with the plain timeouts. What was learned is part of the
//!   [`Snapshot`].
//! - While another tracker of the payment makes the requests (another tab,
//!   [`Event::Follow`]): none, only what it pushes ([`Event::Pushed`]), until
//!   [`Event::Lead`]; then every owed check at once.
//! - While hidden: no polls until visible again ([`HiddenPolling`]).
//!   Offline: none until [`Event::Online`].
//! - Never more than [`Policy::rate_cap`] requests per rolling
//!   [`Policy::rate_window`] (120 a minute), one slot kept for the final
//!   check; the window is part of the [`Snapshot`].
//! - `429`: wait for `Retry-After`; without it, try again one poll
//!   interval after the refused request started, for up to one rate window
//!   of refusals in a row, then back off. `5xx`,
//!   timeouts, network errors, unreadable answers: exponential backoff with
//!   jitter, capped ([`BackoffPolicy`]). [`Policy::max_bad_answers`]
//!   unreadable answers in a row give up with
//!   [`UnknownReason::TooManyErrors`].
//! - Flutterwave `LONG-REQ` (Flutterwave "Handling timeouts via API" guide): wait the advised time, poll the
//!   ping URL while `pending`, and after `completed` re-query the status URL
//!   once before settling.
//! - Deadline: initiation + 10 minutes + [`Policy::grace`]. Then one final
//!   check (the request in flight, or else one new request without
//!   backoff), and an undecided payment settles as
//!   [`Outcome::Unknown`]. So a tracker always settles by the deadline plus
//!   one request's timeouts.
//! - Every answer's facts are merged into one
//!   [`PaymentStatus`](crate::status::PaymentStatus) (merging only adds
//!   facts, so stale and reordered answers are harmless), and the tracker
//!   settles on the derived state as soon as it is final. Success is only
//!   ever reported on a successful reserve, sale or capture.

mod action;
mod answer;
mod detect;
mod inflight;
mod machine;
mod policy;
mod schedule;
mod snapshot;

pub use crate::foundation::backoff::BackoffPolicy;
pub use crate::foundation::request::{RequestId, TransportErrorKind};
pub use action::{
    Action, Event, FetchReason, FetchRequest, Outcome, Phase, Progress, Target, UnknownReason,
};
pub use answer::{Answer, interpret_http};
pub use detect::LongPollSupport;
#[cfg(test)]
pub(crate) use machine::Ping;
pub use machine::Tracker;
pub use policy::{ConfigError, HiddenPolling, Policy, TrackerConfig};
pub use snapshot::{OLDEST_SNAPSHOT_VERSION, SNAPSHOT_VERSION, Snapshot, SnapshotError};

#[cfg(doc)]
use crate::foundation::time::Timestamp;

#[cfg(test)]
mod follow_tests;
#[cfg(test)]
mod long_poll_tests;
#[cfg(test)]
mod refusal_tests;
#[cfg(test)]
mod tests;
