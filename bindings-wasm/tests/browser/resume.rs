//! The pending payment in `localStorage`: saved at once, resumed after a
//! reload on the fallback page, refused for a forged or stale return.

use appswitch_core::shopper::pending::{PendingStore, STORAGE_KEY};
use appswitch_wasm::tracker::{resume, resume_pending};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use crate::support::*;

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// The order ids in the stored pending store, read the way the module
/// reads it (the stored form is the core's compact codec).
fn stored_orders() -> Vec<String> {
    let text = storage().get_item(STORAGE_KEY).unwrap().unwrap_or_default();
    let store = PendingStore::from_json(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    store
        .payments()
        .iter()
        .map(|p| p.order_id.clone())
        .collect()
}

#[wasm_bindgen_test]
async fn a_reloaded_fallback_page_resumes_from_storage() {
    let order = order("reload");
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    let (tracker, fb) = start(&order, FAST);
    // Saved at once, before the page navigates to the landing page.
    assert!(stored_orders().contains(&order), "{:?}", stored_orders());

    // The page goes away (same-tab navigation): nothing was fetched.
    tracker.detach().unwrap();
    drop(tracker);
    sleep(50).await;
    assert!(requests(&order).await.is_empty());

    // The fallback page loads; the provider appended its `status`.
    let back = format!("{}&status=301", text(&fb, "url"));
    let resumed =
        resume(Some(JsValue::from(back.clone()))).unwrap_or_else(|e| panic!("{}", show(&e)));
    let returned: JsValue = resumed.returned().unwrap().into();
    assert_eq!(text(&returned, "orderId"), order);
    assert_eq!(text(&returned, "via"), "webPage");
    let param = js_sys::Array::from(&get(&returned, "params")).get(0);
    assert_eq!(
        (text(&param, "name"), text(&param, "value")),
        ("basket".into(), "42".into())
    );

    let outcome = settled(&resumed).await;
    assert_eq!(text(&outcome, "outcome"), "success", "{}", show(&outcome));
    assert_eq!(requests(&order).await.len(), 1, "checked once, at once");

    // Reloaded again after it settled: the outcome, without asking again.
    drop(resumed);
    let again = resume(Some(JsValue::from(back))).unwrap();
    let outcome = settled(&again).await;
    assert_eq!(text(&outcome, "outcome"), "success");
    assert_eq!(requests(&order).await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_detached_tracker_rejects_with_detached_and_takes_no_more_calls() {
    let order = order("detach");
    let (tracker, _) = start(&order, &policy(r#"{"firstPollAfter":60000}"#));
    tracker.detach().unwrap();
    let rejected = wasm_bindgen_futures::JsFuture::from(tracker.settled()).await;
    let (code, message) = app_error(rejected);
    assert_eq!(code, "detached");
    assert!(message.contains(&order), "{message}");
    let (code, message) = app_error(tracker.switched_out());
    assert_eq!(code, "stopped");
    assert!(message.contains("switchedOut"), "{message}");
}

#[wasm_bindgen_test]
async fn the_order_page_resumes_the_latest_unsettled_payment() {
    let order = order("latest");
    script(
        &order,
        &format!(
            "[{}]",
            doc(&order, "failed", r#","reason":"insufficient funds""#)
        ),
    )
    .await;
    let (tracker, _) = start(&order, FAST);
    tracker.switched_out().unwrap();
    tracker.detach().unwrap();
    let resumed = resume_pending().unwrap().expect("a pending payment");
    assert_eq!(resumed.order_id(), order);
    let outcome = settled(&resumed).await;
    assert_eq!(text(&outcome, "outcome"), "failed", "{}", show(&outcome));
    assert_eq!(text(&outcome, "reason"), "insufficient funds");
    // Settled now: not the latest unsettled one any more.
    let next = resume_pending().unwrap();
    assert!(next.is_none_or(|t| t.order_id() != order));
}

#[wasm_bindgen_test]
async fn a_second_resume_on_the_same_page_joins_the_running_tracker() {
    let order = order("join");
    script(
        &order,
        &format!(
            "[{}, {}]",
            doc(&order, "initiated", ""),
            doc(&order, "reserved", "")
        ),
    )
    .await;
    let (tracker, fb) = start(&order, &policy(r#"{"pollInterval":300}"#));
    let back = text(&fb, "url");
    let first = resume(Some(JsValue::from(back.clone()))).unwrap();
    let second = resume(Some(JsValue::from(back))).unwrap();
    assert_eq!(settled(&second).await, settled(&first).await);
    assert_eq!(text(&settled(&tracker).await, "outcome"), "success");
    assert_eq!(requests(&order).await.len(), 2, "one tracker, not three");
}

#[wasm_bindgen_test]
async fn forged_and_stale_returns_are_refused() {
    let order = order("forged");
    let (tracker, fb) = start(&order, &policy(r#"{"firstPollAfter":60000}"#));
    let url = text(&fb, "url");
    let nonce = text(&get(&fb, "expectation"), "nonce");
    let forged = url.replace(&nonce, &"0".repeat(32));
    let (code, message) = app_error(resume(Some(JsValue::from(forged))));
    assert_eq!(code, "forged-return");
    assert!(
        message.contains(&order) && message.contains("attempt"),
        "{message}"
    );

    let (code, message) = app_error(resume(Some(JsValue::from(
        url.replace(&order, "someone-else"),
    ))));
    assert_eq!(code, "unknown-order", "{message}");
    assert!(message.contains("someone-else"), "{message}");

    let (code, _) = app_error(resume(Some(JsValue::from(
        "https://evil.example/return?orderId=x",
    ))));
    assert!(
        matches!(code.as_str(), "unknown-order" | "forged-return"),
        "{code}"
    );
    tracker.stop().unwrap();
    assert_eq!(
        requests(&order).await.len(),
        0,
        "a refused return fetches nothing"
    );
}
