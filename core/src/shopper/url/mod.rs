//! URLs that bring the shopper back, and the provider's rules for them.
//!
//! - [`check_url`]: is a URL acceptable as a web fallback, an app fallback
//!   or a callback prefix? `Ok` with [warnings](UrlWarning), or the
//!   [rule it breaks](UrlError). Web fallbacks and callback prefixes follow
//!   the provider's validator, Apache Commons `UrlValidator` with its
//!   default settings ([`validate_url`]; the table of rules is in
//!   [`validate`]); top-level domains are checked as [`tld`] explains.
//!   [`check_local_callback_prefix`] is the same callback rule for a
//!   provider simulator on this machine, which can reach `127.0.0.1`.
//! - [`FallbackSpec::build`]: the `fallBack` URL for one attempt — a web
//!   page, the app's own scheme, or Android's `INTENT` — carrying the order
//!   id and an [`AttemptNonce`], plus the [`ReturnExpectation`] to persist.
//! - [`ReturnExpectation::check_return`] / [`ReturnExpectation::app_resumed`]:
//!   recognise the return (ignoring the provider's deprecated `status`) and
//!   turn it into [`ShopperReturned`] — "the shopper is back, check now" —
//!   or refuse a stale or forged one with a [`ReturnError`].
//! - The pieces underneath, usable on their own: an RFC 3986 [`split`]ter,
//!   percent-encoding, IPv4/IPv6 parsing, Punycode.
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
mod error;
mod fallback;
mod host;
mod ip;
mod percent;
mod punycode;
mod returned;
mod split;
pub mod tld;
pub mod validate;

pub use attempt::{AttemptNonce, NonceError};
pub use check::{COMMON_CALLBACK_PORTS, Checked, UrlKind, check_local_callback_prefix, check_url};
pub(crate) use error::describe_char;
pub use error::{ForbiddenScheme, UrlError, UrlPart, UrlWarning};
pub use fallback::{
    ATTEMPT_PARAM, Fallback, FallbackError, FallbackSpec, FallbackTarget, ORDER_ID_PARAM,
    PROVIDER_STATUS_PARAM,
};
pub use host::Host;
pub(crate) use host::{check_host, is_localhost_name};
pub use ip::{NotPublic, ipv4_not_public, ipv6_not_public, parse_ipv4, parse_ipv6};
pub use percent::{
    DecodeError, QueryParam, percent_decode, percent_decode_bytes, percent_encode, raw_query_pairs,
};
pub use punycode::punycode_encode;
pub use returned::{ExpectedReturn, ReturnError, ReturnExpectation, ReturnVia, ShopperReturned};
pub use split::{AuthorityParts, UriParts, split, split_authority};
pub use tld::RESERVED_TLDS;
pub use validate::{ValidUrl, is_valid_scheme, validate_url};
