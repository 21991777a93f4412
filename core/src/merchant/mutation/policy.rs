//! The numbers a mutation or initiate plan uses.

use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::backoff::BackoffPolicy;
use crate::foundation::time::serde_millis;
use crate::providers::vipps_ecom::limits;

/// Every number a plan uses. [`MutationPolicy::vipps`] (also the
/// [`Default`]) takes the timeouts from [`crate::providers::vipps_ecom::limits`]; the
/// rest are appswitch's choices and say so. The rate limits are not here:
/// they are the provider's table, applied by [`OrderRates`](super::OrderRates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MutationPolicy {
    /// "no less than 1 second socket connection timeout" (Vipps knowledge base, "Exception handling").
    #[serde(with = "serde_millis")]
    pub connect_timeout: Duration,
    /// "5 seconds socket read timeout" (Vipps knowledge base, "Exception handling"). A request with no answer
    /// after connect + read timeout is taken as a read timeout.
    #[serde(with = "serde_millis")]
    pub read_timeout: Duration,
    /// Backoff between tries after errors (appswitch's choice: 2 s doubling
    /// up to 30 s, jittered with the key's randomness). A `Retry-After`
    /// replaces it when the provider sends one.
    pub backoff: BackoffPolicy,
    /// Give up after this many requests of the operation itself
    /// (appswitch's choice: 5, the provider's per-minute limit for
    /// capture, cancel and refund). Giving up leaves the outcome open:
    /// resume later with the same key.
    pub max_sends: u32,
    /// Give up after this many details checks (appswitch's choice: 10).
    pub max_checks: u32,
    /// How far the provider's clock may be behind the merchant's when a
    /// details check looks for an operation's effect: a history entry up to
    /// this much older than the first send still counts as made after it
    /// (appswitch's choice: 60 s; see
    /// [`PaymentDetails::effect_of`](crate::providers::vipps_ecom::PaymentDetails::effect_of)).
    #[serde(with = "serde_millis", default = "default_clock_skew")]
    pub clock_skew: Duration,
}

fn default_clock_skew() -> Duration {
    Duration::from_secs(60)
}

impl MutationPolicy {
    /// The defaults: 1 s / 5 s timeouts, backoff 2 s … 30 s, at most 5
    /// sends and 10 checks, 60 s of clock skew.
    pub fn vipps() -> MutationPolicy {
        MutationPolicy {
            connect_timeout: limits::CONNECT_TIMEOUT,
            read_timeout: limits::READ_TIMEOUT,
            backoff: BackoffPolicy {
                base: Duration::from_secs(2),
                max: Duration::from_secs(30),
            },
            max_sends: 5,
            max_checks: 10,
            clock_skew: default_clock_skew(),
        }
    }

    /// Checks the numbers a plan cannot work with.
    pub fn validate(&self) -> Result<(), PolicyError> {
        for (field, d) in [
            ("connectTimeout", self.connect_timeout),
            ("readTimeout", self.read_timeout),
            ("backoff.base", self.backoff.base),
        ] {
            if d.is_zero() {
                return Err(PolicyError::ZeroDuration { field });
            }
        }
        if self.backoff.max < self.backoff.base {
            return Err(PolicyError::BackoffMaxBelowBase);
        }
        if self.max_sends == 0 {
            return Err(PolicyError::ZeroLimit { field: "maxSends" });
        }
        if self.max_checks == 0 {
            return Err(PolicyError::ZeroLimit { field: "maxChecks" });
        }
        Ok(())
    }

    /// When a request started at `started` is given up on.
    pub(crate) fn expiry(
        &self,
        started: crate::foundation::time::Timestamp,
    ) -> crate::foundation::time::Timestamp {
        started + self.connect_timeout + self.read_timeout
    }
}

impl Default for MutationPolicy {
    fn default() -> Self {
        MutationPolicy::vipps()
    }
}

/// Why a [`MutationPolicy`] cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A span that must be positive is zero.
    #[error("mutation policy field `{field}` must be longer than zero")]
    ZeroDuration {
        /// The field.
        field: &'static str,
    },
    /// `backoff.max` is shorter than `backoff.base`.
    #[error("mutation policy field `backoff.max` must not be shorter than `backoff.base`")]
    BackoffMaxBelowBase,
    /// A count that must be at least 1 is zero.
    #[error("mutation policy field `{field}` must be at least 1")]
    ZeroLimit {
        /// The field.
        field: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_numbers_a_plan_cannot_work_with() {
        assert_eq!(MutationPolicy::vipps().validate(), Ok(()));
        let mut p = MutationPolicy::vipps();
        p.read_timeout = Duration::ZERO;
        assert_eq!(
            p.validate(),
            Err(PolicyError::ZeroDuration {
                field: "readTimeout"
            })
        );
        let mut p = MutationPolicy::vipps();
        p.backoff.max = Duration::from_millis(1);
        assert_eq!(p.validate(), Err(PolicyError::BackoffMaxBelowBase));
        let mut p = MutationPolicy::vipps();
        p.max_checks = 0;
        assert!(p.validate().unwrap_err().to_string().contains("maxChecks"));
    }
}
