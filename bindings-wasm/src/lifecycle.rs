//! The page's lifecycle, told to the driver: the page becoming visible or
//! hidden (`visibilitychange`), shown again (`pageshow`, including a
//! restore from the back/forward cache), the network coming and going
//! (`online` / `offline`). The listeners are removed when the tracker
//! settles, stops or is detached.

use appswitch_core::drive::DriverHandle;
use appswitch_core::shopper::tracker::Event as TrackerEvent;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventTarget, PageTransitionEvent, VisibilityState};

use crate::browser;

type Listener = Closure<dyn FnMut(Event)>;

/// The listeners one tracker added to `window` and `document`.
#[derive(Debug, Default)]
pub struct Lifecycle {
    added: Vec<(EventTarget, &'static str, Listener)>,
}

impl Lifecycle {
    /// Listens to the page for `handle`'s driver, and tells it at once if
    /// the page is hidden or offline now. `on_back` runs when the shopper
    /// is back on this page (it became visible, or was restored from the
    /// back/forward cache).
    pub fn attach(handle: &DriverHandle, on_back: impl Fn() + Clone + 'static) -> Lifecycle {
        let mut lifecycle = Lifecycle::default();
        let Some(window) = web_sys::window() else {
            return lifecycle;
        };
        if let Some(document) = window.document() {
            if document.visibility_state() == VisibilityState::Hidden {
                handle.hidden();
            }
            let h = handle.clone();
            let doc = document.clone();
            let back = on_back.clone();
            lifecycle.add(&document, "visibilitychange", move |_| {
                match doc.visibility_state() {
                    VisibilityState::Hidden => h.hidden(),
                    _ => {
                        h.visible();
                        back();
                    }
                }
            });
        }
        if !browser::online() {
            handle.offline();
        }
        let h = handle.clone();
        lifecycle.add(&window, "pageshow", move |event| {
            // Restored from the back/forward cache: the shopper navigated
            // back to this page — from the payment app's landing page, or
            // after it — so this is a return: check now.
            let restored = event
                .dyn_ref::<PageTransitionEvent>()
                .is_some_and(PageTransitionEvent::persisted);
            if restored {
                h.send(TrackerEvent::Returned);
            } else {
                h.visible();
            }
            on_back();
        });
        let h = handle.clone();
        lifecycle.add(&window, "online", move |_| h.online());
        let h = handle.clone();
        lifecycle.add(&window, "offline", move |_| h.offline());
        lifecycle
    }

    fn add(&mut self, target: &EventTarget, name: &'static str, f: impl FnMut(Event) + 'static) {
        let listener = Listener::new(f);
        if target
            .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
            .is_ok()
        {
            self.added.push((target.clone(), name, listener));
        }
    }
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        for (target, name, listener) in self.added.drain(..) {
            let _ =
                target.remove_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
        }
    }
}
