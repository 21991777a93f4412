//! Building the `fallBack` URL: where the provider sends the shopper when
//! the payment is done (Vipps eCom API guide, "Initiate payment flow",
//! "App-switching").

use serde::{Deserialize, Serialize};

use super::attempt::AttemptNonce;
use super::check::{AppFallback, check_app_fallback, check_web_fallback};
use super::error::{UrlError, UrlWarning};
use super::params::{
    ATTEMPT_PARAM, ORDER_ID_PARAM, QueryParam, decoded_pairs, decodes_to_text, is_reserved,
    push_pair,
};
use super::parts::app_host;
use super::returned::{ExpectedReturn, ReturnExpectation, root_if_empty};
use crate::shopper::platform::Platform;

/// The three kinds of fallback a merchant uses.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FallbackTarget {
    /// A web page, e.g. `https://shop.example/return` (`isApp: false`).
    Web {
        /// The page, possibly with the merchant's own query.
        base: String,
    },
    /// The app's own URL scheme, e.g. `merchantapp://result` (`isApp:
    /// true`). Vipps eCom API guide, "App-switching": "The merchant need to
    /// pass the URL scheme of the
    /// app into the `fallBack` field".
    App {
        /// The app URL, possibly with the merchant's own query.
        base: String,
    },
    /// Android only: the literal `INTENT` — "This will cause the Vipps app
    /// to simply close after a successful or canceled ecom payment, and fall
    /// back to the calling merchant app" (Vipps eCom API guide,
    /// "App-switching").
    AndroidIntent,
}

/// Everything needed to build one attempt's fallback URL.
///
/// ```
/// use appswitch_core::shopper::platform::Platform;
/// use appswitch_core::shopper::url::{AttemptNonce, FallbackSpec, FallbackTarget};
///
/// let spec = FallbackSpec::new(
///     Platform::MobileWeb,
///     FallbackTarget::Web { base: "https://shop.example.no/return?lang=nb".into() },
///     "order123abc",
/// )
/// .with_param("basket", "42 & more");
/// let fallback = spec.build(AttemptNonce::from_random([7; 16])).unwrap();
/// assert_eq!(
///     fallback.url,
///     "https://shop.example.no/return?lang=nb&basket=42%20%26%20more\
///      &orderId=order123abc&attempt=07070707070707070707070707070707"
/// );
/// assert!(!fallback.is_app);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct FallbackSpec {
    /// Where the payment starts.
    pub platform: Platform,
    /// What to return to.
    pub target: FallbackTarget,
    /// The attempt's `orderId` (new for every attempt: "the initiate call is
    /// not idempotent").
    pub order_id: String,
    /// The merchant's own extra parameters, added to the query.
    #[serde(default)]
    pub params: Vec<QueryParam>,
}

/// A built fallback: what to send in the initiate request, and what to keep
/// to recognise the return.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fallback {
    /// `merchantInfo.fallBack`.
    pub url: String,
    /// `merchantInfo.isApp`: `true` for app schemes and `INTENT` (the
    /// answer is then a `vipps://` deeplink), `false` for web pages (a
    /// landing page).
    pub is_app: bool,
    /// Persist this beside the tracker snapshot; it recognises the return.
    pub expectation: ReturnExpectation,
    /// Acceptable, but worth knowing.
    pub warnings: Vec<UrlWarning>,
}

/// Why a fallback could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FallbackError {
    /// The base URL breaks a URL rule.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// `INTENT` asked for on iOS or the web.
    #[error("`INTENT` works only in an Android app: {}", intent_elsewhere(*.platform))]
    IntentOnlyOnAndroid {
        /// Where it was asked for.
        platform: Platform,
    },
    /// An app scheme asked for on the web.
    #[error(
        "an app-scheme fallback needs `isApp: true`, which only a native app sends; \
         a {platform} checkout returns to an https page"
    )]
    AppSchemeOnWeb {
        /// Where it was asked for.
        platform: Platform,
    },
    /// Parameters for `INTENT`. Vipps eCom API guide, "App-switching":
    /// "(and *only* "INTENT", no parameters etc.)".
    #[error(
        "`INTENT` carries no parameters (the provider takes \"only INTENT, no parameters\"); keep them in the app"
    )]
    IntentTakesNoParams,
    /// No order id.
    #[error("the order id is empty")]
    EmptyOrderId,
    /// A parameter without a name.
    #[error("a fallback parameter has an empty name")]
    EmptyParamName,
    /// A base URL whose query does not decode to UTF-8 text (`%FF`), so
    /// that the return could not give its parameters back.
    #[error("the query `{query}` of the base URL does not decode to UTF-8 text")]
    UndecodableParam {
        /// The query as written.
        query: String,
    },
    /// A merchant parameter named like one appswitch or the provider adds.
    #[error(
        "parameter `{name}` is reserved: appswitch adds `orderId` and `attempt`, \
         and the provider appends `status`"
    )]
    ReservedParam {
        /// The name.
        name: String,
    },
}

