//! Which of the provider's APIs a payment goes through: eCom v2 or the
//! ePayment API (with the Webhooks API). The configuration picks the API
//! of new checkouts ([`BackendConfig::provider_api`](crate::BackendConfig::provider_api));
//! every order remembers the API that made it and is followed, captured,
//! cancelled and refunded through that one, so a merchant moves from one
//! API to the other by changing the configuration only — orders made
//! before the change settle as they began.
//!
//! Both APIs use the same keys, access token and headers ("all APIs use
//! the same API keys, authentication methods, terminology, and error
//! message formats", ePayment API FAQ), so one client serves both.

use std::fmt;
use std::str::FromStr;

use appswitch_core::providers::vipps_epayment::{Currency, PROVIDER_NAME};

/// One of the provider's payment APIs.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ProviderApi {
    /// Vipps eCom API v2: callbacks, details polling, NOK only.
    #[default]
    Ecom,
    /// Vipps MobilePay ePayment API v1: signed webhooks, get payment and
    /// the event log; NOK, DKK and EUR.
    Epayment,
}

impl ProviderApi {
    /// Both APIs.
    pub const ALL: [ProviderApi; 2] = [ProviderApi::Ecom, ProviderApi::Epayment];

    /// The name in configuration and in the database: `ecom`, `epayment`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderApi::Ecom => "ecom",
            ProviderApi::Epayment => "epayment",
        }
    }

    /// The `provider` of the status document.
    pub fn document_provider(self) -> &'static str {
        match self {
            ProviderApi::Ecom => "vipps",
            ProviderApi::Epayment => PROVIDER_NAME,
        }
    }

    /// Whether this API takes payments in `currency`: eCom v2 is NOK
    /// only ("Payment amounts must be in NOK", Vipps eCom API guide); the
    /// ePayment API takes NOK, DKK and EUR (ePayment API specification,
    /// `Currency`; DKK and EUR "only allowed for Danish and Finnish
    /// merchants, respectively", changelog v1.4.0).
    pub fn takes(self, currency: Currency) -> bool {
        match self {
            ProviderApi::Ecom => currency == Currency::Nok,
            ProviderApi::Epayment => true,
        }
    }
}

/// A currency from its code, any case (`--currency dkk`): NOK, DKK or EUR.
pub fn parse_currency(code: &str) -> Result<Currency, String> {
    Currency::from_code(code.trim().to_ascii_uppercase().as_str())
        .ok_or_else(|| format!("`{code}` is not NOK, DKK or EUR"))
}

impl fmt::Display for ProviderApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderApi {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        ProviderApi::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("`{s}` is not a provider API (`ecom` or `epayment`)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_currencies_follow_the_api() {
        for api in ProviderApi::ALL {
            assert_eq!(api.as_str().parse::<ProviderApi>(), Ok(api));
            assert!(api.takes(Currency::Nok));
        }
        assert_eq!("EPayment".parse::<ProviderApi>(), Ok(ProviderApi::Epayment));
        assert!("ecom2".parse::<ProviderApi>().is_err());
        assert!(!ProviderApi::Ecom.takes(Currency::Dkk));
        assert!(!ProviderApi::Ecom.takes(Currency::Eur));
        assert!(ProviderApi::Epayment.takes(Currency::Dkk));
        assert!(ProviderApi::Epayment.takes(Currency::Eur));
        assert_eq!(parse_currency(" dkk "), Ok(Currency::Dkk));
        assert!(parse_currency("SEK").is_err());
    }
}
