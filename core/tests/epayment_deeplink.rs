//! An ePayment `redirectUrl`, per `userFlow`, through the shopper floor's
//! deeplink plans: Vipps and MobilePay links open the right app, or its
//! store page.
#![cfg(feature = "raw-vipps")]
#![allow(clippy::unwrap_used, clippy::panic)]

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_epayment::app::MOBILEPAY;
use appswitch_core::providers::vipps_epayment::{CreatePaymentResponse, Redirect, UserFlow};
use appswitch_core::shopper::deeplink::{Deeplink, Environment, LinkKind, OpenPlan};
use appswitch_core::shopper::platform::Platform;

fn open(flow: UserFlow, url: &str) -> Deeplink {
    let response = CreatePaymentResponse {
        redirect_url: Some(url.into()),
        reference: "acme-shop-123-order123abc".into(),
    };
    let plan = Redirect::for_response(flow, &response).unwrap();
    Deeplink::classify(plan.url_to_open().unwrap(), Timestamp::from_millis(1_000)).unwrap()
}

#[test]
fn a_web_redirect_is_a_landing_page() {
    // ePayment API specification, `CreatePaymentResponse` ("UrlRedirect").
    let link = open(
        UserFlow::WebRedirect,
        "https://landing.vipps.no?token=eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1Ni",
    );
    assert_eq!(
        (link.kind, link.environment),
        (LinkKind::LandingPage, Environment::Production)
    );
    match link
        .open_plan(Platform::MobileWeb, Timestamp::from_millis(2_000))
        .unwrap()
    {
        OpenPlan::OpenLandingPage {
            external_browser, ..
        } => assert!(!external_browser),
        other => panic!("{other:?}"),
    }
}

#[test]
fn native_redirects_open_vipps_or_mobilepay() {
    let vipps = open(UserFlow::NativeRedirect, "vippsMT://?token=abc123");
    assert_eq!(
        (vipps.kind, vipps.environment),
        (LinkKind::App, Environment::Test)
    );

    let mp = open(
        UserFlow::NativeRedirect,
        "mobilepay://merchant_payments?payment_id=186d2b31-ff25-4414-9fd1-bfe9807fa8b7",
    );
    assert_eq!(
        (mp.kind, mp.environment),
        (LinkKind::App, Environment::Production)
    );
    let now = Timestamp::from_millis(2_000);
    match mp.open_plan(Platform::Ios, now).unwrap() {
        OpenPlan::IosOpenApp {
            query_scheme,
            app_store_url,
            ..
        } => {
            assert_eq!(query_scheme, "mobilepay");
            assert_eq!(app_store_url.as_deref(), Some(MOBILEPAY.app_store_url));
        }
        other => panic!("{other:?}"),
    }
    match mp.open_plan(Platform::Android, now).unwrap() {
        OpenPlan::AndroidViewIntent {
            package,
            play_store_url,
            ..
        } => {
            assert_eq!(package.as_deref(), Some("dk.danskebank.mobilepay"));
            assert_eq!(play_store_url.as_deref(), Some(MOBILEPAY.play_store_url));
        }
        other => panic!("{other:?}"),
    }
    // Ten minutes in all, five to open: as Vipps (knowledge base, "Timeouts").
    assert_eq!(mp.deadlines, vipps.deadlines);
    // A Vipps deeplink still needs its token; a MobilePay one has none.
    assert!(Deeplink::classify("vipps://?x=1", now).is_err());
    assert!(Deeplink::classify("mobilepay://", now).is_ok());
}
