//! HTTP headers the merchant's backend sends the provider, as data (Vipps eCom API guide,
//! "Optional Vipps HTTP headers", "Authentication", "Partner Keys",
//! "Idempotency").
//!
//! ```
//! use appswitch_core::providers::vipps_ecom::{MerchantSerialNumber, SystemHeaders};
//!
//! let system = SystemHeaders {
//!     system_name: Some("woocommerce".into()),
//!     system_version: Some("5.4".into()),
//!     plugin_name: Some("vipps-woocommerce".into()),
//!     plugin_version: Some("1.4.1".into()),
//! };
//! let msn = MerchantSerialNumber::new("123456").unwrap();
//! let headers = system.headers_for_partner(Some(&msn));
//! assert_eq!(headers[0], ("Vipps-System-Name", "woocommerce".to_string()));
//! assert_eq!(headers[4], ("Merchant-Serial-Number", "123456".to_string()));
//! ```

use serde::{Deserialize, Serialize};

use super::msn::MerchantSerialNumber;

/// `Authorization`: `Bearer <JWT access token>`.
pub const AUTHORIZATION: &str = "Authorization";
/// `Ocp-Apim-Subscription-Key`: the subscription key (a secret).
pub const SUBSCRIPTION_KEY: &str = "Ocp-Apim-Subscription-Key";
/// `client_id`, for the access-token request.
pub const CLIENT_ID: &str = "client_id";
/// `client_secret`, for the access-token request (a secret).
pub const CLIENT_SECRET: &str = "client_secret";
/// `X-Request-Id`: "an idempotency header ensuring that if the merchant
/// retries a request with the same `X-Request-Id` the retried request will
/// not make additional changes."
pub const X_REQUEST_ID: &str = "X-Request-Id";
/// `Merchant-Serial-Number`: "a required parameter if you are a Vipps eCom
/// partner making payments on behalf of a merchant … optional, and
/// recommended, for regular Vipps merchants".
pub const MERCHANT_SERIAL_NUMBER: &str = "Merchant-Serial-Number";
/// `Vipps-System-Name`: "The name of the ecommerce solution".
pub const SYSTEM_NAME: &str = "Vipps-System-Name";
/// `Vipps-System-Version`: "The version number of the ecommerce solution".
pub const SYSTEM_VERSION: &str = "Vipps-System-Version";
/// `Vipps-System-Plugin-Name`: "The name of the ecommerce plugin".
pub const SYSTEM_PLUGIN_NAME: &str = "Vipps-System-Plugin-Name";
/// `Vipps-System-Plugin-Version`: "The version number of the ecommerce
/// plugin".
pub const SYSTEM_PLUGIN_VERSION: &str = "Vipps-System-Plugin-Version";

/// The optional `Vipps-System-*` headers: "We recommend using the
/// following _optional_ HTTP headers for all requests … These headers are
/// required for plugins and partners".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemHeaders {
    /// `Vipps-System-Name`, e.g. `woocommerce`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_name: Option<String>,
    /// `Vipps-System-Version`, e.g. `5.4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_version: Option<String>,
    /// `Vipps-System-Plugin-Name`, e.g. `vipps-woocommerce`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_name: Option<String>,
    /// `Vipps-System-Plugin-Version`, e.g. `1.4.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_version: Option<String>,
}

impl SystemHeaders {
    /// The headers that are set, as `(name, value)` pairs in the eCom guide's
    /// order. Blank values are left out.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        [
            (SYSTEM_NAME, &self.system_name),
            (SYSTEM_VERSION, &self.system_version),
            (SYSTEM_PLUGIN_NAME, &self.plugin_name),
            (SYSTEM_PLUGIN_VERSION, &self.plugin_version),
        ]
        .into_iter()
        .filter_map(|(name, value)| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| (name, v.to_string()))
        })
        .collect()
    }

    /// [`headers`](Self::headers), plus `Merchant-Serial-Number` when a
    /// partner acts for a merchant ("The partner must use the merchant's
    /// MSN (not the partner's MSN)").
    pub fn headers_for_partner(
        &self,
        merchant: Option<&MerchantSerialNumber>,
    ) -> Vec<(&'static str, String)> {
        let mut h = self.headers();
        if let Some(msn) = merchant {
            h.push((MERCHANT_SERIAL_NUMBER, msn.as_str().to_string()));
        }
        h
    }
}
