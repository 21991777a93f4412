//! A return with nothing stored here: ask the merchant's backend whether
//! it is the return of an attempt it started.
//!
//! iOS may open a web fallback in Safari instead of the browser or webview
//! where checkout began, and an app can be cold-started by its return URL
//! with an empty store (its data cleared, a reinstall). The return URL
//! still carries the order id and the attempt's nonce — the return token
//! the backend issued when it built the fallback — so the page or app asks
//! the backend, which compares the nonce with the one it issued, and
//! answers what is needed to track the payment like any other: its status
//! URL and the return expectation. A forged, stale or foreign token is
//! refused by the backend, and refused here again if the backend vouches
//! for another attempt than the URL's; either way nothing is stored and no
//! tracker starts.
//!
//! ## The contract (any backend, in any language)
//!
//! 1. The fallback URL is `<base>?<merchant's params>&orderId=<id>&attempt=<nonce>`
//!    ([`FallbackSpec::build`](crate::shopper::url::FallbackSpec::build)),
//!    the nonce 32 hex digits the backend drew and keeps with the attempt.
//! 2. The client asks `GET <return check URL>`: a URL template in which
//!    `{orderId}` and `{attempt}` are replaced by the claim's values,
//!    percent-encoded (RFC 6570, "Simple String Expansion", section 3.2.2);
//!    a value the template does not name is added as a query parameter of
//!    that name. The reference backend's is
//!    `https://shop.example/api/payments/{orderId}/return` (so
//!    `…/payments/shop-1/return?attempt=0123…`).
//! 3. The backend answers `200` with a [`ReturnCheck`] in JSON
//!    (`{"orderId", "statusUrl", "returnExpectation", "initiatedAt"?, "status"?}`)
//!    when the nonce is the one it issued for that order (compared in
//!    constant time); `403` for any other (forged, stale: an earlier
//!    attempt's), `404` or `410` for an order it does not know (or no
//!    longer keeps). Anything else — `429`, `5xx` — means "not now": the
//!    client changes nothing and may ask again.
//! 4. No token of any kind in the answer: the nonce is no secret (it is in
//!    the URL the shopper's browser shows), and the return expectation is
//!    what recognises the return, nothing more.
//!
//! ```
//! use appswitch_core::shopper::return_check::{ReturnCheck, return_check_url};
//! use appswitch_core::shopper::url::ReturnClaim;
//!
//! let nonce = "ab".repeat(16);
//! let back = format!("merchantapp://result?orderId=shop-1&attempt={nonce}&status=301");
//! let claim = ReturnClaim::from_url(&back)?;
//! let ask = return_check_url("https://shop.example/api/payments/{orderId}/return", &claim)?;
//! assert_eq!(ask, format!("https://shop.example/api/payments/shop-1/return?attempt={nonce}"));
//!
//! let body = format!(r#"{{"orderId": "shop-1", "statusUrl": "https://shop.example/api/payments/shop-1/status",
//!     "returnExpectation": {{"orderId": "shop-1", "nonce": "{nonce}",
//!         "target": {{"kind": "app", "scheme": "merchantapp", "host": "result", "path": "/"}}}},
//!     "initiatedAt": 1700000000000}}"#);
//! let check = ReturnCheck::read(&claim, &back, 200, &body)?;
//! assert_eq!(check.status_url, "https://shop.example/api/payments/shop-1/status");
//! assert!(ReturnCheck::read(&claim, &back, 403, r#"{"code": "forged-return"}"#).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::foundation::json;
use crate::foundation::time::Timestamp;
use crate::shopper::tracker::{Policy, TrackerConfig};
use crate::shopper::url::{
    ATTEMPT_PARAM, NOT_UNRESERVED, ORDER_ID_PARAM, ReturnClaim, ReturnError, ReturnExpectation,
    UrlParts,
};
use crate::status::StatusDocument;

/// The placeholder of the order id in a return check URL template.
pub const ORDER_ID_PLACEHOLDER: &str = "{orderId}";
/// The placeholder of the attempt nonce in a return check URL template.
pub const ATTEMPT_PLACEHOLDER: &str = "{attempt}";

/// The backend's answer to a return check that it vouches for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnCheck {
    /// The attempt's `orderId`.
    pub order_id: String,
    /// The order's status URL (the status endpoint, `?wait=N` for a long
    /// poll), tracked like any other.
    pub status_url: String,
    /// What recognises the return: the attempt's nonce and fallback target.
    pub return_expectation: ReturnExpectation,
    /// When the payment was initiated (ms since the epoch), so that the
    /// deadlines count from then; without it they count from the return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiated_at: Option<Timestamp>,
    /// The status as the backend knows it now (informational: the tracker
    /// asks the status URL at once all the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusDocument>,
}

/// Why a return could not be vouched for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReturnCheckError {
    /// The return check URL template does not make an `http(s)` URL.
    #[error(
        "the return check URL `{template}` is not an http(s) URL with {{orderId}} and {{attempt}} where they go"
    )]
    BadTemplate {
        /// The template as given.
        template: String,
    },
    /// The backend refused the return: `403` for a forged or stale token
    /// (another attempt's nonce), `404` or `410` for an order it does not
    /// know. Nothing changed.
    #[error(
        "the backend refused the return (HTTP {status}): a forged or stale link, or an order it does not know"
    )]
    Refused {
        /// The HTTP status code.
        status: u16,
    },
    /// The backend could not answer now (`429`, `5xx`, another code).
    /// Nothing changed; ask again later.
    #[error(
        "the backend could not check the return now (HTTP {status}); nothing changed, try again"
    )]
    Unavailable {
        /// The HTTP status code.
        status: u16,
    },
    /// A `200` whose body is not a return check.
    #[error("the backend's return check is not one: {0}")]
    Malformed(json::JsonError),
    /// The backend vouched for another order or attempt than the return
    /// URL's, or for a return the URL is not (another page or scheme).
    #[error("the backend's return check is not for this return: {0}")]
    NotThisReturn(ReturnError),
}

