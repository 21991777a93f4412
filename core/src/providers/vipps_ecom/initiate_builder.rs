//! The initiate-request builder and the rules it checks: everything the
//! provider would answer `400 Bad Request` to is refused here, with the
//! field and the limit (eCom API specification (OpenAPI), schemas
//! `InitiatePaymentCommand`, `MerchantInfo`, `TransactionInfoInitiate`,
//! `AdditionalTransactionData`, `ShippingDetails`), and what the provider
//! merely tolerates — a `mobileNumber` it cannot use — is left out with a
//! warning ([`InitiateBuilder::build_with_warnings`]).

use super::callback::AuthToken;
use super::express::ShippingOption;
use super::initiate::{
    AdditionalTransactionData, CustomerInfo, InitiateRequest, InitiateTransaction, MerchantInfo,
    PaymentType,
};
use super::limits::{
    AUTH_TOKEN_MAX_LEN, MIN_AMOUNT_ORE, SHIPPING_METHOD_ID_MAX_LEN, SHIPPING_METHOD_MAX_LEN,
    TRANSACTION_TEXT_MAX_LEN, URL_MAX_LEN,
};
use super::msn::{MerchantSerialNumber, MsnError};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::mobile_number::{MobileNumber, MobileNumberError};
use crate::providers::vipps_ecom::order_id::{OrderId, OrderIdError, OrderIdWarning};

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
    /// Below the smallest payment: "Minimum 1 NOK" (`minimum: 100` øre,
    /// eCom API specification (OpenAPI), `TransactionInfoInitiate.amount`;
    /// the guide: "Payment amounts must be in NOK, be non-zero *and*
    /// larger than 1 NOK").
    #[error(
        "`transaction.amount` is {} øre; the smallest payment is {} øre (1 NOK)",
        amount.minor(),
        minimum.minor()
    )]
    AmountBelowMinimum {
        /// The amount given.
        amount: Amount,
        /// The provider's minimum.
        minimum: Amount,
    },
    /// A text longer than the specification's `maxLength` for its field
    /// (`transaction.transactionText` 100, the URLs and `authToken` 255,
    /// a shipping method 256, its id 100, the airline data's).
    #[error("`{field}` is {len} characters long; the maximum is {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its length, in characters.
        len: usize,
        /// The specification's `maxLength`.
        max: usize,
    },
    /// A text of a fixed or bounded length that is too short (the airline
    /// codes' `minLength`).
    #[error("`{field}` is {len} characters long; it needs at least {min}")]
    TooShort {
        /// The field.
        field: &'static str,
        /// Its length, in characters.
        len: usize,
        /// The specification's `minLength`.
        min: usize,
    },
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
    /// given phone number": there must be one the provider can use
    /// ("Requires a valid `customerInfo.mobileNumber`", eCom API
    /// specification (OpenAPI), `skipLandingPage`).
    #[error("`transaction.skipLandingPage` needs a valid `customerInfo.mobileNumber`{}", match why { Some(e) => format!(" ({e})"), None => String::new() })]
    SkipLandingPageNeedsMobileNumber {
        /// Why the number given could not be used, if one was given.
        why: Option<MobileNumberError>,
    },
}

/// What the builder left out or would advise against, without refusing
/// the payment.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InitiateWarning {
    /// `customerInfo.mobileNumber` could not be made into `91234567` form
    /// and was left out: it only prefills the landing page, and "Vipps
    /// attempts to correct incorrectly formatted phone numbers instead of
    /// responding with `HTTP 400 Bad Request`" (eCom API specification
    /// (OpenAPI), schema `CustomerInfo`; technical update 2022-01). The
    /// shopper types the number on the landing page instead.
    #[error("`customerInfo.mobileNumber` was left out: {0}")]
    MobileNumberDropped(MobileNumberError),
    /// The `orderId` ignores one of the provider's recommendations.
    #[error("`transaction.orderId` {0}")]
    OrderId(OrderIdWarning),
}

