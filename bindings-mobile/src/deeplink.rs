//! The initiate response's `url`: classify it, and get the platform's plan
//! for opening it ([`appswitch_core::shopper::deeplink`]).

use appswitch_core::shopper::deeplink::{self as core_deeplink, Environment, LinkKind};
use appswitch_core::shopper::platform::Platform;

use crate::convert::{self, millis, timestamp};
use crate::errors::{DeeplinkError, TrackerError};

/// What the initiate `url` is.
#[uniffi::remote(Enum)]
pub enum LinkKind {
    /// The provider's landing page (`https://…`).
    LandingPage,
    /// A deeplink into the payment app (`vipps://?token=…`).
    App,
}

/// Which of the provider's environments the link belongs to. (Not
/// `Environment`, which SwiftUI already names.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum DeeplinkEnvironment {
    /// Production.
    Production,
    /// The test environment (`vippsMT://`, `apitest.vipps.no`).
    Test,
    /// A simulator on this machine.
    Local,
    /// An https landing page on a host appswitch does not know.
    Unrecognised,
}

/// A classified initiate `url` with its deadlines (milliseconds since the
/// epoch). "The deeplink URL is only valid for five minutes." (seed 001)
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Deeplink {
    /// The URL, exactly as received.
    pub url: String,
    /// Landing page or app deeplink.
    pub kind: LinkKind,
    /// Production, test, a local simulator, or unrecognised.
    pub environment: DeeplinkEnvironment,
    /// When the initiate answer arrived.
    pub received_at_ms: i64,
    /// After this the link can no longer be opened.
    pub link_valid_until_ms: i64,
    /// After this the payment has timed out whatever the shopper did.
    pub payment_deadline_ms: i64,
}

impl From<&core_deeplink::Deeplink> for Deeplink {
    fn from(d: &core_deeplink::Deeplink) -> Self {
        Deeplink {
            url: d.url.clone(),
            kind: d.kind,
            environment: match d.environment {
                Environment::Production => DeeplinkEnvironment::Production,
                Environment::Test => DeeplinkEnvironment::Test,
                Environment::Local => DeeplinkEnvironment::Local,
                Environment::Unrecognised => DeeplinkEnvironment::Unrecognised,
            },
            received_at_ms: millis(d.deadlines.received_at),
            link_valid_until_ms: millis(d.deadlines.link_valid_until),
            payment_deadline_ms: millis(d.deadlines.payment_deadline),
        }
    }
}

impl Deeplink {
    /// The core's deeplink, classified again from the URL and the time it
    /// was received (the record's other fields are derived, never trusted).
    pub(crate) fn to_core(&self, field: &str) -> Result<core_deeplink::Deeplink, TrackerError> {
        let received = timestamp(&format!("{field}.receivedAtMs"), self.received_at_ms)?;
        core_deeplink::Deeplink::classify(&self.url, received).map_err(|e| {
            TrackerError::InvalidArgument {
                field: format!("{field}.url"),
                detail: format!("`{field}.url`: {e}"),
            }
        })
    }
}

/// What the app should do to send the shopper to the payment app.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum OpenPlan {
    /// iOS: if `UIApplication.shared.canOpenURL(url)`, open `url`; else
    /// open `appStoreUrl` when there is one. `queryScheme` must be listed
    /// under `LSApplicationQueriesSchemes` in `Info.plist`.
    IosOpenApp {
        /// The deeplink.
        url: String,
        /// The scheme to list under `LSApplicationQueriesSchemes`.
        query_scheme: String,
        /// Where to get the app (none in the test environment).
        app_store_url: Option<String>,
    },
    /// Android: start `Intent(Intent.ACTION_VIEW, Uri.parse(url))`; on
    /// `ActivityNotFoundException`, open `playStoreUrl` the same way.
    AndroidViewIntent {
        /// The deeplink.
        url: String,
        /// The payment app's package (none in the test environment).
        package: Option<String>,
        /// Where to get the app (none in the test environment).
        play_store_url: Option<String>,
    },
    /// Open the landing page (in the system browser from an app).
    OpenLandingPage {
        /// The landing page.
        url: String,
        /// Open it outside the app.
        external_browser: bool,
        /// The shopper confirms the phone number on the page (desktop).
        confirm_phone_number: bool,
    },
    /// The link expired: start a new attempt with a new `orderId`.
    StartNewAttempt {
        /// When the link expired (ms since the epoch).
        expired_at_ms: i64,
    },
}

impl From<core_deeplink::OpenPlan> for OpenPlan {
    fn from(p: core_deeplink::OpenPlan) -> Self {
        use core_deeplink::OpenPlan as P;
        match p {
            P::IosOpenApp {
                url,
                query_scheme,
                app_store_url,
            } => OpenPlan::IosOpenApp {
                url,
                query_scheme,
                app_store_url,
            },
            P::AndroidViewIntent {
                url,
                package,
                play_store_url,
            } => OpenPlan::AndroidViewIntent {
                url,
                package,
                play_store_url,
            },
            P::OpenLandingPage {
                url,
                external_browser,
                confirm_phone_number,
            } => OpenPlan::OpenLandingPage {
                url,
                external_browser,
                confirm_phone_number,
            },
            P::StartNewAttempt { expired_at } => OpenPlan::StartNewAttempt {
                expired_at_ms: millis(expired_at),
            },
        }
    }
}

/// Classifies the initiate response's `url`, received at `receivedAtMs`
/// (ms since the epoch; the deadlines count from it).
#[uniffi::export]
pub fn classify_deeplink(url: String, received_at_ms: i64) -> Result<Deeplink, DeeplinkError> {
    let received = timestamp("receivedAtMs", received_at_ms)?;
    let link = core_deeplink::Deeplink::classify(&url, received)?;
    Ok(Deeplink::from(&link))
}

/// The plan for opening `deeplink` on `platform` now (`nowMs`, or the
/// system clock when null). From the link's expiry on, the plan is
/// `StartNewAttempt`.
#[uniffi::export(default(now_ms = None))]
pub fn open_plan(
    deeplink: Deeplink,
    platform: Platform,
    now_ms: Option<i64>,
) -> Result<OpenPlan, DeeplinkError> {
    let now = match now_ms {
        Some(ms) => timestamp("nowMs", ms)?,
        None => convert::now(),
    };
    let received = timestamp("deeplink.receivedAtMs", deeplink.received_at_ms)?;
    let link = core_deeplink::Deeplink::classify(&deeplink.url, received)?;
    Ok(link.open_plan(platform, now)?.into())
}
