//! URLs that bring the shopper back, and the provider's rules for them.
//!
//! - [`check_url`]: is a URL acceptable as a web fallback, an app fallback
//!   or a callback prefix? `Ok` with [warnings](UrlWarning), or the
//!   [rule it breaks](UrlError). Web fallbacks and callback prefixes follow
//!   the provider's validator, Apache Commons `UrlValidator` with its
//!   default settings, rule by rule on the URL as written ([`validate_url`];
//!   the tables of rules are in [`validate`] and [`host`]), then parsed by
//!   the `url` crate (the WHATWG parser browsers use). appswitch's own
//!   stricter rules sit beside them, each with its reason: no credentials,
//!   no fragment, no `ftp`, `localhost` refused with advice.
//!   [`check_local_callback_prefix`] is the same callback rule for a
//!   provider simulator on this machine, which can reach `127.0.0.1`.
//! - [`FallbackSpec::build`]: the `fallBack` URL for one attempt — a web
//!   page, the app's own scheme, or Android's `INTENT` — carrying the order
//!   id and an [`AttemptNonce`], plus the [`ReturnExpectation`] to persist.
//! - [`ReturnExpectation::check_return`] / [`ReturnExpectation::app_resumed`]:
//!   recognise the return (ignoring the provider's deprecated `status`) and
//!   turn it into [`ShopperReturned`] — "the shopper is back, check now" —
//!   or refuse a stale or forged one with a [`ReturnError`].
//! - [`ReturnClaim::from_url`]: what a return URL claims (its order and
//!   nonce) on a device that holds nothing of the payment, for the
//!   backend's [return check](crate::shopper::return_check).
//! - [`UrlParts`]: a URL as a WHATWG parser takes it apart — the `url`
//!   crate, or the browser's own `URL` in the browser module — which is all
//!   the return and deeplink rules read.
//!
//! URLs are parsed by the `url` crate, IP addresses by `core::net`,
//! percent-encoding, query strings and IDNA by the crates `url` is made of
//! (`percent-encoding`, `form_urlencoded`, `idna`), and top-level domains
//! are looked up in IANA's list (the `tld` crate).
//!
//! The whole round trip:
//!
//! ```
//! use appswitch_core::shopper::platform::Platform;
//! use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget, ReturnVia};
//!
//! let spec = FallbackSpec::new(
//!     Platform::MobileWeb,
//!     FallbackTarget::Web { base: "https://shop.example.no/return".into() },
//!     "654321-0001",
//! );
//! let fallback = spec.build(AttemptNonce::from_random([42; 16])).unwrap();
//! // Send fallback.url as merchantInfo.fallBack (isApp: fallback.is_app);
//! // store fallback.expectation. When the shopper is back on the page:
//! let here = format!("{}&status=301", fallback.url);
//! let back = fallback.expectation.check_return(&here).unwrap();
//! assert_eq!((back.order_id.as_str(), back.via), ("654321-0001", ReturnVia::WebPage));
//! ```

mod attempt;
mod check;
mod claim;
mod error;
mod fallback;
pub mod host;
mod params;
mod parts;
mod reach;
mod returned;
pub mod validate;

pub use attempt::{AttemptNonce, NonceError};
pub use check::{COMMON_CALLBACK_PORTS, Checked, UrlKind, check_local_callback_prefix, check_url};
pub use claim::ReturnClaim;
pub(crate) use error::describe_char;
pub use error::{ForbiddenScheme, UrlError, UrlPart, UrlWarning};
pub use fallback::{Fallback, FallbackError, FallbackSpec, FallbackTarget};
pub(crate) use params::NOT_UNRESERVED;
pub use params::{ATTEMPT_PARAM, ORDER_ID_PARAM, PROVIDER_STATUS_PARAM, QueryParam};
pub(crate) use parts::written_scheme;
pub use parts::{UrlParts, is_valid_scheme, user_info};
pub(crate) use reach::is_localhost_name;
pub use reach::{NotPublic, ipv4_not_public, ipv6_not_public, is_loopback};
pub use returned::{ExpectedReturn, ReturnError, ReturnExpectation, ReturnVia, ShopperReturned};
pub use validate::{ValidUrl, validate_url};
