//! Express checkout's dynamic shipping: before an express payment is
//! approved, the provider asks the merchant which shipping it offers for
//! the shopper's address — `POST [shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`
//! with the order's `authToken` as `Authorization`, "3 attempts with 3
//! seconds timeout" (Vipps eCom API guide, "Express checkout API endpoints
//! required on the merchant side") — and the shopper picks one of the
//! options answered. An answer is used only if it echoes the request's
//! `addressId` and `orderId` (eCom API specification, schema
//! `FetchShippingCostResponse`, which requires both).
//!
//! If no attempt is answered usably, the simulated shopper gets no options
//! and the payment goes on with the simulator's own delivery at no cost.

use std::time::Duration;

use appswitch_core::providers::vipps_ecom::{Address, ShippingDetailsResponse, headers};

use crate::state::Shared;

/// The provider's id of the simulated shopper's address.
pub(crate) const ADDRESS_ID: u64 = 292;

/// Attempts, and each one's timeout.
const ATTEMPTS: u32 = 3;
const TIMEOUT: Duration = Duration::from_secs(3);

/// The simulated shopper's address, as the request sends it (schema
/// `ShippingCostAndMethod`: the post code is `postCode` here).
fn shopper_address() -> Address {
    Address {
        address_id: Some(ADDRESS_ID),
        address_line1: Some("Dronning Eufemias gate 42".into()),
        city: Some("Oslo".into()),
        country: Some("Norway".into()),
        post_code: Some("0191".into()),
        address_type: Some("H".into()),
        ..Address::default()
    }
}

/// For an express order with a `shippingDetailsPrefix` (and no static
/// options), asks the merchant for its options and keeps them on the
/// payment, recording each attempt. Does nothing for other orders.
pub(crate) async fn fetch_options(shared: &Shared, order_id: &str) {
    let target = {
        let inner = shared.lock();
        let Some(p) = inner.orders.get(order_id) else {
            return;
        };
        let info = &p.request.merchant_info;
        if !p.is_express() || info.static_shipping_details.is_some() || p.dynamic_shipping.is_some()
        {
            return;
        }
        let Some(prefix) = info.shipping_details_prefix.clone() else {
            return;
        };
        let auth = info.auth_token.as_ref().map(|t| t.expose().to_string());
        (
            format!(
                "{}/v2/payments/{order_id}/shippingDetails",
                prefix.trim_end_matches('/')
            ),
            auth,
        )
    };
    let (url, auth) = target;
    let mut options = None;
    for _ in 0..ATTEMPTS {
        let mut request = shared
            .http()
            .post(&url)
            .timeout(TIMEOUT)
            .json(&shopper_address());
        if let Some(a) = &auth {
            request = request.header(headers::AUTHORIZATION, a);
        }
        let answer = match request.send().await {
            Ok(r) if r.status().is_success() => r.text().await.ok(),
            _ => None,
        };
        let usable = answer
            .and_then(|text| serde_json::from_str::<ShippingDetailsResponse>(&text).ok())
            .filter(|r| r.address_id == ADDRESS_ID && r.order_id == order_id)
            .map(|r| r.shipping_details);
        let mut inner = shared.lock();
        if let Some(p) = inner.orders.get_mut(order_id) {
            p.record.shipping_details_requests += 1;
            if usable.is_some() {
                p.record.shipping_details_answered += 1;
            }
        }
        if usable.is_some() {
            options = usable;
            break;
        }
    }
    let mut inner = shared.lock();
    if let Some(p) = inner.orders.get_mut(order_id) {
        p.dynamic_shipping = Some(options.unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_the_specifications_shape() {
        let v = serde_json::to_value(shopper_address()).unwrap();
        assert_eq!(v["addressId"], 292);
        assert_eq!(v["postCode"], "0191");
        assert!(v.get("zipCode").is_none());
    }
}
