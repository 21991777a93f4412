//! The page helpers give plain objects shaped as the `.d.ts` says.

use appswitch_wasm::page::{classify_deeplink, default_policy, detect_platform, open_plan};
use js_sys::Object;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use crate::support::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_module_loads_in_a_real_browser() {
    assert_eq!(appswitch_wasm::version(), env!("CARGO_PKG_VERSION"));
    assert!(!appswitch_wasm::is_app_switch_error(
        js_sys::Error::new("x").into()
    ));
    assert!(!appswitch_wasm::is_app_switch_error(JsValue::NULL));
}

#[wasm_bindgen_test]
fn the_backends_fallback_is_what_track_takes() {
    // The backend builds the fallback with the core and sends its JSON.
    let fb = fallback("shop-1042");
    let url = text(&fb, "url");
    assert!(
        url.starts_with("https://shop.example.no/return?basket=42&orderId=shop-1042&attempt="),
        "{url}"
    );
    let expectation = get(&fb, "expectation");
    assert_eq!(text(&expectation, "orderId"), "shop-1042");
    assert!(url.ends_with(&text(&expectation, "nonce")));
    assert_eq!(text(&get(&expectation, "target"), "kind"), "web");
    assert_eq!(number(&get(&expectation, "target"), "port"), 443.0);
    let tracker =
        appswitch_wasm::tracker::track(track_options("shop-1042", &fb, FAST).unchecked_into())
            .unwrap();
    tracker.detach().unwrap();
}

/// The page's `URL` takes a URL apart as the `url` crate does (both are the
/// WHATWG URL Standard), so the core's return and deeplink rules read the
/// same parts in the browser as on a backend or in an app.
#[wasm_bindgen_test]
fn the_pages_url_splits_as_the_url_crate_does() {
    use appswitch_core::shopper::url::UrlParts;
    for url in [
        "https://shop.example.no/return?a=1&attempt=x?status=301",
        "HTTPS://Bücher.de:443/a/../r/./s?x=%C3%A6#top",
        "http://127.0.0.1:8080/r",
        "http://[::FFFF:10.0.0.1]:3000/",
        "https://user:pw@shop.example.no./r",
        "https://shop.example.no/r?q=a b'c&d=\u{e6}",
        "https://shop.example.no/%7Er/%2e%2e/x",
        "https://SHOP.example.no:0/",
        "vipps://?token=abc",
        "vippsMT://?v=2&token=abc",
        "merchantapp://Result/path?myAppData",
        "merchantapp:result?x",
        "com.example.shop:/pay",
    ] {
        assert_eq!(
            appswitch_wasm::browser::split_url(url),
            UrlParts::parse(url),
            "{url}"
        );
    }
    for not_a_url in [
        "",
        "not a url",
        "/return?orderId=o",
        "https://[::1/",
        "https://shop.no:99999/",
    ] {
        assert_eq!(
            appswitch_wasm::browser::split_url(not_a_url),
            None,
            "{not_a_url}"
        );
        assert_eq!(UrlParts::parse(not_a_url), None, "{not_a_url}");
    }
}

#[wasm_bindgen_test]
fn deeplinks_are_classified_and_planned_for_this_browser() {
    let received = 1_700_000_000_000.0;
    let link: JsValue = classify_deeplink(LANDING.into(), Some(received))
        .unwrap()
        .into();
    assert_eq!(text(&link, "kind"), "landingPage");
    assert_eq!(text(&link, "environment"), "production");
    let deadlines = get(&link, "deadlines");
    assert_eq!(number(&deadlines, "linkValidUntil"), received + 300_000.0);
    assert_eq!(number(&deadlines, "paymentDeadline"), received + 600_000.0);

    let desktop: JsValue = open_plan(
        LANDING.into(),
        Some(js(r#"{"platform":"desktopWeb"}"#).unchecked_into()),
    )
    .unwrap()
    .into();
    assert_eq!(text(&desktop, "action"), "openLandingPage");
    assert_eq!(get(&desktop, "confirmPhoneNumber"), JsValue::TRUE);
    assert_eq!(get(&desktop, "externalBrowser"), JsValue::FALSE);
    let mobile: JsValue = open_plan(
        LANDING.into(),
        Some(js(r#"{"platform":"mobileWeb"}"#).unchecked_into()),
    )
    .unwrap()
    .into();
    assert_eq!(get(&mobile, "confirmPhoneNumber"), JsValue::FALSE);
    let expired: JsValue = open_plan(
        LANDING.into(),
        Some(js(r#"{"receivedAt":1000}"#).unchecked_into()),
    )
    .unwrap()
    .into();
    assert_eq!(text(&expired, "action"), "startNewAttempt");
    assert_eq!(number(&expired, "expiredAt"), 301_000.0);
    // Headless Chromium on a server is a computer.
    let here: JsValue = detect_platform().into();
    assert_eq!(here.as_string().as_deref(), Some("desktopWeb"));
}

#[wasm_bindgen_test]
fn the_default_policy_has_every_field_in_milliseconds() {
    let policy: JsValue = default_policy().unwrap().into();
    assert_eq!(number(&policy, "firstPollAfter"), 5000.0);
    assert_eq!(number(&policy, "pollInterval"), 2000.0);
    assert_eq!(number(&policy, "connectTimeout"), 1000.0);
    assert_eq!(number(&policy, "readTimeout"), 5000.0);
    assert_eq!(number(&policy, "rateCap"), 120.0);
    assert_eq!(text(&get(&policy, "whileHidden"), "mode"), "pause");
    let keys: Vec<String> = Object::keys(policy.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert!(keys.contains(&"longPoll".to_string()), "{keys:?}");
    assert_eq!(keys.len(), 14, "{keys:?}");
}
