//! The access token: `POST:/accesstoken/get` (Vipps eCom API guide, "Access token").
//!
//! A backend-only secret: never hand it to browser or app code.
//!
//! ```
//! use core::time::Duration;
//! use appswitch_core::foundation::time::Timestamp;
//! use appswitch_core::providers::vipps_ecom::AccessTokenResponse;
//!
//! let token = AccessTokenResponse::parse_json(r#"{"token_type": "Bearer",
//!     "expires_in": "86398", "ext_expires_in": "0", "expires_on": "1495271273",
//!     "not_before": "1495184574", "resource": "00000002-0000-0000-c000-000000000000",
//!     "access_token": "eyJ0eXAiOiJKV1Qi"}"#).unwrap();
//! assert_eq!(token.expires_at(), Some(Timestamp::from_millis(1_495_271_273_000)));
//! let margin = Duration::from_secs(60);
//! assert!(!token.needs_refresh(Timestamp::from_millis(1_495_271_000_000), margin));
//! assert!(token.needs_refresh(Timestamp::from_millis(1_495_271_250_000), margin));
//! ```

use core::fmt;
use core::time::Duration;

use serde::{Deserialize, Serialize};

use crate::foundation::lenient::{opt_u64_text, u64_text};
use crate::foundation::time::Timestamp;

/// The access-token response. The provider sends the numbers as strings
/// (`"expires_in": "86398"`); numbers are accepted too.
///
/// "The access token is valid for 1 hour in MT (Merchant Test) and 24 hours
/// in Production. To be sure that you are using correct time please use
/// `expires_in` or `expires_on`."
///
/// `Debug` does not print the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenResponse {
    /// `token_type`: `Bearer`.
    #[serde(default = "bearer")]
    pub token_type: String,
    /// `expires_in`: "Token expiry duration in seconds."
    #[serde(with = "u64_text")]
    pub expires_in: u64,
    /// `ext_expires_in`: "Extra expiry time. Not used."
    #[serde(
        default,
        with = "opt_u64_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub ext_expires_in: Option<u64>,
    /// `expires_on`: "Token expiry time in epoch time format" (seconds).
    #[serde(
        default,
        with = "opt_u64_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_on: Option<u64>,
    /// `not_before`: "Token creation time in epoch time format" (seconds).
    #[serde(
        default,
        with = "opt_u64_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub not_before: Option<u64>,
    /// `resource`: "For the product for which token has been issued."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `access_token`: the JWT for the `Authorization: Bearer …` header.
    pub access_token: String,
}

fn bearer() -> String {
    "Bearer".to_string()
}

fn from_epoch_secs(secs: u64) -> Timestamp {
    Timestamp::from_millis(secs.saturating_mul(1000))
}

impl AccessTokenResponse {
    /// When the token expires: `expires_on`, or `not_before + expires_in`
    /// when only that is known; `None` when neither says.
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.expires_on.map(from_epoch_secs).or_else(|| {
            self.not_before
                .map(|nb| from_epoch_secs(nb) + Duration::from_secs(self.expires_in))
        })
    }

    /// When the token expires, given when the response was received: the
    /// earlier of [`expires_at`](Self::expires_at) and
    /// `received_at + expires_in`, which protects against a clock that
    /// disagrees with the provider's.
    pub fn expires_at_received(&self, received_at: Timestamp) -> Timestamp {
        let by_duration = received_at + Duration::from_secs(self.expires_in);
        self.expires_at()
            .map_or(by_duration, |at| at.min(by_duration))
    }

    /// True when the token should be fetched again at `now`: it expires
    /// within `margin` (or already has), or its expiry is unknown.
    pub fn needs_refresh(&self, now: Timestamp, margin: Duration) -> bool {
        self.expires_at().is_none_or(|at| now + margin >= at)
    }

    /// The `Authorization` header value: `Bearer <token>`.
    pub fn authorization_header(&self) -> String {
        format!("Bearer {}", self.access_token)
    }
}

impl fmt::Debug for AccessTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessTokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("expires_on", &self.expires_on)
            .field("not_before", &self.not_before)
            .field("resource", &self.resource)
            .field("access_token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_on: Option<u64>, not_before: Option<u64>) -> AccessTokenResponse {
        AccessTokenResponse {
            token_type: bearer(),
            expires_in: 3600,
            ext_expires_in: None,
            expires_on,
            not_before,
            resource: None,
            access_token: "secret-jwt".into(),
        }
    }

    #[test]
    fn refresh_uses_the_best_expiry_known() {
        let m = Duration::from_secs(60);
        let t = token(Some(10_000), None);
        assert!(!t.needs_refresh(Timestamp::from_millis(9_939_000), m));
        assert!(t.needs_refresh(Timestamp::from_millis(9_940_000), m));
        assert!(t.needs_refresh(Timestamp::from_millis(20_000_000), m));
        let nb = token(None, Some(1_000));
        assert_eq!(nb.expires_at(), Some(Timestamp::from_millis(4_600_000)));
        assert!(token(None, None).needs_refresh(Timestamp::EPOCH, m));
        // A local clock far behind the provider's: the received time bounds it.
        assert_eq!(
            t.expires_at_received(Timestamp::from_millis(1_000)),
            Timestamp::from_millis(3_601_000)
        );
        assert_eq!(
            t.expires_at_received(Timestamp::from_millis(9_000_000)),
            Timestamp::from_millis(10_000_000)
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let t = token(None, None);
        assert!(!format!("{t:?}").contains("secret-jwt"));
        assert_eq!(t.authorization_header(), "Bearer secret-jwt");
    }
}
