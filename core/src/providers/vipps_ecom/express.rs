//! Express checkout ("Vipps Hurtigkasse"): shipping options, the
//! shipping-details call the provider makes to the merchant, and the
//! shopper's details the provider shares (Vipps eCom API guide, "Express checkout
//! payments" and "Express checkout API endpoints required on the merchant
//! side").
//!
//! Shipping costs are written by the provider in kroner with decimals
//! (`"shippingCost": 109.99`); these types hold them as [`Amount`] in øre
//! and convert at the edge, so no floating point reaches a calculation.
//!
//! ```
//! use appswitch_core::foundation::money::Amount;
//! use appswitch_core::providers::vipps_ecom::ShippingOption;
//!
//! let o: ShippingOption = serde_json::from_str(r#"{"isDefault": "Y", "priority": 0,
//!     "shippingCost": 0, "shippingMethod": "Click and collect",
//!     "shippingMethodId": "click-and-collect"}"#).unwrap();
//! assert!(o.is_default);
//! assert_eq!(o.shipping_cost, Amount::ZERO);
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::foundation::lenient::{
    kroner, opt_flag_lenient, opt_or_none, opt_text_lenient, opt_u64_or_none, u64_lenient, yes_no,
};
use crate::foundation::money::Amount;

/// One shipping method offered to the shopper: an entry of
/// `staticShippingDetails` in the initiate request, and of
/// `shippingDetails` in the merchant's shipping-details response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingOption {
    /// `isDefault`: `"Y"` for the preselected method.
    #[serde(with = "yes_no")]
    pub is_default: bool,
    /// `priority`: the order in which methods are shown.
    #[serde(default)]
    pub priority: u32,
    /// `shippingCost`, in øre here (kroner on the wire).
    #[serde(with = "kroner")]
    pub shipping_cost: Amount,
    /// `shippingMethod`: the name shown to the shopper.
    pub shipping_method: String,
    /// `shippingMethodId`: the merchant's id for the method.
    pub shipping_method_id: String,
}

/// A postal address, as the provider sends it in the shipping-details
/// request (schema `ShippingCostAndMethod`), in an express callback's
/// `shippingDetails.address` (schema `AddressExpress`) and in the details
/// response (schema `Address`). Every field is optional and read leniently:
/// real payloads leave some out (or `null`), and an odd value is skipped.
///
/// The post code has two names: the specification's `AddressExpress` (the
/// callback) says `zipCode` ("apologies for not using `postCode` as
/// elsewhere"), its `Address` and `ShippingCostAndMethod` and the guide's
/// older callback example say `postCode`. Both are read and kept as sent;
/// [`Address::postal_code`] gives whichever is there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// `addressId`: the provider's id for the address (an integer, or its
    /// text).
    #[serde(
        default,
        deserialize_with = "opt_u64_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_id: Option<u64>,
    /// `addressLine1`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_line1: Option<String>,
    /// `addressLine2`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_line2: Option<String>,
    /// `city`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub city: Option<String>,
    /// `country`: `"Norway"` in the specification, `"NO"` in the guide's
    /// express callback example; kept as sent.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub country: Option<String>,
    /// `postCode` (text: Norwegian post codes have leading zeros).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub post_code: Option<String>,
    /// `zipCode`: the post code under the name the express callback uses.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub zip_code: Option<String>,
    /// `addressType`, e.g. `"H"` (home), `"W"` (work), `"O"` (other).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_type: Option<String>,
}

impl Address {
    /// The post code, under either of its names (`postCode` first, then
    /// `zipCode`).
    pub fn postal_code(&self) -> Option<&str> {
        self.post_code.as_deref().or(self.zip_code.as_deref())
    }
}

/// The body of `POST:[shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`,
/// which the provider sends the merchant to ask for shipping options for
/// an address ("3 attempts with 3 seconds timeout").
///
/// Note: the eCom guide's example of this request ends with a trailing comma,
/// which is not JSON; the provider's real requests are JSON.
pub type ShippingDetailsRequest = Address;

/// The merchant's answer to a [`ShippingDetailsRequest`] (eCom API
/// specification (OpenAPI), schema `FetchShippingCostResponse`, which
/// requires `addressId`, `orderId` and `shippingDetails`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetailsResponse {
    /// `addressId`: the request's, echoed — "Vipps Provided address Id. To
    /// be returned in response in the same field". Required.
    #[serde(deserialize_with = "u64_lenient")]
    pub address_id: u64,
    /// `orderId`.
    pub order_id: String,
    /// `shippingDetails`: the methods offered for this address.
    pub shipping_details: Vec<ShippingOption>,
}

