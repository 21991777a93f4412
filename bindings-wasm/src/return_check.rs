//! `resumeReturn`: the fallback page in any browser. iOS may open the
//! fallback URL in Safari rather than in the browser or webview where
//! checkout began; that page has nothing in `localStorage`. It asks the
//! merchant's backend whether the URL is the return of an attempt it
//! started, and tracks that payment like any other. The contract and every
//! rule are the core's (`appswitch_core::shopper::return_check`); this file
//! only does the fetch.

use appswitch_core::drive::FetchOutcome;
use appswitch_core::shopper::pending::ResumeError;
use appswitch_core::shopper::return_check::{ReturnCheck, ReturnCheckError, return_check_url_with};
use appswitch_core::shopper::url::ReturnClaim;
use wasm_bindgen::prelude::*;

use crate::browser;
use crate::error::{Code, error, invalid, resume_error};
use crate::host::{get, load_store};
use crate::input::{self, Fields};
use crate::tracker::{Tracker, carry_on, launch_returned};
use crate::types;

/// The `AppSwitchError` for a return the backend did not vouch for.
fn refused(e: &ReturnCheckError) -> JsValue {
    let code = match e {
        ReturnCheckError::BadTemplate { .. } => Code::InvalidArgument,
        ReturnCheckError::Refused { status: 403 } | ReturnCheckError::NotThisReturn(_) => {
            Code::ForgedReturn
        }
        ReturnCheckError::Refused { .. } => Code::UnknownOrder,
        ReturnCheckError::Unavailable { .. } | ReturnCheckError::Malformed(_) => {
            Code::ReturnCheckFailed
        }
    };
    error(code, format!("resumeReturn: {e}"))
}

/// A template that starts with one `/` names a path on the page's own
/// origin (like a relative `statusUrl`); anything else is used as given.
fn on_this_origin(template: String) -> String {
    if !template.starts_with('/') || template.starts_with("//") {
        return template;
    }
    match web_sys::window().and_then(|w| w.location().origin().ok()) {
        Some(origin) => format!("{origin}{template}"),
        None => template,
    }
}

/// On the fallback page, in whatever browser the shopper came back in:
/// with the payment pending in this browser, exactly `resume(url)`; with
/// nothing stored here, asks your backend's return check
/// (`returnCheckUrl`, a template with `{orderId}` and `{attempt}`; a path
/// starting with `/` is on this page's origin) whether
/// the URL is the return of an attempt it started, and tracks that payment
/// to its outcome. Rejects with an `AppSwitchError`: `forged-return` (a
/// stale, forged or foreign link: nothing is stored or tracked),
/// `unknown-order`, `return-check-failed` (no answer now: try again),
/// `invalid-argument`.
///
/// ```js
/// const tracker = await resumeReturn({
///   returnCheckUrl: "/api/payments/{orderId}/return",
/// });
/// const outcome = await tracker.settled;
/// ```
#[wasm_bindgen(js_name = resumeReturn)]
pub async fn resume_return(options: types::ResumeReturnOptions) -> Result<Tracker, JsValue> {
    let o = Fields::new("resumeReturn", &options)?;
    o.only(&["url", "returnCheckUrl", "policy"])?;
    let url = match o.opt_string("url")? {
        Some(url) => url,
        None => browser::location_href()?,
    };
    let template = on_this_origin(o.string("returnCheckUrl")?);
    let policy = o.get("policy")?;
    let policy = if policy.is_undefined() {
        Default::default()
    } else {
        input::policy(&policy)?
    };
    let parts = browser::split_url(&url)
        .ok_or_else(|| invalid(format!("resumeReturn: `url` `{url}` is not a URL")))?;
    let now = browser::now();
    match load_store().match_parts(Some(&parts), now) {
        Ok((pending, returned)) => return carry_on(pending, Some(returned)),
        // Another attempt of an order pending here: stale or forged,
        // whatever the backend would say.
        Err(e @ ResumeError::NotThisAttempt { .. }) => return Err(resume_error(&e)),
        Err(_) => {} // nothing of it here: the backend knows
    }
    let claim = ReturnClaim::from_parts(&parts).map_err(|e| {
        error(
            Code::UnknownOrder,
            format!("resumeReturn: `url` is no return of a payment: {e}"),
        )
    })?;
    let check_url =
        return_check_url_with(&template, &claim, browser::split_url).map_err(|e| refused(&e))?;
    let budget = policy.connect_timeout.saturating_add(policy.read_timeout);
    let (status, body) = match get(&check_url, budget).await {
        FetchOutcome::Answered { status, body, .. } => (status, body),
        FetchOutcome::Failed(kind) => {
            return Err(error(
                Code::ReturnCheckFailed,
                format!(
                    "resumeReturn: the return check got no answer from the backend ({kind:?}); nothing changed, try again"
                ),
            ));
        }
    };
    let check = ReturnCheck::read_parts(&claim, &parts, status, &body).map_err(|e| refused(&e))?;
    let returned = check
        .return_expectation
        .check_parts(&parts)
        .map_err(|e| refused(&ReturnCheckError::NotThisReturn(e)))?;
    let seed = u64::from_le_bytes(browser::random_bytes()?);
    let config = check.tracker_config(now, policy, seed);
    launch_returned(config, check.return_expectation, returned)
}
