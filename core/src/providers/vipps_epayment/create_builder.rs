//! The create request's builder: every rule of the ePayment API
//! specification that the provider would answer with `400`, checked
//! before the request is sent.
//!
//! The `returnUrl` is required where the provider requires it, but its
//! URL rules (https or an app scheme, the provider's validator, no
//! `https://localhost`) are checked where the payment is initiated, with
//! `appswitch_core::shopper::url::check_url` — a rule of a higher floor
//! than the provider types, and the same check the eCom `fallBack` gets.

use std::collections::BTreeMap;

use super::create::{
    CreatePaymentRequest, Customer, CustomerInteraction, PaymentMethod, PaymentMethodType,
    ProfileRequest, QrFormat, UserFlow,
};
use super::money::{MAX_VALUE, Money};
use super::msisdn::{Msisdn, MsisdnError};
use super::reference::{Reference, ReferenceError};

/// Why a create request cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    /// A required field was not given.
    #[error("`{0}` is required")]
    Missing(&'static str),
    /// The `reference` breaks the provider's rule.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    /// The phone number is not an MSISDN.
    #[error(transparent)]
    PhoneNumber(#[from] MsisdnError),
    /// The amount is below the currency's minimum.
    #[error("`amount.value` is {amount}; the smallest payment in {currency} is {minimum} {unit}")]
    AmountTooSmall {
        /// The amount.
        amount: Money,
        /// Its currency's code.
        currency: &'static str,
        /// The minimum, in minor units.
        minimum: u64,
        /// The minor unit's name.
        unit: &'static str,
    },
    /// The amount is above the specification's maximum.
    #[error("`amount.value` is {0}; the provider allows at most 65000000 minor units")]
    AmountTooLarge(Money),
    /// A field the chosen `userFlow` needs is missing.
    #[error("`userFlow` {flow} needs `{field}`")]
    FlowNeeds {
        /// The flow.
        flow: &'static str,
        /// The missing field.
        field: &'static str,
    },
    /// A field the chosen `userFlow` does not allow.
    #[error("`{field}` is only allowed with `userFlow` {allowed}, not {flow}")]
    FlowForbids {
        /// The field.
        field: &'static str,
        /// The flow chosen.
        flow: &'static str,
        /// The flows that allow it.
        allowed: &'static str,
    },
    /// `CARD` with a flow other than `WEB_REDIRECT`.
    #[error(
        "`paymentMethod.type` CARD \"has to be combined with a `userFlow` of `WEB_REDIRECT`\", not {0}"
    )]
    CardNeedsWebRedirect(&'static str),
    /// A text field of the wrong length.
    #[error("`{field}` is {len} characters long; the provider wants {min} to {max}")]
    Length {
        /// The field.
        field: &'static str,
        /// Its length in characters.
        len: usize,
        /// The shortest allowed.
        min: usize,
        /// The longest allowed.
        max: usize,
    },
    /// A number out of its range.
    #[error("`{field}` is {value}; the provider wants {min} to {max}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value.
        value: u64,
        /// The smallest allowed.
        min: u64,
        /// The largest allowed.
        max: u64,
    },
    /// More than 5 metadata pairs.
    #[error("`metadata` has {0} pairs; the provider keeps at most 5")]
    TooMuchMetadata(usize),
}

impl CreatePaymentRequest {
    /// A builder that checks the provider's rules.
    pub fn builder() -> CreatePaymentBuilder {
        CreatePaymentBuilder::default()
    }
}

/// Builds a [`CreatePaymentRequest`].
///
/// ```
/// use appswitch_core::providers::vipps_epayment::{CreatePaymentRequest, Currency, Money, UserFlow};
///
/// let request = CreatePaymentRequest::builder()
///     .reference("acme-shop-123-order123abc")
///     .amount(Money::new(Currency::Nok, 49900))
///     .user_flow(UserFlow::WebRedirect)
///     .return_url("https://example.com/redirect?orderId=acme-shop-123-order123abc")
///     .payment_description("One pair of socks")
///     .build()?;
/// assert_eq!(request.reference.as_str(), "acme-shop-123-order123abc");
///
/// // A push message needs to know whom to push to:
/// let e = CreatePaymentRequest::builder()
///     .reference("acme-shop-123-order123abc")
///     .amount(Money::new(Currency::Dkk, 1000))
///     .user_flow(UserFlow::PushMessage)
///     .build()
///     .unwrap_err();
/// assert_eq!(e.to_string(), "`userFlow` PUSH_MESSAGE needs `customer`");
/// # Ok::<(), appswitch_core::providers::vipps_epayment::CreateError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CreatePaymentBuilder {
    reference: Option<String>,
    amount: Option<Money>,
    user_flow: Option<UserFlow>,
    payment_method: Option<PaymentMethodType>,
    return_url: Option<String>,
    phone_number: Option<String>,
    customer: Option<Customer>,
    customer_interaction: Option<CustomerInteraction>,
    description: Option<String>,
    scope: Option<String>,
    qr_format: Option<QrFormat>,
    metadata: BTreeMap<String, String>,
    receipt_url: Option<String>,
    minimum_user_age: Option<u32>,
}

impl CreatePaymentBuilder {
    /// `reference` (required): 8–64 characters of `a-z A-Z 0-9 -`.
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// `amount` (required).
    pub fn amount(mut self, amount: Money) -> Self {
        self.amount = Some(amount);
        self
    }

    /// `userFlow` (required).
    pub fn user_flow(mut self, flow: UserFlow) -> Self {
        self.user_flow = Some(flow);
        self
    }

    /// `paymentMethod.type`; `WALLET` when not told.
    pub fn payment_method(mut self, method: PaymentMethodType) -> Self {
        self.payment_method = Some(method);
        self
    }

