//! `appswitch deeplink [--received-at T] [--now T] URL`: classify the
//! initiate response's `url` and print, as JSON, its kind, environment,
//! deadlines and the open plan for each platform. `T` is RFC 3339; both
//! default to the current time.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::deeplink::Deeplink;
use appswitch_core::shopper::platform::Platform;
use serde_json::{Map, Value, json};

const USAGE: &str = "usage: appswitch deeplink [--received-at RFC3339] [--now RFC3339] URL";

fn system_now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    Timestamp::from_millis(ms)
}

struct Args {
    url: String,
    received_at: Option<Timestamp>,
    now: Option<Timestamp>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let (mut url, mut received_at, mut now) = (None, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let slot = match arg.as_str() {
            "--received-at" => &mut received_at,
            "--now" => &mut now,
            other if other.starts_with("--") => return Err(format!("unknown option `{other}`")),
            _ => {
                if url.replace(arg.clone()).is_some() {
                    return Err("more than one URL".into());
                }
                continue;
            }
        };
        let text = it.next().ok_or_else(|| format!("`{arg}` needs a time"))?;
        let t = Timestamp::parse_rfc3339(text).map_err(|e| format!("`{arg}`: {e}"))?;
        *slot = Some(t);
    }
    Ok(Args {
        url: url.ok_or("the URL is missing")?,
        received_at,
        now,
    })
}

/// Runs `deeplink` with the arguments after the command name.
pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("appswitch deeplink: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let received_at = args.received_at.unwrap_or_else(system_now);
    let now = args.now.unwrap_or(received_at.max(system_now()));
    let link = match Deeplink::classify(&args.url, received_at) {
        Ok(link) => link,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(1);
        }
    };
    let mut plans = Map::new();
    for platform in Platform::ALL {
        let plan = match link.open_plan(platform, now) {
            Ok(plan) => serde_json::to_value(plan).unwrap_or(Value::Null),
            Err(error) => json!({ "error": error.to_string() }),
        };
        plans.insert(platform.as_str().to_string(), plan);
    }
    let out = json!({
        "url": link.url,
        "kind": link.kind,
        "environment": link.environment,
        "deadlines": {
            "receivedAt": link.deadlines.received_at.to_string(),
            "linkValidUntil": link.deadlines.link_valid_until.to_string(),
            "paymentDeadline": link.deadlines.payment_deadline.to_string(),
        },
        "now": now.to_string(),
        "expired": link.is_expired(now),
        "plans": plans,
    });
    match serde_json::to_string_pretty(&out) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("appswitch deeplink: {error}");
            ExitCode::from(1)
        }
    }
}
