//! The page helpers give plain objects shaped as the `.d.ts` says.

use appswitch_wasm::page::{
    build_fallback, check_url, classify_deeplink, default_policy, detect_platform, open_plan,
};
use js_sys::{Array, Object};
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
fn build_fallback_gives_the_url_and_the_expectation() {
    let fb = fallback("shop-1042");
    let url = text(&fb, "url");
    assert!(
        url.starts_with("https://shop.example.no/return?basket=42&orderId=shop-1042&attempt="),
        "{url}"
    );
    assert_eq!(get(&fb, "isApp"), JsValue::FALSE);
    let expectation = get(&fb, "expectation");
    assert_eq!(text(&expectation, "orderId"), "shop-1042");
    let nonce = text(&expectation, "nonce");
    assert_eq!(nonce.len(), 32);
    assert!(url.ends_with(&nonce));
    assert_eq!(text(&get(&expectation, "target"), "kind"), "web");
    assert_eq!(number(&get(&expectation, "target"), "port"), 443.0);
    // A fresh nonce from crypto.getRandomValues for every attempt.
    assert_ne!(
        text(&get(&fallback("shop-1042"), "expectation"), "nonce"),
        nonce
    );

    let local = build_fallback(
        js(r#"{"base":"http://127.0.0.1:8080/back","orderId":"o-1"}"#).unchecked_into(),
    )
    .map(JsValue::from)
    .unwrap();
    assert_eq!(
        Array::from(&get(&local, "warnings")).length(),
        0,
        "local development is fine"
    );
    let plain = build_fallback(
        js(r#"{"base":"http://shop.example.no/back","orderId":"o-1"}"#).unchecked_into(),
    )
    .map(JsValue::from)
    .unwrap();
    let warning = Array::from(&get(&plain, "warnings")).get(0);
    assert_eq!(text(&warning, "rule"), "plain-http");
    assert!(text(&warning, "message").contains("unencrypted"));
}

#[wasm_bindgen_test]
fn check_url_says_which_rule_a_url_breaks() {
    let ok: JsValue = check_url("https://shop.example.no/return".into(), None)
        .unwrap()
        .into();
    assert_eq!(get(&ok, "ok"), JsValue::TRUE);
    assert_eq!(Array::from(&get(&ok, "warnings")).length(), 0);
    let broken: JsValue = check_url("https://localhost/return".into(), None)
        .unwrap()
        .into();
    assert_eq!(get(&broken, "ok"), JsValue::FALSE);
    assert_eq!(text(&broken, "rule"), "localhost");
    assert!(text(&broken, "message").contains("127.0.0.1"));
    let callback: JsValue = check_url(
        "https://shop.example.no:8443/cb".into(),
        Some(js(r#""callback""#).unchecked_into()),
    )
    .unwrap()
    .into();
    let warning = Array::from(&get(&callback, "warnings")).get(0);
    assert_eq!(text(&warning, "rule"), "uncommon-callback-port");
    assert_eq!(number(&warning, "port"), 8443.0);
    let app: JsValue = check_url("vipps://back".into(), Some(js(r#""app""#).unchecked_into()))
        .unwrap()
        .into();
    assert_eq!(text(&app, "rule"), "app-scheme-not-allowed");
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