fn intent_elsewhere(platform: Platform) -> &'static str {
    match platform {
        Platform::Ios => {
            "on iOS the provider turns it into a broken `https://intent/...` page; \
             use the app's URL scheme (`merchantapp://result`)"
        }
        Platform::MobileWeb | Platform::DesktopWeb => {
            "a web checkout has no activity to resume; use an https fallback page"
        }
        Platform::Android => "",
    }
}

/// Rejects a base query that already uses a reserved name, or that the
/// return could not read back as text.
fn check_base_query(query: Option<&str>) -> Result<(), FallbackError> {
    let query = query.unwrap_or("");
    if !decodes_to_text(query) {
        return Err(FallbackError::UndecodableParam {
            query: query.to_string(),
        });
    }
    match decoded_pairs(query).find(|p| is_reserved(&p.name)) {
        Some(p) => Err(FallbackError::ReservedParam { name: p.name }),
        None => Ok(()),
    }
}

impl FallbackSpec {
    /// A spec without extra parameters.
    pub fn new(platform: Platform, target: FallbackTarget, order_id: impl Into<String>) -> Self {
        FallbackSpec {
            platform,
            target,
            order_id: order_id.into(),
            params: Vec::new(),
        }
    }

    /// Adds one of the merchant's own parameters.
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push(QueryParam::new(name, value));
        self
    }

    /// Builds the fallback URL for one attempt, with `nonce` made from fresh
    /// randomness for this attempt.
    pub fn build(&self, nonce: AttemptNonce) -> Result<Fallback, FallbackError> {
        if self.order_id.is_empty() {
            return Err(FallbackError::EmptyOrderId);
        }
        for param in &self.params {
            if param.name.is_empty() {
                return Err(FallbackError::EmptyParamName);
            }
            if is_reserved(&param.name) {
                return Err(FallbackError::ReservedParam {
                    name: param.name.clone(),
                });
            }
        }
        let (base, target, is_app, warnings) = match &self.target {
            FallbackTarget::Web { base } => {
                let (valid, warnings) = check_web_fallback(base)?;
                check_base_query(valid.url.query())?;
                let target = ExpectedReturn::Web {
                    scheme: valid.url.scheme().to_string(),
                    host: valid.host().to_string(),
                    port: valid.port_or_default(),
                    path: root_if_empty(valid.url.path()),
                };
                (base, target, false, warnings)
            }
            FallbackTarget::App { base } => match check_app_fallback(base)? {
                AppFallback::Intent => return self.build_intent(nonce),
                AppFallback::Scheme(parsed) => {
                    if !self.platform.is_native_app() {
                        return Err(FallbackError::AppSchemeOnWeb {
                            platform: self.platform,
                        });
                    }
                    check_base_query(parsed.query())?;
                    let target = ExpectedReturn::App {
                        scheme: parsed.scheme().to_string(),
                        host: app_host(parsed.host_str().unwrap_or("")),
                        path: root_if_empty(parsed.path()),
                    };
                    (base, target, true, Vec::new())
                }
            },
            FallbackTarget::AndroidIntent => return self.build_intent(nonce),
        };
        let mut ours = String::new();
        for param in &self.params {
            push_pair(&mut ours, &param.name, &param.value);
        }
        push_pair(&mut ours, ORDER_ID_PARAM, &self.order_id);
        push_pair(&mut ours, ATTEMPT_PARAM, nonce.as_str());
        let separator = match base.split_once('?') {
            None => "?",
            Some((_, "")) => "",
            Some((_, query)) if query.ends_with('&') => "",
            Some(_) => "&",
        };
        let url = format!("{base}{separator}{ours}");
        // What is sent must pass the same rules as its base (and so parse
        // back for the return check), whatever the parser's corners.
        if is_app {
            check_app_fallback(&url)?;
        } else {
            check_web_fallback(&url)?;
        }
        Ok(Fallback {
            url,
            is_app,
            expectation: ReturnExpectation {
                order_id: self.order_id.clone(),
                nonce,
                target,
            },
            warnings,
        })
    }

    fn build_intent(&self, nonce: AttemptNonce) -> Result<Fallback, FallbackError> {
        if self.platform != Platform::Android {
            return Err(FallbackError::IntentOnlyOnAndroid {
                platform: self.platform,
            });
        }
        if !self.params.is_empty() {
            return Err(FallbackError::IntentTakesNoParams);
        }
        Ok(Fallback {
            url: "INTENT".to_string(),
            is_app: true,
            expectation: ReturnExpectation {
                order_id: self.order_id.clone(),
                nonce,
                target: ExpectedReturn::AndroidIntent,
            },
            warnings: Vec::new(),
        })
    }
}
