//! The tracking policy: every number the tracker uses, with the provider's
//! defaults, and the configuration one tracker starts from.

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::backoff::BackoffPolicy;
use crate::foundation::time::{Timestamp, serde_millis};
use crate::providers::vipps_ecom::limits::{self, RateLimitedApi};

/// The long-poll wait of the default policy: "up to ~25 s" (DESIGN.md,
/// "Tracking policy"), so that a held request ends before the 30 s request
/// timeout some hosting routers impose (Heroku's, for one).
pub(crate) const LONG_POLL_WAIT: Duration = Duration::from_secs(25);

/// What the tracker does while the merchant's page or app is hidden or in
/// the background. In JSON `{"mode": "pause"}` or
/// `{"mode": "every", "interval": 10000}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "mode", deny_unknown_fields)]
pub enum HiddenPolling {
    /// No polls until the page or app is visible again (the platform
    /// suspends background work anyway); the final check at the deadline is
    /// still made. The default.
    Pause,
    /// Keep polling, but no more often than this.
    Every {
        /// The interval while hidden.
        #[serde(with = "serde_millis")]
        interval: Duration,
    },
}

/// Every number the tracker uses. [`Policy::vipps`] (also the
/// [`Default`]) takes the provider's numbers from
/// [`crate::providers::vipps_ecom::limits`]; the rest are appswitch's own choices and say so.
///
/// ```
/// use appswitch_core::shopper::tracker::Policy;
/// use core::time::Duration;
///
/// let policy = Policy {
///     long_poll: None,
///     ..Policy::vipps()
/// };
/// assert_eq!(policy.poll_interval, Duration::from_secs(2));
/// assert_eq!(Policy::vipps().long_poll, Some(Duration::from_secs(25)));
/// ```
///
/// In JSON spans are whole milliseconds: `{"pollInterval": 2000, …}`.
/// serde reads a policy over [`Policy::vipps`]: absent fields keep the
/// Vipps defaults, `longPoll` `null` turns long polling off (no other
/// field may be `null`), the nested objects (`whileHidden`, `backoff`) are
/// replaced whole, and an unknown field is an error (a typo would
/// otherwise go unnoticed). Whether the numbers make sense is
/// [`validate`](Self::validate)'s to say.
///
/// ```
/// use appswitch_core::foundation::json;
/// use appswitch_core::shopper::tracker::Policy;
/// use core::time::Duration;
///
/// let policy: Policy = json::from_str(r#"{"longPoll": 10000, "whileHidden": {"mode": "every", "interval": 10000}}"#)?;
/// assert_eq!(policy.long_poll, Some(Duration::from_secs(10)));
/// assert_eq!(policy.poll_interval, Policy::vipps().poll_interval);
/// let typo = json::from_str::<Policy>(r#"{"pollIntervall": 1000}"#).unwrap_err();
/// assert!(typo.to_string().contains("unknown field `pollIntervall`"));
/// let half = json::from_str::<Policy>(r#"{"backoff": {"base": 100}}"#).unwrap_err();
/// assert_eq!(half.to_string(), "`backoff`: missing field `max`");
/// # Ok::<(), json::JsonError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Policy {
    /// The first poll after the shopper switched out, unless they come back
    /// sooner: "1. Start after 5 seconds" (Vipps eCom API guide, "Polling guidelines").
    #[serde(with = "serde_millis")]
    pub first_poll_after: Duration,
    /// The spacing of polls, measured from the *start* of one request to
    /// the start of the next: "2. Check every 2 seconds" (Vipps eCom API guide).
    #[serde(with = "serde_millis")]
    pub poll_interval: Duration,
    /// Polling while hidden / in the background.
    pub while_hidden: HiddenPolling,
    /// Connect timeout for each request: "no less than 1 second socket
    /// connection timeout" (Vipps eCom API "Exception handling" guide).
    #[serde(with = "serde_millis")]
    pub connect_timeout: Duration,
    /// Read timeout for each request: "5 seconds socket read timeout"
    /// (Vipps eCom API "Exception handling" guide). Grows by the long-poll wait when there is one.
    #[serde(with = "serde_millis")]
    pub read_timeout: Duration,
    /// Long polling: when set, regular polls ask the backend to hold the
    /// request up to this long (whole seconds, `?wait=N`) until the status
    /// changes, once it has shown that it holds (see
    /// [`LongPollSupport`](super::LongPollSupport): until then polls probe
    /// with a hold of one poll interval, and against a backend that answers
    /// at once they stay plain). 25 s by default (DESIGN "Tracking policy":
    /// clients long-poll by default; the provider itself has no long poll);
    /// `None` never asks for a hold.
    // Absent: the container's default (25 s), not `None`.
    #[serde(with = "serde_millis::option")]
    pub long_poll: Option<Duration>,
    /// At most this many requests per [`rate_window`](Self::rate_window)
    /// for one order: `GetPaymentDetails` "120 per minute", key "orderId +
    /// ocp" (Vipps eCom API guide, "Rate limiting"). One of them is kept for the final
    /// check.
    pub rate_cap: u32,
    /// The rolling window of the rate cap.
    #[serde(with = "serde_millis")]
    pub rate_window: Duration,
    /// Backoff after `5xx`, timeouts, network errors, unusable answers and
    /// a `429` without `Retry-After` that lasts longer than one
    /// [`rate_window`](Self::rate_window) (until then such refusals are
    /// retried one [`poll_interval`](Self::poll_interval) apart)
    /// (appswitch's choice: from one poll interval up to 30 s).
    pub backoff: BackoffPolicy,
    /// How long the deeplink stays valid after initiation: "The deeplink
    /// URL is only valid for five minutes." (Vipps eCom API guide).
    #[serde(with = "serde_millis")]
    pub deeplink_validity: Duration,
    /// The shopper's whole window after initiation: "the user has a total
    /// of 10 minutes to complete the payment" (Vipps eCom API guide, "Timeouts").
    #[serde(with = "serde_millis")]
    pub payment_window: Duration,
    /// Extra time after the payment window before the final check, for the
    /// provider's own timeout (`REJECTED`) to show up (appswitch's choice:
    /// 30 s).
    #[serde(with = "serde_millis")]
    pub grace: Duration,
    /// A repeat of a return (or of the page becoming visible) less than
    /// this long after the return a short request answered is answered by
    /// the long poll that followed that request, so that the burst of
    /// `visibilitychange`, `pageshow` and `focus` a browser fires on return
    /// costs one request (appswitch's choice: 1 s). A short request in
    /// flight always answers a return; a long poll that was in flight
    /// before the return never does, nor does a request that already
    /// completed.
    #[serde(with = "serde_millis")]
    pub return_debounce: Duration,
    /// After this many unusable answers in a row (unreadable bodies,
    /// unexpected `4xx`), give up with
    /// [`UnknownReason::TooManyErrors`](super::UnknownReason::TooManyErrors)
    /// (appswitch's choice: 10).
    pub max_bad_answers: u32,
}

