//! `POST:/epayment/v1/payments`: the create payment request and its
//! response (ePayment API specification, `CreatePaymentRequest`,
//! `CreatePaymentResponse`; ePayment API guide, "Create payment").
//!
//! Build requests with [`CreatePaymentRequest::builder`], which refuses
//! what the provider would answer `400`; read them (a simulator does) with
//! serde, which checks the field formats but not the combinations.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::money::Money;
use super::msisdn::Msisdn;
use super::reference::Reference;
use crate::foundation::lenient::rfc3339_opt;
use crate::foundation::time::Timestamp;

/// The create payment request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePaymentRequest {
    /// `amount`: value and currency.
    pub amount: Money,
    /// `customer`: who pays, when already known (required for
    /// `PUSH_MESSAGE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// `customerInteraction`: `CUSTOMER_NOT_PRESENT` unless told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_interaction: Option<CustomerInteraction>,
    /// `paymentMethod`: the app (`WALLET`) or a free-standing card
    /// (`CARD`).
    pub payment_method: PaymentMethod,
    /// `profile`: the user information asked for (`scope`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileRequest>,
    /// `reference`: the merchant's id of the payment, unique per MSN.
    pub reference: Reference,
    /// `returnUrl`: "The URL the user is returned to after the payment
    /// session. The URL must use the `https://` scheme or a custom URL
    /// scheme."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// `userFlow`: how the shopper gets to the app.
    pub user_flow: UserFlow,
    /// `expiresAt`: long-living payments only (`PUSH_MESSAGE`, `QR`).
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// `qrFormat`: for `userFlow: QR` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_format: Option<QrFormat>,
    /// `paymentDescription`: 3–100 characters, shown in the app, the
    /// merchant portal and the settlement files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_description: Option<String>,
    /// `metadata`: at most 5 pairs, keys up to 100 and values up to 500
    /// characters; returned in the get payment response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// `receiptUrl`: where a receipt can be viewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_url: Option<String>,
    /// `minimumUserAge`: "Minimum age in years required for the customer
    /// to make the purchase."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_user_age: Option<u32>,
}

/// `customer`: "The customer can be specified either with phone number,
/// the customer token or with the user's personal QR code. Specifying more
/// than one of these will result in an error." As JSON it is an object
/// with exactly one of these keys, which is how serde writes and reads
/// this enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Customer {
    /// `phoneNumber`, MSISDN.
    PhoneNumber(Msisdn),
    /// `personalQr`: "The full content of the user's personal QR code in
    /// the app" (5–255 characters).
    PersonalQr(String),
    /// `customerToken`: from the `user.checked-in.v1` webhook event.
    CustomerToken(String),
}

/// `customerInteraction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CustomerInteraction {
    /// "the customer is physically present at the point of sale".
    CustomerPresent,
    /// The default: an online payment.
    CustomerNotPresent,
}

/// `paymentMethod`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaymentMethod {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
}

/// `paymentMethod.type` (specification, `PaymentMethodType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentMethodType {
    /// "`WALLET` is a card used in the Vipps or MobilePay app."
    Wallet,
    /// "`CARD` is free-standing card payments, outside of the Vipps or
    /// MobilePay app. `CARD` has to be combined with a `userFlow` of
    /// `WEB_REDIRECT`."
    Card,
}

/// `userFlow` (ePayment API guide, "User flow alternatives").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserFlow {
    /// "For payments initiated on a device other than the user's phone,
    /// the user gets a push message that opens the payment in the app."
    /// Needs `customer`; the response has no `redirectUrl`.
    PushMessage,
    /// "Automatic app-switch between the merchant's native app and the
    /// Vipps or MobilePay app": `redirectUrl` is an app deeplink.
    NativeRedirect,
    /// "The normal flow for browser-based payment flows. If on a mobile
    /// device, the Vipps or MobilePay app will open. Otherwise, the landing
    /// page will open." Needs `returnUrl`.
    WebRedirect,
    /// "Returns a QR code that can be scanned to complete the payment":
    /// `redirectUrl` is the QR image (or its target URL).
    Qr,
}

impl UserFlow {
    /// Every flow.
    pub const ALL: [UserFlow; 4] = [
        UserFlow::PushMessage,
        UserFlow::NativeRedirect,
        UserFlow::WebRedirect,
        UserFlow::Qr,
    ];

    /// The wire name, e.g. `WEB_REDIRECT`.
    pub fn as_str(self) -> &'static str {
        match self {
            UserFlow::PushMessage => "PUSH_MESSAGE",
            UserFlow::NativeRedirect => "NATIVE_REDIRECT",
            UserFlow::WebRedirect => "WEB_REDIRECT",
            UserFlow::Qr => "QR",
        }
    }

    /// The flow with this wire name.
    pub fn from_name(name: &str) -> Option<UserFlow> {
        UserFlow::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// `profile` of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileRequest {
    /// `scope`: space-separated, e.g. `name phoneNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// `qrFormat`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QrFormat {
    /// `format`.
    pub format: QrImageFormat,
    /// `size`: 100–2000 px, PNG only (1024 if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

/// `qrFormat.format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QrImageFormat {
    /// `TEXT/TARGETURL`: the URL the QR code encodes.
    #[serde(rename = "TEXT/TARGETURL")]
    TargetUrl,
    /// `IMAGE/SVG+XML` (the default).
    #[serde(rename = "IMAGE/SVG+XML")]
    Svg,
    /// `IMAGE/PNG`.
    #[serde(rename = "IMAGE/PNG")]
    Png,
}

/// The create payment response.
///
/// "`redirectUrl`: The URL to which the user is redirected when continuing
/// the payment for `NATIVE_REDIRECT` and `WEB_REDIRECT`. When `userFlow` is
/// `QR`, a link to the QR image (or the target URL) will be returned.
/// Nothing will be returned when `userFlow` is `PUSH_MESSAGE`."
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePaymentResponse {
    /// `redirectUrl`, absent for `PUSH_MESSAGE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// `reference`, as sent.
    pub reference: String,
}
