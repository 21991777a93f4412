//! What a Node backend does with appswitch, in the package's `node` entry
//! only (the wasm built with the `node` feature; pages never download it):
//! build the fallback URL — and with it the attempt's return token — when
//! it initiates, check a URL the way the provider's validator will, check
//! a return token in constant time, and read a provider payload (an eCom
//! callback or details response, an ePayment webhook or payment) into
//! appswitch's status document. Every rule is the core's.

use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::shopper::platform::Platform;
use appswitch_core::shopper::url::{self, AttemptNonce, FallbackSpec, FallbackTarget, UrlKind};
use appswitch_core::status::StatusDocument;
use js_sys::{Array, Object};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::browser;

#[wasm_bindgen(typescript_custom_section)]
const SERVER_TYPES: &'static str = r#"
/** Where the shopper is sent back to: a web page, an app scheme, or Android's `INTENT`. */
export type FallbackTarget =
  | { kind: "web"; base: string }
  | { kind: "app"; base: string }
  | { kind: "androidIntent" };
/** What `buildFallback` takes. */
export interface FallbackOptions {
  platform: Platform;
  target: FallbackTarget;
  orderId: string;
  /** Your own query parameters of the fallback URL. */
  params?: Record<string, string>;
}
/** A URL that is acceptable, and what is worth knowing about it. */
export interface UrlWarningView { rule: string; message: string }
/** The fallback of one attempt: send `url` (and `isApp`) to the provider. */
export interface BuiltFallback {
  url: string;
  isApp: boolean;
  /** Keep it with the attempt; `expectation.nonce` is the return token. */
  expectation: ReturnExpectation;
  warnings: unknown[];
}
/** What `checkUrl` answers for an acceptable URL. */
export interface CheckedUrl { warnings: UrlWarningView[] }
/** appswitch's status document, as `readPayload` gives it. */
export type StatusDocumentView = Record<string, unknown> & { version: number; orderId: string; status: string; final: boolean };
"#;
use crate::error::invalid;
use crate::input::Fields;
use crate::json::to_js;

/// Builds the fallback URL of one payment attempt for the initiate call:
/// `{ platform, target: { kind: "web" | "app" | "intent", base }, orderId,
/// params? }` → `{ url, isApp, expectation, warnings }`. The URL carries
/// `orderId` and the attempt's nonce (`attempt`): keep the nonce with the
/// attempt — it is the return token your return check compares
/// (`checkReturnToken`). Throws an `AppSwitchError` naming the rule a URL
/// breaks.
#[wasm_bindgen(js_name = buildFallback, unchecked_return_type = "BuiltFallback")]
pub fn build_fallback(
    #[wasm_bindgen(unchecked_param_type = "FallbackOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let o = Fields::new("buildFallback", &options)?;
    o.only(&["platform", "target", "orderId", "params"])?;
    let platform: Platform = o.json(
        "platform",
        "a platform (ios, android, mobileWeb, desktopWeb)",
    )?;
    let target: FallbackTarget = o.json("target", "a fallback target ({ kind, base })")?;
    let mut spec = FallbackSpec::new(platform, target, o.string("orderId")?);
    let params = o.get("params")?;
    if !params.is_undefined() && !params.is_null() {
        let Some(object) = params.dyn_ref::<Object>() else {
            return Err(invalid(
                "buildFallback: `params` must be an object of strings",
            ));
        };
        for pair in Object::entries(object).iter() {
            let pair = Array::from(&pair);
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(name), Some(value)) => spec = spec.with_param(name, value),
                _ => {
                    return Err(invalid(format!(
                        "buildFallback: `params.{}` must be a string",
                        pair.get(0).as_string().unwrap_or_default()
                    )));
                }
            }
        }
    }
    let nonce = AttemptNonce::from_random(browser::random_bytes()?);
    let built = spec
        .build(nonce)
        .map_err(|e| invalid(format!("buildFallback: {e}")))?;
    to_js(&built)
}

/// What `checkUrl` answers for an acceptable URL.
#[derive(Serialize)]
struct CheckedView {
    warnings: Vec<WarningView>,
}

/// One warning: its stable rule name and what it means.
#[derive(Serialize)]
struct WarningView {
    rule: &'static str,
    message: String,
}

/// Checks `url` as a `kind` URL (`web`, the default; `app`; `callback`) by
/// the provider's validator and appswitch's stricter rules: `{ warnings }`
/// when acceptable, else an `AppSwitchError` whose message starts with the
/// rule it breaks (`localhost: …`).
#[wasm_bindgen(js_name = checkUrl, unchecked_return_type = "CheckedUrl")]
pub fn check_url(url: String, kind: Option<String>) -> Result<JsValue, JsValue> {
    let kind = match kind.as_deref() {
        None | Some("web") => UrlKind::Web,
        Some("app") => UrlKind::App,
        Some("callback") => UrlKind::Callback,
        Some(other) => {
            return Err(invalid(format!(
                "checkUrl: `kind` must be web, app or callback, got `{other}`"
            )));
        }
    };
    match url::check_url(kind, &url) {
        Ok(checked) => to_js(&CheckedView {
            warnings: checked
                .warnings
                .iter()
                .map(|w| WarningView {
                    rule: w.rule(),
                    message: w.to_string(),
                })
                .collect(),
        }),
        Err(e) => Err(invalid(format!("{}: {e}", e.rule()))),
    }
}

/// Whether `given` (the `attempt` of a return URL) is the return token
/// `issued` for the attempt (the nonce `buildFallback` put in its URL),
/// compared in constant time. A malformed `issued` never matches.
#[wasm_bindgen(js_name = checkReturnToken)]
pub fn check_return_token(issued: String, given: String) -> bool {
    AttemptNonce::parse(&issued).is_ok_and(|nonce| nonce.matches(&given))
}

/// Reads a provider payload — an eCom details response, callback or
/// capture/cancel/refund response; an ePayment payment, event log or
/// webhook body — or a status document, into appswitch's status document.
/// Throws an `AppSwitchError` naming the field and the rule a body breaks.
#[wasm_bindgen(js_name = readPayload, unchecked_return_type = "StatusDocumentView")]
pub fn read_payload(body: String) -> Result<JsValue, JsValue> {
    let payload =
        StatusPayload::parse_json(&body).map_err(|e| invalid(format!("readPayload: {e}")))?;
    let status = payload
        .to_status()
        .map_err(|e| invalid(format!("readPayload: {e}")))?;
    to_js(&StatusDocument::from_status(
        payload.order_id(),
        payload.provider(),
        &status,
    ))
}
