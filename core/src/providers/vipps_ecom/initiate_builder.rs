//! The initiate-request builder and the rules it checks.

use super::callback::AuthToken;
use super::express::ShippingOption;
use super::initiate::{
    CustomerInfo, InitiateRequest, InitiateTransaction, MerchantInfo, PaymentType,
};
use super::msn::{MerchantSerialNumber, MsnError};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::mobile_number::{MobileNumber, MobileNumberError};
use crate::providers::vipps_ecom::order_id::{OrderId, OrderIdError};

/// Why an initiate request cannot be built. Each variant names the field
/// and the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InitiateError {
    /// A required field was not given (or given empty).
    #[error("`{field}` is required")]
    Missing {
        /// The field, e.g. `transaction.transactionText`.
        field: &'static str,
    },
    /// `merchantInfo.merchantSerialNumber` is not an MSN.
    #[error(transparent)]
    MerchantSerialNumber(#[from] MsnError),
    /// `transaction.orderId` breaks the orderId rule.
    #[error(transparent)]
    OrderId(#[from] OrderIdError),
    /// "Payment amounts must be larger than zero." (seed 001)
    #[error("`transaction.amount` is 0; payment amounts must be larger than zero")]
    ZeroAmount,
    /// `customerInfo.mobileNumber` cannot be made into `91234567` form.
    #[error(transparent)]
    MobileNumber(#[from] MobileNumberError),
    /// An express payment needs `consentRemovalPrefix`: "The merchant must
    /// provide a URL (`consentRemovalPrefix`) that Vipps can call to delete
    /// the data."
    #[error("an express payment needs `merchantInfo.consentRemovalPrefix`")]
    ExpressNeedsConsentRemovalPrefix,
    /// An express payment needs either `shippingDetailsPrefix` (the
    /// provider asks for shipping options) or `staticShippingDetails`.
    #[error(
        "an express payment needs `merchantInfo.shippingDetailsPrefix` or `merchantInfo.staticShippingDetails`"
    )]
    ExpressNeedsShipping,
    /// `staticShippingDetails` was given but is empty.
    #[error("`merchantInfo.staticShippingDetails` is empty")]
    EmptyStaticShippingDetails,
    /// Two static shipping options share a `shippingMethodId`.
    #[error("`merchantInfo.staticShippingDetails` has shippingMethodId `{0}` twice")]
    DuplicateShippingMethodId(String),
    /// A field that only means something for express checkout was set on
    /// a regular payment.
    #[error("`{field}` only applies to express payments (`paymentType` \"eComm Express Payment\")")]
    ExpressOnly {
        /// The field.
        field: &'static str,
    },
    /// `skipLandingPage` "will cause a push notification to be sent to the
    /// given phone number": there must be one.
    #[error("`transaction.skipLandingPage` needs `customerInfo.mobileNumber`")]
    SkipLandingPageNeedsMobileNumber,
}

/// Builds an [`InitiateRequest`]; see [`InitiateRequest::builder`].
///
/// Required: [`merchant_serial_number`](Self::merchant_serial_number),
/// [`order_id`](Self::order_id), [`amount`](Self::amount),
/// [`transaction_text`](Self::transaction_text),
/// [`callback_prefix`](Self::callback_prefix) and
/// [`fallback`](Self::fallback). [`build`](Self::build) checks everything
/// at once and reports the first rule broken.
///
/// An express checkout:
///
/// ```
/// use appswitch_core::foundation::money::Amount;
/// use appswitch_core::providers::vipps_ecom::{InitiateError, InitiateRequest, ShippingOption};
///
/// let base = InitiateRequest::builder()
///     .merchant_serial_number("123456")
///     .order_id("order123abc")
///     .amount(Amount::from_minor(20000))
///     .transaction_text("One pair of Vipps socks")
///     .callback_prefix("https://example.com/vipps/callbacks-for-payment-update")
///     .fallback("https://example.com/vipps/fallback-result-page/order123abc")
///     .mobile_number("+47 480 59 528")
///     .express();
/// // Express needs the consent-removal endpoint:
/// assert_eq!(base.clone().build(), Err(InitiateError::ExpressNeedsConsentRemovalPrefix));
/// let request = base
///     .consent_removal_prefix("https://example.com/vipps/consents/")
///     .static_shipping_details(vec![ShippingOption {
///         is_default: true,
///         priority: 0,
///         shipping_cost: Amount::ZERO,
///         shipping_method: "Click and collect".into(),
///         shipping_method_id: "click-and-collect".into(),
///     }])
///     .explicit_checkout_flow(true)
///     .build()?;
/// assert!(request.is_express());
/// assert_eq!(request.customer_info.mobile_number.as_deref(), Some("48059528"));
/// # Ok::<(), InitiateError>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct InitiateBuilder {
    msn: Option<String>,
    order_id: Option<String>,
    amount: Option<Amount>,
    transaction_text: Option<String>,
    callback_prefix: Option<String>,
    fallback: Option<String>,
    auth_token: Option<String>,
    is_app: Option<bool>,
    mobile_number: Option<String>,
    time_stamp: Option<Timestamp>,
    scope: Option<String>,
    skip_landing_page: Option<bool>,
    express: bool,
    consent_removal_prefix: Option<String>,
    shipping_details_prefix: Option<String>,
    static_shipping_details: Option<Vec<ShippingOption>>,
    explicit_checkout_flow: Option<bool>,
}

