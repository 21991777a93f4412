//! Recognising the shopper's return.
//!
//! Seed 001, "App integration": "When the user arrives back in the merchant
//! app or website, we _strongly_ recommend that you perform a call to the
//! payment details endpoint to check the state of the transaction." Every
//! way back — the web fallback page loading, the app opened with its own
//! scheme (iOS, and Android's default), or the app simply resumed after the
//! payment app closed (Android's `INTENT`) — ends in one
//! [`ShopperReturned`]: "the shopper is back, check now". The deprecated
//! `status` the provider appends never decides anything; it is dropped.

use serde::{Deserialize, Serialize};

use super::attempt::AttemptNonce;
use super::fallback::{ATTEMPT_PARAM, ORDER_ID_PARAM, PROVIDER_STATUS_PARAM};
use super::host::check_host;
use super::percent::{QueryParam, percent_decode, percent_decode_bytes, raw_query_pairs};
use super::split::{split, split_authority};

/// Where the return of one attempt is expected. Persist it beside the
/// tracker snapshot (browser storage, the app's store): it holds nothing
/// secret. In JSON (serde writes and reads it): `{"orderId", "nonce",
/// "target": {"kind", …}}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnExpectation {
    /// The attempt's order id.
    pub order_id: String,
    /// The attempt's nonce.
    pub nonce: AttemptNonce,
    /// The URL (or the absence of one) the shopper comes back on.
    pub target: ExpectedReturn,
}

/// The place a return must come to. In JSON, an object whose `kind` says
/// which: `{"kind": "web", "scheme", "host", "port", "path"}`,
/// `{"kind": "app", "scheme", "host", "path"}` or `{"kind": "androidIntent"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ExpectedReturn {
    /// A web page.
    Web {
        /// `http` or `https`.
        scheme: String,
        /// The host as a URL writes it (lower case, IDN as Punycode, IPv6 in
        /// brackets).
        host: String,
        /// The port, the scheme's default when none was written.
        port: u16,
        /// The path as written, `/` when empty.
        path: String,
    },
    /// The app's own URL scheme.
    App {
        /// The scheme, lower case.
        scheme: String,
        /// What follows `//`, lower case (`result` in
        /// `merchantapp://result`), if anything does.
        host: Option<String>,
        /// The path as written, `/` when empty.
        path: String,
    },
    /// Android's `INTENT`: no URL; the app is resumed.
    AndroidIntent,
}

/// How the shopper came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReturnVia {
    /// The web fallback page was opened.
    WebPage,
    /// The app was opened with its own scheme (iOS; Android's default
    /// "deeplink back into the merchant app").
    AppLink,
    /// The app was resumed after the payment app closed (Android's
    /// `INTENT`: "pick up the thread again there in onActivityResult()").
    AppResumed,
}

/// The shopper is back: check the payment status now. The tracker maps this
/// to its "returned" event; nothing here says how the payment went.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopperReturned {
    /// The attempt's order id.
    pub order_id: String,
    /// How.
    pub via: ReturnVia,
    /// The merchant's own parameters, decoded (`%XX`, and `+` as a space,
    /// the way forms and `URLSearchParams` read a query), in order, without
    /// `orderId`, `attempt` and the provider's `status`.
    pub params: Vec<QueryParam>,
}

