//! The few things this module asks of the browser directly: the clock,
//! timers, `localStorage`, `crypto.getRandomValues`, `navigator`, and a
//! way to report a listener's exception without stopping the tracker.

use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use std::rc::Rc;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::pending::STORAGE_KEY;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{UrlParts, user_info};
use appswitch_core::shopper::wording::Locale;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::{Code, error};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_name = reportError, catch)]
    fn report_error_js(error: &JsValue) -> Result<(), JsValue>;
}

/// The wall clock: `Date.now()`.
pub fn now() -> Timestamp {
    let ms = js_sys::Date::now();
    // Date.now() is a whole, non-negative number of milliseconds.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Timestamp::from_millis(if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    })
}

/// Reports an exception thrown by a listener the way the browser reports
/// one thrown by an event listener (`reportError`): it shows in the
/// console and in `window.onerror`, and tracking carries on.
pub fn report_error(e: &JsValue) {
    let _ = report_error_js(e);
}

/// The longest delay `setTimeout` takes (2^31 − 1 ms); longer ones fire at
/// once. A sleep that long wakes early, which the driver tolerates.
const MAX_TIMEOUT_MS: u64 = 2_147_483_647;

/// A `setTimeout` that is cleared when dropped.
#[derive(Debug)]
pub struct Timeout {
    id: JsValue,
    _handler: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Calls `f` after `delay`.
    pub fn new(delay: Duration, f: impl FnMut() + 'static) -> Timeout {
        let handler = Closure::<dyn FnMut()>::new(f);
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        // At most 2^31 − 1: exact as an f64.
        #[allow(clippy::cast_precision_loss)]
        let ms = ms.min(MAX_TIMEOUT_MS) as f64;
        let id = set_timeout(handler.as_ref().unchecked_ref(), ms);
        Timeout {
            id,
            _handler: handler,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

#[derive(Debug, Default)]
struct Wake {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Wake {
    fn fire(&self) {
        self.fired.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    fn poll(&self, cx: &Context<'_>) -> Poll<()> {
        if self.fired.get() {
            return Poll::Ready(());
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A future that completes at an instant (a `setTimeout` under the hood,
/// cleared if the future is dropped first).
#[derive(Debug)]
pub struct Sleep {
    wake: Rc<Wake>,
    _timeout: Timeout,
}

impl Sleep {
    /// Completes at `at` (or soon after).
    pub fn until(at: Timestamp) -> Sleep {
        let wake = Rc::new(Wake::default());
        let fire = Rc::clone(&wake);
        let delay = at.saturating_since(now());
        Sleep {
            wake,
            _timeout: Timeout::new(delay, move || fire.fire()),
        }
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.wake.poll(cx)
    }
}

/// Lets a future be given up from outside: [`abort`](Self::abort) makes
/// the [`Abortable`] it guards complete with `None`.
#[derive(Clone, Debug, Default)]
pub struct AbortFlag(Rc<Wake>);

impl AbortFlag {
    /// Gives the guarded future up.
    pub fn abort(&self) {
        self.0.fire();
    }

    /// Guards `future`.
    pub fn guard<F: Future>(&self, future: F) -> Abortable<F> {
        Abortable {
            flag: self.clone(),
            future: Box::pin(future),
        }
    }
}

/// A future that completes with `Some(output)`, or `None` once its
/// [`AbortFlag`] is raised (the inner future is then dropped unfinished).
#[derive(Debug)]
pub struct Abortable<F> {
    flag: AbortFlag,
    future: Pin<Box<F>>,
}

impl<F: Future> Future for Abortable<F> {
    type Output = Option<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.flag.0.poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        self.future.as_mut().poll(cx).map(Some)
    }
}

/// `window.localStorage`, if this page may use it (it throws in some
/// sandboxed frames and privacy modes).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// What `localStorage` holds under [`STORAGE_KEY`].
pub fn load_pending() -> Option<String> {
    local_storage()?.get_item(STORAGE_KEY).ok().flatten()
}

/// Replaces what `localStorage` holds under [`STORAGE_KEY`]. A full or
/// unavailable storage loses only the resume-after-reload: tracking on
/// this page carries on.
pub fn store_pending(text: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, text);
    }
}

/// `N` bytes from `crypto.getRandomValues`.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut bytes = [0u8; N];
    // `globalThis.crypto`: the page's `window.crypto`, and Node's (19+).
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .ok()
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into::<web_sys::Crypto>)
        .ok_or_else(|| error(Code::Unsupported, "crypto.getRandomValues is not available"))?;
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| error(Code::Unsupported, "crypto.getRandomValues failed"))?;
    Ok(bytes)
}

/// `url` taken apart by the page's own `URL` (the WHATWG URL Standard, as
/// the `url` crate implements it natively), for the core's rules to read;
/// `None` when it is no absolute URL. The module so carries no URL parser:
/// the browser's is the one the shopper's return went through anyway.
pub fn split_url(url: &str) -> Option<UrlParts> {
    let parsed = web_sys::Url::new(url).ok()?;
    let search = parsed.search();
    Some(UrlParts {
        scheme: parsed.protocol().trim_end_matches(':').to_string(),
        user_info: user_info(&parsed.username(), &parsed.password()),
        host: parsed.hostname(),
        port: parsed.port().parse().ok(),
        path: parsed.pathname(),
        query: search.strip_prefix('?').unwrap_or(&search).to_string(),
    })
}

/// The URL of this page (`location.href`).
pub fn location_href() -> Result<String, JsValue> {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .ok_or_else(|| {
            error(
                Code::Unsupported,
                "resume: no URL given and this is not a page with a `location`",
            )
        })
}

/// The shopper's language, from `navigator.language` (English when there
/// is none, or it is one the module has no words in).
pub fn locale() -> Locale {
    let tag = web_sys::window().and_then(|w| w.navigator().language());
    Locale::from_tag(tag.as_deref().unwrap_or("en"))
}

/// `navigator.onLine` (true when unknown).
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Phone or computer: `navigator.userAgentData.mobile` where the browser
/// has it, else the user agent (iPadOS presents itself as a Mac with a
/// touch screen).
pub fn detect_platform() -> Platform {
    let Some(window) = web_sys::window() else {
        return Platform::DesktopWeb;
    };
    let navigator: JsValue = window.navigator().into();
    let mobile = match get(&get(&navigator, "userAgentData"), "mobile").as_bool() {
        Some(mobile) => mobile,
        None => {
            let agent = get(&navigator, "userAgent").as_string().unwrap_or_default();
            let touch = get(&navigator, "maxTouchPoints").as_f64().unwrap_or(0.0);
            // A byte search: `str::contains` brings a larger searcher.
            let has = |m: &str| agent.as_bytes().windows(m.len()).any(|w| w == m.as_bytes());
            ["Mobi", "Android", "iPhone", "iPad", "iPod"]
                .into_iter()
                .any(has)
                || (has("Macintosh") && touch > 1.0)
        }
    };
    if mobile {
        Platform::MobileWeb
    } else {
        Platform::DesktopWeb
    }
}
