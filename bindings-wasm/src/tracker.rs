//! The tracker object JavaScript holds: `track()` starts one, `resume()`
//! and `resumePending()` carry one on from `localStorage`. It runs the
//! core's [`Driver`] on the page's event loop (`spawn_local`), wires the
//! page lifecycle to the driver's handle, and turns the outcome into a
//! promise.

use core::cell::{Cell, RefCell};
use std::rc::Rc;

use appswitch_core::drive::{Driver, DriverHandle};
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::pending::PendingPayment;
use appswitch_core::shopper::tracker::{Event, Outcome, Progress, TrackerConfig};
use appswitch_core::shopper::url::{ReturnExpectation, ShopperReturned};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use crate::browser::{self, AbortFlag};
use crate::error::{Code, deeplink_error, drive_error, error, invalid, resume_error};
use crate::host::{BrowserHost, load_store};
use crate::input::{self, Fields};
use crate::json::to_js;
use crate::lifecycle::Lifecycle;
use crate::output::{OutcomeView, ProgressView};
use crate::tabs::Tabs;
use crate::types;

thread_local! {
    /// The trackers running on this page, so that a second `resume` of the
    /// same order joins the running one instead of doubling its requests.
    static LIVE: RefCell<Vec<Tracker>> = const { RefCell::new(Vec::new()) };
    /// A function that does nothing: marks the `settled` promise handled so
    /// that `detach()` without a listener logs no unhandled rejection.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

pub(crate) fn live(order_id: &str) -> Option<Tracker> {
    LIVE.with_borrow(|live| live.iter().find(|t| t.inner.order_id == order_id).cloned())
}

/// Where a tracker is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Liveness {
    /// Tracking.
    Running,
    /// `stop()` or `detach()` was called: it takes no more calls.
    Stopped,
    /// The outcome is in.
    Settled,
}

/// What a tracker and its host share: the listeners, the latest progress,
/// the promise and its resolvers.
#[derive(Debug)]
pub struct Shared {
    order_id: String,
    promise: Promise,
    resolvers: RefCell<Option<(Function, Function)>>,
    listeners: RefCell<Vec<Function>>,
    progress: RefCell<Option<Progress>>,
    returned: RefCell<Option<ShopperReturned>>,
    liveness: Cell<Liveness>,
    lifecycle: RefCell<Option<Lifecycle>>,
    tabs: RefCell<Option<Tabs>>,
    abort: AbortFlag,
}

impl Shared {
    pub(crate) fn new(order_id: String) -> Rc<Shared> {
        let mut resolvers = None;
        let promise = Promise::new(&mut |resolve, reject| resolvers = Some((resolve, reject)));
        IGNORE.with(|ignore| {
            let _ = promise.catch(ignore);
        });
        Rc::new(Shared {
            order_id,
            promise,
            resolvers: RefCell::new(resolvers),
            listeners: RefCell::default(),
            progress: RefCell::default(),
            returned: RefCell::default(),
            liveness: Cell::new(Liveness::Running),
            lifecycle: RefCell::default(),
            tabs: RefCell::default(),
            abort: AbortFlag::default(),
        })
    }

    /// Hands `progress` to every listener (a listener that throws is
    /// reported, and the others still run).
    pub fn notify(&self, progress: &Progress) {
        if let Some(tabs) = self.tabs.borrow().as_ref() {
            tabs.share(&progress.status);
        }
        *self.progress.borrow_mut() = Some(progress.clone());
        let Ok(view) = to_js(&ProgressView::new(
            &self.order_id,
            progress,
            browser::locale(),
        )) else {
            return;
        };
        let listeners = self.listeners.borrow().clone();
        for listener in listeners {
            if let Err(e) = listener.call1(&JsValue::UNDEFINED, &view) {
                browser::report_error(&e);
            }
        }
    }

    /// The shopper is back in this tab: it makes the requests from now on
    /// (see [`Tabs`]).
    pub(crate) fn take_over(&self) {
        if let Some(tabs) = self.tabs.borrow().as_ref() {
            tabs.take_over();
        }
    }

