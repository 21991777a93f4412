//! What to do with the create response's `redirectUrl`, per `userFlow`
//! (ePayment API guide, "Create payment", "User flow alternatives";
//! knowledge base, "App flow recommendations").
//!
//! | `userFlow` | `redirectUrl` | the shopper's side |
//! |---|---|---|
//! | `WEB_REDIRECT` | a universal link (`https://…`): "On mobile the universal link will ensure automatic app-switch … On desktop the universal link will display the landing page" | open it: `shopper::deeplink::Deeplink::classify` → `OpenLandingPage` |
//! | `NATIVE_REDIRECT` | an app deeplink (`vipps://…`, `mobilepay://…`) | open it from the native app: `Deeplink::classify` → `IosOpenApp` / `AndroidViewIntent` |
//! | `QR` | the QR image (or the URL it encodes) | show it on the merchant's screen; nothing opens |
//! | `PUSH_MESSAGE` | none: "Nothing will be returned" | nothing opens; the shopper gets a push in the app |
//!
//! The return is the same as eCom's: the app opens the `returnUrl`, which
//! the merchant built and checks as it checks an eCom `fallBack`.

use serde::{Deserialize, Serialize};

use super::create::{CreatePaymentResponse, UserFlow};

/// What the create response's `redirectUrl` is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Redirect {
    /// `WEB_REDIRECT`: send the shopper to this https link.
    LandingPage {
        /// The link.
        url: String,
    },
    /// `NATIVE_REDIRECT`: open this app deeplink.
    AppDeeplink {
        /// The deeplink.
        url: String,
    },
    /// `QR`: show this QR image (or encode this URL) on a screen.
    QrCode {
        /// The image or target URL.
        url: String,
    },
    /// `PUSH_MESSAGE`: nothing to open.
    PushMessage,
}

/// Why a create response does not fit its `userFlow`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    /// A flow that opens something got no `redirectUrl`.
    #[error("`redirectUrl` is missing; `userFlow` {0} needs one")]
    Missing(&'static str),
    /// A `WEB_REDIRECT` link that is not https.
    #[error("`redirectUrl` `{0}` is not an https link, which `userFlow` WEB_REDIRECT answers")]
    NotHttps(String),
}

impl Redirect {
    /// What `response` (to a request with `flow`) asks the shopper's side
    /// to do. A `WEB_REDIRECT` link must be https (plain http is accepted
    /// only for a simulator on this machine); the deeplink's own checks
    /// are the shopper floor's.
    pub fn for_response(
        flow: UserFlow,
        response: &CreatePaymentResponse,
    ) -> Result<Redirect, RedirectError> {
        let url = || {
            response
                .redirect_url
                .clone()
                .filter(|u| !u.trim().is_empty())
                .ok_or(RedirectError::Missing(flow.as_str()))
        };
        Ok(match flow {
            UserFlow::PushMessage => Redirect::PushMessage,
            UserFlow::Qr => Redirect::QrCode { url: url()? },
            UserFlow::NativeRedirect => Redirect::AppDeeplink { url: url()? },
            UserFlow::WebRedirect => {
                let url = url()?;
                let lower = url.to_ascii_lowercase();
                let local = ["http://127.0.0.1", "http://[::1]", "http://localhost"]
                    .iter()
                    .filter_map(|p| lower.strip_prefix(p))
                    .any(|rest| rest.is_empty() || rest.starts_with([':', '/', '?']));
                if !lower.starts_with("https://") && !local {
                    return Err(RedirectError::NotHttps(url));
                }
                Redirect::LandingPage { url }
            }
        })
    }

    /// The URL to open, for the flows that open one.
    pub fn url_to_open(&self) -> Option<&str> {
        match self {
            Redirect::LandingPage { url } | Redirect::AppDeeplink { url } => Some(url),
            Redirect::QrCode { .. } | Redirect::PushMessage => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(url: Option<&str>) -> CreatePaymentResponse {
        CreatePaymentResponse {
            redirect_url: url.map(str::to_string),
            reference: "acme-shop-123-order123abc".into(),
        }
    }

    #[test]
    fn each_flow_has_its_plan() {
        // The specification's examples (`CreatePaymentResponse`).
        let web = response(Some(
            "https://landing.vipps.no?token=eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1Ni",
        ));
        assert_eq!(
            Redirect::for_response(UserFlow::WebRedirect, &web)
                .unwrap()
                .url_to_open(),
            Some("https://landing.vipps.no?token=eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1Ni")
        );
        let qr = response(Some(
            "https://qr-image.vipps.no/v1?token=eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1Ni",
        ));
        let plan = Redirect::for_response(UserFlow::Qr, &qr).unwrap();
        assert!(matches!(plan, Redirect::QrCode { .. }));
        assert_eq!(plan.url_to_open(), None);
        let native = response(Some("vipps://token=abc123"));
        assert!(matches!(
            Redirect::for_response(UserFlow::NativeRedirect, &native),
            Ok(Redirect::AppDeeplink { .. })
        ));
        assert_eq!(
            Redirect::for_response(UserFlow::PushMessage, &response(None)),
            Ok(Redirect::PushMessage)
        );
        assert_eq!(
            Redirect::for_response(UserFlow::WebRedirect, &response(None)),
            Err(RedirectError::Missing("WEB_REDIRECT"))
        );
        assert!(matches!(
            Redirect::for_response(
                UserFlow::WebRedirect,
                &response(Some("http://landing.vipps.no/x"))
            ),
            Err(RedirectError::NotHttps(_))
        ));
        assert!(
            Redirect::for_response(
                UserFlow::WebRedirect,
                &response(Some("http://127.0.0.1:4000/landing?token=x"))
            )
            .is_ok()
        );
    }
}
