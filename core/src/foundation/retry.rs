//! What to do after a provider call failed — one classification shared by
//! the error model (which sorts every provider error code into a class) and
//! the retry plans (which act on the class).

use serde::{Deserialize, Serialize};

/// How a failed provider call may be retried.
///
/// Vipps eCom API "Exception handling" guide: "if/when the socket read timeout occurs, … call
/// `GET:/ecomm/v2/payments/{orderId}/details` and check status of last
/// transaction in transaction history prior to executing the service call
/// again", "using the same idempotency key".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// Nothing happened on the provider's side: retry later with the same
    /// idempotency key (rate limits, "too many concurrent requests").
    RetryLater,
    /// The outcome is unknown (timeout, 5xx, PSP trouble): check the payment
    /// details first; retry with the same idempotency key only if the
    /// operation is not in the history.
    CheckThenRetry,
    /// Retrying cannot help (a refused card, an amount rule, bad
    /// credentials): report it.
    Final,
    /// This `orderId` cannot be used again (it is taken, or its payment is
    /// over): start a new attempt with a new `orderId` — "The initiate call
    /// is not idempotent" (Vipps eCom API guide, "Payment retries").
    NewOrderId,
}

impl ErrorClass {
    /// The kebab-case name: `retry-later`, `check-then-retry`, `final`,
    /// `new-order-id`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::RetryLater => "retry-later",
            ErrorClass::CheckThenRetry => "check-then-retry",
            ErrorClass::Final => "final",
            ErrorClass::NewOrderId => "new-order-id",
        }
    }
}

/// The `Retry-After` header of a `429 Too Many Requests` (or `503`) answer:
/// either a number of seconds to wait or the instant to wait for
/// (RFC 9110, section 10.2.3: `Retry-After: 120` or
/// `Retry-After: Fri, 31 Dec 1999 23:59:59 GMT`).
///
/// ```
/// use appswitch_core::foundation::retry::RetryAfter;
/// use appswitch_core::foundation::time::Timestamp;
/// use core::time::Duration;
///
/// let now = Timestamp::from_millis(1_000_000);
/// let wait = RetryAfter::parse("120").unwrap();
/// assert_eq!(wait, RetryAfter::Delay(Duration::from_secs(120)));
/// assert_eq!(wait.until(now), Timestamp::from_millis(1_120_000));
/// assert!(RetryAfter::parse("soon").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RetryAfter {
    /// `delay-seconds`: wait this long from when the answer arrived.
    Delay(#[serde(with = "crate::foundation::time::serde_millis")] core::time::Duration),
    /// `HTTP-date`: wait until this instant.
    At(crate::foundation::time::Timestamp),
}

/// Why a `Retry-After` header value cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`Retry-After` header `{0}` is neither delay-seconds (like `120`) nor an HTTP-date (like `Fri, 31 Dec 1999 23:59:59 GMT`)"
)]
pub struct RetryAfterError(pub String);

impl RetryAfter {
    /// Reads a `Retry-After` header value: delay-seconds (ASCII digits) or
    /// an HTTP-date in any of its three forms.
    pub fn parse(value: &str) -> Result<RetryAfter, RetryAfterError> {
        let v = value.trim();
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            // Absurdly long digit strings saturate instead of failing.
            let secs = v.parse::<u64>().unwrap_or(u64::MAX);
            return Ok(RetryAfter::Delay(core::time::Duration::from_secs(secs)));
        }
        crate::foundation::time::Timestamp::parse_http_date(v)
            .map(RetryAfter::At)
            .map_err(|_| RetryAfterError(value.to_string()))
    }

    /// The instant before which the caller must not ask again, for an
    /// answer that arrived at `now` (a date in the past means "now").
    pub fn until(
        self,
        now: crate::foundation::time::Timestamp,
    ) -> crate::foundation::time::Timestamp {
        match self {
            RetryAfter::Delay(d) => now.saturating_add(d),
            RetryAfter::At(t) => t.max(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::time::Timestamp;
    use core::time::Duration;

    #[test]
    fn reads_both_forms_of_retry_after() {
        let now = Timestamp::parse_http_date("Sun, 06 Nov 1994 08:49:00 GMT").unwrap();
        assert_eq!(
            RetryAfter::parse(" 7 "),
            Ok(RetryAfter::Delay(Duration::from_secs(7)))
        );
        let at = RetryAfter::parse("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(at.until(now), now + Duration::from_secs(37));
        // A date in the past: ask again now.
        assert_eq!(
            at.until(now + Duration::from_secs(60)),
            now + Duration::from_secs(60)
        );
        assert_eq!(
            RetryAfter::parse("99999999999999999999999"),
            Ok(RetryAfter::Delay(Duration::from_secs(u64::MAX)))
        );
        for bad in ["", "-1", "1.5", "tomorrow"] {
            let err = RetryAfter::parse(bad).unwrap_err();
            assert!(err.to_string().contains("Retry-After"), "{err}");
        }
    }
}