    /// Ends the tracker: removes the page listeners, leaves the page's
    /// list of trackers and the order's group of tabs, settles the
    /// promise. Only the first call counts.
    fn finish(&self, result: Result<&Outcome, JsValue>) {
        let Some((resolve, reject)) = self.resolvers.borrow_mut().take() else {
            return;
        };
        if self.liveness.get() == Liveness::Running {
            self.liveness.set(Liveness::Settled);
        }
        drop(self.lifecycle.borrow_mut().take());
        drop(self.tabs.borrow_mut().take());
        LIVE.with_borrow_mut(|live| live.retain(|t| t.inner.order_id != self.order_id));
        let settled = result.and_then(|outcome| {
            let known = self.progress.borrow().as_ref().map(|p| p.status.clone());
            to_js(&OutcomeView::new(
                &self.order_id,
                outcome,
                known.as_ref(),
                browser::locale(),
            ))
        });
        let _ = match settled {
            Ok(outcome) => resolve.call1(&JsValue::UNDEFINED, &outcome),
            Err(e) => reject.call1(&JsValue::UNDEFINED, &e),
        };
        self.listeners.borrow_mut().clear();
    }
}

/// What the host calls with each progress: `shared`'s listeners.
fn notifier(shared: &Rc<Shared>) -> crate::host::Notify {
    let shared = Rc::clone(shared);
    Rc::new(move |progress| shared.notify(progress))
}

/// One payment being tracked. Get one from `track`, `resume` or
/// `resumePending`; it is not constructed directly.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct Tracker {
    inner: Rc<Shared>,
    handle: DriverHandle,
}

impl Tracker {
    /// Runs `driver` on the page's event loop and wires the page to it.
    pub(crate) fn launch(inner: Rc<Shared>, driver: Driver<BrowserHost>) -> Tracker {
        let tracker = Tracker {
            inner,
            handle: driver.handle(),
        };
        *tracker.inner.tabs.borrow_mut() = Tabs::join(&tracker.inner.order_id, &tracker.handle);
        let back = Rc::downgrade(&tracker.inner);
        let on_back = move || {
            if let Some(inner) = back.upgrade() {
                inner.take_over();
            }
        };
        *tracker.inner.lifecycle.borrow_mut() = Some(Lifecycle::attach(&tracker.handle, on_back));
        LIVE.with_borrow_mut(|live| live.push(tracker.clone()));
        let inner = Rc::clone(&tracker.inner);
        let run = inner.abort.guard(driver.run());
        wasm_bindgen_futures::spawn_local(async move {
            match run.await {
                Some(outcome) => inner.finish(Ok(&outcome)),
                None => inner.finish(Err(detached(&inner.order_id))),
            }
        });
        tracker
    }

    /// Refuses calls after `stop()` or `detach()`.
    fn usable(&self, call: &str) -> Result<(), JsValue> {
        match self.inner.liveness.get() {
            Liveness::Running | Liveness::Settled => Ok(()),
            Liveness::Stopped => Err(error(
                Code::Stopped,
                format!(
                    "tracker.{call}(): the tracker of order `{}` was stopped; it takes no more calls",
                    self.inner.order_id
                ),
            )),
        }
    }
}

fn detached(order_id: &str) -> JsValue {
    error(
        Code::Detached,
        format!(
            "the tracker of order `{order_id}` was detached before it settled; \
             resume it with resume() or resumePending()"
        ),
    )
}

#[wasm_bindgen]
impl Tracker {
    /// The merchant's order id.
    #[wasm_bindgen(getter, js_name = orderId)]
    pub fn order_id(&self) -> String {
        self.inner.order_id.clone()
    }

    /// Resolves with the outcome once the payment is settled (or
    /// `stop()` was called). Never rejects for a payment outcome; rejects
    /// with an `AppSwitchError` (`detached`) only after `detach()`.
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<Outcome>")]
    pub fn settled(&self) -> Promise {
        self.inner.promise.clone()
    }

