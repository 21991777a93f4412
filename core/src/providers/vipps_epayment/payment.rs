//! `GET:/epayment/v1/payments/{reference}`: "a point in time snapshot of a
//! given payment … the recommended way to get the current information
//! about a payment" (ePayment API guide, "Get payment"; specification,
//! `GetPaymentResponse`, `State`, `Aggregate`).

use std::collections::BTreeMap;

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::create::PaymentMethodType;
use super::money::{Currency, Money};
use crate::foundation::lenient::opt_text_or_number;
use crate::foundation::money::Amount;

/// The get payment response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPaymentResponse {
    /// `aggregate`: the running totals.
    pub aggregate: Aggregate,
    /// `amount`: what the payment was created for.
    pub amount: Money,
    /// `state`.
    pub state: State,
    /// `paymentMethod`: `WALLET` or `CARD`, and the card's BIN. Required
    /// by the specification; read as absent when a payload leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<PaymentMethodResponse>,
    /// `profile`: the `sub` for the Userinfo API, once authorized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileResponse>,
    /// `pspReference`: the provider's reference.
    #[serde(default, deserialize_with = "opt_text_or_number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psp_reference: Option<String>,
    /// `redirectUrl`: the landing page, while the payment waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// `reference`: the merchant's.
    #[serde(deserialize_with = "crate::foundation::lenient::text_or_number")]
    pub reference: String,
    /// `metadata`, as sent with the create request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// `state` (specification, `State`).
///
/// Only five: a capture, cancel or refund of an authorized payment does
/// not change it — "A payment that has been refunded may have one or more
/// refund events, but the state would be `AUTHORIZED`." The `aggregate`
/// and the event log tell what happened after the authorization.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// `CREATED`: "The user has not yet acted upon the payment."
    Created,
    /// `AUTHORIZED`: "The user has approved the payment. This is a final
    /// state."
    Authorized,
    /// `ABORTED`: "The user has aborted the payment before authorization.
    /// This is a final state."
    Aborted,
    /// `EXPIRED`: "The user did not act on the payment within the payment
    /// expiration time. This is a final state."
    Expired,
    /// `TERMINATED`: "The merchant has terminated the payment via the
    /// cancelPayment endpoint. This is a final state."
    Terminated,
    /// A state this crate does not know, as sent. It proves nothing.
    Other(String),
}

impl State {
    /// The five documented states.
    pub const KNOWN: [State; 5] = [
        State::Created,
        State::Authorized,
        State::Aborted,
        State::Expired,
        State::Terminated,
    ];

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            State::Created => "CREATED",
            State::Authorized => "AUTHORIZED",
            State::Aborted => "ABORTED",
            State::Expired => "EXPIRED",
            State::Terminated => "TERMINATED",
            State::Other(name) => name,
        }
    }

    /// The state with this wire name; unknown names give
    /// [`Other`](Self::Other).
    pub fn from_name(name: &str) -> State {
        State::KNOWN
            .into_iter()
            .find(|s| s.as_str() == name)
            .unwrap_or_else(|| State::Other(name.to_string()))
    }

    /// True for the documented final states (all but `CREATED`).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            State::Authorized | State::Aborted | State::Expired | State::Terminated
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for State {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "a payment state", |name| {
            if name.is_empty() {
                Err("the state is empty")
            } else {
                Ok(State::from_name(name))
            }
        })
    }
}

/// `aggregate`: the totals (specification, `Aggregate`; all four are
/// required there, a missing one reads as zero here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Aggregate {
    /// `authorizedAmount`: "Defined by `$.aggregate.authorizedAmount`" —
    /// the user approved this much.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_amount: Option<Money>,
    /// `cancelledAmount`: released, never to be captured ("Cancel the
    /// remaining un-captured amount").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_amount: Option<Money>,
    /// `capturedAmount`: captured in total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_amount: Option<Money>,
    /// `refundedAmount`: refunded in total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_amount: Option<Money>,
}

fn value(m: Option<Money>) -> Amount {
    m.map_or(Amount::ZERO, |m| m.value)
}

impl Aggregate {
    /// An aggregate of four amounts in `currency` (authorized, cancelled,
    /// captured, refunded, in minor units).
    pub fn of(
        currency: Currency,
        authorized: Amount,
        cancelled: Amount,
        captured: Amount,
        refunded: Amount,
    ) -> Aggregate {
        Aggregate {
            authorized_amount: Some(Money::of(currency, authorized)),
            cancelled_amount: Some(Money::of(currency, cancelled)),
            captured_amount: Some(Money::of(currency, captured)),
            refunded_amount: Some(Money::of(currency, refunded)),
        }
    }

    /// `authorizedAmount.value` (0 if absent).
    pub fn authorized(&self) -> Amount {
        value(self.authorized_amount)
    }

    /// `cancelledAmount.value` (0 if absent).
    pub fn cancelled(&self) -> Amount {
        value(self.cancelled_amount)
    }

    /// `capturedAmount.value` (0 if absent).
    pub fn captured(&self) -> Amount {
        value(self.captured_amount)
    }

    /// `refundedAmount.value` (0 if absent).
    pub fn refunded(&self) -> Amount {
        value(self.refunded_amount)
    }

    /// What can still be captured: authorized − captured − cancelled.
    pub fn capturable(&self) -> Amount {
        self.authorized()
            .saturating_sub(self.captured())
            .saturating_sub(self.cancelled())
    }

    /// What can still be refunded: captured − refunded.
    pub fn refundable(&self) -> Amount {
        self.captured().saturating_sub(self.refunded())
    }
}

/// `paymentMethod` of the response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethodResponse {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// `cardBin`: the card's Bank Identification Number, as text.
    #[serde(default, deserialize_with = "opt_text_or_number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_bin: Option<String>,
}

/// `profile` of the response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileResponse {
    /// `sub`: "populated once `state` is `AUTHORIZED`" when a `scope` was
    /// asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
}
