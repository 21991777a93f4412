//! The merchant's side: capture, cancel, refund and initiate as sans-io
//! retry plans, the checkout session that knows every attempt for one
//! basket, and the card reattempt guard. Side by side with
//! [`shopper`](crate::shopper); neither imports the other.

pub mod card_guard;
pub mod checkout;
pub mod mutation;