/// The shipping the shopper chose, in an express callback (schema
/// `ShippingDetailsRequest`) or the details response (schema
/// `PaymentShippingDetails`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    /// `address`: where to ship.
    #[serde(
        default,
        deserialize_with = "opt_or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub address: Option<Address>,
    /// `shippingCost`, in øre here (kroner on the wire, an integer or a
    /// number with decimals); zero if absent.
    #[serde(default, with = "kroner")]
    pub shipping_cost: Amount,
    /// `shippingMethod`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_method: Option<String>,
    /// `shippingMethodId`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_method_id: Option<String>,
}

/// The shopper's details, shared with the shopper's consent in an express
/// callback (`userDetails`) and in the details response (eCom API
/// specification (OpenAPI), schema `UserDetails`).
///
/// Every field is optional and read leniently: after seven days "all
/// customer information will be replaced with `"[Expired]"`" (Vipps eCom
/// API guide, "Consent and GDPR"), and the fields the specification has
/// since dropped (`bankIdVerified`, `dateOfBirth`, `ssn`) still arrive from
/// older integrations. `Debug` does not print the national identity number
/// (`ssn`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDetails {
    /// `bankIdVerified`, in every form it has been published in: the
    /// earlier specification's `"Y"` / `"N"` text, the guide's details
    /// example's number `0` (or `1`), and booleans. Written as `"Y"` /
    /// `"N"`; an unreadable value reads as `None`.
    #[serde(
        default,
        deserialize_with = "opt_flag_lenient",
        serialize_with = "yes_no_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub bank_id_verified: Option<bool>,
    /// `dateOfBirth`, as sent (the earlier guide's example: `"12-3-1988"`).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub date_of_birth: Option<String>,
    /// `email`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// `firstName`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub first_name: Option<String>,
    /// `lastName`.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_name: Option<String>,
    /// `mobileNumber`, as sent ("8 digits (not MSISDN format as
    /// Userinfo)").
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub mobile_number: Option<String>,
    /// `ssn`: the national identity number. Handle as personal data.
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub ssn: Option<String>,
    /// `userId`: the id in a later consent removal
    /// (`DELETE:[consentRemovalPrefix]/v2/consents/{userId}`).
    #[serde(
        default,
        deserialize_with = "opt_text_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
}

fn yes_no_opt<S: serde::Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(b) => yes_no::serialize(b, s),
        None => s.serialize_none(),
    }
}

impl fmt::Debug for UserDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserDetails")
            .field("bank_id_verified", &self.bank_id_verified)
            .field("date_of_birth", &self.date_of_birth)
            .field("email", &self.email)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("mobile_number", &self.mobile_number)
            .field("ssn", &self.ssn.as_ref().map(|_| "<redacted>"))
            .field("user_id", &self.user_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipping_details_response_round_trips() {
        let json = r#"{"addressId": 3960, "orderId": "123456abc", "shippingDetails": [
            {"isDefault": "N", "priority": 1, "shippingCost": 30.0, "shippingMethod": "Walking", "shippingMethodId": "123abc"},
            {"isDefault": "Y", "priority": 2, "shippingCost": 30.0, "shippingMethod": "Running", "shippingMethodId": "321abc"}]}"#;
        let r: ShippingDetailsResponse = serde_json::from_str(json).unwrap();
        assert_eq!(r.shipping_details.len(), 2);
        assert!(r.shipping_details[1].is_default);
        assert_eq!(
            r.shipping_details[0].shipping_cost,
            Amount::from_minor(3000)
        );
        let back = serde_json::to_value(&r).unwrap();
        assert_eq!(back["shippingDetails"][1]["isDefault"], "Y");
        assert_eq!(back["shippingDetails"][0]["shippingCost"], 30.0);
        assert_eq!(
            serde_json::from_value::<ShippingDetailsResponse>(back).unwrap(),
            r
        );
    }

    #[test]
    fn user_details_debug_hides_the_ssn() {
        let u = UserDetails {
            ssn: Some("12345678901".into()),
            ..Default::default()
        };
        let d = format!("{u:?}");
        assert!(!d.contains("12345678901") && d.contains("redacted"), "{d}");
    }
}
