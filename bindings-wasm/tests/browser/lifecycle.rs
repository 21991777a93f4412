//! The page's lifecycle reaches the tracker: coming back to the page polls
//! at once, hidden pages pause, the network coming back polls.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Event, PageTransitionEvent, PageTransitionEventInit};

use crate::support::*;

/// Makes `document.visibilityState` say `state` (headless Chromium is
/// always visible) and fires `visibilitychange`.
fn set_visibility(state: &str) {
    let document = web_sys::window().unwrap().document().unwrap();
    let descriptor = Object::new();
    let value = JsValue::from_str(state);
    Reflect::set(&descriptor, &"value".into(), &value).unwrap();
    Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
    Object::define_property(&document, &"visibilityState".into(), &descriptor);
    document
        .dispatch_event(&Event::new("visibilitychange").unwrap())
        .unwrap();
}

/// Back to the browser's own `visibilityState`.
fn restore_visibility() {
    let document = web_sys::window().unwrap().document().unwrap();
    Reflect::delete_property(&document, &"visibilityState".into()).unwrap();
}

fn fire(name: &str) {
    web_sys::window()
        .unwrap()
        .dispatch_event(&Event::new(name).unwrap())
        .unwrap();
}

/// A policy whose first poll is a minute away: any request before then
/// came from the page's lifecycle.
fn patient() -> String {
    policy(r#"{"firstPollAfter":60000,"pollInterval":60000}"#)
}

#[wasm_bindgen_test]
async fn coming_back_to_the_page_polls_at_once() {
    let order = order("visible");
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    let (tracker, _) = start(&order, &patient());
    tracker.switched_out().unwrap();
    let phases: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = Rc::clone(&phases);
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        log.borrow_mut().push(text(&p, "phase"))
    });
    tracker
        .on_change(listener.as_ref().clone().unchecked_into())
        .unwrap();

    set_visibility("hidden"); // the shopper is in the payment app
    sleep(50).await;
    assert!(requests(&order).await.is_empty());
    assert_eq!(
        phases.borrow().last().map(String::as_str),
        Some("paused"),
        "{phases:?}"
    );

    set_visibility("visible"); // … and back
    restore_visibility();
    let outcome = settled(&tracker).await;
    assert_eq!(text(&outcome, "outcome"), "success");
    assert_eq!(requests(&order).await.len(), 1, "one check, on return");
}

#[wasm_bindgen_test]
async fn a_page_restored_from_the_back_forward_cache_polls_at_once() {
    let order = order("bfcache");
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    // Not even switched out: the page navigated to the landing page and
    // the shopper came back with the back button.
    let (tracker, _) = start(&order, &patient());
    sleep(20).await;
    let init = PageTransitionEventInit::new();
    init.set_persisted(true);
    let restored = PageTransitionEvent::new_with_event_init_dict("pageshow", &init).unwrap();
    web_sys::window()
        .unwrap()
        .dispatch_event(&restored)
        .unwrap();
    let outcome = settled(&tracker).await;
    assert_eq!(text(&outcome, "outcome"), "success");
    assert_eq!(requests(&order).await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_plain_pageshow_before_the_switch_fetches_nothing() {
    let order = order("pageshow");
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    let (tracker, _) = start(&order, &patient());
    fire("pageshow");
    set_visibility("visible");
    restore_visibility();
    sleep(100).await;
    assert!(
        requests(&order).await.is_empty(),
        "still on the checkout page"
    );
    tracker.stop().unwrap();
}

#[wasm_bindgen_test]
async fn the_network_coming_back_polls_at_once() {
    let order = order("online");
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    let (tracker, _) = start(&order, &patient());
    tracker.switched_out().unwrap();
    fire("offline");
    sleep(30).await;
    let progress: JsValue = tracker.progress().unwrap().into();
    assert_eq!(text(&progress, "phase"), "offline");
    assert!(requests(&order).await.is_empty());
    fire("online");
    let outcome = settled(&tracker).await;
    assert_eq!(text(&outcome, "outcome"), "success");
    assert_eq!(requests(&order).await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_settled_tracker_no_longer_listens_to_the_page() {
    let order = order("unlisten");
    script(&order, &format!("[{}]", doc(&order, "initiated", ""))).await;
    let (tracker, _) = start(&order, &patient());
    tracker.switched_out().unwrap();
    tracker.stop().unwrap();
    assert_eq!(text(&settled(&tracker).await, "reason"), "stopped");
    set_visibility("hidden");
    set_visibility("visible");
    restore_visibility();
    fire("online");
    sleep(50).await;
    assert!(requests(&order).await.is_empty());
}
