//! Outcomes against the scripted backend: each answer the merchant
//! backend can give, and how many requests it took.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use crate::support::*;

#[wasm_bindgen_test]
async fn a_reserved_payment_is_a_success_after_polling() {
    let order = order("success");
    script(
        &order,
        &format!(
            "[{}, {}]",
            doc(&order, "initiated", ""),
            doc(&order, "reserved", r#","amounts":{"reserved":20000}"#)
        ),
    )
    .await;
    let (tracker, _) = start(&order, FAST);
    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let log = Rc::clone(&seen);
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |p| log.borrow_mut().push(p));
    tracker
        .on_change(listener.as_ref().clone().unchecked_into())
        .unwrap();
    sleep(10).await; // the tracker starts: waiting for the switch
    tracker.switched_out().unwrap();

    let outcome = settled(&tracker).await;
    assert_eq!(text(&outcome, "outcome"), "success", "{}", show(&outcome));
    assert_eq!(text(&outcome, "orderId"), order);
    assert_eq!(text(&outcome, "state"), "reserved");
    assert_eq!(number(&get(&outcome, "amounts"), "reserved"), 20000.0);
    assert_eq!(number(&get(&outcome, "status"), "reserved"), 20000.0);
    assert_eq!(requests(&order).await.len(), 2);

    let phases: Vec<String> = seen.borrow().iter().map(|p| text(p, "phase")).collect();
    assert_eq!(
        phases.first().map(String::as_str),
        Some("awaitingSwitch"),
        "{phases:?}"
    );
    assert!(phases.contains(&"polling".to_string()), "{phases:?}");
    assert_eq!(
        phases.last().map(String::as_str),
        Some("settled"),
        "{phases:?}"
    );
    let last = seen.borrow().last().cloned().unwrap();
    assert_eq!(text(&last, "state"), "reserved");
    assert_eq!(
        number(&get(&last, "amounts"), "remainingToCapture"),
        20000.0
    );
    assert!(number(&last, "deadline") > js_sys::Date::now());
    // Words for the shopper beside the codes for the developer.
    assert!(!text(&last, "phaseText").is_empty(), "{}", show(&last));
    let words = get(&outcome, "text");
    assert_eq!(text(&words, "nextStep"), "done", "{}", show(&words));
    assert!(!text(&words, "title").is_empty());
    assert!(!text(&words, "detail").contains("RESERVE"));
    let progress: JsValue = tracker.progress().unwrap().into();
    assert_eq!(text(&progress, "phase"), "settled");
}

#[wasm_bindgen_test]
async fn a_cancelled_payment_says_who_cancelled() {
    let order = order("cancel");
    let steps = format!("[{}]", doc(&order, "cancelled", r#","cancelledBy":"user""#));
    let outcome = pay(&order, &steps, FAST).await;
    assert_eq!(text(&outcome, "outcome"), "cancelled", "{}", show(&outcome));
    assert_eq!(text(&outcome, "by"), "user");
    assert_eq!(requests(&order).await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_rejected_payment_is_rejected() {
    let order = order("reject");
    let outcome = pay(&order, &format!("[{}]", doc(&order, "rejected", "")), FAST).await;
    assert_eq!(text(&outcome, "outcome"), "rejected", "{}", show(&outcome));
    assert_eq!(requests(&order).await.len(), 1);
}

/// A raw Vipps details response carries the shopper's personal data; the
/// browser module does not read it (the backend serves the status
/// document): every such answer is a bad answer, and after the policy's
/// `maxBadAnswers` the tracker gives up rather than guess.
#[wasm_bindgen_test]
async fn a_raw_vipps_details_response_is_refused_as_a_bad_answer() {
    let order = order("details");
    let details = format!(
        r#"{{"status":200,"body":{{"orderId":"{order}","transactionLogHistory":[
            {{"operation":"RESERVE","operationSuccess":true,"amount":20000,"transactionId":"1","timeStamp":"2018-11-14T15:21:22.126Z","requestId":""}},
            {{"operation":"INITIATE","operationSuccess":true,"amount":20000,"transactionId":"1","timeStamp":"2018-11-14T15:21:04.697Z","requestId":""}}]}}}}"#
    );
    let steps = format!("[{details},{details},{details}]");
    let fast = policy(r#"{"maxBadAnswers":2}"#);
    let outcome = pay(&order, &steps, &fast).await;
    assert_eq!(text(&outcome, "outcome"), "unknown", "{}", show(&outcome));
    assert_eq!(text(&outcome, "reason"), "tooManyErrors");
    assert_eq!(
        text(&outcome, "state"),
        "initiated",
        "nothing was read from it"
    );
}

#[wasm_bindgen_test]
async fn too_many_requests_waits_for_retry_after() {
    let order = order("ratelimit");
    let steps = format!(
        r#"[{{"status":429,"headers":{{"Retry-After":"1"}}}}, {}]"#,
        doc(&order, "reserved", "")
    );
    let outcome = pay(&order, &steps, FAST).await;
    assert_eq!(text(&outcome, "outcome"), "success", "{}", show(&outcome));
    let seen = requests(&order).await;
    assert_eq!(seen.len(), 2, "one 429, then the answer");
    // Not sooner than the header said (a lower bound, not a timing).
    let gap = number(&seen[1], "atMs") - number(&seen[0], "atMs");
    assert!(
        gap >= 1000.0,
        "asked again after {gap} ms despite Retry-After: 1"
    );
}

