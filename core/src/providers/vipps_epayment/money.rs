//! Money as the ePayment API writes it: `{"currency": "NOK", "value": 49900}`,
//! the value in minor units of a currency the API names.
//!
//! ePayment API specification, `Amount`: "Amounts are specified in minor
//! units (i.e., integers with two trailing zeros). For example: 10.00 NOK
//! should be written as 1000." `Currency`: "Available types of currency
//! are NOK, DKK, and EUR." The ePayment API changelog (September 2023,
//! v1.4.0): "Added `DKK` and `EUR` currencies. Only allowed for Danish and
//! Finnish merchants, respectively."

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::foundation::money::Amount;

/// A currency the ePayment API accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Currency {
    /// Norwegian krone: 100 øre.
    #[serde(rename = "NOK")]
    Nok,
    /// Danish krone: 100 øre.
    #[serde(rename = "DKK")]
    Dkk,
    /// Euro (Finland): 100 cent.
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    /// Every currency, in the specification's order.
    pub const ALL: [Currency; 3] = [Currency::Nok, Currency::Dkk, Currency::Eur];

    /// The ISO 4217 code, as the API writes it.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Nok => "NOK",
            Currency::Dkk => "DKK",
            Currency::Eur => "EUR",
        }
    }

    /// The currency with this code (exactly as the API writes it).
    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Decimal places of the minor unit: 2 for all three ("integers with
    /// two trailing zeros"; ISO 4217 gives NOK, DKK and EUR two).
    pub fn minor_unit_digits(self) -> u32 {
        match self {
            Currency::Nok | Currency::Dkk | Currency::Eur => 2,
        }
    }

    /// The name of the minor unit: øre (NOK, DKK) or cent (EUR).
    pub fn minor_unit_name(self) -> &'static str {
        match self {
            Currency::Nok | Currency::Dkk => "øre",
            Currency::Eur => "cent",
        }
    }

    /// The smallest amount a payment may be created for, in minor units.
    ///
    /// ePayment API specification (`Amount.value`, as published in the
    /// Vipps MobilePay SDK's generated types, 2024): "The minimum amounts
    /// allowed are NOK 100 øre, DKK 1 øre, EUR 1 cent." The FAQ's error
    /// table agrees for NOK ("Amount too small … For NOK the minimum is
    /// 100").
    pub fn minimum_payment(self) -> Amount {
        match self {
            Currency::Nok => Amount::from_minor(100),
            Currency::Dkk | Currency::Eur => Amount::from_minor(1),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::foundation::lenient::parse_str(d, "a currency code", |code| {
            Currency::from_code(code).ok_or_else(|| {
                format!("`{code}` is not a currency of the ePayment API (NOK, DKK or EUR)")
            })
        })
    }
}

/// The largest `value` the ePayment API specification allows
/// (`Amount.value`: `maximum: 65000000`, v1.4.1).
pub const MAX_VALUE: Amount = Amount::from_minor(65_000_000);

/// `Amount` of the ePayment API: a value in minor units and its currency.
///
/// The value is read leniently (a number, or its decimal text); it is
/// always written as a number.
///
/// ```
/// use appswitch_core::providers::vipps_epayment::{Currency, Money};
///
/// let m: Money = serde_json::from_str(r#"{"currency": "DKK", "value": 49900}"#).unwrap();
/// assert_eq!(m, Money::new(Currency::Dkk, 49900));
/// assert_eq!(m.to_string(), "499.00 DKK");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Money {
    /// `currency`.
    pub currency: Currency,
    /// `value`, in minor units.
    #[serde(deserialize_with = "amount_value")]
    pub value: Amount,
}

impl Money {
    /// `value` minor units of `currency`.
    pub const fn new(currency: Currency, value: u64) -> Money {
        Money {
            currency,
            value: Amount::from_minor(value),
        }
    }

    /// `amount` in `currency`.
    pub const fn of(currency: Currency, amount: Amount) -> Money {
        Money {
            currency,
            value: amount,
        }
    }
}

/// `499.00 NOK`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // All three currencies have two decimals, as Amount prints them.
        write!(f, "{} {}", self.value, self.currency)
    }
}

fn amount_value<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
    crate::foundation::lenient::u64_lenient(d).map(Amount::from_minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_currency_has_two_decimals_and_its_unit() {
        for c in Currency::ALL {
            assert_eq!(c.minor_unit_digits(), 2);
            assert_eq!(Currency::from_code(c.code()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
            assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), c);
        }
        assert_eq!(Currency::Eur.minor_unit_name(), "cent");
        assert_eq!(Currency::Dkk.minor_unit_name(), "øre");
        assert_eq!(Currency::Nok.minimum_payment().minor(), 100);
        assert_eq!(Currency::Dkk.minimum_payment().minor(), 1);
    }

    #[test]
    fn unknown_currencies_and_bad_values_are_refused_by_name() {
        let e = serde_json::from_str::<Money>(r#"{"currency": "SEK", "value": 1}"#).unwrap_err();
        assert!(e.to_string().contains("`SEK` is not a currency"), "{e}");
        assert!(serde_json::from_str::<Money>(r#"{"currency": "nok", "value": 1}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"currency": "NOK", "value": -1}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"currency": "NOK", "value": 1.5}"#).is_err());
        // A value sent as text is read.
        let m: Money = serde_json::from_str(r#"{"currency": "EUR", "value": "250"}"#).unwrap();
        assert_eq!(m, Money::new(Currency::Eur, 250));
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"currency":"EUR","value":250}"#
        );
    }
}
