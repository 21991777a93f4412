//! The initiate response's `url`: classify it, and get the platform's plan
//! for opening it ([`appswitch_core::shopper::deeplink`]). The records
//! ([`Deeplink`], [`OpenPlan`], `LinkKind`, `DeeplinkEnvironment`,
//! `Deadlines`) are the core's own, exposed by its `uniffi` feature.

use appswitch_core::shopper::deeplink::{Deeplink, OpenPlan};
use appswitch_core::shopper::platform::Platform;

use crate::convert::{self, timestamp};
use crate::errors::DeeplinkError;

/// Classifies the initiate response's `url`, received at `receivedAtMs`
/// (ms since the epoch; the deadlines count from it).
#[uniffi::export]
pub fn classify_deeplink(url: String, received_at_ms: i64) -> Result<Deeplink, DeeplinkError> {
    let received = timestamp("receivedAtMs", received_at_ms)?;
    Ok(Deeplink::classify(&url, received)?)
}

/// The plan for opening `deeplink` on `platform` now (`nowMs`, or the
/// system clock when null). From the link's expiry on, the plan is
/// `StartNewAttempt`. The link is classified again from its `url` and
/// `deadlines.receivedAt`: the record's other fields are derived, never
/// trusted.
#[uniffi::export(default(now_ms = None))]
pub fn open_plan(
    deeplink: Deeplink,
    platform: Platform,
    now_ms: Option<i64>,
) -> Result<OpenPlan, DeeplinkError> {
    let now = match now_ms {
        Some(ms) => timestamp("nowMs", ms)?,
        None => convert::now(),
    };
    let link = Deeplink::classify(&deeplink.url, deeplink.deadlines.received_at)?;
    Ok(link.open_plan(platform, now)?)
}
