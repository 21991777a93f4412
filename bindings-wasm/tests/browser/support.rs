//! Helpers: the scripted backend (`tests/backend`), plain JS objects from
//! JSON text, short tracking policies, awaiting promises.

use core::cell::Cell;

use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget};
use appswitch_wasm::tracker::{Tracker, track};
use gloo_net::http::Request;
use js_sys::{JSON, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The scripted backend's base URL, set by `cargo xtask test` when it
/// builds these tests. Without it the tests fail at their first request.
pub const BACKEND: &str = match option_env!("APPSWITCH_TEST_BACKEND") {
    Some(url) => url,
    None => "http://127.0.0.1:9",
};

/// A landing page URL, as the initiate answer gives it (never opened).
pub const LANDING: &str =
    "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x";

/// The fallback page of the tests.
pub const RETURN_PAGE: &str = "https://shop.example.no/return";

thread_local! {
    static NEXT: Cell<u32> = const { Cell::new(0) };
}

/// An order id no other test (or earlier run) uses.
pub fn order(name: &str) -> String {
    let n = NEXT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    // 1–30 characters of a-z A-Z 0-9 `-`.
    let stamp = (js_sys::Date::now() as u64) % 10_000_000;
    format!("{name}-{stamp}-{n}")
}

/// A JS value from JSON text.
pub fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or_else(|e| panic!("bad test JSON {json}: {e:?}"))
}

/// `value[key]`.
pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

/// `value[key]` as a string.
pub fn text(value: &JsValue, key: &str) -> String {
    get(value, key)
        .as_string()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {}", show(value)))
}

/// `value[key]` as a number.
pub fn number(value: &JsValue, key: &str) -> f64 {
    get(value, key)
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` is not a number in {}", show(value)))
}

/// `JSON.stringify(value)`, for messages.
pub fn show(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Sleeps `ms` milliseconds (lets the tracker run).
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// The status URL of `order` on the scripted backend.
pub fn status_url(order: &str) -> String {
    format!("{BACKEND}/status/{order}")
}

/// Scripts the backend's answers for `order` (a JSON array of steps:
/// `{status, body, raw, delayMs, headers}`).
pub async fn script(order: &str, steps: &str) {
    let response = Request::put(&format!("{BACKEND}/script/{order}"))
        .body(steps)
        .unwrap()
        .send()
        .await
        .unwrap_or_else(|e| panic!("the scripted backend at {BACKEND} is not there: {e}"));
    assert_eq!(response.status(), 204, "script for {order}: {steps}");
}

/// What the backend saw for `order`: `[{atMs, wait, answered}]`.
pub async fn requests(order: &str) -> Vec<JsValue> {
    let response = Request::get(&format!("{BACKEND}/requests/{order}"))
        .send()
        .await
        .unwrap();
    let list = js(&response.text().await.unwrap());
    js_sys::Array::from(&list).iter().collect()
}

/// A status document step with `status` (and its `final` flag).
pub fn doc(order: &str, status: &str, extra: &str) -> String {
    let final_ = !matches!(status, "initiated" | "unknown");
    format!(
        r#"{{"status":200,"body":{{"version":1,"orderId":"{order}","provider":"vipps","status":"{status}","final":{final_}{extra}}}}}"#
    )
}

/// A policy that makes tests fast: short polls, timeouts and backoff.
pub const FAST: &str = r#"{"firstPollAfter":50,"pollInterval":100,"connectTimeout":200,"readTimeout":400,
    "backoff":{"base":100,"max":200},"returnDebounce":20}"#;

/// `policy` over [`FAST`] (a JSON object's fields).
pub fn policy(changes: &str) -> String {
    let merged: js_sys::Object =
        js_sys::Object::assign(&js(FAST).unchecked_into(), &js(changes).unchecked_into());
    show(&merged)
}

/// The fallback of `order` (with a merchant parameter `basket=42`), as
/// the merchant's backend builds it with the core and hands it to the page.
pub fn fallback(order: &str) -> JsValue {
    let spec = FallbackSpec::new(
        Platform::MobileWeb,
        FallbackTarget::Web {
            base: RETURN_PAGE.into(),
        },
        order,
    )
    .with_param("basket", "42");
    let nonce = AttemptNonce::from_random(appswitch_wasm::browser::random_bytes().unwrap());
    let built = spec
        .build(nonce)
        .unwrap_or_else(|e| panic!("FallbackSpec::build: {e}"));
    appswitch_wasm::json::to_js(&built).unwrap()
}

/// `track()` options for `order` with `policy` (JSON text).
pub fn track_options(order: &str, fallback: &JsValue, policy: &str) -> JsValue {
    let options = js(&format!(
        r#"{{"statusUrl":"{}","orderId":"{order}","url":"{LANDING}","policy":{policy}}}"#,
        status_url(order)
    ));
    Reflect::set(
        &options,
        &"expectation".into(),
        &get(fallback, "expectation"),
    )
    .unwrap();
    options
}

/// Tracks `order` with `policy`; returns the tracker and the fallback.
pub fn start(order: &str, policy: &str) -> (Tracker, JsValue) {
    let fb = fallback(order);
    let tracker = track(track_options(order, &fb, policy).unchecked_into())
        .unwrap_or_else(|e| panic!("track: {}", show(&e)));
    (tracker, fb)
}

/// The outcome the tracker settles with.
pub async fn settled(tracker: &Tracker) -> JsValue {
    JsFuture::from(tracker.settled())
        .await
        .unwrap_or_else(|e| panic!("settled rejected: {}", show(&e)))
}

/// The `AppSwitchError` in `result`, checked to be one, with its code.
pub fn app_error<T>(result: Result<T, JsValue>) -> (String, String) {
    let Err(e) = result else {
        panic!("expected an AppSwitchError, got a value")
    };
    assert!(
        e.is_instance_of::<js_sys::Error>(),
        "not an Error: {}",
        show(&e)
    );
    assert!(appswitch_wasm::is_app_switch_error(e.clone()), "{e:?}");
    assert_eq!(text(&e, "name"), "AppSwitchError");
    (text(&e, "code"), text(&e, "message"))
}

/// Scripts `steps` for `order`, tracks it with `policy`, reports the switch
/// to the payment app and waits for the outcome.
pub async fn pay(order: &str, steps: &str, policy: &str) -> JsValue {
    script(order, steps).await;
    let (tracker, _) = start(order, policy);
    tracker.switched_out().unwrap();
    settled(&tracker).await
}
