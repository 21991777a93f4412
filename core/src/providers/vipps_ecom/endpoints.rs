//! The provider's API paths, and the merchant's endpoints the provider
//! calls (Vipps eCom API guide, "API endpoints" and "Callback endpoints").
//!
//! ```
//! use appswitch_core::providers::vipps_ecom::endpoints::{self, MerchantEndpoint};
//!
//! assert_eq!(endpoints::capture("order123abc"), "/ecomm/v2/payments/order123abc/capture");
//! let prefix = "https://example.com/vipps/callbacks-for-payment-update";
//! let url = endpoints::callback_url(prefix, "order123abc");
//! assert_eq!(url, "https://example.com/vipps/callbacks-for-payment-update/v2/payments/order123abc");
//! assert_eq!(
//!     MerchantEndpoint::from_path("/vipps/callbacks-for-payment-update/v2/payments/order123abc"),
//!     Some(MerchantEndpoint::Callback { order_id: "order123abc" })
//! );
//! ```

/// `POST:/accesstoken/get`.
pub const ACCESS_TOKEN: &str = "/accesstoken/get";
/// `POST:/ecomm/v2/payments`: initiate.
pub const INITIATE: &str = "/ecomm/v2/payments";

/// `POST:/ecomm/v2/payments/{orderId}/capture`.
pub fn capture(order_id: &str) -> String {
    format!("{INITIATE}/{order_id}/capture")
}

/// `PUT:/ecomm/v2/payments/{orderId}/cancel`.
pub fn cancel(order_id: &str) -> String {
    format!("{INITIATE}/{order_id}/cancel")
}

/// `POST:/ecomm/v2/payments/{orderId}/refund`.
pub fn refund(order_id: &str) -> String {
    format!("{INITIATE}/{order_id}/refund")
}

/// `GET:/ecomm/v2/payments/{orderId}/details`.
pub fn details(order_id: &str) -> String {
    format!("{INITIATE}/{order_id}/details")
}

/// `POST:/ecomm/v2/integration-test/payments/{orderId}/approve`: "Force
/// Approve", test environment only.
pub fn force_approve(order_id: &str) -> String {
    format!("/ecomm/v2/integration-test/payments/{order_id}/approve")
}

fn join(prefix: &str, path: &str) -> String {
    format!("{}{path}", prefix.trim_end_matches('/'))
}

/// `[callbackPrefix]/v2/payments/{orderId}`: where callbacks are posted.
/// A trailing `/` on the prefix is not doubled.
pub fn callback_url(callback_prefix: &str, order_id: &str) -> String {
    join(callback_prefix, &format!("/v2/payments/{order_id}"))
}

/// `[shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`.
pub fn shipping_details_url(shipping_details_prefix: &str, order_id: &str) -> String {
    join(
        shipping_details_prefix,
        &format!("/v2/payments/{order_id}/shippingDetails"),
    )
}

/// `[consentRemovalPrefix]/v2/consents/{userId}` (called with `DELETE`).
pub fn consent_removal_url(consent_removal_prefix: &str, user_id: &str) -> String {
    join(consent_removal_prefix, &format!("/v2/consents/{user_id}"))
}

/// A request the provider makes to the merchant, recognised by the end of
/// its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MerchantEndpoint<'a> {
    /// `POST …/v2/payments/{orderId}`: a callback.
    Callback {
        /// The payment's `orderId`.
        order_id: &'a str,
    },
    /// `POST …/v2/payments/{orderId}/shippingDetails`: express shipping.
    ShippingDetails {
        /// The payment's `orderId`.
        order_id: &'a str,
    },
    /// `DELETE …/v2/consents/{userId}`: "User has removed consent for
    /// sharing details." The merchant "is obliged to handle the user
    /// details as per the GDPR guidelines".
    ConsentRemoval {
        /// The shopper's `userId`, as given in the callback or details.
        user_id: &'a str,
    },
}

impl<'a> MerchantEndpoint<'a> {
    /// Recognises a request path (without query) the provider called;
    /// `None` when it is none of the three.
    pub fn from_path(path: &'a str) -> Option<MerchantEndpoint<'a>> {
        let segments: Vec<&str> = path.trim_end_matches('/').rsplit('/').take(4).collect();
        let non_empty = |s: &&str| !s.is_empty();
        match segments.as_slice() {
            ["shippingDetails", order_id, "payments", "v2"] if non_empty(order_id) => {
                Some(MerchantEndpoint::ShippingDetails { order_id })
            }
            [order_id, "payments", "v2", ..] if non_empty(order_id) => {
                Some(MerchantEndpoint::Callback { order_id })
            }
            [user_id, "consents", "v2", ..] if non_empty(user_id) => {
                Some(MerchantEndpoint::ConsentRemoval { user_id })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_merchant_endpoints() {
        assert_eq!(
            MerchantEndpoint::from_path("/shop/v2/payments/o-1/shippingDetails"),
            Some(MerchantEndpoint::ShippingDetails { order_id: "o-1" })
        );
        assert_eq!(
            MerchantEndpoint::from_path("/v2/payments/o-1"),
            Some(MerchantEndpoint::Callback { order_id: "o-1" })
        );
        assert_eq!(
            MerchantEndpoint::from_path("/vipps/consents/v2/consents/1234567"),
            Some(MerchantEndpoint::ConsentRemoval { user_id: "1234567" })
        );
        for other in ["", "/", "/v2/payments/", "/v2/other/x", "payments/v2/o-1"] {
            assert_eq!(MerchantEndpoint::from_path(other), None, "{other}");
        }
        assert_eq!(
            consent_removal_url("https://example.com/vipps/consents/", "42"),
            "https://example.com/vipps/consents/v2/consents/42"
        );
        assert_eq!(
            shipping_details_url("https://example.com/vipps/shipping/", "o"),
            "https://example.com/vipps/shipping/v2/payments/o/shippingDetails"
        );
    }
}
