//! `POST:/ecomm/v2/payments`: the initiate request and its response
//! (Vipps eCom API guide, "Initiate payment flow: API calls").
//!
//! Build requests with [`InitiateRequest::builder`], which refuses what the
//! provider would refuse (or silently ignore). These types also read
//! requests (a provider simulator does), tolerating what real merchants
//! send: `merchantSerialNumber` as a string or a number, a mobile number in
//! any format (Vipps technical update 2022-01: the provider accepts them), unknown fields.

use serde::{Deserialize, Serialize};

use super::callback::AuthToken;
use super::express::ShippingOption;
use super::msn::MerchantSerialNumber;
use crate::foundation::lenient::rfc3339_opt;
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::providers::vipps_ecom::order_id::OrderId;

/// The body of `POST:/ecomm/v2/payments`.
///
/// ```
/// use appswitch_core::foundation::money::Amount;
/// use appswitch_core::providers::vipps_ecom::InitiateRequest;
///
/// let request = InitiateRequest::builder()
///     .merchant_serial_number("123456")
///     .order_id("order123abc")
///     .amount(Amount::from_minor(20000))
///     .transaction_text("One pair of Vipps socks")
///     .callback_prefix("https://example.com/vipps/callbacks-for-payment-update")
///     .fallback("https://example.com/vipps/fallback-result-page/order123abc")
///     .build()
///     .unwrap();
/// let json = serde_json::to_value(&request).unwrap();
/// assert_eq!(json["merchantInfo"]["fallBack"], "https://example.com/vipps/fallback-result-page/order123abc");
/// assert_eq!(json["transaction"]["amount"], 20000);
/// assert_eq!(json["customerInfo"], serde_json::json!({}));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateRequest {
    /// `customerInfo`: the shopper, if known (may be `{}`).
    #[serde(default)]
    pub customer_info: CustomerInfo,
    /// `merchantInfo`: who is paid, and where the provider calls back.
    pub merchant_info: MerchantInfo,
    /// `transaction`: what is paid.
    pub transaction: InitiateTransaction,
}

impl InitiateRequest {
    /// True for an express checkout (`"paymentType": "eComm Express Payment"`).
    pub fn is_express(&self) -> bool {
        self.merchant_info.payment_type == Some(PaymentType::Express)
    }
}

/// `customerInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerInfo {
    /// `mobileNumber`, to prefill the landing page. The builder sends it
    /// as `91234567` (Vipps technical update 2022-01) or leaves it out; when reading, any text
    /// (or number) is kept as sent.
    #[serde(
        default,
        deserialize_with = "crate::foundation::lenient::opt_text_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub mobile_number: Option<String>,
}

/// `merchantInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantInfo {
    /// `merchantSerialNumber`: the sale unit.
    pub merchant_serial_number: MerchantSerialNumber,
    /// `callbackPrefix`: the provider posts callbacks to
    /// `[callbackPrefix]/v2/payments/{orderId}`.
    pub callback_prefix: String,
    /// `fallBack`: where the shopper is sent when the payment is done (a
    /// web page, an app scheme, or `INTENT` on Android).
    #[serde(rename = "fallBack")]
    pub fall_back: String,
    /// `authToken`: sent back as the `Authorization` header of callbacks
    /// and shipping-details requests for this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_token: Option<AuthToken>,
    /// `isApp`: true asks for a `vipps://` deeplink instead of the landing
    /// page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_app: Option<bool>,
    /// `paymentType`; absent means a regular payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<PaymentType>,
    /// `consentRemovalPrefix` (express): the provider calls
    /// `DELETE:[consentRemovalPrefix]/v2/consents/{userId}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_removal_prefix: Option<String>,
    /// `shippingDetailsPrefix` (express): the provider calls
    /// `POST:[shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_details_prefix: Option<String>,
    /// `staticShippingDetails` (express): shipping options known up front,
    /// which saves the shipping-details round trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_shipping_details: Option<Vec<ShippingOption>>,
}

/// `paymentType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaymentType {
    /// `"eComm Regular Payment"` (the default).
    #[serde(rename = "eComm Regular Payment")]
    Regular,
    /// `"eComm Express Payment"`: the shopper also chooses shipping in the
    /// app, and shares address details.
    #[serde(rename = "eComm Express Payment")]
    Express,
}

/// `transaction` of the initiate request.
///
/// `skipLandingPage` and `useExplicitCheckoutFlow` are sent here, where the
/// provider's API specification places them (the eCom guide names them without
/// saying where).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateTransaction {
    /// `orderId`: unique for the MSN.
    pub order_id: OrderId,
    /// `amount` in øre; "Payment amounts must be larger than zero."
    pub amount: Amount,
    /// `transactionText`: shown to the shopper. "Do not send sensitive
    /// information in the `transactionText` field."
    pub transaction_text: String,
    /// `timeStamp`: when the merchant created the payment.
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    pub time_stamp: Option<Timestamp>,
    /// `scope`: the user information asked for (space-separated scopes,
    /// e.g. `"name address email"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `skipLandingPage`: push straight to the given phone number
    /// ("only available for special cases", whitelisted sale units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_landing_page: Option<bool>,
    /// `useExplicitCheckoutFlow` (express): the shopper must actively pick
    /// address and shipping method — "strongly recommended" (Vipps technical update 2022-01).
    /// Since March 2023 the explicit flow is the only one and the field "no
    /// longer has any effect" (eCom API changelog); it is still accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_explicit_checkout_flow: Option<bool>,
    /// `additionalData`: "Additional data about the payment. This is only
    /// required in special situations" — airline data (eCom API
    /// specification (OpenAPI), schema `AdditionalTransactionData`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<AdditionalTransactionData>,
}

/// `additionalData` of the initiate request: the passenger and ticket of
/// an airline payment (eCom API specification (OpenAPI), schema
/// `AdditionalTransactionData`; its lengths are checked by the builder).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalTransactionData {
    /// `passengerName`: "Passenger name, initials, and a title" (1–49
    /// characters, e.g. `FLYER / MARY MS.`).
    pub passenger_name: String,
    /// `airlineCode`: "IATA 3-digit accounting code (PAX); numeric. It
    /// identifies the carrier. eg KLM = 074" (3 characters).
    pub airline_code: String,
    /// `airlineDesignatorCode`: "IATA 2-letter accounting code (PAX);
    /// alphabetical … Eg KLM = KL" (2 characters).
    pub airline_designator_code: String,
    /// `ticketNumber`: "The ticket's unique identifier" (1–150
    /// characters; optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
    /// `agencyInvoiceNumber`: "Reference number for the invoice, issued by
    /// the agency" (1–6 characters).
    pub agency_invoice_number: String,
}

/// The initiate response: where to send the shopper.
///
/// "The deeplink URL is only valid for five minutes." (Vipps eCom API guide)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateResponse {
    /// `orderId`, echoed.
    pub order_id: String,
    /// `url`: the landing page (`https://…`, for `isApp: false`) or the
    /// app deeplink (`vipps://…`, `vippsMT://…` in the test environment).
    pub url: String,
}