    /// The same promise as `settled`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn outcome(&self) -> Promise {
        self.inner.promise.clone()
    }

    /// The latest progress, or `undefined` before the first one.
    pub fn progress(&self) -> Option<types::Progress> {
        let progress = self.inner.progress.borrow();
        let view = ProgressView::new(&self.inner.order_id, progress.as_ref()?, browser::locale());
        to_js(&view).ok().map(JsCast::unchecked_into)
    }

    /// How the shopper came back (for a tracker from `resume`): the
    /// merchant's own parameters of the fallback URL are in `params`.
    #[wasm_bindgen(getter)]
    pub fn returned(&self) -> Option<types::ShopperReturned> {
        let returned = self.inner.returned.borrow();
        to_js(returned.as_ref()?).ok().map(JsCast::unchecked_into)
    }

    /// Calls `listener` with every change of the status or of what the
    /// tracker is doing. Returns the function that removes it again:
    /// `const off = tracker.onChange(render); … off();`.
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(&self, listener: types::ProgressListener) -> Result<JsValue, JsValue> {
        self.usable("onChange")?;
        let value: &JsValue = listener.as_ref();
        let Some(f) = value.dyn_ref::<Function>() else {
            return Err(invalid(format!(
                "tracker.onChange(): the listener must be a function, got {}",
                input::describe(value)
            )));
        };
        self.inner.listeners.borrow_mut().push(f.clone());
        // The unsubscribe function holds the tracker weakly: keeping it
        // keeps no tracker alive.
        let (inner, listener) = (Rc::downgrade(&self.inner), f.clone());
        let off = Closure::<dyn Fn()>::new(move || {
            if let Some(inner) = inner.upgrade() {
                inner
                    .listeners
                    .borrow_mut()
                    .retain(|f| !js_sys::Object::is(f, &listener));
            }
        });
        Ok(off.into_js_value())
    }

    /// Removes a listener given to `onChange`.
    #[wasm_bindgen(js_name = offChange)]
    pub fn off_change(&self, listener: types::ProgressListener) {
        let value: &JsValue = listener.as_ref();
        self.inner
            .listeners
            .borrow_mut()
            .retain(|f| !js_sys::Object::is(f, value));
    }

    /// The shopper was sent to the payment app in another tab or window
    /// (a page that navigates away need not call this): polling starts
    /// after the policy's `firstPollAfter`.
    #[wasm_bindgen(js_name = switchedOut)]
    pub fn switched_out(&self) -> Result<(), JsValue> {
        self.usable("switchedOut")?;
        self.handle.switched_out();
        Ok(())
    }

    /// Stops tracking: the tracker settles at once on what it knows
    /// (`unknown` with reason `stopped` when nothing is decided), saves
    /// that, and takes no more calls.
    pub fn stop(&self) -> Result<(), JsValue> {
        self.usable("stop")?;
        if self.inner.liveness.get() == Liveness::Running {
            self.inner.liveness.set(Liveness::Stopped);
            self.handle.stop();
        }
        Ok(())
    }

    /// This page stops tracking without settling: the pending payment stays
    /// in `localStorage` for `resume()` / `resumePending()` (what leaving
    /// the page does; for single-page apps that unmount the checkout).
    /// `settled` rejects with code `detached`.
    pub fn detach(&self) -> Result<(), JsValue> {
        self.usable("detach")?;
        if self.inner.liveness.get() == Liveness::Running {
            self.inner.liveness.set(Liveness::Stopped);
            self.inner.abort.abort();
            self.inner.finish(Err(detached(&self.inner.order_id)));
        }
        Ok(())
    }
}

/// Starts tracking a payment after initiate: saves the pending payment in
/// `localStorage` at once (before the page navigates to the landing page)
/// and returns its tracker. Throws an `AppSwitchError` for bad options.
#[wasm_bindgen]
pub fn track(options: types::TrackOptions) -> Result<Tracker, JsValue> {
    let o = Fields::new("track", &options)?;
    o.only(&[
        "statusUrl",
        "orderId",
        "url",
        "expectation",
        "initiatedAt",
        "policy",
    ])?;
    let status_url = o.string("statusUrl")?;
    let order_id = o.string("orderId")?;
    let url = o.string("url")?;
    let expectation: ReturnExpectation = o.json(
        "expectation",
        "a return expectation (your backend's checkout response)",
    )?;
    let now = browser::now();
    let initiated_at = o.opt_timestamp("initiatedAt")?.unwrap_or(now);
    let policy = o.get("policy")?;
    let policy = if policy.is_undefined() {
        Default::default()
    } else {
        input::policy(&policy)?
    };
    let deeplink = Deeplink::classify_parts(&url, browser::split_url(&url).as_ref(), initiated_at)
        .map_err(|e| deeplink_error("track: `url`", &e))?;
    deeplink
        .open_plan(browser::detect_platform(), now)
        .map_err(|e| deeplink_error("track: `url`", &e))?;
    if live(&order_id).is_some() {
        return Err(error(
            Code::AlreadyTracking,
            format!("track: order `{order_id}` is already tracked on this page"),
        ));
    }
    let config = TrackerConfig {
        policy,
        ..TrackerConfig::new(
            order_id.clone(),
            status_url,
            initiated_at,
            u64::from_le_bytes(browser::random_bytes()?),
        )
    };
    let inner = Shared::new(order_id);
    let driver = Driver::start(
        BrowserHost::new(notifier(&inner)),
        config,
        deeplink,
        expectation,
    )
    .map_err(|e| drive_error("track", &e))?;
    Ok(Tracker::launch(inner, driver))
}

