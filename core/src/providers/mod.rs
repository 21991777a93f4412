//! One folder per provider: its wire types with the provider's own field
//! names, its rules and error codes, the mapping into the provider-neutral
//! [`status`](crate::status), and the one place that recognises its
//! bodies ([`payload`]).

pub mod dintero;
pub mod flutterwave;
pub mod payload;
pub mod vipps_ecom;
pub mod vipps_epayment;
