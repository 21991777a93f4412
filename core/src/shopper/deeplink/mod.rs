//! The `url` of the initiate response: what it is, how long it lives, and
//! how to open it on each platform.
//!
//! Vipps eCom API guide, "The Vipps deeplink URL": "`isApp:false` (or not provided):
//! The URL is for the Vipps 'landing page', with `https://`. `isApp: true`:
//! The URL is for an deeplink, for app-switch to the Vipps app, with
//! `vipps://`." — `vippsMT://` in the test environment. "The deeplink URL is
//! only valid for five minutes."
//!
//! ```
//! use appswitch_core::shopper::deeplink::{Deeplink, Environment, LinkKind, OpenPlan};
//! use appswitch_core::shopper::platform::Platform;
//! use appswitch_core::foundation::time::Timestamp;
//! use core::time::Duration;
//!
//! let received = Timestamp::from_millis(1_700_000_000_000);
//! let link = Deeplink::classify("vippsMT://?token=eyJraWQiOiJqd3RrZXkiLC", received).unwrap();
//! assert_eq!((link.kind, link.environment), (LinkKind::App, Environment::Test));
//! assert_eq!(link.deadlines.link_valid_until, received + Duration::from_secs(300));
//!
//! match link.open_plan(Platform::Android, received).unwrap() {
//!     OpenPlan::AndroidViewIntent { url, .. } => assert!(url.starts_with("vippsMT://")),
//!     other => panic!("{other:?}"),
//! }
//! // Six minutes later the link is dead: start a new attempt, with a new orderId.
//! let later = received + Duration::from_secs(360);
//! assert!(matches!(link.open_plan(Platform::Ios, later), Ok(OpenPlan::StartNewAttempt { .. })));
//! ```

mod plan;

pub use plan::OpenPlan;

use serde::{Deserialize, Serialize};

use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::app::{PaymentApp, VIPPS};
use crate::providers::vipps_epayment::app::APPS;
use crate::shopper::platform::Platform;
use core::net::{Ipv4Addr, Ipv6Addr};

use crate::shopper::url::{UrlParts, describe_char, is_localhost_name, written_scheme};

/// What the initiate `url` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "camelCase")]
pub enum LinkKind {
    /// The provider's landing page (`https://…`), for `isApp: false`. On a
    /// phone it switches to the app by itself; on a desktop it asks for the
    /// phone number.
    LandingPage,
    /// A deeplink straight into the payment app (`vipps://?token=…`), for
    /// `isApp: true`.
    App,
}

/// Which of the provider's environments the link belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Enum),
    uniffi(name = "DeeplinkEnvironment")
)]
#[serde(rename_all = "camelCase")]
pub enum Environment {
    /// Production: `vipps://`, or a landing page under `vipps.no`.
    Production,
    /// The test environment (MT): `vippsMT://`, or a landing page on
    /// `apitest.vipps.no`.
    Test,
    /// A landing page served from this machine (`127.0.0.1`, `[::1]`,
    /// `localhost`): a provider simulator.
    Local,
    /// An https landing page on a host appswitch does not know. It is
    /// opened all the same: the URL comes from the merchant's own backend.
    Unrecognised,
}

/// The two deadlines of an attempt, from when the initiate answer was
/// received (Vipps eCom API guide, "Timeouts").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Deadlines {
    /// When the initiate answer arrived.
    pub received_at: Timestamp,
    /// After this, the deeplink or landing page can no longer be opened
    /// ([`DEEPLINK_VALIDITY`](crate::providers::vipps_ecom::limits::DEEPLINK_VALIDITY) later).
    pub link_valid_until: Timestamp,
    /// After this, the payment has timed out whatever the shopper did
    /// ([`PAYMENT_WINDOW`](crate::providers::vipps_ecom::limits::PAYMENT_WINDOW) later).
    pub payment_deadline: Timestamp,
}

impl Deadlines {
    /// The deadlines of an attempt whose initiate answer arrived at
    /// `received_at`, for `app`'s time limits.
    pub fn for_app(app: &PaymentApp, received_at: Timestamp) -> Self {
        Deadlines {
            received_at,
            link_valid_until: received_at + app.link_validity,
            payment_deadline: received_at + app.payment_window,
        }
    }
}

/// A classified initiate `url`, with its deadlines.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Deeplink {
    /// The URL, exactly as received.
    pub url: String,
    /// Landing page or app deeplink.
    pub kind: LinkKind,
    /// Production, test, a local simulator, or unrecognised.
    pub environment: Environment,
    /// When it stops working.
    pub deadlines: Deadlines,
}