/// The URL that asks the backend about `claim`: `template` with
/// [`ORDER_ID_PLACEHOLDER`] and [`ATTEMPT_PLACEHOLDER`] replaced by the
/// claim's values (percent-encoded: everything but RFC 3986's unreserved
/// characters), and a value the template does not name added as the
/// query parameter `orderId` or `attempt`.
pub fn return_check_url(template: &str, claim: &ReturnClaim) -> Result<String, ReturnCheckError> {
    let expanded = expand_template(template, claim);
    let url = url::Url::parse(&expanded).map_err(|_| bad_template(template))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(bad_template(template));
    }
    Ok(url.into())
}

/// [`return_check_url`] for a page that splits URLs with its own WHATWG
/// parser (`split`: the browser's `URL`), so it carries no URL parser of
/// its own: the same expansion, the same `http(s)` rule.
pub fn return_check_url_with(
    template: &str,
    claim: &ReturnClaim,
    split: impl Fn(&str) -> Option<UrlParts>,
) -> Result<String, ReturnCheckError> {
    let expanded = expand_template(template, claim);
    match split(&expanded) {
        Some(parts)
            if matches!(parts.scheme.as_str(), "http" | "https") && !parts.host.is_empty() =>
        {
            Ok(expanded)
        }
        _ => Err(bad_template(template)),
    }
}

fn bad_template(template: &str) -> ReturnCheckError {
    ReturnCheckError::BadTemplate {
        template: template.to_string(),
    }
}

/// The template with its placeholders replaced (percent-encoded), and the
/// values it does not name appended to its query (form-encoded, before a
/// fragment).
fn expand_template(template: &str, claim: &ReturnClaim) -> String {
    let encode =
        |value: &str| percent_encoding::utf8_percent_encode(value, NOT_UNRESERVED).to_string();
    let named = |placeholder: &str| template.contains(placeholder);
    let (names_order, names_attempt) = (named(ORDER_ID_PLACEHOLDER), named(ATTEMPT_PLACEHOLDER));
    let expanded = template
        .replace(ORDER_ID_PLACEHOLDER, &encode(&claim.order_id))
        .replace(ATTEMPT_PLACEHOLDER, &encode(claim.nonce.as_str()));
    let mut missing = form_urlencoded::Serializer::new(String::new());
    if !names_order {
        missing.append_pair(ORDER_ID_PARAM, &claim.order_id);
    }
    if !names_attempt {
        missing.append_pair(ATTEMPT_PARAM, claim.nonce.as_str());
    }
    let missing = missing.finish();
    if missing.is_empty() {
        return expanded;
    }
    let (before, fragment) = match expanded.find('#') {
        Some(i) => expanded.split_at(i),
        None => (expanded.as_str(), ""),
    };
    let joiner = if !before.contains('?') {
        "?"
    } else if before.ends_with('?') || before.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{before}{joiner}{missing}{fragment}")
}

impl ReturnCheck {
    /// Reads the backend's answer (`status`, `body`) to the return check
    /// of `claim`, made for the return URL `returned_on`: `200` with a
    /// return check that vouches for exactly this return, or why not.
    pub fn read(
        claim: &ReturnClaim,
        returned_on: &str,
        status: u16,
        body: &str,
    ) -> Result<ReturnCheck, ReturnCheckError> {
        let not_a_url = if returned_on.is_empty() {
            ReturnError::Empty
        } else {
            ReturnError::NotAUrl
        };
        let parts =
            UrlParts::parse(returned_on).ok_or(ReturnCheckError::NotThisReturn(not_a_url))?;
        ReturnCheck::read_parts(claim, &parts, status, body)
    }

    /// [`read`](Self::read) for a return URL a WHATWG parser has already
    /// taken apart (the browser's own `URL`), so a page carries no URL
    /// parser of its own.
    pub fn read_parts(
        claim: &ReturnClaim,
        returned_on: &UrlParts,
        status: u16,
        body: &str,
    ) -> Result<ReturnCheck, ReturnCheckError> {
        match status {
            200 => {}
            403 | 404 | 410 => return Err(ReturnCheckError::Refused { status }),
            _ => return Err(ReturnCheckError::Unavailable { status }),
        }
        let check: ReturnCheck = json::from_str(body).map_err(ReturnCheckError::Malformed)?;
        let not_this = ReturnCheckError::NotThisReturn;
        for found in [&check.order_id, &check.return_expectation.order_id] {
            if *found != claim.order_id {
                return Err(not_this(ReturnError::OrderIdMismatch {
                    expected: claim.order_id.clone(),
                    found: found.clone(),
                }));
            }
        }
        // The URL itself must be the return the backend's expectation
        // describes: its nonce, and its page or app scheme.
        check
            .return_expectation
            .check_parts(returned_on)
            .map_err(not_this)?;
        Ok(check)
    }

    /// The configuration of the tracker that follows this payment from
    /// `now`: its deadlines count from [`initiated_at`](Self::initiated_at)
    /// (or from `now` when the backend did not say).
    pub fn tracker_config(
        &self,
        now: Timestamp,
        policy: Policy,
        jitter_seed: u64,
    ) -> TrackerConfig {
        TrackerConfig {
            policy,
            ..TrackerConfig::new(
                self.order_id.clone(),
                self.status_url.clone(),
                self.initiated_at.unwrap_or(now),
                jitter_seed,
            )
        }
    }
}

#[cfg(test)]
mod tests;