/// Why a return does not belong to the pending attempt.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    /// No URL.
    #[error("the return URL is empty")]
    Empty,
    /// Another scheme than the fallback's.
    #[error("the return URL's scheme `{found}` is not the fallback's `{expected}`")]
    SchemeMismatch {
        /// The fallback's scheme.
        expected: String,
        /// The return's scheme (empty if none).
        found: String,
    },
    /// Another host (or port) than the fallback's.
    #[error("the return URL's host `{found}` is not the fallback's `{expected}`")]
    HostMismatch {
        /// The fallback's host (with the port, if not the default).
        expected: String,
        /// The return's.
        found: String,
    },
    /// Another path than the fallback's.
    #[error("the return URL's path `{found}` is not the fallback's `{expected}`")]
    PathMismatch {
        /// The fallback's path.
        expected: String,
        /// The return's.
        found: String,
    },
    /// A parameter that cannot be decoded.
    #[error("the return URL's parameter `{name}` is not valid percent-encoded UTF-8")]
    BadEncoding {
        /// The parameter name as written.
        name: String,
    },
    /// `orderId` or `attempt` given twice.
    #[error("the return URL carries `{name}` more than once")]
    DuplicateParam {
        /// The name.
        name: String,
    },
    /// No `orderId`.
    #[error("the return URL carries no `orderId`: it is not from a fallback appswitch built")]
    MissingOrderId,
    /// Another attempt's order.
    #[error("the return is for order `{found}`, but order `{expected}` is pending (a stale link)")]
    OrderIdMismatch {
        /// The pending order.
        expected: String,
        /// The return's.
        found: String,
    },
    /// No `attempt`.
    #[error("the return URL carries no `attempt` nonce: it is not from a fallback appswitch built")]
    MissingNonce,
    /// Another attempt's nonce.
    #[error("the return's `attempt` nonce belongs to another attempt (a stale or forged link)")]
    NonceMismatch,
    /// A URL for an `INTENT` attempt, which returns without one.
    #[error(
        "an `INTENT` fallback returns without a URL; report the resumed app with `app_resumed`"
    )]
    IntentHasNoUrl,
    /// A resumed app for a web attempt.
    #[error("a web fallback returns on a page, not by resuming an app")]
    NoAppToResume,
}

/// `path`, or `/` if it is empty (`https://shop.example?x` and
/// `https://shop.example/?x` are the same page).
pub(crate) fn root_if_empty(path: &str) -> String {
    if path.is_empty() { "/" } else { path }.to_string()
}

fn same_path(expected: &str, found: &str) -> bool {
    let found = root_if_empty(found);
    match (
        percent_decode_bytes(expected, false),
        percent_decode_bytes(&found, false),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => expected == found,
    }
}

/// Splits the query into pieces, also at a `?status` the provider may have
/// appended to a URL that already had a query.
fn query_pieces(query: &str) -> impl Iterator<Item = (&str, &str)> {
    raw_query_pairs(query).flat_map(|(name, value)| {
        let appended = value.find('?').filter(|&i| {
            value
                .get(i + 1..)
                .is_some_and(|rest| rest == PROVIDER_STATUS_PARAM || rest.starts_with("status="))
        });
        let (value, extra) = match appended {
            Some(i) => (value.get(..i).unwrap_or(value), true),
            None => (value, false),
        };
        core::iter::once((name, value)).chain(extra.then_some((PROVIDER_STATUS_PARAM, "")))
    })
}

