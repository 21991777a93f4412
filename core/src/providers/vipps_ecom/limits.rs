//! The provider's numbers, in one place. Every policy default in appswitch
//! that comes from the provider is taken from here.

use core::time::Duration;

use crate::foundation::rate_budget::RateBudget;

/// "Both the deeplink URL, which causes the app-switch to Vipps, and the
/// landing page displayed in browsers, is valid for 5 minutes." (Vipps eCom API guide,
/// "Timeouts")
pub const DEEPLINK_VALIDITY: Duration = Duration::from_secs(5 * 60);

/// "After the app-switch to Vipps, the user has another 5 minutes to
/// complete the payment in Vipps." (Vipps eCom API guide, "Timeouts")
pub const APP_WINDOW: Duration = Duration::from_secs(5 * 60);

/// "This means that the user has a total of 10 minutes to complete the
/// payment." (Vipps eCom API guide, "Timeouts")
pub const PAYMENT_WINDOW: Duration = Duration::from_secs(10 * 60);

/// appswitch's own margin after [`PAYMENT_WINDOW`] before the one last
/// check: time for the provider to write the expiry, so that the check
/// reads a decided payment rather than one in its last second.
pub const FINAL_CHECK_GRACE: Duration = Duration::from_secs(30);

/// Whether the payment window of a payment initiated at `initiated_at`
/// has closed at `now`, with appswitch's [`FINAL_CHECK_GRACE`]: the time
/// for the one last details check, read with
/// [`PaymentDetails::to_status_after_payment_window`](super::PaymentDetails::to_status_after_payment_window).
pub fn payment_window_closed(
    initiated_at: crate::foundation::time::Timestamp,
    now: crate::foundation::time::Timestamp,
) -> bool {
    now >= initiated_at
        .saturating_add(PAYMENT_WINDOW)
        .saturating_add(FINAL_CHECK_GRACE)
}

/// Polling guidelines: "1. Start after 5 seconds" (Vipps eCom API guide).
pub const FIRST_POLL_AFTER: Duration = Duration::from_secs(5);

/// Polling guidelines: "2. Check every 2 seconds" (Vipps eCom API guide).
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// "We recommend setting no less than 1 second socket connection timeout"
/// (Vipps knowledge base, "Exception handling", "Connection timeout").
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// "… and 5 seconds socket read timeout while communicating with Vipps"
/// (Vipps knowledge base, "Exception handling", "Connection timeout").
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// "Refunds can be made up to 365 days after capture." (Vipps eCom API guide, "Refund")
pub const REFUND_WINDOW: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// The longest `orderId`: "Maximum length is 50 alphanumeric characters:
/// a-z, A-Z, 0-9 and '-'." (eCom API specification (OpenAPI), every
/// `orderId`: `pattern: '^[a-zA-Z0-9-]{1,50}$'`, `maxLength: 50`). The
/// guide (document version 2.3.8) said 30; the published specification is newer and allows
/// 50.
pub const ORDER_ID_MAX_LEN: usize = 50;

/// The smallest payment: "Minimum 1 NOK" — `minimum: 100` øre (eCom API
/// specification (OpenAPI), schema `TransactionInfoInitiate`, `amount`).
pub const MIN_AMOUNT_ORE: u64 = 100;

/// The longest `transactionText`: `maxLength: 100` (eCom API specification
/// (OpenAPI), schemas `TransactionInfoInitiate`, `Transaction`,
/// `CancelTransaction`).
pub const TRANSACTION_TEXT_MAX_LEN: usize = 100;

/// The digits of a merchant serial number in a request: "Early MSNs were
/// five digits, new ones are six digits." — `minLength: 5`, `maxLength: 6`
/// (eCom API specification (OpenAPI), `merchantSerialNumber`).
pub const MSN_DIGITS: core::ops::RangeInclusive<usize> = 5..=6;

/// The longest URL the initiate request takes (`callbackPrefix`,
/// `fallBack`, `consentRemovalPrefix`, `shippingDetailsPrefix`):
/// `maxLength: 255` (eCom API specification (OpenAPI), schema
/// `MerchantInfo`).
pub const URL_MAX_LEN: usize = 255;

/// The longest `authToken`: `maxLength: 255` (eCom API specification
/// (OpenAPI), schema `MerchantInfo`).
pub const AUTH_TOKEN_MAX_LEN: usize = 255;

