//! `resumeReturn`: the fallback page opened in another browser (iOS sends
//! the shopper back to Safari), with nothing in `localStorage` for the
//! payment. The backend vouches for the return, or refuses it, and
//! nothing is stored or tracked unless it vouched.

use appswitch_core::shopper::pending::{PendingStore, STORAGE_KEY};
use appswitch_wasm::return_check::resume_return;
use gloo_net::http::Request;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

use wasm_bindgen_test::*;

use crate::support::*;

fn stored(order: &str) -> bool {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let text = storage.get_item(STORAGE_KEY).unwrap().unwrap_or_default();
    PendingStore::from_stored(Some(&text)).get(order).is_some()
}

/// The fallback URL the backend built (and so issued the token of) for
/// `order` — on the checkout page, in the other browser.
async fn fallback_from_backend(order: &str) -> String {
    let response = Request::post(&format!("{BACKEND}/fallback/{order}"))
        .body(format!(
            r#"{{"base":"{RETURN_PAGE}","params":{{"basket":"42"}}}}"#
        ))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    text(&js(&response.text().await.unwrap()), "url")
}

async fn return_checks(order: &str) -> f64 {
    let response = Request::get(&format!("{BACKEND}/checks/{order}"))
        .send()
        .await
        .unwrap();
    js(&response.text().await.unwrap()).as_f64().unwrap_or(-1.0)
}

fn options(url: &str, template: &str) -> JsValue {
    let o = js(&format!(r#"{{"policy":{FAST}}}"#));
    Reflect::set(&o, &"url".into(), &url.into()).unwrap();
    Reflect::set(&o, &"returnCheckUrl".into(), &template.into()).unwrap();
    o
}

#[wasm_bindgen_test]
async fn a_return_in_a_browser_with_nothing_stored_is_tracked_after_the_backend_vouches() {
    let order = order("elsewhere");
    let url = fallback_from_backend(&order).await;
    script(&order, &format!("[{}]", doc(&order, "reserved", ""))).await;
    assert!(!stored(&order));
    let back = format!("{url}&status=301");
    let template = format!("{BACKEND}/return/{{orderId}}");
    let tracker = resume_return(options(&back, &template).unchecked_into())
        .await
        .unwrap_or_else(|e| panic!("resumeReturn: {}", show(&e)));
    let returned: JsValue = tracker.returned().unwrap().into();
    assert_eq!(text(&returned, "orderId"), order);
    let outcome = settled(&tracker).await;
    assert_eq!(text(&outcome, "outcome"), "success", "{}", show(&outcome));
    assert_eq!(return_checks(&order).await, 1.0);
    assert_eq!(requests(&order).await.len(), 1, "checked at once");
    // Now it is pending (settled) here: the same URL needs no check again.
    drop(tracker);
    let again = resume_return(options(&back, &template).unchecked_into())
        .await
        .unwrap();
    assert_eq!(text(&settled(&again).await, "outcome"), "success");
    assert_eq!(return_checks(&order).await, 1.0);
}

#[wasm_bindgen_test]
async fn a_forged_or_stale_token_is_refused_and_nothing_is_stored() {
    let order = order("forged-elsewhere");
    let stale = fallback_from_backend(&order).await;
    // A newer attempt makes the first link stale.
    let _latest = fallback_from_backend(&order).await;
    let template = format!("{BACKEND}/return/{{orderId}}");
    let nonce = stale
        .split("attempt=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let forged = stale.replace(nonce, &"0".repeat(32));
    for url in [stale.clone(), forged] {
        let (code, message) =
            app_error(resume_return(options(&url, &template).unchecked_into()).await);
        assert_eq!(code, "forged-return", "{message}");
    }
    assert_eq!(return_checks(&order).await, 2.0);
    assert!(!stored(&order), "nothing stored for a refused return");
    assert!(requests(&order).await.is_empty(), "and nothing tracked");
}

#[wasm_bindgen_test]
async fn no_answer_from_the_backend_is_a_return_check_failure_not_a_refusal() {
    let order = order("no-backend");
    let url = fallback_from_backend(&order).await;
    let (code, message) = app_error(
        resume_return(options(&url, "http://127.0.0.1:9/return/{orderId}").unchecked_into()).await,
    );
    assert_eq!(code, "return-check-failed", "{message}");
    // A URL that is no return of a payment at all.
    let (code, _) = app_error(
        resume_return(
            options(
                "https://shop.example.no/return?basket=42",
                "http://127.0.0.1:9/r/{orderId}",
            )
            .unchecked_into(),
        )
        .await,
    );
    assert_eq!(code, "unknown-order");
    assert!(!stored(&order));
}