/// A request the builder made, with what it left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltInitiate {
    /// The request to send.
    pub request: InitiateRequest,
    /// What was left out or is advised against; empty when nothing was.
    pub warnings: Vec<InitiateWarning>,
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
    additional_data: Option<AdditionalTransactionData>,
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
    /// `transaction.orderId` (required): 1–50 of `a-z A-Z 0-9 -`.
    pub fn order_id(mut self, order_id: impl Into<String>) -> Self {
        self.order_id = Some(order_id.into());
        self
    }
    /// `transaction.amount` in øre (required, at least 100: 1 NOK).
    pub fn amount(mut self, amount: Amount) -> Self {
        self.amount = Some(amount);
        self
    }
    /// `transaction.transactionText` (required, at most 100 characters):
    /// shown to the shopper.
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
    /// `91234567`, or left out with an [`InitiateWarning`] when it cannot
    /// be.
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
    /// `transaction.additionalData`: airline data, "only required in
    /// special situations".
    pub fn additional_data(mut self, data: AdditionalTransactionData) -> Self {
        self.additional_data = Some(data);
        self
    }

    /// Checks every rule and builds the request. What
    /// [`build_with_warnings`](Self::build_with_warnings) warns about is
    /// left out silently: use that to show the warnings.
    pub fn build(self) -> Result<InitiateRequest, InitiateError> {
        self.build_with_warnings().map(|b| b.request)
    }

    /// Checks every rule and builds the request, with what was left out
    /// (a mobile number that cannot be normalised) or advised against (an
    /// `orderId` that ignores the recommendations).
    ///
    /// ```
    /// use appswitch_core::foundation::money::Amount;
    /// use appswitch_core::providers::vipps_ecom::{InitiateRequest, InitiateWarning};
    ///
    /// let built = InitiateRequest::builder()
    ///     .merchant_serial_number("123456")
    ///     .order_id("acme-shop-123-order123abc")
    ///     .amount(Amount::from_minor(20000))
    ///     .transaction_text("One pair of Vipps socks")
    ///     .callback_prefix("https://example.com/vipps/callbacks")
    ///     .fallback("https://example.com/vipps/fallback/acme-shop-123-order123abc")
    ///     .mobile_number("+46 70 123 45 67") // not Norwegian: not a prefill
    ///     .build_with_warnings()
    ///     .unwrap();
    /// assert_eq!(built.request.customer_info.mobile_number, None);
    /// assert!(matches!(built.warnings[..], [InitiateWarning::MobileNumberDropped(_)]));
    /// ```
    pub fn build_with_warnings(self) -> Result<BuiltInitiate, InitiateError> {
        let mut warnings = Vec::new();
        let msn = MerchantSerialNumber::for_request(required(
            self.msn,
            "merchantInfo.merchantSerialNumber",
        )?)?;
        let order_id = OrderId::new(required(self.order_id, "transaction.orderId")?)?;
        warnings.extend(
            order_id
                .warnings()
                .into_iter()
                .map(InitiateWarning::OrderId),
        );
        let amount = self.amount.ok_or(InitiateError::Missing {
            field: "transaction.amount",
        })?;
        let minimum = Amount::from_minor(MIN_AMOUNT_ORE);
        if amount < minimum {
            return Err(InitiateError::AmountBelowMinimum { amount, minimum });
        }
        let transaction_text = required(self.transaction_text, "transaction.transactionText")?;
        at_most(
            &transaction_text,
            "transaction.transactionText",
            TRANSACTION_TEXT_MAX_LEN,
        )?;
        let callback_prefix = required(self.callback_prefix, "merchantInfo.callbackPrefix")?;
        at_most(&callback_prefix, "merchantInfo.callbackPrefix", URL_MAX_LEN)?;
        let fall_back = required(self.fallback, "merchantInfo.fallBack")?;
        at_most(&fall_back, "merchantInfo.fallBack", URL_MAX_LEN)?;
        let auth_token = match self.auth_token {
            Some(t) => {
                let t = required(Some(t), "merchantInfo.authToken")?;
                at_most(&t, "merchantInfo.authToken", AUTH_TOKEN_MAX_LEN)?;
                Some(AuthToken::new(t))
            }
            None => None,
        };
        let (mobile_number, mobile_problem) = match self.mobile_number.as_deref() {
            None => (None, None),
            Some(n) => match MobileNumber::normalise(n) {
                Ok(m) => (Some(String::from(m)), None),
                Err(e) => (None, Some(e)),
            },
        };
        if self.skip_landing_page == Some(true) && mobile_number.is_none() {
            return Err(InitiateError::SkipLandingPageNeedsMobileNumber {
                why: mobile_problem,
            });
        }
        if let Some(e) = mobile_problem {
            warnings.push(InitiateWarning::MobileNumberDropped(e));
        }
        let consent_removal_prefix = optional(
            self.consent_removal_prefix,
            "merchantInfo.consentRemovalPrefix",
        )?;
        let shipping_details_prefix = optional(
            self.shipping_details_prefix,
            "merchantInfo.shippingDetailsPrefix",
        )?;
        for (url, field) in [
            (&consent_removal_prefix, "merchantInfo.consentRemovalPrefix"),
            (
                &shipping_details_prefix,
                "merchantInfo.shippingDetailsPrefix",
            ),
        ] {
            if let Some(url) = url {
                at_most(url, field, URL_MAX_LEN)?;
            }
        }
        if let Some(data) = &self.additional_data {
            check_additional_data(data)?;
        }
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
        let request = InitiateRequest {
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
                additional_data: self.additional_data,
            },
        };
        Ok(BuiltInitiate { request, warnings })
    }
}

