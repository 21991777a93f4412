//! Tests of the payment model, without HTTP.