impl ReturnExpectation {
    /// Checks the URL the shopper came back on (the fallback page's
    /// `location.href`, the URL from `onNewIntent` or iOS's URL handler)
    /// against this attempt.
    ///
    /// ```
    /// use appswitch_core::shopper::platform::Platform;
    /// use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget, ReturnVia};
    ///
    /// let fallback = FallbackSpec::new(
    ///     Platform::Ios,
    ///     FallbackTarget::App { base: "merchantApp://result?myAppData".into() },
    ///     "order-1",
    /// )
    /// .build(AttemptNonce::from_random([1; 16]))
    /// .unwrap();
    /// // The provider appends its deprecated status; it is ignored.
    /// let back = format!("{}&status=301", fallback.url);
    /// let returned = fallback.expectation.check_return(&back).unwrap();
    /// assert_eq!(returned.via, ReturnVia::AppLink);
    /// assert_eq!(returned.params[0].name, "myAppData");
    /// // Another attempt's link is refused.
    /// let stale = fallback.url.replace("01010101", "02020202");
    /// assert!(fallback.expectation.check_return(&stale).is_err());
    /// ```
    pub fn check_return(&self, url: &str) -> Result<ShopperReturned, ReturnError> {
        if url.is_empty() {
            return Err(ReturnError::Empty);
        }
        let parts = split(url);
        let found_scheme = parts.scheme.unwrap_or("");
        let (via, expected_path) = match &self.target {
            ExpectedReturn::AndroidIntent => return Err(ReturnError::IntentHasNoUrl),
            ExpectedReturn::Web {
                scheme,
                host,
                port,
                path,
            } => {
                check_scheme(scheme, found_scheme)?;
                let authority = split_authority(parts.authority.unwrap_or(""));
                let default = if scheme == "http" { 80 } else { 443 };
                let expected = authority_text(host, *port, default);
                let found_port = match authority.port {
                    None | Some("") => Some(default),
                    Some(p) => p.parse::<u16>().ok(),
                };
                let found_host = check_host(authority.host).map(|h| h.to_string());
                let same = matches!((&found_host, found_port), (Ok(h), Some(p)) if *h == *host && p == *port);
                if !same || authority.userinfo.is_some() {
                    return Err(ReturnError::HostMismatch {
                        expected,
                        found: parts.authority.unwrap_or("").to_string(),
                    });
                }
                (ReturnVia::WebPage, path)
            }
            ExpectedReturn::App { scheme, host, path } => {
                check_scheme(scheme, found_scheme)?;
                let found = parts.authority.map(str::to_ascii_lowercase);
                if found != *host {
                    return Err(ReturnError::HostMismatch {
                        expected: host.clone().unwrap_or_default(),
                        found: found.unwrap_or_default(),
                    });
                }
                (ReturnVia::AppLink, path)
            }
        };
        if !same_path(expected_path, parts.path) {
            return Err(ReturnError::PathMismatch {
                expected: expected_path.clone(),
                found: parts.path.to_string(),
            });
        }
        self.check_params(parts.query.unwrap_or(""), via)
    }

    fn check_params(&self, query: &str, via: ReturnVia) -> Result<ShopperReturned, ReturnError> {
        let (mut order_id, mut nonce, mut params) = (None, None, Vec::new());
        for (raw_name, raw_value) in query_pieces(query) {
            let decode = |s| {
                percent_decode(s, true).map_err(|_| ReturnError::BadEncoding {
                    name: raw_name.to_string(),
                })
            };
            let (name, value) = (decode(raw_name)?, decode(raw_value)?);
            let slot = match name.as_str() {
                PROVIDER_STATUS_PARAM => continue,
                ORDER_ID_PARAM => &mut order_id,
                ATTEMPT_PARAM => &mut nonce,
                _ => {
                    params.push(QueryParam { name, value });
                    continue;
                }
            };
            if slot.replace(value).is_some() {
                return Err(ReturnError::DuplicateParam { name });
            }
        }
        let order_id = order_id.ok_or(ReturnError::MissingOrderId)?;
        if order_id != self.order_id {
            return Err(ReturnError::OrderIdMismatch {
                expected: self.order_id.clone(),
                found: order_id,
            });
        }
        let nonce = nonce.ok_or(ReturnError::MissingNonce)?;
        if !self.nonce.matches(&nonce) {
            return Err(ReturnError::NonceMismatch);
        }
        Ok(ShopperReturned {
            order_id,
            via,
            params,
        })
    }

    /// The app came back to the foreground after the payment app closed:
    /// Android's `INTENT` way back (`onActivityResult`), or an app-scheme
    /// attempt whose app was resumed before (or without) its URL arriving.
    pub fn app_resumed(&self) -> Result<ShopperReturned, ReturnError> {
        match self.target {
            ExpectedReturn::Web { .. } => Err(ReturnError::NoAppToResume),
            ExpectedReturn::App { .. } | ExpectedReturn::AndroidIntent => Ok(ShopperReturned {
                order_id: self.order_id.clone(),
                via: ReturnVia::AppResumed,
                params: Vec::new(),
            }),
        }
    }
}

fn check_scheme(expected: &str, found: &str) -> Result<(), ReturnError> {
    if found.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(ReturnError::SchemeMismatch {
            expected: expected.to_string(),
            found: found.to_string(),
        })
    }
}

fn authority_text(host: &str, port: u16, default: u16) -> String {
    if port == default {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}