/// Carries on with `pending` on this page (or joins the tracker already
/// running for it): the shopper is back on the shop's pages, so the
/// status is checked at once. `returned` is what the return URL carried.
pub(crate) fn carry_on(
    pending: &PendingPayment,
    returned: Option<ShopperReturned>,
) -> Result<Tracker, JsValue> {
    let tracker = match live(&pending.order_id) {
        Some(tracker) => tracker,
        None => {
            let inner = Shared::new(pending.order_id.clone());
            let driver = Driver::resume(BrowserHost::new(notifier(&inner)), pending.clone())
                .map_err(|e| drive_error("resume", &e))?;
            Tracker::launch(inner, driver)
        }
    };
    tracker.handle.send(Event::Returned);
    tracker.inner.take_over();
    if let Some(returned) = returned {
        *tracker.inner.returned.borrow_mut() = Some(returned);
    }
    Ok(tracker)
}

/// Starts tracking a payment the merchant's backend vouched for on a page
/// that had nothing stored (`returned`: what the return URL carried); the
/// shopper is back, so the status is checked at once.
pub(crate) fn launch_returned(
    config: TrackerConfig,
    expectation: ReturnExpectation,
    returned: ShopperReturned,
) -> Result<Tracker, JsValue> {
    if let Some(tracker) = live(&config.order_id) {
        // Another call on this page got there first.
        tracker.handle.send(Event::Returned);
        tracker.inner.take_over();
        return Ok(tracker);
    }
    let inner = Shared::new(config.order_id.clone());
    let driver = Driver::start_returned(BrowserHost::new(notifier(&inner)), config, expectation)
        .map_err(|e| drive_error("resumeReturn", &e))?;
    let tracker = Tracker::launch(inner, driver);
    tracker.handle.send(Event::Returned);
    tracker.inner.take_over();
    *tracker.inner.returned.borrow_mut() = Some(returned);
    Ok(tracker)
}

/// On the fallback page: resumes tracking the pending payment that `url`
/// (default: `location.href`) is the return of, and checks its status at
/// once. A settled payment resolves at once with its outcome. Throws an
/// `AppSwitchError`: `forged-return` (the order is pending but the link is
/// another attempt's), `unknown-order`, `nothing-pending`.
#[wasm_bindgen]
pub fn resume(
    #[wasm_bindgen(unchecked_optional_param_type = "string")] url: Option<JsValue>,
) -> Result<Tracker, JsValue> {
    let url = match url {
        Some(url) if !url.is_undefined() && !url.is_null() => {
            input::string_arg("resume", "url", &url)?
        }
        _ => browser::location_href()?,
    };
    let store = load_store();
    let (pending, returned) = store
        .match_parts(browser::split_url(&url).as_ref(), browser::now())
        .map_err(|e| resume_error(&e))?;
    carry_on(pending, Some(returned))
}

/// Without a return URL (the shop's order page, a cold start): resumes the
/// newest pending payment that has not settled and checks its status at
/// once (the shopper is back on the shop's pages), or gives `undefined`.
#[wasm_bindgen(js_name = resumePending)]
pub fn resume_pending() -> Result<Option<Tracker>, JsValue> {
    let store = load_store();
    match store.latest_unsettled(browser::now()) {
        Some(pending) => carry_on(pending, None).map(Some),
        None => Ok(None),
    }
}
