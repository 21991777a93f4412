//! The apps an ePayment `redirectUrl` can open, as data for the shopper
//! floor's deeplink plans: Vipps (Norway), and MobilePay (Denmark and
//! Finland) — "The ePayment API enables your customers to pay with Vipps or
//! MobilePay" (ePayment API guide, "Introduction").

use super::super::vipps_ecom::app::{PaymentApp, VIPPS};
use super::super::vipps_ecom::limits::{DEEPLINK_VALIDITY, PAYMENT_WINDOW};

/// MobilePay, the app of Denmark and Finland.
///
/// - Scheme `mobilepay`: MobilePay's own app-switch links are
///   `mobilepay://merchant_payments?payment_id=…` (MobilePay App Payments
///   API guide, "Initiate payment": `mobilePayAppRedirectUri`). Such a link
///   carries no `token`, so none is required. No test-environment scheme is
///   published: `test_scheme` is empty and never matches.
/// - Landing pages: the brand's domains `mobilepay.dk` and `mobilepay.fi`;
///   the ePayment API's own examples use Vipps MobilePay hosts under
///   `vipps.no` ("`https://landing.vipps.no?token=…`", specification,
///   `CreatePaymentResponse`), which [`VIPPS`] already covers.
/// - Stores: `https://apps.apple.com/dk/app/mobilepay/id624499138` and
///   `https://play.google.com/store/apps/details?id=dk.danskebank.mobilepay`
///   (package `dk.danskebank.mobilepay`).
/// - Time limits: "a user has a total of 10 minutes to accept a payment …
///   5 minutes to open the payment request in the app, 5 minutes to
///   approve it after opening" (knowledge base, "Timeouts") — as Vipps.
pub const MOBILEPAY: PaymentApp = PaymentApp {
    name: "MobilePay",
    production_scheme: "mobilepay",
    test_scheme: "",
    production_domains: &["mobilepay.dk", "mobilepay.fi"],
    test_hosts: &[],
    app_store_url: "https://apps.apple.com/dk/app/mobilepay/id624499138",
    android_package: "dk.danskebank.mobilepay",
    play_store_url: "https://play.google.com/store/apps/details?id=dk.danskebank.mobilepay",
    link_validity: DEEPLINK_VALIDITY,
    payment_window: PAYMENT_WINDOW,
    deeplink_token: None,
};

/// Every app a Vipps MobilePay link can open, Vipps first.
pub const APPS: [&PaymentApp; 2] = [&VIPPS, &MOBILEPAY];