impl Policy {
    /// The Vipps defaults: first poll after 5 s, then every 2 s (or one
    /// long poll of up to 25 s at a time against a backend that holds),
    /// paused while hidden, 1 s / 5 s timeouts, at most 120 requests a
    /// minute, 10 minutes + 30 s until the final check.
    pub fn vipps() -> Policy {
        let details = limits::rate_limit(RateLimitedApi::GetPaymentDetails);
        Policy {
            first_poll_after: limits::FIRST_POLL_AFTER,
            poll_interval: limits::POLL_INTERVAL,
            while_hidden: HiddenPolling::Pause,
            connect_timeout: limits::CONNECT_TIMEOUT,
            read_timeout: limits::READ_TIMEOUT,
            long_poll: Some(LONG_POLL_WAIT),
            rate_cap: details.calls,
            rate_window: details.per,
            backoff: BackoffPolicy {
                base: limits::POLL_INTERVAL,
                max: Duration::from_secs(30),
            },
            deeplink_validity: limits::DEEPLINK_VALIDITY,
            payment_window: limits::PAYMENT_WINDOW,
            grace: limits::FINAL_CHECK_GRACE,
            return_debounce: Duration::from_secs(1),
            max_bad_answers: 10,
        }
    }

    /// Checks the numbers a tracker cannot work with.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let positive = [
            ("pollInterval", self.poll_interval),
            ("connectTimeout", self.connect_timeout),
            ("readTimeout", self.read_timeout),
            ("rateWindow", self.rate_window),
            ("backoff.base", self.backoff.base),
        ];
        for (field, d) in positive {
            if d.is_zero() {
                return Err(ConfigError::ZeroDuration { field });
            }
        }
        if let HiddenPolling::Every { interval } = self.while_hidden {
            if interval.is_zero() {
                return Err(ConfigError::ZeroDuration {
                    field: "whileHidden.interval",
                });
            }
        }
        if self.rate_cap == 0 {
            return Err(ConfigError::ZeroRateCap);
        }
        if self.backoff.max < self.backoff.base {
            return Err(ConfigError::BackoffMaxBelowBase);
        }
        if self.max_bad_answers == 0 {
            return Err(ConfigError::ZeroMaxBadAnswers);
        }
        Ok(())
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::vipps()
    }
}

