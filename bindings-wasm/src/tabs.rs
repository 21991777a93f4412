//! One poller per payment across the tabs of a shop: the trackers of one
//! order in several tabs of the same origin share one poll budget.
//!
//! The tab that holds the payment's Web Lock (`navigator.locks`, named
//! `appswitch:ORDER`) makes the requests and hands each status it learns to
//! the others over a `BroadcastChannel` of the same name; every other
//! tracker of the order follows ([`Event::Follow`]): it makes no requests,
//! merges what is pushed ([`Event::Pushed`]) and settles by the core's own
//! rules. A tab the shopper comes back to (the return page, a reload, the
//! tab becoming visible) takes the lock over at once (`steal`), so the
//! visible tab is the one that asks — a hidden one pauses — and its
//! return's check goes out as soon as it leads; the tab it took the lock
//! from follows and queues for the lock again. When the leading tab's
//! tracker ends (settled, stopped, detached, the tab closed) the lock is
//! free and the next tab in the queue leads ([`Event::Lead`]), making any
//! check that is owed, the final one included.
//!
//! A browser without Web Locks or `BroadcastChannel` (Safari before 15.4)
//! has each tab poll on its own, as before.

use core::cell::{Cell, RefCell};
use std::rc::Rc;

use appswitch_core::drive::DriverHandle;
use appswitch_core::foundation::json;
use appswitch_core::shopper::tracker::Event;
use appswitch_core::status::PaymentStatus;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, BroadcastChannel, MessageEvent};

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks` (the Web Locks API).
    type LockManager;

    /// `locks.request(name, options, callback)`: resolves (or rejects)
    /// when the lock is released (or the request is withdrawn or stolen).
    #[wasm_bindgen(method, catch, js_name = request)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &Object,
        callback: &Function,
    ) -> Result<Promise, JsValue>;
}

/// What the callbacks of the lock and the channel share.
struct State {
    name: String,
    locks: LockManager,
    handle: DriverHandle,
    channel: BroadcastChannel,
    /// The number of this tab's next lock request.
    next: Cell<u64>,
    /// The request through which this tab holds the lock, if it does (it
    /// leads then).
    holder: Cell<Option<u64>>,
    /// The tracker ended: hold nothing, queue for nothing.
    ended: Cell<bool>,
    /// Resolves the promise that holds the lock (releases it).
    release: RefCell<Option<Function>>,
    /// The queued lock request, and what withdraws it.
    queued: RefCell<Option<(u64, AbortController)>>,
    /// The status text last handed to the other tabs.
    last_sent: RefCell<Option<String>>,
}

/// A tracker's membership in its order's group of tabs. Ends when dropped.
pub struct Tabs {
    state: Rc<State>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl core::fmt::Debug for Tabs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tabs")
            .field("name", &self.state.name)
            .field("leading", &self.state.holder.get().is_some())
            .finish_non_exhaustive()
    }
}

impl Tabs {
    /// Joins the tabs tracking `order_id`: follows at once, and queues for
    /// the lock (granted at once when no other tab holds it). `None` where
    /// the browser has no Web Locks or `BroadcastChannel`: this tab polls
    /// on its own.
    pub fn join(order_id: &str, handle: &DriverHandle) -> Option<Tabs> {
        let navigator = web_sys::window()?.navigator();
        let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
        if locks.is_undefined() || locks.is_null() {
            return None;
        }
        let name = format!("appswitch:{order_id}");
        let channel = BroadcastChannel::new(&name).ok()?;
        let state = Rc::new(State {
            name,
            locks: locks.unchecked_into(),
            handle: handle.clone(),
            channel,
            next: Cell::new(0),
            holder: Cell::new(None),
            ended: Cell::new(false),
            release: RefCell::default(),
            queued: RefCell::default(),
            last_sent: RefCell::default(),
        });
        let heard = Rc::downgrade(&state);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(state) = heard.upgrade() else { return };
            // Another tab's status: facts, merged by the core's rules. A
            // message that is not one is ignored (nothing of it is trusted
            // beyond what the status text proves).
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(status) = json::parse(&text).and_then(|v| json::from_value::<PaymentStatus>(&v))
            else {
                return;
            };
            if state.holder.get().is_none() {
                state.handle.send(Event::Pushed { status });
            }
        });
        state
            .channel
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        state.handle.send(Event::Follow);
        request(&state, false);
        Some(Tabs {
            state,
            _on_message: on_message,
        })
    }

    /// The shopper is back in this tab: take the lock over now, unless this
    /// tab leads already.
    pub fn take_over(&self) {
        if self.state.holder.get().is_none() && !self.state.ended.get() {
            request(&self.state, true);
        }
    }

    /// Hands `status` to the other tabs, if this tab leads and it is news.
    pub fn share(&self, status: &PaymentStatus) {
        if self.state.holder.get().is_none() {
            return;
        }
        let Ok(text) = json::to_string(status) else {
            return;
        };
        if self.state.last_sent.borrow().as_deref() == Some(text.as_str()) {
            return;
        }
        let _ = self.state.channel.post_message(&JsValue::from_str(&text));
        *self.state.last_sent.borrow_mut() = Some(text);
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        let state = &self.state;
        state.ended.set(true);
        state.holder.set(None);
        // Withdrawn first, so that releasing cannot grant it.
        if let Some((_, queued)) = state.queued.borrow_mut().take() {
            queued.abort();
        }
        if let Some(release) = state.release.borrow_mut().take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
        state.channel.set_onmessage(None);
        state.channel.close();
    }
}

/// Asks for the lock: queued behind the holder, or (`steal`) taking it from
/// the holder at once. Granted, this tab leads until its tracker ends or
/// another tab steals the lock; then it follows and queues again. Each
/// request has its number, so that the loss of a lock this tab no longer
/// holds through that request (it stole it from itself) changes nothing.
fn request(state: &Rc<State>, steal: bool) {
    let id = state.next.get();
    state.next.set(id.wrapping_add(1));
    let options = Object::new();
    let _ = Reflect::set(&options, &"mode".into(), &"exclusive".into());
    // One queued request at a time; a stealing one needs none.
    if let Some((_, old)) = state.queued.borrow_mut().take() {
        old.abort();
    }
    if steal {
        let _ = Reflect::set(&options, &"steal".into(), &JsValue::TRUE);
    } else if let Ok(controller) = AbortController::new() {
        // (A stealing request may carry no signal.)
        let _ = Reflect::set(&options, &"signal".into(), &controller.signal());
        *state.queued.borrow_mut() = Some((id, controller));
    }
    let granted = Rc::downgrade(state);
    // Each callback runs at most once (and frees itself then; one that never
    // runs — the other outcome of its request — stays a few bytes).
    let on_granted = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let Some(state) = granted.upgrade().filter(|s| !s.ended.get()) else {
            return JsValue::UNDEFINED; // released at once
        };
        state
            .queued
            .borrow_mut()
            .take_if(|(queued, _)| *queued == id);
        let was_leading = state.holder.replace(Some(id)).is_some();
        state.last_sent.borrow_mut().take();
        if !was_leading {
            state.handle.send(Event::Lead);
        }
        // Held until the tracker ends (Drop calls `release`).
        let mut release = None;
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        *state.release.borrow_mut() = release;
        held.into()
    });
    let lost = Rc::downgrade(state);
    let on_lost = Closure::once_into_js(move |_error: JsValue| {
        // Stolen by a tab the shopper came back to, or the queued request
        // withdrawn: follow, and queue again while the tracker runs.
        let Some(state) = lost.upgrade().filter(|s| !s.ended.get()) else {
            return;
        };
        if state.holder.get() == Some(id) {
            state.holder.set(None);
            state.release.borrow_mut().take();
            state.handle.send(Event::Follow);
            request(&state, false);
        }
    });
    match state
        .locks
        .request(&state.name, &options, on_granted.unchecked_ref())
    {
        Ok(done) => {
            // `done.catch(on_lost)`, with the self-freeing function.
            if let Ok(catch) = Reflect::get(&done, &"catch".into()) {
                let _ = catch.unchecked_into::<Function>().call1(&done, &on_lost);
            }
        }
        Err(_) => {
            // The browser refused the request: lead alone, as without locks.
            state.holder.set(Some(id));
            state.handle.send(Event::Lead);
        }
    }
}
