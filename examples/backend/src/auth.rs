//! The merchant's credential: a bearer key from the configuration that
//! capture, cancel, refund and the merchant's view of an order require.
//!
//! The check comes first, before the body, the order or anything else is
//! looked at, and it depends on nothing a browser sends by itself: a
//! cross-site request (whatever its `Origin` or `Content-Type`) carries no
//! `Authorization` header unless the page sets one, and a page can only set
//! one after a CORS preflight that [`allowed_origins`](crate::BackendConfig::allowed_origins)
//! answers.

use std::fmt;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The shortest key accepted (characters).
pub const MIN_KEY_LEN: usize = 24;

/// The merchant's bearer key. `Debug` does not print it.
#[derive(Clone)]
pub struct MerchantKey {
    digest: [u8; 32],
}

impl fmt::Debug for MerchantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MerchantKey(…)")
    }
}

/// A text that cannot be a merchant key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Too short to be hard to guess.
    #[error("the merchant key must be at least {MIN_KEY_LEN} characters, not {0}")]
    TooShort(usize),
    /// Characters an HTTP header cannot carry, or spaces.
    #[error("the merchant key must be printable ASCII without spaces")]
    NotToken,
}

impl MerchantKey {
    /// A key from configuration (`APPSWITCH_MERCHANT_KEY`).
    pub fn new(key: &str) -> Result<MerchantKey, KeyError> {
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(KeyError::NotToken);
        }
        if key.chars().count() < MIN_KEY_LEN {
            return Err(KeyError::TooShort(key.chars().count()));
        }
        Ok(MerchantKey {
            digest: Sha256::digest(key.as_bytes()).into(),
        })
    }

    /// A fresh random key (64 hex digits) and its text, for a demo run.
    pub fn generate() -> Result<(MerchantKey, String), getrandom::Error> {
        let text = crate::util::hex(&crate::util::random_bytes::<32>()?);
        let key = MerchantKey {
            digest: Sha256::digest(text.as_bytes()).into(),
        };
        Ok((key, text))
    }

    /// Whether `Authorization: Bearer <key>` carries this key. Both sides
    /// are hashed first, so the comparison takes the same time whatever
    /// the length or content of the guess.
    pub fn authorizes(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then_some(rest.trim())
            })
        else {
            return false;
        };
        let digest: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        digest.ct_eq(&self.digest).into()
    }
}

/// `401` with `WWW-Authenticate: Bearer`.
pub(crate) fn unauthorized() -> Response {
    let mut r = (
        StatusCode::UNAUTHORIZED,
        axum::Json(serde_json::json!({
            "error": "this needs the merchant's key: `Authorization: Bearer <key>`"
        })),
    )
        .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"merchant\""),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        h
    }

    #[test]
    fn only_the_bearer_key_itself_authorizes() {
        let key = MerchantKey::new("a-long-enough-merchant-key-1").unwrap();
        assert!(key.authorizes(&with("Bearer a-long-enough-merchant-key-1")));
        assert!(key.authorizes(&with("bearer   a-long-enough-merchant-key-1 ")));
        for bad in [
            "Bearer a-long-enough-merchant-key-2",
            "Bearer a-long-enough-merchant-key-1x",
            "Bearer ",
            "Basic a-long-enough-merchant-key-1",
            "a-long-enough-merchant-key-1",
        ] {
            assert!(!key.authorizes(&with(bad)), "{bad}");
        }
        assert!(!key.authorizes(&HeaderMap::new()));
        assert_eq!(
            MerchantKey::new("short").unwrap_err(),
            KeyError::TooShort(5)
        );
        assert_eq!(
            MerchantKey::new("has a space in it, and is long").unwrap_err(),
            KeyError::NotToken
        );
        assert!(!format!("{key:?}").contains("merchant-key"));
        let (generated, text) = MerchantKey::generate().unwrap();
        assert_eq!(text.len(), 64);
        assert!(generated.authorizes(&with(&format!("Bearer {text}"))));
    }
}
