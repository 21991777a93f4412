//! Helpers for the checkout page: build and check the fallback URL,
//! classify the initiate response's `url` and get the plan for opening it
//! in this browser. Every rule is the core's; these translate.

use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::tracker::Policy;
use appswitch_core::shopper::url::{self, AttemptNonce, FallbackSpec, FallbackTarget, QueryParam};
use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::browser;
use crate::error::{deeplink_error, fallback_error, invalid};
use crate::input::{self, Fields};
use crate::json::to_js;
use crate::output::WarningView;
use crate::types;

/// A built fallback with its warnings' messages (`Fallback` in the
/// `.d.ts`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FallbackView<'a> {
    url: &'a str,
    is_app: bool,
    expectation: &'a url::ReturnExpectation,
    warnings: Vec<WarningView<'a>>,
}

impl<'a> FallbackView<'a> {
    /// The view of `fallback`.
    pub fn new(fallback: &'a url::Fallback) -> Self {
        FallbackView {
            url: &fallback.url,
            is_app: fallback.is_app,
            expectation: &fallback.expectation,
            warnings: WarningView::all(&fallback.warnings),
        }
    }
}

/// Builds the fallback URL of one attempt (`merchantInfo.fallBack`), with
/// a fresh nonce from `crypto.getRandomValues`, and the `expectation` that
/// `track()` needs to recognise the return. Throws an `AppSwitchError`
/// (`invalid-url` with the broken `rule`, or `invalid-argument`).
#[wasm_bindgen(js_name = buildFallback)]
pub fn build_fallback(options: types::FallbackOptions) -> Result<types::Fallback, JsValue> {
    let o = Fields::new("buildFallback", &options)?;
    o.only(&["base", "orderId", "params", "platform"])?;
    let base = o.string("base")?;
    let order_id = o.string("orderId")?;
    let platform = o
        .opt_web_platform("platform")?
        .unwrap_or_else(browser::detect_platform);
    let params = params(&o.get("params")?)?;
    let spec = FallbackSpec {
        platform,
        target: FallbackTarget::Web { base },
        order_id,
        params,
    };
    let nonce = AttemptNonce::from_random(browser::random_bytes()?);
    let fallback = spec.build(nonce).map_err(|e| fallback_error(&e))?;
    Ok(to_js(&FallbackView::new(&fallback))?.unchecked_into())
}

/// `params`: absent, or an object of strings.
fn params(value: &JsValue) -> Result<Vec<QueryParam>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    Fields::new("buildFallback: `params`", value)?;
    let mut params = Vec::new();
    for name in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let text = Reflect::get(value, &name).ok().and_then(|v| v.as_string());
        let (Some(name), Some(text)) = (name.as_string(), text) else {
            return Err(invalid(format!(
                "buildFallback: `params.{}` must be a string",
                name.as_string().unwrap_or_default()
            )));
        };
        params.push(QueryParam::new(name, text));
    }
    Ok(params)
}

/// The answer of `checkUrl` (`UrlCheck` in the `.d.ts`).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum UrlCheckView<'a> {
    /// Acceptable, maybe with warnings.
    Ok {
        ok: bool,
        warnings: Vec<WarningView<'a>>,
    },
    /// The rule it breaks.
    Broken {
        ok: bool,
        rule: &'static str,
        message: String,
    },
}

impl<'a> UrlCheckView<'a> {
    /// The view of a check's result.
    pub fn new(checked: &'a Result<url::Checked, url::UrlError>) -> Self {
        match checked {
            Ok(c) => UrlCheckView::Ok {
                ok: true,
                warnings: WarningView::all(&c.warnings),
            },
            Err(e) => UrlCheckView::Broken {
                ok: false,
                rule: e.rule(),
                message: e.to_string(),
            },
        }
    }
}

/// Checks `url` for `kind` (default `"web"`: a web fallback page;
/// `"callback"`: a callback prefix; `"app"`: an app's scheme) against the
/// provider's rules. Never throws for a bad URL: the answer says which
/// rule it breaks.
#[wasm_bindgen(js_name = checkUrl)]
pub fn check_url(
    #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
    kind: Option<types::UrlKind>,
) -> Result<types::UrlCheck, JsValue> {
    let url = input::string_arg("checkUrl", "url", &url)?;
    let kind = match kind.map(JsValue::from) {
        None => url::UrlKind::Web,
        Some(k) if k.is_undefined() || k.is_null() => url::UrlKind::Web,
        Some(k) => k
            .as_string()
            .and_then(|name| url::UrlKind::ALL.into_iter().find(|u| u.as_str() == name))
            .ok_or_else(|| {
                invalid(format!(
                    "checkUrl: `kind` must be \"web\", \"app\" or \"callback\", got {}",
                    k.as_string()
                        .map_or_else(|| input::describe(&k).to_string(), |s| format!("\"{s}\""))
                ))
            })?,
    };
    let checked = url::check_url(kind, &url);
    Ok(to_js(&UrlCheckView::new(&checked))?.unchecked_into())
}

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
    let link = Deeplink::classify(&url, received_at)
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
    let link = Deeplink::classify(&url, received_at.unwrap_or(now))
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
