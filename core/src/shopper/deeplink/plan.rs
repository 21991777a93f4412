//! How to open a deeplink on each platform, as plain data the bindings hand
//! to the host (Vipps eCom API guide, "App-switch on iOS", "App-switch on Android",
//! "The Vipps landing page", "Desktop flow").

use serde::{Deserialize, Serialize};

use super::{Deeplink, DeeplinkError, Environment, LinkKind, app_for_scheme};
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::app::VIPPS;
use crate::shopper::platform::Platform;

/// What the host should do to send the shopper to the payment app.
///
/// In JSON it is tagged with `action`:
/// `{"action": "iosOpenApp", "url": "vipps://?token=…", "queryScheme": "vipps", "appStoreUrl": "https://…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum OpenPlan {
    /// iOS: if `UIApplication.shared.canOpenURL(url)`, `open(url)`; else,
    /// when there is one, open `app_store_url` — "No Vipps app installed:
    /// Open app store page" (Vipps eCom API guide). `canOpenURL` only answers for
    /// schemes the app lists under `LSApplicationQueriesSchemes` in its
    /// `Info.plist`, so `query_scheme` must be there. "Once user installs
    /// Vipps, calling app needs to initiate deeplinking again": ask for the
    /// plan again, which says whether the link is still valid.
    IosOpenApp {
        /// The deeplink.
        url: String,
        /// The scheme to list under `LSApplicationQueriesSchemes`.
        query_scheme: String,
        /// Where to get the app; `None` in the test environment, whose app
        /// is not in the App Store (the eCom guide names only the production one).
        app_store_url: Option<String>,
    },
    /// Android: start `Intent(Intent.ACTION_VIEW, Uri.parse(url))` with
    /// `startActivityForResult` (so that an `INTENT` fallback comes back in
    /// `onActivityResult`); if no activity handles it
    /// (`ActivityNotFoundException`), open `play_store_url` the same way —
    /// "No Vipps app! Open play store page." (Vipps eCom API guide). Trying the intent is
    /// more reliable than looking `package` up first: since Android 11,
    /// `getPackageInfo` only sees packages declared under `<queries>` in the
    /// manifest.
    AndroidViewIntent {
        /// The deeplink.
        url: String,
        /// The payment app's package (`None` in the test environment).
        package: Option<String>,
        /// Where to get the app (`None` in the test environment).
        play_store_url: Option<String>,
    },
    /// Open the landing page. A web checkout navigates to it
    /// (`location.assign(url)`); a native app opens it in the system browser
    /// (`external_browser`). On a phone it switches to the payment app by
    /// itself; on a desktop the shopper enters or confirms the phone number
    /// there and pays on the phone (`confirm_phone_number`).
    OpenLandingPage {
        /// The landing page.
        url: String,
        /// Open it outside the app, in the system browser.
        external_browser: bool,
        /// The shopper confirms the phone number on the page.
        confirm_phone_number: bool,
    },
    /// The link has expired: "The deeplink URL is only valid for five
    /// minutes. Attempts at using it after that will result in a timeout and
    /// an error." Start a new attempt — a new initiate with a **new
    /// `orderId`** ("The initiate call is not idempotent", Vipps eCom API guide), a new
    /// fallback nonce, a new deeplink.
    StartNewAttempt {
        /// When the old link expired.
        expired_at: Timestamp,
    },
}

impl Deeplink {
    /// The plan for opening this link on `platform` at `now`.
    ///
    /// An app deeplink cannot be opened from a web page (it is what
    /// `isApp: true` asks for, and only a native app sends that); every other
    /// combination has a plan. From
    /// [`link_valid_until`](super::Deadlines::link_valid_until) on, the plan
    /// is always [`OpenPlan::StartNewAttempt`].
    pub fn open_plan(&self, platform: Platform, now: Timestamp) -> Result<OpenPlan, DeeplinkError> {
        if self.kind == LinkKind::App && !platform.is_native_app() {
            return Err(DeeplinkError::AppLinkOnWeb { platform });
        }
        if self.is_expired(now) {
            return Ok(OpenPlan::StartNewAttempt {
                expired_at: self.deadlines.link_valid_until,
            });
        }
        let production = self.environment == Environment::Production;
        let store = |url: &str| production.then(|| url.to_string());
        let scheme = crate::shopper::url::written_scheme(&self.url);
        let app = scheme
            .and_then(app_for_scheme)
            .map_or(&VIPPS, |(app, _)| app);
        let url = self.url.clone();
        Ok(match (self.kind, platform) {
            (LinkKind::App, Platform::Ios) => OpenPlan::IosOpenApp {
                query_scheme: scheme.unwrap_or(app.production_scheme).to_string(),
                url,
                app_store_url: store(app.app_store_url),
            },
            (LinkKind::App, Platform::Android) => OpenPlan::AndroidViewIntent {
                url,
                package: store(app.android_package),
                play_store_url: store(app.play_store_url),
            },
            (LinkKind::LandingPage, platform) => OpenPlan::OpenLandingPage {
                url,
                external_browser: platform.is_native_app(),
                confirm_phone_number: platform == Platform::DesktopWeb,
            },
            (LinkKind::App, Platform::MobileWeb | Platform::DesktopWeb) => {
                return Err(DeeplinkError::AppLinkOnWeb { platform });
            }
        })
    }
}
