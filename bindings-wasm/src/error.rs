//! The one error JavaScript sees: an `AppSwitchError` (a subclass of
//! `Error`) with a stable `name` and `code`, and a message that names the
//! field and the rule. Every failure of this module is turned into one
//! here, in one place.

use core::fmt::Display;

use appswitch_core::drive::DriveError;
use appswitch_core::shopper::deeplink::DeeplinkError;
use appswitch_core::shopper::pending::ResumeError;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export class AppSwitchError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "AppSwitchError";
    this.code = code;
  }
}
export function appSwitchError(code, message) {
  return new AppSwitchError(code, message);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = appSwitchError)]
    fn app_switch_error(code: &str, message: &str) -> JsValue;
}

/// The stable `code` of an `AppSwitchError`. Programs branch on it; the
/// message is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// A JavaScript argument has the wrong type, misses a field, or breaks
    /// a rule of the tracker configuration.
    InvalidArgument,
    /// The initiate response's `url` cannot be opened from this page.
    InvalidDeeplink,
    /// The return URL names a pending order, but not the attempt that is
    /// pending: a stale or forged link.
    ForgedReturn,
    /// The return URL names no order that is pending here.
    UnknownOrder,
    /// No payment is pending in this browser.
    NothingPending,
    /// The merchant's backend could not check a return now (no answer, a
    /// `429` or `5xx`, or an answer that is no return check): nothing
    /// changed, try again.
    ReturnCheckFailed,
    /// The order is already tracked on this page.
    AlreadyTracking,
    /// The tracker was stopped or detached; it takes no more calls.
    Stopped,
    /// The tracker was detached before it settled: this page no longer
    /// tracks it (the pending payment stays in storage).
    Detached,
    /// The browser lacks something this module needs (`window`,
    /// `crypto.getRandomValues`).
    Unsupported,
}

impl Code {
    /// The text of the code, as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidArgument => "invalid-argument",
            Code::InvalidDeeplink => "invalid-deeplink",
            Code::ForgedReturn => "forged-return",
            Code::UnknownOrder => "unknown-order",
            Code::NothingPending => "nothing-pending",
            Code::ReturnCheckFailed => "return-check-failed",
            Code::AlreadyTracking => "already-tracking",
            Code::Stopped => "stopped",
            Code::Detached => "detached",
            Code::Unsupported => "unsupported",
        }
    }
}

/// An `AppSwitchError` with `code` and `message`.
pub fn error(code: Code, message: impl Display) -> JsValue {
    app_switch_error(code.as_str(), &message.to_string())
}

/// An `invalid-argument` error.
pub fn invalid(message: impl Display) -> JsValue {
    error(Code::InvalidArgument, message)
}

/// An initiate `url` that cannot be used here.
pub fn deeplink_error(context: &str, e: &DeeplinkError) -> JsValue {
    error(Code::InvalidDeeplink, format!("{context}: {e}"))
}

/// A tracker that cannot start or resume.
pub fn drive_error(context: &str, e: &DriveError) -> JsValue {
    invalid(format!("{context}: {e}"))
}

/// A return URL that does not resume a pending payment.
pub fn resume_error(e: &ResumeError) -> JsValue {
    let code = match e {
        ResumeError::NothingPending => Code::NothingPending,
        ResumeError::NotThisAttempt { .. } => Code::ForgedReturn,
        ResumeError::UnknownOrder { .. } => Code::UnknownOrder,
    };
    error(code, format!("resume: {e}"))
}