/// Why an initiate `url` cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeeplinkError {
    /// No URL.
    #[error("the deeplink URL is empty")]
    Empty,
    /// Whitespace or a control character, which no URL handed to the
    /// system may contain.
    #[error("{} at byte {at} is not allowed in a deeplink URL", describe_char(*ch))]
    IllegalCharacter {
        /// The character.
        ch: char,
        /// Its byte offset.
        at: usize,
    },
    /// No `scheme:`.
    #[error(
        "the deeplink URL has no scheme: expected a landing page (`https://…`) or an app deeplink (`vipps://…`)"
    )]
    MissingScheme,
    /// Neither a landing page nor a payment app's scheme.
    #[error(
        "scheme `{scheme}` is neither a landing page (`https://…`) nor an app deeplink (`vipps://…`, `vippsMT://…`, `mobilepay://…`)"
    )]
    UnsupportedScheme {
        /// The scheme as written.
        scheme: String,
    },
    /// An app deeplink without its `token`.
    #[error("the app deeplink carries no `token` parameter (expected `{scheme}://?token=…`)")]
    MissingToken {
        /// The scheme as written.
        scheme: String,
    },
    /// An `http` landing page that is not on this machine.
    #[error(
        "the landing page `http://{host}` must use https (plain http only for a simulator on this machine)"
    )]
    InsecureLandingPage {
        /// The host as written.
        host: String,
    },
    /// Not a URL a browser can open (the WHATWG URL Standard cannot parse
    /// it: an invalid host or port, for instance).
    #[error("the deeplink is not a URL a browser can open")]
    NotAUrl,
    /// An app deeplink for a web checkout.
    #[error(
        "an app deeplink (`isApp: true`) is for a native app; a {platform} checkout \
         initiates with `isApp: false` and opens the landing page"
    )]
    AppLinkOnWeb {
        /// Where it was to be opened.
        platform: Platform,
    },
}

/// Checks an app deeplink's query for a non-empty `param`.
fn has_token(query: &str, param: &str) -> bool {
    form_urlencoded::parse(query.as_bytes()).any(|(name, value)| name == param && !value.is_empty())
}

/// The app whose deeplink scheme `scheme` is, and whether it is the test
/// environment's (an empty scheme in the app's data never matches).
pub(crate) fn app_for_scheme(scheme: &str) -> Option<(&'static PaymentApp, Environment)> {
    let is = |s: &str| !s.is_empty() && scheme.eq_ignore_ascii_case(s);
    APPS.into_iter().find_map(|app| {
        if is(app.test_scheme) {
            Some((app, Environment::Test))
        } else if is(app.production_scheme) {
            Some((app, Environment::Production))
        } else {
            None
        }
    })
}

/// Whether a parsed host (a name, `127.0.0.1`, `[::1]`) is this machine:
/// a loopback address, or a name that means it (`localhost`).
fn is_this_machine(host: &str) -> bool {
    let v6 = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    match v6 {
        Some(inner) => inner.parse::<Ipv6Addr>().is_ok_and(|ip| {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }),
        None => host
            .parse::<Ipv4Addr>()
            .map_or_else(|_| is_localhost_name(host), |ip| ip.is_loopback()),
    }
}

fn landing_environment(host: &str) -> Environment {
    if is_this_machine(host) {
        return Environment::Local;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let under = |domain: &&str| {
        name == *domain
            || name
                .strip_suffix(domain)
                .is_some_and(|rest| rest.ends_with('.'))
    };
    if APPS
        .iter()
        .any(|app| app.test_hosts.iter().any(|h| h.eq_ignore_ascii_case(name)))
    {
        Environment::Test
    } else if APPS
        .iter()
        .any(|app| app.production_domains.iter().any(under))
    {
        Environment::Production
    } else {
        Environment::Unrecognised
    }
}

impl Deeplink {
    /// Classifies the initiate response's `url`, received at `received_at`
    /// (the caller's clock when the answer arrived).
    pub fn classify(url: &str, received_at: Timestamp) -> Result<Self, DeeplinkError> {
        Self::classify_parts(url, UrlParts::parse(url).as_ref(), received_at)
    }

    /// [`classify`](Self::classify) for a URL a WHATWG parser has already
    /// taken apart (`None`: it could not): the browser module splits it
    /// with the page's own `URL`.
    pub fn classify_parts(
        url: &str,
        parts: Option<&UrlParts>,
        received_at: Timestamp,
    ) -> Result<Self, DeeplinkError> {
        if url.is_empty() {
            return Err(DeeplinkError::Empty);
        }
        if let Some((at, ch)) = url
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || c.is_control())
        {
            return Err(DeeplinkError::IllegalCharacter { ch, at });
        }
        let scheme = written_scheme(url).ok_or(DeeplinkError::MissingScheme)?;
        let is = |s: &str| scheme.eq_ignore_ascii_case(s);
        let app_link = app_for_scheme(scheme);
        if app_link.is_none() && !is("https") && !is("http") {
            return Err(DeeplinkError::UnsupportedScheme {
                scheme: scheme.to_string(),
            });
        }
        let parts = parts.ok_or(DeeplinkError::NotAUrl)?;
        let mut app = &VIPPS;
        let (kind, environment) = if let Some((found, env)) = app_link {
            app = found;
            if app
                .deeplink_token
                .is_some_and(|param| !has_token(&parts.query, param))
            {
                return Err(DeeplinkError::MissingToken {
                    scheme: scheme.to_string(),
                });
            }
            (LinkKind::App, env)
        } else {
            let environment = landing_environment(&parts.host);
            if is("http") && environment != Environment::Local {
                return Err(DeeplinkError::InsecureLandingPage {
                    host: parts.host.clone(),
                });
            }
            (LinkKind::LandingPage, environment)
        };
        Ok(Deeplink {
            url: url.to_string(),
            kind,
            environment,
            deadlines: Deadlines::for_app(app, received_at),
        })
    }

    /// Whether the link can no longer be opened at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.deadlines.link_valid_until
    }
}
