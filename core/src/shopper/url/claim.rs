//! What a return URL claims, read on a device that holds nothing of the
//! payment: the order and the attempt's nonce, which only the merchant's
//! backend can vouch for.
//!
//! iOS may open a web fallback in Safari rather than in the browser or
//! webview that started checkout, and an app can be cold-started by its
//! return URL after its store was cleared (or on another install). Such a
//! return has no [`ReturnExpectation`](super::ReturnExpectation) to be
//! checked against; its [`ReturnClaim`] is what the backend is asked about
//! ([`shopper::return_check`](crate::shopper::return_check)). The nonce was
//! issued by the backend for that attempt (it built the fallback), so a
//! forged or stale one is refused there.

use super::attempt::AttemptNonce;
use super::parts::UrlParts;
use super::returned::{ReturnError, ReturnParams};

/// The order id and attempt nonce a return URL carries.
///
/// ```
/// use appswitch_core::shopper::url::ReturnClaim;
///
/// let nonce = "ab".repeat(16);
/// let url = format!("merchantapp://result?basket=42&orderId=shop-1&attempt={nonce}&status=301");
/// let claim = ReturnClaim::from_url(&url).unwrap();
/// assert_eq!((claim.order_id.as_str(), claim.nonce.as_str()), ("shop-1", nonce.as_str()));
/// assert!(ReturnClaim::from_url("merchantapp://result?orderId=shop-1").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReturnClaim {
    /// The `orderId` it names.
    pub order_id: String,
    /// Its `attempt` nonce.
    pub nonce: AttemptNonce,
}

impl ReturnClaim {
    /// Reads the claim of the URL the shopper came back on. Refused when
    /// it is no URL, or carries no (or a doubled) `orderId` or `attempt`
    /// ([`MissingOrderId`](ReturnError::MissingOrderId),
    /// [`MissingNonce`](ReturnError::MissingNonce),
    /// [`DuplicateParam`](ReturnError::DuplicateParam)): not a fallback
    /// appswitch built. An `attempt` that is not 32 hex digits was never
    /// issued ([`NonceMismatch`](ReturnError::NonceMismatch)).
    pub fn from_url(url: &str) -> Result<ReturnClaim, ReturnError> {
        if url.is_empty() {
            return Err(ReturnError::Empty);
        }
        let parts = UrlParts::parse(url).ok_or(ReturnError::NotAUrl)?;
        ReturnClaim::from_parts(&parts)
    }

    /// [`from_url`](Self::from_url) for a URL a WHATWG parser has already
    /// taken apart (the browser's own `URL`).
    pub fn from_parts(url: &UrlParts) -> Result<ReturnClaim, ReturnError> {
        let ReturnParams {
            order_id, nonce, ..
        } = ReturnParams::read(&url.query)?;
        if order_id.is_empty() {
            return Err(ReturnError::MissingOrderId);
        }
        let nonce = nonce.ok_or(ReturnError::MissingNonce)?;
        let nonce = AttemptNonce::parse(&nonce).map_err(|_| ReturnError::NonceMismatch)?;
        Ok(ReturnClaim { order_id, nonce })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONCE: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn reads_the_order_and_nonce_of_any_fallback_kind_and_ignores_the_rest() {
        for url in [
            format!("https://shop.example.no/return?orderId=o-1&attempt={NONCE}"),
            format!("merchantapp://result?x=1&orderId=o-1&attempt={NONCE}&status=RESERVE"),
            format!("merchantapp://result?orderId=o-1&attempt={NONCE}?status=301"),
        ] {
            let claim = ReturnClaim::from_url(&url).unwrap();
            assert_eq!(claim.order_id, "o-1", "{url}");
            assert_eq!(claim.nonce.as_str(), NONCE, "{url}");
        }
    }

    #[test]
    fn refuses_what_no_fallback_of_ours_carries() {
        let cases = [
            ("", ReturnError::Empty),
            ("not a url", ReturnError::NotAUrl),
            ("merchantapp://result", ReturnError::MissingOrderId),
            (
                "merchantapp://result?orderId=&attempt=x",
                ReturnError::MissingOrderId,
            ),
            (
                "merchantapp://result?orderId=o-1",
                ReturnError::MissingNonce,
            ),
            (
                "merchantapp://result?orderId=o-1&attempt=NOT-HEX",
                ReturnError::NonceMismatch,
            ),
            (
                "merchantapp://result?orderId=o-1&orderId=o-2&attempt=x",
                ReturnError::DuplicateParam {
                    name: "orderId".into(),
                },
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(ReturnClaim::from_url(url), Err(expected), "{url}");
        }
    }
}