impl InitiateRequest {
    /// A builder that checks every rule before it gives a request.
    pub fn builder() -> InitiateBuilder {
        InitiateBuilder::default()
    }
}

impl InitiateBuilder {
    /// `merchantInfo.merchantSerialNumber` (required).
    pub fn merchant_serial_number(mut self, msn: impl Into<String>) -> Self {
        self.msn = Some(msn.into());
        self
    }
    /// `transaction.orderId` (required): 1–30 of `a-z A-Z 0-9 -`.
    pub fn order_id(mut self, order_id: impl Into<String>) -> Self {
        self.order_id = Some(order_id.into());
        self
    }
    /// `transaction.amount` in øre (required, above zero).
    pub fn amount(mut self, amount: Amount) -> Self {
        self.amount = Some(amount);
        self
    }
    /// `transaction.transactionText` (required): shown to the shopper.
    pub fn transaction_text(mut self, text: impl Into<String>) -> Self {
        self.transaction_text = Some(text.into());
        self
    }
    /// `merchantInfo.callbackPrefix` (required).
    pub fn callback_prefix(mut self, url: impl Into<String>) -> Self {
        self.callback_prefix = Some(url.into());
        self
    }
    /// `merchantInfo.fallBack` (required): where the shopper returns.
    pub fn fallback(mut self, url: impl Into<String>) -> Self {
        self.fallback = Some(url.into());
        self
    }
    /// `merchantInfo.authToken`: the callbacks' `Authorization` header.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(token.into());
        self
    }
    /// `merchantInfo.isApp`: true for a `vipps://` deeplink.
    pub fn is_app(mut self, is_app: bool) -> Self {
        self.is_app = Some(is_app);
        self
    }
    /// `customerInfo.mobileNumber`, in any common format; sent as
    /// `91234567`.
    pub fn mobile_number(mut self, number: impl Into<String>) -> Self {
        self.mobile_number = Some(number.into());
        self
    }
    /// `transaction.timeStamp`.
    pub fn time_stamp(mut self, at: Timestamp) -> Self {
        self.time_stamp = Some(at);
        self
    }
    /// `transaction.scope`: user information to ask for
    /// (`"name address email"`).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
    /// `transaction.skipLandingPage` (whitelisted sale units only; needs a
    /// mobile number).
    pub fn skip_landing_page(mut self, skip: bool) -> Self {
        self.skip_landing_page = Some(skip);
        self
    }
    /// Makes this an express checkout (`"eComm Express Payment"`).
    pub fn express(mut self) -> Self {
        self.express = true;
        self
    }
    /// `merchantInfo.consentRemovalPrefix` (express, required there).
    pub fn consent_removal_prefix(mut self, url: impl Into<String>) -> Self {
        self.consent_removal_prefix = Some(url.into());
        self
    }
    /// `merchantInfo.shippingDetailsPrefix` (express).
    pub fn shipping_details_prefix(mut self, url: impl Into<String>) -> Self {
        self.shipping_details_prefix = Some(url.into());
        self
    }
    /// `merchantInfo.staticShippingDetails` (express): recommended when
    /// the costs are known up front.
    pub fn static_shipping_details(mut self, options: Vec<ShippingOption>) -> Self {
        self.static_shipping_details = Some(options);
        self
    }
    /// `transaction.useExplicitCheckoutFlow` (express).
    pub fn explicit_checkout_flow(mut self, explicit: bool) -> Self {
        self.explicit_checkout_flow = Some(explicit);
        self
    }

    /// Checks every rule and builds the request.
    pub fn build(self) -> Result<InitiateRequest, InitiateError> {
        let msn =
            MerchantSerialNumber::new(required(self.msn, "merchantInfo.merchantSerialNumber")?)?;
        let order_id = OrderId::new(required(self.order_id, "transaction.orderId")?)?;
        let amount = self.amount.ok_or(InitiateError::Missing {
            field: "transaction.amount",
        })?;
        if amount.is_zero() {
            return Err(InitiateError::ZeroAmount);
        }
        let transaction_text = required(self.transaction_text, "transaction.transactionText")?;
        let callback_prefix = required(self.callback_prefix, "merchantInfo.callbackPrefix")?;
        let fall_back = required(self.fallback, "merchantInfo.fallBack")?;
        let auth_token = match self.auth_token {
            Some(t) => Some(AuthToken::new(required(Some(t), "merchantInfo.authToken")?)),
            None => None,
        };
        let mobile_number = self
            .mobile_number
            .map(|n| MobileNumber::normalise(&n).map(String::from))
            .transpose()?;
        if self.skip_landing_page == Some(true) && mobile_number.is_none() {
            return Err(InitiateError::SkipLandingPageNeedsMobileNumber);
        }
        let consent_removal_prefix = optional(
            self.consent_removal_prefix,
            "merchantInfo.consentRemovalPrefix",
        )?;
        let shipping_details_prefix = optional(
            self.shipping_details_prefix,
            "merchantInfo.shippingDetailsPrefix",
        )?;
        if self.express {
            if consent_removal_prefix.is_none() {
                return Err(InitiateError::ExpressNeedsConsentRemovalPrefix);
            }
            if shipping_details_prefix.is_none() && self.static_shipping_details.is_none() {
                return Err(InitiateError::ExpressNeedsShipping);
            }
        } else {
            let express_only = [
                (
                    consent_removal_prefix.is_some(),
                    "merchantInfo.consentRemovalPrefix",
                ),
                (
                    shipping_details_prefix.is_some(),
                    "merchantInfo.shippingDetailsPrefix",
                ),
                (
                    self.static_shipping_details.is_some(),
                    "merchantInfo.staticShippingDetails",
                ),
                (
                    self.explicit_checkout_flow.is_some(),
                    "transaction.useExplicitCheckoutFlow",
                ),
            ];
            if let Some((_, field)) = express_only.into_iter().find(|(set, _)| *set) {
                return Err(InitiateError::ExpressOnly { field });
            }
        }
        if let Some(options) = &self.static_shipping_details {
            check_static_shipping(options)?;
        }
        Ok(InitiateRequest {
            customer_info: CustomerInfo { mobile_number },
            merchant_info: MerchantInfo {
                merchant_serial_number: msn,
                callback_prefix,
                fall_back,
                auth_token,
                is_app: self.is_app,
                payment_type: self.express.then_some(PaymentType::Express),
                consent_removal_prefix,
                shipping_details_prefix,
                static_shipping_details: self.static_shipping_details,
            },
            transaction: InitiateTransaction {
                order_id,
                amount,
                transaction_text,
                time_stamp: self.time_stamp,
                scope: self.scope.filter(|s| !s.trim().is_empty()),
                skip_landing_page: self.skip_landing_page,
                use_explicit_checkout_flow: self.explicit_checkout_flow,
            },
        })
    }
}

/// The value, unless it is absent or blank.
fn required(value: Option<String>, field: &'static str) -> Result<String, InitiateError> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or(InitiateError::Missing { field })
}

/// Absent stays absent; given but blank is an error.
fn optional(value: Option<String>, field: &'static str) -> Result<Option<String>, InitiateError> {
    value.map(|v| required(Some(v), field)).transpose()
}

fn check_static_shipping(options: &[ShippingOption]) -> Result<(), InitiateError> {
    if options.is_empty() {
        return Err(InitiateError::EmptyStaticShippingDetails);
    }
    for (i, o) in options.iter().enumerate() {
        if options
            .iter()
            .skip(i + 1)
            .any(|p| p.shipping_method_id == o.shipping_method_id)
        {
            return Err(InitiateError::DuplicateShippingMethodId(
                o.shipping_method_id.clone(),
            ));
        }
    }
    Ok(())
}
