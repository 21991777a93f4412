//! The Vipps MobilePay ePayment API beside eCom v2: the create request of
//! a checkout, the signed webhooks, and capture, cancel and refund. The
//! rules are appswitch-core's (`providers::vipps_epayment`); an order
//! remembers its API ([`ProviderApi`](crate::ProviderApi)) and the rest of
//! the backend — the status document, the watcher, the return check, the
//! baskets' clean-ups — serves both alike.

pub(crate) mod checkout;
pub(crate) mod operations;
pub(crate) mod webhooks;