/// What one tracker is started with: the payment attempt and the policy.
///
/// Creating the tracker is the "attempt started" input: the deadlines are
/// counted from `initiated_at` (the deeplink's validity and the payment
/// window of the [`Policy`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackerConfig {
    /// The merchant's order id (for the caller's logs and the UI; the
    /// tracker does not put it in URLs).
    pub order_id: String,
    /// The merchant backend's status URL for this order, fetched by
    /// [`Target::Status`](super::Target::Status).
    pub status_url: String,
    /// When the payment was initiated (the initiate answer was received).
    pub initiated_at: Timestamp,
    /// The policy.
    pub policy: Policy,
    /// The seed of the backoff jitter (randomness is passed in: draw it
    /// from the platform's random source).
    #[serde(with = "crate::foundation::lenient::safe_u64")]
    pub jitter_seed: u64,
}

impl TrackerConfig {
    /// A configuration with the Vipps policy.
    pub fn new(
        order_id: impl Into<String>,
        status_url: impl Into<String>,
        initiated_at: Timestamp,
        jitter_seed: u64,
    ) -> Self {
        TrackerConfig {
            order_id: order_id.into(),
            status_url: status_url.into(),
            initiated_at,
            policy: Policy::vipps(),
            jitter_seed,
        }
    }

    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.order_id.trim().is_empty() {
            return Err(ConfigError::EmptyOrderId);
        }
        if self.status_url.trim().is_empty() {
            return Err(ConfigError::EmptyStatusUrl);
        }
        self.policy.validate()
    }

    /// When the deeplink stops working.
    pub fn deeplink_expires_at(&self) -> Timestamp {
        self.initiated_at + self.policy.deeplink_validity
    }

    /// When the final check is made: initiation + payment window + grace.
    pub fn deadline(&self) -> Timestamp {
        self.initiated_at + self.policy.payment_window + self.policy.grace
    }
}

