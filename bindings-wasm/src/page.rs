//! Helpers for the checkout page: classify the initiate response's `url`
//! and get the plan for opening it in this browser. Every rule is the
//! core's; these translate.
//!
//! The fallback URL is not built or checked here: that happens where the
//! payment is initiated — the merchant's backend (`appswitch-core`'s
//! `FallbackSpec`), the CLI (`appswitch check-url`) or the mobile library —
//! and the backend hands the page the `expectation` that `track()` needs.

use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::tracker::Policy;
use wasm_bindgen::prelude::*;

use crate::browser;
use crate::error::{deeplink_error, invalid};
use crate::input::{self, Fields};
use crate::json::to_js;
use crate::types;

/// Classifies the initiate response's `url` — landing page or app
/// deeplink, which environment — with its deadlines counted from
/// `receivedAt` (default: now). Throws an `AppSwitchError`
/// (`invalid-deeplink`) for a URL that is neither.
#[wasm_bindgen(js_name = classifyDeeplink)]
pub fn classify_deeplink(
    #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
    #[wasm_bindgen(js_name = receivedAt)] received_at: Option<f64>,
) -> Result<types::Deeplink, JsValue> {
    let url = input::string_arg("classifyDeeplink", "url", &url)?;
    let received_at = match received_at {
        None => browser::now(),
        Some(ms) => input::timestamp(&JsValue::from_f64(ms)).ok_or_else(|| {
            invalid(
                "classifyDeeplink: `receivedAt` must be a time in ms since the epoch (Date.now())",
            )
        })?,
    };
    let link = Deeplink::classify_parts(&url, browser::split_url(&url).as_ref(), received_at)
        .map_err(|e| deeplink_error("classifyDeeplink", &e))?;
    Ok(to_js(&link)?.unchecked_into())
}

/// How to open the initiate response's `url` in this browser now: navigate
/// to the landing page (on a computer the shopper confirms the phone
/// number there), or start a new attempt once the link has expired.
/// Throws an `AppSwitchError` (`invalid-deeplink`) for an app deeplink,
/// which a web page cannot open.
#[wasm_bindgen(js_name = openPlan)]
pub fn open_plan(
    #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
    options: Option<types::OpenPlanOptions>,
) -> Result<types::OpenPlan, JsValue> {
    let url = input::string_arg("openPlan", "url", &url)?;
    let now = browser::now();
    let (platform, received_at) = match options.map(JsValue::from) {
        Some(value) if !value.is_undefined() && !value.is_null() => {
            let o = Fields::new("openPlan", &value)?;
            o.only(&["platform", "receivedAt"])?;
            (
                o.opt_web_platform("platform")?,
                o.opt_timestamp("receivedAt")?,
            )
        }
        _ => (None, None),
    };
    let platform: Platform = platform.unwrap_or_else(browser::detect_platform);
    let parts = browser::split_url(&url);
    let link = Deeplink::classify_parts(&url, parts.as_ref(), received_at.unwrap_or(now))
        .map_err(|e| deeplink_error("openPlan", &e))?;
    let plan = link
        .open_plan(platform, now)
        .map_err(|e| deeplink_error("openPlan", &e))?;
    Ok(to_js(&plan)?.unchecked_into())
}

/// This browser as the core sees it: `"mobileWeb"` on a phone or tablet,
/// else `"desktopWeb"`.
#[wasm_bindgen(js_name = detectPlatform)]
pub fn detect_platform() -> types::WebPlatform {
    JsValue::from_str(browser::detect_platform().as_str()).unchecked_into()
}

/// The Vipps defaults of every tracking number (`track({policy})` changes
/// some of them).
#[wasm_bindgen(js_name = defaultPolicy)]
pub fn default_policy() -> Result<types::Policy, JsValue> {
    Ok(to_js(&Policy::vipps())?.unchecked_into())
}