#[wasm_bindgen_test]
async fn server_errors_are_retried_until_an_answer() {
    let order = order("fivexx");
    let steps = format!(
        r#"[{{"status":503}}, {{"status":500,"raw":"oops"}}, {}]"#,
        doc(
            &order,
            "captured",
            r#","amounts":{"reserved":500,"captured":500}"#
        )
    );
    let outcome = pay(&order, &steps, FAST).await;
    assert_eq!(text(&outcome, "outcome"), "success", "{}", show(&outcome));
    assert_eq!(text(&outcome, "state"), "captured");
    assert_eq!(requests(&order).await.len(), 3);
}

#[wasm_bindgen_test]
async fn an_answer_slower_than_the_read_timeout_is_aborted() {
    let order = order("slow");
    // The slow answer would say "cancelled": if it were read, the outcome
    // would not be the success of the second answer.
    let steps = format!(
        r#"[{{"status":200,"delayMs":1500,"body":{{"version":1,"orderId":"{order}","provider":"vipps","status":"cancelled","final":true,"cancelledBy":"user"}}}}, {}]"#,
        doc(&order, "reserved", "")
    );
    let outcome = pay(&order, &steps, FAST).await;
    assert_eq!(text(&outcome, "outcome"), "success", "{}", show(&outcome));
    sleep(1600).await;
    let seen = requests(&order).await;
    assert_eq!(seen.len(), 2, "{}", show(&seen[0]));
    assert_eq!(
        get(&seen[0], "answered"),
        JsValue::FALSE,
        "the browser gave the slow request up (AbortController)"
    );
    assert_eq!(get(&seen[1], "answered"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn long_polls_ask_the_backend_to_wait_and_wait_longer() {
    let order = order("longpoll");
    // Held 600 ms: longer than the read timeout (400 ms), shorter than the
    // read timeout plus the long poll's wait (1 s).
    let steps = format!(
        r#"[{{"status":200,"delayMs":600,"body":{{"version":1,"orderId":"{order}","provider":"vipps","status":"initiated","final":false}}}}, {}]"#,
        doc(&order, "reserved", "")
    );
    let outcome = pay(&order, &steps, &policy(r#"{"longPoll":1000}"#)).await;
    assert_eq!(text(&outcome, "outcome"), "success", "{}", show(&outcome));
    let seen = requests(&order).await;
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(text(request, "wait"), "1", "{}", show(request));
        assert_eq!(get(request, "answered"), JsValue::TRUE, "{}", show(request));
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_backend_ends_unknown_at_the_deadline() {
    let order = order("deadline");
    // The whole payment window is 1 s: one final check after it, then
    // the outcome is unknown — never a guess.
    let short = policy(r#"{"paymentWindow":1000,"grace":0,"deeplinkValidity":500}"#);
    let outcome = pay(&order, r#"[{"status":502}]"#, &short).await;
    assert_eq!(text(&outcome, "outcome"), "unknown", "{}", show(&outcome));
    assert_eq!(text(&outcome, "reason"), "backendUnreachable");
    assert!(!requests(&order).await.is_empty());
}

#[wasm_bindgen_test]
async fn stop_settles_on_what_is_known() {
    let order = order("stop");
    script(&order, &format!("[{}]", doc(&order, "initiated", ""))).await;
    let (tracker, _) = start(&order, &policy(r#"{"firstPollAfter":60000}"#));
    tracker.stop().unwrap();
    let outcome = settled(&tracker).await;
    assert_eq!(text(&outcome, "outcome"), "unknown");
    assert_eq!(text(&outcome, "reason"), "stopped");
    assert_eq!(text(&outcome, "state"), "initiated");
    assert!(requests(&order).await.is_empty());
}

#[wasm_bindgen_test]
async fn the_function_on_change_returns_removes_the_listener() {
    let order = order("unsubscribe");
    script(
        &order,
        &format!(
            "[{}, {}]",
            doc(&order, "initiated", ""),
            doc(&order, "reserved", "")
        ),
    )
    .await;
    let (tracker, _) = start(&order, FAST);
    let (kept, dropped): (Rc<RefCell<u32>>, Rc<RefCell<u32>>) = Default::default();
    let (k, d) = (Rc::clone(&kept), Rc::clone(&dropped));
    let keep = Closure::<dyn FnMut(JsValue)>::new(move |_| *k.borrow_mut() += 1);
    let drop_ = Closure::<dyn FnMut(JsValue)>::new(move |_| *d.borrow_mut() += 1);
    tracker
        .on_change(keep.as_ref().clone().unchecked_into())
        .unwrap();
    let off: js_sys::Function = tracker
        .on_change(drop_.as_ref().clone().unchecked_into())
        .unwrap()
        .unchecked_into();
    off.call0(&JsValue::UNDEFINED).unwrap();
    off.call0(&JsValue::UNDEFINED).unwrap(); // twice is harmless
    tracker.switched_out().unwrap();
    settled(&tracker).await;
    assert!(*kept.borrow() > 0, "the other listener still hears");
    assert_eq!(*dropped.borrow(), 0, "the removed one hears nothing");
}