/// The longest `shippingMethod`: "Max length: 256 characters" (eCom API
/// specification (OpenAPI), schema `ShippingDetails`).
pub const SHIPPING_METHOD_MAX_LEN: usize = 256;

/// The longest `shippingMethodId`: `maxLength: 100` (eCom API
/// specification (OpenAPI), schema `ShippingDetails`).
pub const SHIPPING_METHOD_ID_MAX_LEN: usize = 100;

/// "we strongly recommend using at least 6 characters" (Vipps eCom API guide).
pub const ORDER_ID_RECOMMENDED_MIN_LEN: usize = 6;

/// An API with a rate limit (Vipps eCom API guide, "Rate limiting").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RateLimitedApi {
    /// `POST:/ecomm/v2/payments`.
    InitiatePayment,
    /// `PUT:/ecomm/v2/payments/{orderId}/cancel`.
    CancelPayment,
    /// `POST:/ecomm/v2/payments/{orderId}/capture`.
    CapturePayment,
    /// `POST:/ecomm/v2/payments/{orderId}/refund`.
    RefundPayment,
    /// The deprecated get-order-status endpoint.
    GetOrderStatus,
    /// `GET:/ecomm/v2/payments/{orderId}/details`.
    GetPaymentDetails,
}

/// What a rate limit is counted per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RateLimitKey {
    /// Per `orderId` and merchant serial number.
    OrderIdAndMsn,
    /// Per `orderId` and subscription key (`Ocp-Apim-Subscription-Key`).
    OrderIdAndSubscriptionKey,
}

/// One row of the rate-limit table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// The API.
    pub api: RateLimitedApi,
    /// How many calls are allowed …
    pub calls: u32,
    /// … per this window.
    pub per: Duration,
    /// … counted per this key.
    pub key: RateLimitKey,
}

impl RateLimit {
    /// A rolling-window budget of this row, for counting calls against it.
    pub fn budget(&self) -> RateBudget {
        RateBudget::new(self.calls, self.per)
    }
}

const MINUTE: Duration = Duration::from_secs(60);

/// The rate-limit table of the Vipps eCom API guide ("Rate limiting"), as data.
pub const RATE_LIMITS: [RateLimit; 6] = [
    RateLimit {
        api: RateLimitedApi::InitiatePayment,
        calls: 2,
        per: MINUTE,
        key: RateLimitKey::OrderIdAndMsn,
    },
    RateLimit {
        api: RateLimitedApi::CancelPayment,
        calls: 5,
        per: MINUTE,
        key: RateLimitKey::OrderIdAndMsn,
    },
    RateLimit {
        api: RateLimitedApi::CapturePayment,
        calls: 5,
        per: MINUTE,
        key: RateLimitKey::OrderIdAndMsn,
    },
    RateLimit {
        api: RateLimitedApi::RefundPayment,
        calls: 5,
        per: MINUTE,
        key: RateLimitKey::OrderIdAndMsn,
    },
    RateLimit {
        api: RateLimitedApi::GetOrderStatus,
        calls: 120,
        per: MINUTE,
        key: RateLimitKey::OrderIdAndSubscriptionKey,
    },
    RateLimit {
        api: RateLimitedApi::GetPaymentDetails,
        calls: 120,
        per: MINUTE,
        key: RateLimitKey::OrderIdAndSubscriptionKey,
    },
];

/// The rate limit of `api`.
pub fn rate_limit(api: RateLimitedApi) -> RateLimit {
    match api {
        RateLimitedApi::InitiatePayment => RATE_LIMITS[0],
        RateLimitedApi::CancelPayment => RATE_LIMITS[1],
        RateLimitedApi::CapturePayment => RATE_LIMITS[2],
        RateLimitedApi::RefundPayment => RATE_LIMITS[3],
        RateLimitedApi::GetOrderStatus => RATE_LIMITS[4],
        RateLimitedApi::GetPaymentDetails => RATE_LIMITS[5],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_consistently() {
        for row in RATE_LIMITS {
            assert_eq!(rate_limit(row.api), row);
        }
        assert_eq!(rate_limit(RateLimitedApi::GetPaymentDetails).calls, 120);
        assert_eq!(DEEPLINK_VALIDITY + APP_WINDOW, PAYMENT_WINDOW);
    }
}
