//! Reading the recognised Flutterwave answers (the `flutterwave-answers`
//! feature): each `data` as the wire type of its kind.

use super::recognise::Kind;
use super::{FlutterwaveBody, FlutterwaveError, LongRequest, PingAnswer};
use crate::foundation::json::{self, JsonError, Value};

/// Reads the `data` of an answer of `kind`.
pub(super) fn read(kind: Kind, data: &Value) -> Result<FlutterwaveBody, FlutterwaveError> {
    let failed = |kind| {
        move |e: JsonError| FlutterwaveError::Data {
            kind,
            reason: e.to_string(),
        }
    };
    match kind {
        Kind::Error => json::from_value(data)
            .map(FlutterwaveBody::Error)
            .map_err(failed("error")),
        Kind::LongRequest => {
            let long: LongRequest = json::from_value(data).map_err(failed("LONG-REQ"))?;
            if long.ping_url.starts_with("https://") || long.ping_url.starts_with("http://") {
                Ok(FlutterwaveBody::LongRequest(long))
            } else {
                Err(FlutterwaveError::PingUrl(long.ping_url))
            }
        }
        Kind::Ping => json::from_value::<PingAnswer>(data)
            .map(|p| FlutterwaveBody::Ping(Box::new(p)))
            .map_err(failed("ping")),
        Kind::Unknown(message) => Err(FlutterwaveError::UnknownKind(message)),
    }
}
