//! The Vipps app as data: its URL schemes, the hosts of its landing pages,
//! and where to get it — everything the deeplink plans and the fallback
//! rules need to know about the payment app, in one place.

use core::time::Duration;

use super::limits::{DEEPLINK_VALIDITY, PAYMENT_WINDOW};

/// What appswitch needs to know about a payment app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaymentApp {
    /// Its name, for messages.
    pub name: &'static str,
    /// The scheme of its production deeplinks (`vipps://?token=…`). An iOS
    /// app must list it under `LSApplicationQueriesSchemes` to ask
    /// `canOpenURL` about it.
    pub production_scheme: &'static str,
    /// The scheme of its test-environment deeplinks.
    pub test_scheme: &'static str,
    /// Domains whose hosts (and subdomains) serve production landing pages.
    pub production_domains: &'static [&'static str],
    /// Hosts that serve the test environment's landing pages.
    pub test_hosts: &'static [&'static str],
    /// The App Store page, for iOS when the app is not installed.
    pub app_store_url: &'static str,
    /// The Android package name.
    pub android_package: &'static str,
    /// The Play Store page, for Android when the app is not installed.
    pub play_store_url: &'static str,
    /// How long a deeplink or landing page can be opened after the
    /// initiate answer.
    pub link_validity: Duration,
    /// How long the shopper has in all, from the initiate answer.
    pub payment_window: Duration,
    /// The query parameter an app deeplink must carry (`token` for
    /// `vipps://?token=…`), or `None` when the app's links carry none.
    pub deeplink_token: Option<&'static str>,
}

/// Vipps, as the Vipps eCom API guide describes it.
///
/// - "The URL is for an deeplink, for app-switch to the Vipps app, with
///   `vipps://`" and "In our test environment (MT) the scheme is
///   `vippsMT://`" ("The Vipps deeplink URL", "Payments initiated in an app").
/// - Landing pages: `https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?…`
///   in production; the test environment's API host is `apitest.vipps.no`
///   ("Access token": `POST https://apitest.vipps.no/accesstoken/get`).
/// - "No Vipps app installed: Open app store page."
///   `https://itunes.apple.com/no/app/Vipps-by-dnb/id984380185` ("App-switch on iOS").
/// - "No Vipps app! Open play store page."
///   `https://play.google.com/store/apps/details?id=no.dnb.vipps` ("App-switch on Android";
///   the eCom guide's string starts with a stray space, left out here).
pub const VIPPS: PaymentApp = PaymentApp {
    name: "Vipps",
    production_scheme: "vipps",
    test_scheme: "vippsMT",
    production_domains: &["vipps.no"],
    test_hosts: &["apitest.vipps.no"],
    app_store_url: "https://itunes.apple.com/no/app/Vipps-by-dnb/id984380185",
    android_package: "no.dnb.vipps",
    play_store_url: "https://play.google.com/store/apps/details?id=no.dnb.vipps",
    link_validity: DEEPLINK_VALIDITY,
    payment_window: PAYMENT_WINDOW,
    deeplink_token: Some("token"),
};
