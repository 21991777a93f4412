//! Bad input from JavaScript is an `AppSwitchError` naming the field and
//! the rule — never a panic: after all of it the module still answers.

use appswitch_core::shopper::pending::STORAGE_KEY;
use appswitch_wasm::page::{classify_deeplink, open_plan};
use appswitch_wasm::tracker::{resume, resume_pending, track};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use crate::support::*;

fn track_js(options: JsValue) -> Result<appswitch_wasm::tracker::Tracker, JsValue> {
    track(options.unchecked_into())
}

#[wasm_bindgen_test]
async fn bad_input_is_a_typed_error_and_the_module_carries_on() {
    let order = order("misuse");
    let fb = fallback(&order);
    let good = || track_options(&order, &fb, FAST);
    let with = |key: &str, value: JsValue| {
        let options = good();
        js_sys::Reflect::set(&options, &key.into(), &value).unwrap();
        options
    };

    // Wrong types and missing fields, each named.
    for (options, needle) in [
        (JsValue::from(5), "must be an object, got a number"),
        (JsValue::NULL, "got null"),
        (js("[]"), "got an array"),
        (js("{}"), "`statusUrl` must be a string, got undefined"),
        (
            with("statusUrl", 42.into()),
            "`statusUrl` must be a string, got a number",
        ),
        (
            with("orderId", JsValue::TRUE),
            "`orderId` must be a string, got a boolean",
        ),
        (with("statusURL", "x".into()), "unknown field `statusURL`"),
        (
            with("expectation", JsValue::UNDEFINED),
            "`expectation` is missing",
        ),
        (
            with("expectation", js(r#"{"orderId":"x"}"#)),
            "`expectation` is not a return expectation",
        ),
        (
            with(
                "expectation",
                js(r#"{"orderId":"x","nonce":"nope","target":{"kind":"web"}}"#),
            ),
            "`expectation`",
        ),
        (
            with("initiatedAt", (-5).into()),
            "`initiatedAt` must be a time in ms",
        ),
        (with("initiatedAt", f64::NAN.into()), "`initiatedAt`"),
        (with("url", "vipps://?token=x".into()), "app deeplink"),
        (with("url", "ftp://x".into()), "scheme `ftp`"),
        (
            with("policy", js(r#"{"pollInterval":"fast"}"#)),
            "`pollInterval` is not valid",
        ),
        (
            with("policy", js(r#"{"pollInterval":1.5}"#)),
            "`pollInterval`",
        ),
        (
            with("policy", js(r#"{"pollIntervall":100}"#)),
            "`pollIntervall` is not valid: unknown field",
        ),
        (
            with("policy", js(r#"{"pollInterval":0}"#)),
            "`pollInterval` must be longer than zero",
        ),
        (
            with("policy", js(r#"{"backoff":{"base":100}}"#)),
            "`backoff` is not valid: missing field `max`",
        ),
        (
            with("policy", 7.into()),
            "policy: the options must be an object",
        ),
        (
            with("orderId", "another-order".into()),
            "return expectation is for order",
        ),
    ] {
        let (code, message) = app_error(track_js(options.clone()));
        assert_eq!(
            code,
            if needle.contains("deeplink") || needle.contains("ftp") {
                "invalid-deeplink"
            } else {
                "invalid-argument"
            },
            "{message}"
        );
        assert!(
            message.contains(needle),
            "{needle:?} not in {message:?} for {}",
            show(&options)
        );
    }

    // The page helpers.
    let (code, _) = app_error(classify_deeplink("nonsense".into(), None));
    assert_eq!(code, "invalid-deeplink");
    let (code, _) = app_error(classify_deeplink(LANDING.into(), Some(-1.0)));
    assert_eq!(code, "invalid-argument");
    let (code, _) = app_error(open_plan(
        LANDING.into(),
        Some(js(r#"{"platform":"android"}"#).unchecked_into()),
    ));
    assert_eq!(code, "invalid-argument");
    let (code, _) = app_error(open_plan("vipps://?token=x".into(), None));
    assert_eq!(code, "invalid-deeplink");

    // Strings that are not strings (wasm-bindgen's own conversion would
    // throw a bare TypeError, or allocate `length` bytes).
    let huge = js(r#"{"length":1e9}"#);
    for (result, needle) in [
        (
            classify_deeplink(5.into(), None).map(JsValue::from),
            "classifyDeeplink: `url` must be a string, got a number",
        ),
        (
            classify_deeplink(huge.clone(), None).map(JsValue::from),
            "classifyDeeplink: `url` must be a string, got an object",
        ),
        (
            open_plan(JsValue::UNDEFINED, None).map(JsValue::from),
            "openPlan: `url` must be a string, got undefined",
        ),
        (
            resume(Some(huge)).map(JsValue::from),
            "resume: `url` must be a string",
        ),
    ] {
        let (code, message) = app_error(result);
        assert_eq!(code, "invalid-argument");
        assert!(message.contains(needle), "{needle:?} not in {message:?}");
    }

    // Calling after stop().
    let (tracker, _) = start(&order, &policy(r#"{"firstPollAfter":60000}"#));
    let (code, _) = app_error(track_js(good()));
    assert_eq!(code, "already-tracking");
    tracker.stop().unwrap();
    for call in [tracker.switched_out(), tracker.stop(), tracker.detach()] {
        let (code, message) = app_error(call);
        assert_eq!(code, "stopped");
        assert!(message.contains(&order), "{message}");
    }
    let (code, message) = app_error(tracker.on_change(JsValue::from(3).unchecked_into()));
    assert_eq!(code, "stopped", "{message}");
    settled(&tracker).await;

    // After all that, the module still works.
    assert_eq!(appswitch_wasm::version(), env!("CARGO_PKG_VERSION"));
    let link: JsValue = classify_deeplink(LANDING.into(), None).unwrap().into();
    assert_eq!(text(&link, "kind"), "landingPage");
    let other = order_and_settle().await;
    assert_eq!(text(&other, "outcome"), "success");
}

async fn order_and_settle() -> JsValue {
    let order = order("after");
    pay(&order, &format!("[{}]", doc(&order, "reserved", "")), FAST).await
}

#[wasm_bindgen_test]
async fn a_listener_that_throws_does_not_stop_the_tracker() {
    let order = order("throws");
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    let (tracker, _) = start(&order, FAST);
    let thrower = js_sys::Function::new_no_args("throw new Error('listener bug')");
    // `reportError` would fail the test run; swallow it for this test.
    let window = web_sys::window().unwrap();
    let report = js_sys::Reflect::get(&window, &"reportError".into()).unwrap();
    js_sys::Reflect::set(
        &window,
        &"reportError".into(),
        &js_sys::Function::new_no_args(""),
    )
    .unwrap();
    tracker.on_change(thrower.clone().unchecked_into()).unwrap();
    tracker.switched_out().unwrap();
    let outcome = settled(&tracker).await;
    js_sys::Reflect::set(&window, &"reportError".into(), &report).unwrap();
    assert_eq!(text(&outcome, "outcome"), "success");
    tracker.off_change(thrower.unchecked_into());
}

#[wasm_bindgen_test]
async fn garbage_in_storage_is_an_empty_store() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let saved = storage.get_item(STORAGE_KEY).unwrap();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for garbage in [
        "garbage{",
        "[]",
        "null",
        r#"{"version":1,"payments":"no"}"#,
        r#"{"version":1,"payments":[{"orderId":5}]}"#,
        r#"{"version":99,"payments":[]}"#,
        &deep,
    ] {
        storage.set_item(STORAGE_KEY, garbage).unwrap();
        let (code, _) = app_error(resume(Some(JsValue::from(format!(
            "{RETURN_PAGE}?orderId=o&attempt={}",
            "0".repeat(32)
        )))));
        assert_eq!(
            code,
            "nothing-pending",
            "{}",
            &garbage[..garbage.len().min(40)]
        );
        assert!(resume_pending().unwrap().is_none());
    }
    // A tracker started over garbage replaces it.
    let order = order("over-garbage");
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    let (tracker, _) = start(&order, FAST);
    tracker.switched_out().unwrap();
    assert_eq!(text(&settled(&tracker).await, "outcome"), "success");
    // The garbage is gone: the store is well-formed again and holds this
    // order once. (Other tests' trackers may still be saving theirs: the
    // browser runs this suite's async tests interleaved.)
    let text_now = storage.get_item(STORAGE_KEY).unwrap().unwrap();
    let store = js(&text_now);
    assert_eq!(get(&store, "version").as_f64(), Some(3.0), "{text_now}");
    let ours = js_sys::Array::from(&get(&store, "payments"))
        .iter()
        .filter(|p| get(p, "orderId").as_string().as_deref() == Some(order.as_str()))
        .count();
    assert_eq!(ours, 1, "{text_now}");
    match saved {
        Some(s) => storage.set_item(STORAGE_KEY, &s).unwrap(),
        None => storage.remove_item(STORAGE_KEY).unwrap(),
    }
}