/// Why a tracker cannot be created with this configuration.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `orderId` is empty.
    #[error("tracker config field `orderId` must not be empty")]
    EmptyOrderId,
    /// `statusUrl` is empty.
    #[error("tracker config field `statusUrl` must not be empty")]
    EmptyStatusUrl,
    /// A span that must be positive is zero.
    #[error("tracker policy field `{field}` must be longer than zero")]
    ZeroDuration {
        /// The field.
        field: &'static str,
    },
    /// `rateCap` is zero: no request could ever be made.
    #[error("tracker policy field `rateCap` must be at least 1")]
    ZeroRateCap,
    /// `backoff.max` is shorter than `backoff.base`.
    #[error("tracker policy field `backoff.max` must not be shorter than `backoff.base`")]
    BackoffMaxBelowBase,
    /// `maxBadAnswers` is zero.
    #[error("tracker policy field `maxBadAnswers` must be at least 1")]
    ZeroMaxBadAnswers,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vipps_policy_uses_the_providers_numbers() {
        let p = Policy::vipps();
        assert_eq!(p.first_poll_after, Duration::from_secs(5));
        assert_eq!(p.poll_interval, Duration::from_secs(2));
        assert_eq!(p.connect_timeout, Duration::from_secs(1));
        assert_eq!(p.read_timeout, Duration::from_secs(5));
        assert_eq!((p.rate_cap, p.rate_window), (120, Duration::from_secs(60)));
        assert_eq!(p.payment_window, Duration::from_secs(600));
        assert_eq!(p.validate(), Ok(()));
        let c = TrackerConfig::new("o-1", "/status/o-1", Timestamp::from_millis(0), 1);
        assert_eq!(c.deadline(), Timestamp::from_millis(630_000));
        assert_eq!(c.deeplink_expires_at(), Timestamp::from_millis(300_000));
    }

    #[test]
    fn refuses_numbers_it_cannot_work_with() {
        let base = TrackerConfig::new("o-1", "/s", Timestamp::EPOCH, 0);
        let with = |f: fn(&mut TrackerConfig)| {
            let mut c = base.clone();
            f(&mut c);
            c.validate()
        };
        assert_eq!(
            with(|c| c.policy.poll_interval = Duration::ZERO),
            Err(ConfigError::ZeroDuration {
                field: "pollInterval"
            })
        );
        assert_eq!(
            with(|c| c.policy.rate_cap = 0),
            Err(ConfigError::ZeroRateCap)
        );
        assert_eq!(
            with(|c| c.policy.backoff.max = Duration::from_millis(1)),
            Err(ConfigError::BackoffMaxBelowBase)
        );
        assert_eq!(with(|c| c.order_id.clear()), Err(ConfigError::EmptyOrderId));
        assert_eq!(
            with(|c| c.status_url = " ".into()),
            Err(ConfigError::EmptyStatusUrl)
        );
        assert_eq!(
            with(|c| c.policy.while_hidden = HiddenPolling::Every {
                interval: Duration::ZERO
            }),
            Err(ConfigError::ZeroDuration {
                field: "whileHidden.interval"
            })
        );
        assert!(
            with(|c| c.policy.max_bad_answers = 0)
                .unwrap_err()
                .to_string()
                .contains("maxBadAnswers")
        );
    }

    #[test]
    fn policy_json_uses_milliseconds() {
        let json = serde_json::to_value(Policy::vipps()).unwrap();
        assert_eq!(json["pollInterval"], 2000);
        assert_eq!(json["whileHidden"]["mode"], "pause");
        assert_eq!(json["longPoll"], 25000);
        let back: Policy = serde_json::from_value(json).unwrap();
        assert_eq!(back, Policy::vipps());
    }

    #[test]
    fn a_policy_is_read_over_the_vipps_defaults() {
        let read = |text: &str| crate::foundation::json::from_str::<Policy>(text);
        assert_eq!(read("{}"), Ok(Policy::vipps()));
        let p = read(r#"{"longPoll": 25000, "backoff": {"base": 100, "max": 200}}"#).unwrap();
        assert_eq!(p.long_poll, Some(Duration::from_secs(25)));
        assert_eq!(p.backoff.max, Duration::from_millis(200));
        assert_eq!(p.poll_interval, Policy::vipps().poll_interval);
        // `longPoll: null` turns it off; no other field may be null.
        let on = Policy {
            long_poll: Some(Duration::from_secs(5)),
            ..Policy::vipps()
        };
        let off = serde_json::to_string(&Policy {
            long_poll: None,
            ..on
        })
        .unwrap();
        assert_eq!(read(&off).unwrap().long_poll, None);
        let e = read(r#"{"pollInterval": null}"#).unwrap_err();
        assert_eq!(e.path, "pollInterval");
        // A typo, a half nested object, a wrong kind or a number too large
        // is an error naming the field.
        let e = read(r#"{"pollIntervall": 1000}"#).unwrap_err();
        assert_eq!(e.path, "pollIntervall");
        assert!(
            e.message.starts_with("unknown field `pollIntervall`"),
            "{e}"
        );
        let e = read(r#"{"whileHidden": {"mode": "every"}}"#).unwrap_err();
        assert_eq!(e.path, "whileHidden");
        assert!(e.message.contains("missing field `interval`"), "{e}");
        let e = read(r#"{"whileHidden": {"mode": "sometimes"}}"#).unwrap_err();
        assert!(e.message.contains("unknown variant `sometimes`"), "{e}");
        let e = read(r#"{"pollInterval": 1.5}"#).unwrap_err();
        assert_eq!(e.path, "pollInterval");
        let e = read(r#"{"rateCap": 4294967296}"#).unwrap_err();
        assert_eq!(e.path, "rateCap");
    }
}