/// `text` has at most `max` characters (the specification's `maxLength`
/// counts characters, not bytes).
fn at_most(text: &str, field: &'static str, max: usize) -> Result<(), InitiateError> {
    let len = text.chars().count();
    if len > max {
        Err(InitiateError::TooLong { field, len, max })
    } else {
        Ok(())
    }
}

/// `text` has at least `min` characters.
fn at_least(text: &str, field: &'static str, min: usize) -> Result<(), InitiateError> {
    let len = text.chars().count();
    if len < min {
        Err(InitiateError::TooShort { field, len, min })
    } else {
        Ok(())
    }
}

/// The lengths of eCom API specification (OpenAPI), schema
/// `AdditionalTransactionData`.
fn check_additional_data(d: &AdditionalTransactionData) -> Result<(), InitiateError> {
    let fields: [(&str, &'static str, usize, usize); 4] = [
        (
            &d.passenger_name,
            "transaction.additionalData.passengerName",
            1,
            49,
        ),
        (
            &d.airline_code,
            "transaction.additionalData.airlineCode",
            3,
            3,
        ),
        (
            &d.airline_designator_code,
            "transaction.additionalData.airlineDesignatorCode",
            2,
            2,
        ),
        (
            &d.agency_invoice_number,
            "transaction.additionalData.agencyInvoiceNumber",
            1,
            6,
        ),
    ];
    for (text, field, min, max) in fields {
        at_least(text, field, min)?;
        at_most(text, field, max)?;
    }
    if let Some(ticket) = &d.ticket_number {
        let field = "transaction.additionalData.ticketNumber";
        at_least(ticket, field, 1)?;
        at_most(ticket, field, 150)?;
    }
    Ok(())
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
        at_most(
            &o.shipping_method,
            "merchantInfo.staticShippingDetails.shippingMethod",
            SHIPPING_METHOD_MAX_LEN,
        )?;
        at_most(
            &o.shipping_method_id,
            "merchantInfo.staticShippingDetails.shippingMethodId",
            SHIPPING_METHOD_ID_MAX_LEN,
        )?;
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
