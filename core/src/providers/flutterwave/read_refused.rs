//! Without the `flutterwave-answers` feature (the browser module): a
//! recognised Flutterwave answer is refused by name, with what to serve
//! instead.

use super::recognise::Kind;
use super::{FlutterwaveBody, FlutterwaveError};
use crate::foundation::json::Value;

/// Refuses an answer of any kind.
pub(super) fn read(_: Kind, _: &Value) -> Result<FlutterwaveBody, FlutterwaveError> {
    Err(FlutterwaveError::NotRead)
}