    /// `returnUrl` (required for `WEB_REDIRECT`). Check its URL rules
    /// where the payment is initiated (see the module documentation).
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// `customer.phoneNumber`, as written; normalised to MSISDN by
    /// [`build`](Self::build).
    pub fn phone_number(mut self, number: impl Into<String>) -> Self {
        self.phone_number = Some(number.into());
        self.customer = None;
        self
    }

    /// `customer` given whole (a personal QR code or customer token).
    pub fn customer(mut self, customer: Customer) -> Self {
        self.customer = Some(customer);
        self.phone_number = None;
        self
    }

    /// `customerInteraction`.
    pub fn customer_interaction(mut self, interaction: CustomerInteraction) -> Self {
        self.customer_interaction = Some(interaction);
        self
    }

    /// `paymentDescription`: 3–100 characters.
    pub fn payment_description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// `profile.scope`, e.g. `name phoneNumber`.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// `qrFormat` (only with `userFlow: QR`).
    pub fn qr_format(mut self, format: QrFormat) -> Self {
        self.qr_format = Some(format);
        self
    }

    /// One `metadata` pair (at most 5; keys up to 100, values up to 500
    /// characters).
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// `receiptUrl`.
    pub fn receipt_url(mut self, url: impl Into<String>) -> Self {
        self.receipt_url = Some(url.into());
        self
    }

    /// `minimumUserAge`.
    pub fn minimum_user_age(mut self, age: u32) -> Self {
        self.minimum_user_age = Some(age);
        self
    }

    /// Checks every rule and builds the request.
    pub fn build(self) -> Result<CreatePaymentRequest, CreateError> {
        let reference = Reference::new(self.reference.ok_or(CreateError::Missing("reference"))?)?;
        let amount = self.amount.ok_or(CreateError::Missing("amount"))?;
        let flow = self.user_flow.ok_or(CreateError::Missing("userFlow"))?;
        let method = self.payment_method.unwrap_or(PaymentMethodType::Wallet);
        check_amount(amount)?;
        let customer = match (self.phone_number, self.customer) {
            (Some(number), _) => Some(Customer::PhoneNumber(Msisdn::normalise(&number)?)),
            (None, Some(c)) => Some(check_customer(c)?),
            (None, None) => None,
        };
        let name = flow.as_str();
        if method == PaymentMethodType::Card && flow != UserFlow::WebRedirect {
            return Err(CreateError::CardNeedsWebRedirect(name));
        }
        if flow == UserFlow::PushMessage && customer.is_none() {
            return Err(CreateError::FlowNeeds {
                flow: name,
                field: "customer",
            });
        }
        let return_url = self.return_url.filter(|u| !u.trim().is_empty());
        if flow == UserFlow::WebRedirect && return_url.is_none() {
            return Err(CreateError::FlowNeeds {
                flow: name,
                field: "returnUrl",
            });
        }
        if let Some(q) = &self.qr_format {
            if flow != UserFlow::Qr {
                return Err(CreateError::FlowForbids {
                    field: "qrFormat",
                    flow: name,
                    allowed: "QR",
                });
            }
            if let Some(size) = q.size {
                range("qrFormat.size", u64::from(size), 100, 2000)?;
            }
        }
        if let Some(text) = &self.description {
            length("paymentDescription", text, 3, 100)?;
        }
        if self.metadata.len() > 5 {
            return Err(CreateError::TooMuchMetadata(self.metadata.len()));
        }
        for (key, value) in &self.metadata {
            length("metadata key", key, 1, 100)?;
            length("metadata value", value, 0, 500)?;
        }
        Ok(CreatePaymentRequest {
            amount,
            customer,
            customer_interaction: self.customer_interaction,
            payment_method: PaymentMethod { kind: method },
            profile: self
                .scope
                .map(|scope| ProfileRequest { scope: Some(scope) }),
            reference,
            return_url,
            user_flow: flow,
            expires_at: None,
            qr_format: self.qr_format,
            payment_description: self.description,
            metadata: (!self.metadata.is_empty()).then_some(self.metadata),
            receipt_url: self.receipt_url,
            minimum_user_age: self.minimum_user_age,
        })
    }
}

/// The amount rules of the specification: at least the currency's
/// minimum, at most 65 000 000 minor units.
pub fn check_amount(amount: Money) -> Result<(), CreateError> {
    let minimum = amount.currency.minimum_payment();
    if amount.value < minimum {
        return Err(CreateError::AmountTooSmall {
            amount,
            currency: amount.currency.code(),
            minimum: minimum.minor(),
            unit: amount.currency.minor_unit_name(),
        });
    }
    if amount.value > MAX_VALUE {
        return Err(CreateError::AmountTooLarge(amount));
    }
    Ok(())
}

fn check_customer(c: Customer) -> Result<Customer, CreateError> {
    match &c {
        Customer::PersonalQr(qr) => length("customer.personalQr", qr, 5, 255)?,
        Customer::CustomerToken(token) if token.trim().is_empty() => {
            return Err(CreateError::Missing("customer.customerToken"));
        }
        Customer::CustomerToken(_) => {}
        Customer::PhoneNumber(_) => {}
    }
    Ok(c)
}

fn length(field: &'static str, text: &str, min: usize, max: usize) -> Result<(), CreateError> {
    let len = text.chars().count();
    if len < min || len > max {
        return Err(CreateError::Length {
            field,
            len,
            min,
            max,
        });
    }
    Ok(())
}

fn range(field: &'static str, value: u64, min: u64, max: u64) -> Result<(), CreateError> {
    if value < min || value > max {
        return Err(CreateError::OutOfRange {
            field,
            value,
            min,
            max,
        });
    }
    Ok(())
}
