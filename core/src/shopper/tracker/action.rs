//! What goes into the tracker ([`Event`]) and what comes out ([`Action`]).

use core::time::Duration;

use serde::{Deserialize, Serialize};

use super::Answer;
use crate::foundation::request::{RequestId, TransportErrorKind};
use crate::foundation::time::{Timestamp, serde_millis};
use crate::status::{CancelledBy, PaymentState, PaymentStatus};

/// Something that happened, for [`Tracker::handle`](super::Tracker::handle).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Event {
    /// The shopper was sent to the payment app (the deeplink or landing
    /// page was opened). Polling starts [`Policy::first_poll_after`] later.
    ///
    /// [`Policy::first_poll_after`]: super::Policy::first_poll_after
    SwitchedOut,
    /// The shopper is back — the fallback URL was opened, the app resumed,
    /// the page became visible after the switch: check now. Implies
    /// [`Visible`](Self::Visible) (and [`SwitchedOut`](Self::SwitchedOut)
    /// if it was missed). Repeats while its short request is in flight, or
    /// within [`Policy::return_debounce`](super::Policy::return_debounce)
    /// of that, are answered by that request or the long poll after it; a
    /// long poll already in flight never answers a return.
    Returned,
    /// The page or app went to the background.
    Hidden,
    /// The page or app is in the foreground again; after the switch this
    /// is a return too.
    Visible,
    /// The network is back: check now (after the switch, while visible).
    Online,
    /// The network is gone: no requests until [`Online`](Self::Online)
    /// (except the final check at the deadline).
    Offline,
    /// The answer to a [`FetchRequest`].
    Response {
        /// The request's id.
        id: RequestId,
        /// What it said (see [`interpret_http`](super::interpret_http)).
        answer: Answer,
    },
    /// A [`FetchRequest`] failed without an HTTP answer.
    TransportError {
        /// The request's id.
        id: RequestId,
        /// How it failed.
        kind: TransportErrorKind,
    },
    /// A status pushed to the client: a callback relayed by the backend
    /// (server-sent event, push message, web socket). Merged like any
    /// answer.
    Pushed {
        /// The facts the push proves.
        status: PaymentStatus,
    },
    /// Another tracker of this payment makes the requests — in a browser,
    /// another tab of the same shop, which holds the payment's lock — and
    /// hands on what it learns as [`Pushed`](Self::Pushed): make no
    /// requests of your own (answers to those in flight still count) until
    /// [`Lead`](Self::Lead). So that ten open tabs cost one poll budget.
    Follow,
    /// Make the requests again: the tracker that did went away or handed
    /// over (a return here takes over with [`Returned`](Self::Returned)
    /// after this). Overdue checks, including the final one, are made at
    /// once.
    Lead,
    /// The caller stops tracking: the tracker settles now, on what it knows.
    Stop,
}

/// Where a [`FetchRequest`] goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Target {
    /// The merchant backend's status URL ([`TrackerConfig::status_url`]).
    /// With a long-poll wait, append `?wait=N` (whole seconds; `&wait=N` if
    /// the URL has a query already).
    ///
    /// [`TrackerConfig::status_url`]: super::TrackerConfig::status_url
    Status {
        /// The URL.
        url: String,
    },
    /// A Flutterwave ping URL from a `LONG-REQ` answer (Flutterwave "Handling timeouts via API" guide).
    FlutterwavePing {
        /// The URL, exactly as the provider gave it.
        url: String,
    },
}

impl Target {
    /// The URL to fetch (without the long-poll parameter).
    pub fn url(&self) -> &str {
        match self {
            Target::Status { url } | Target::FlutterwavePing { url } => url,
        }
    }
}

/// Why a request is made now — for logs, metrics and tests; the caller does
/// the same thing for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "camelCase")]
pub enum FetchReason {
    /// The regular schedule (first poll, then every interval).
    Poll,
    /// The shopper came back (or the page became visible, or the network
    /// came back, or the tracker was restored).
    Return,
    /// The deeplink expired before the shopper switched out: one check, in
    /// case the payment went on elsewhere (a landing page on another
    /// device).
    DeeplinkExpired,
    /// Polling a Flutterwave ping URL.
    Ping,
    /// The one re-query after a completed ping: "Do I still need to
    /// requery when I get the final response from the ping url? Yes you
    /// do." (Flutterwave "Handling timeouts via API" guide).
    Verify,
    /// The final check after the deadline.
    FinalCheck,
}

/// Fetch the status: do this request, then feed its outcome back with
/// [`Event::Response`] or [`Event::TransportError`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchRequest {
    /// Echo this in the answer.
    pub id: RequestId,
    /// Where to send the `GET`.
    pub target: Target,
    /// Why now.
    pub reason: FetchReason,
    /// Give up connecting after this long ([`TransportErrorKind::ConnectTimeout`]).
    #[serde(with = "serde_millis")]
    pub connect_timeout: Duration,
    /// Give up waiting for the answer after this long
    /// ([`TransportErrorKind::ReadTimeout`]); includes the long-poll wait.
    #[serde(with = "serde_millis")]
    pub read_timeout: Duration,
    /// Ask the backend to hold the request up to this long (whole seconds,
    /// `?wait=N`) until the status changes.
    #[serde(with = "serde_millis::option", default)]
    pub long_poll_wait: Option<Duration>,
}

