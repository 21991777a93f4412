//! Recognising the shopper's return.
//!
//! Vipps eCom API guide, "App integration": "When the user arrives back in the merchant
//! app or website, we _strongly_ recommend that you perform a call to the
//! payment details endpoint to check the state of the transaction." Every
//! way back — the web fallback page loading, the app opened with its own
//! scheme (iOS, and Android's default), or the app simply resumed after the
//! payment app closed (Android's `INTENT`) — ends in one
//! [`ShopperReturned`]: "the shopper is back, check now". The deprecated
//! `status` the provider appends never decides anything; it is dropped.
//!
//! The rule reads the return URL as a WHATWG parser takes it apart
//! ([`UrlParts`]): the `url` crate for [`ReturnExpectation::check_return`],
//! the browser's own `URL` in the browser module
//! ([`ReturnExpectation::check_parts`]).

use serde::{Deserialize, Serialize};

use percent_encoding::percent_decode_str;

use super::attempt::AttemptNonce;
use super::params::{
    ATTEMPT_PARAM, ORDER_ID_PARAM, PROVIDER_STATUS_PARAM, QueryParam, decoded_pairs,
    without_appended_status,
};
use super::parts::{UrlParts, app_host, default_port};

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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Error), uniffi(flat_error))]
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
    /// Not an absolute URL a browser could have opened (the WHATWG URL
    /// Standard cannot parse it).
    #[error("the return URL is not a URL a browser could have opened")]
    NotAUrl,
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

/// Whether two hosts are the same, a trailing dot aside (`shop.no.` is
/// `shop.no`).
fn same_host(expected: &str, found: &str) -> bool {
    let bare = |h: &'_ str| h.strip_suffix('.').unwrap_or(h).to_string();
    bare(expected) == bare(found)
}

/// Whether two paths name the same page: equal once percent-decoded (a
/// provider or browser may encode a character the fallback did not).
fn same_path(expected: &str, found: &str) -> bool {
    let found = root_if_empty(found);
    percent_decode_str(expected).eq(percent_decode_str(&found))
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
        let parts = UrlParts::parse(url).ok_or(ReturnError::NotAUrl)?;
        self.check_parts(&parts)
    }

    /// [`check_return`](Self::check_return) for a URL a WHATWG parser has
    /// already taken apart: the browser module splits `location.href` with
    /// the page's own `URL`.
    pub fn check_parts(&self, url: &UrlParts) -> Result<ShopperReturned, ReturnError> {
        let (via, expected_path) = match &self.target {
            ExpectedReturn::AndroidIntent => return Err(ReturnError::IntentHasNoUrl),
            ExpectedReturn::Web {
                scheme,
                host,
                port,
                path,
            } => {
                check_scheme(scheme, &url.scheme)?;
                let default = default_port(scheme).unwrap_or(443);
                let found_port = url.port.unwrap_or(default);
                if !same_host(host, &url.host) || found_port != *port || url.user_info.is_some() {
                    let found = authority_text(&url.host, found_port, default);
                    return Err(ReturnError::HostMismatch {
                        expected: authority_text(host, *port, default),
                        found: match &url.user_info {
                            Some(user) => format!("{user}@{found}"),
                            None => found,
                        },
                    });
                }
                (ReturnVia::WebPage, path)
            }
            ExpectedReturn::App { scheme, host, path } => {
                check_scheme(scheme, &url.scheme)?;
                let found = app_host(&url.host);
                if found != *host {
                    return Err(ReturnError::HostMismatch {
                        expected: host.clone().unwrap_or_default(),
                        found: found.unwrap_or_default(),
                    });
                }
                (ReturnVia::AppLink, path)
            }
        };
        if !same_path(expected_path, &url.path) {
            return Err(ReturnError::PathMismatch {
                expected: expected_path.clone(),
                found: url.path.clone(),
            });
        }
        self.check_params(&url.query, via)
    }

    fn check_params(&self, query: &str, via: ReturnVia) -> Result<ShopperReturned, ReturnError> {
        let ReturnParams {
            order_id,
            nonce,
            params,
        } = ReturnParams::read(query)?;
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

/// What a return URL's query carries: appswitch's `orderId` and `attempt`
/// (each exactly once), and the merchant's own parameters; the provider's
/// deprecated `status` dropped.
pub(super) struct ReturnParams {
    /// `orderId`.
    pub(super) order_id: String,
    /// `attempt`, as written (its absence is told only after the order:
    /// a return for another order is that, whatever else it lacks).
    pub(super) nonce: Option<String>,
    /// The merchant's own parameters, decoded.
    pub(super) params: Vec<QueryParam>,
}

impl ReturnParams {
    /// Reads `query` (without its `?`).
    pub(super) fn read(query: &str) -> Result<ReturnParams, ReturnError> {
        let (mut order_id, mut nonce, mut params) = (None, None, Vec::new());
        for QueryParam { name, value } in decoded_pairs(without_appended_status(query)) {
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
        Ok(ReturnParams {
            order_id: order_id.ok_or(ReturnError::MissingOrderId)?,
            nonce,
            params,
        })
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