impl FetchRequest {
    /// The URL to fetch, with `wait=N` appended for a long poll.
    ///
    /// ```
    /// # use appswitch_core::shopper::tracker::*;
    /// # use core::time::Duration;
    /// let req = FetchRequest {
    ///     id: RequestId(1),
    ///     target: Target::Status { url: "https://shop.example/status/o-1".into() },
    ///     reason: FetchReason::Poll,
    ///     connect_timeout: Duration::from_secs(1),
    ///     read_timeout: Duration::from_secs(30),
    ///     long_poll_wait: Some(Duration::from_secs(25)),
    /// };
    /// assert_eq!(req.url(), "https://shop.example/status/o-1?wait=25");
    /// ```
    pub fn url(&self) -> String {
        let url = self.target.url();
        let Some(wait) = self.long_poll_wait else {
            return url.to_string();
        };
        // Before a `#fragment`, which is not sent.
        let (base, fragment) = url
            .split_once('#')
            .map_or((url, None), |(b, f)| (b, Some(f)));
        let sep = if base.bytes().any(|b| b == b'?') {
            '&'
        } else {
            '?'
        };
        let mut out = format!("{base}{sep}wait={}", wait.as_secs());
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }
}

/// What the tracker is doing, for the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// Waiting for the shopper to be sent to the payment app.
    AwaitingSwitch,
    /// The shopper is in the payment app (or back); polling on schedule.
    Polling,
    /// Hidden: polls paused until visible (see [`HiddenPolling`](super::HiddenPolling)).
    Paused,
    /// Offline: waiting for the network.
    Offline,
    /// Errors or `429`: waiting before the next try.
    BackingOff,
    /// A Flutterwave long request: waiting for / polling the ping URL.
    LongRequest,
    /// The ping completed: re-querying the status once to confirm.
    Verifying,
    /// The deadline passed: the one final check.
    FinalCheck,
    /// Done; see the [`Outcome`].
    Settled,
}

/// A status or phase change, for the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Record),
    uniffi(name = "TrackerProgress")
)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Everything known about the payment.
    pub status: PaymentStatus,
    /// The state derived from it.
    pub state: PaymentState,
    /// What the tracker is doing.
    pub phase: Phase,
    /// When the final check is made at the latest.
    pub deadline: Timestamp,
}

/// Why the outcome is not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "camelCase")]
pub enum UnknownReason {
    /// The deadline passed and the final check still said "pending".
    DeadlinePassed,
    /// The final check got no usable answer (transport error, `5xx`,
    /// `429`, or a body that could not be read).
    BackendUnreachable,
    /// [`Policy::max_bad_answers`](super::Policy::max_bad_answers)
    /// unusable answers in a row.
    TooManyErrors,
    /// The caller sent [`Event::Stop`] before anything was decided.
    Stopped,
}

/// How a payment ended, as far as the tracker can tell — never a guess.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Outcome {
    /// Money was reserved or taken: only ever reported on a successful
    /// reserve, sale or capture ([`PaymentState::is_success`]).
    Success {
        /// The facts (state, amounts).
        status: PaymentStatus,
    },
    /// The payment was cancelled.
    Cancelled {
        /// By whom.
        by: CancelledBy,
    },
    /// The shopper did not act in time (`REJECTED`).
    Rejected,
    /// The provider reported the payment failed.
    Failed {
        /// The provider's reason.
        reason: String,
    },
    /// Undecided when the tracker had to stop.
    Unknown {
        /// Why.
        reason: UnknownReason,
    },
}

impl Outcome {
    /// The outcome the facts prove, or `None` while they prove nothing
    /// final.
    pub fn from_status(status: &PaymentStatus) -> Option<Outcome> {
        match status.state() {
            PaymentState::Initiated => None,
            PaymentState::Reserved
            | PaymentState::Captured { .. }
            | PaymentState::Refunded { .. } => Some(Outcome::Success {
                status: status.clone(),
            }),
            PaymentState::Cancelled { by } => Some(Outcome::Cancelled { by }),
            PaymentState::Rejected => Some(Outcome::Rejected),
            PaymentState::Failed { reason } => Some(Outcome::Failed { reason }),
        }
    }
}

/// What the caller should do next; see the drain rule in the
/// [module documentation](super).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "value")]
pub enum Action {
    /// Make this request and feed its outcome back.
    FetchStatus(FetchRequest),
    /// Show this to the shopper.
    Notify(Progress),
    /// Nothing to do before this instant (always later than the `now` this
    /// was polled with): call [`poll`](super::Tracker::poll) again then, or
    /// as soon as an event arrives.
    WaitUntil(Timestamp),
    /// Done. Every later [`poll`](super::Tracker::poll) returns this same
    /// outcome, and [`handle`](super::Tracker::handle) ignores events.
    Settled(Outcome),
}
