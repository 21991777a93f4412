//! `appswitch webhook-verify`: is this Vipps MobilePay webhook delivery
//! authentic? The signed headers as flags, the raw body on stdin
//! (Webhooks API, "Request authentication").

use std::io::Read;
use std::process::ExitCode;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::providers::vipps_epayment::WebhookSecret;
use appswitch_core::providers::vipps_epayment::signature::{Freshness, WebhookRequest, verify};

use crate::input;

const USAGE: &str = "appswitch webhook-verify --secret S --method M --path P --host H --date D \
--content-sha256 C --authorization A [--now T] < BODY";

const HELP: &str = "\
Verifies a webhook delivery as the Webhooks API publishes it: the body's
SHA-256 against --content-sha256 (the x-ms-content-sha256 header), then
the HMAC-SHA256 of \"METHOD\\nPATH\\nDATE;HOST;CONTENT-SHA256\" with the
webhook's secret (as its text) against the Signature in --authorization.

  --secret S          the secret the webhook registration answered
  --method M          the request's method (POST)
  --path P            the request's path and query, as received
  --host H            the Host header
  --date D            the x-ms-date header
  --content-sha256 C  the x-ms-content-sha256 header
  --authorization A   the Authorization header
  --now T             an RFC 3339 time: also check that the date is within
                      15 minutes of it (without it, the date is not checked)

The raw body is read from stdin, byte for byte.
Prints `ok` and exits 0 when authentic; exits 1 with the reason when not;
exits 2 on a usage error.";

/// Runs the command.
pub fn run(args: &[String]) -> ExitCode {
    let mut flags: [(&str, Option<String>); 8] = [
        ("--secret", None),
        ("--method", None),
        ("--path", None),
        ("--host", None),
        ("--date", None),
        ("--content-sha256", None),
        ("--authorization", None),
        ("--now", None),
    ];
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "-h" || arg == "--help" {
            println!("usage: {USAGE}\n\n{HELP}");
            return ExitCode::SUCCESS;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let Some(slot) = flags.iter_mut().find(|(flag, _)| *flag == name) else {
            return input::usage(&format!("unknown argument `{arg}`"), USAGE);
        };
        if slot.1.is_some() {
            return input::usage(&format!("`{name}` is given twice"), USAGE);
        }
        match inline.or_else(|| rest.next().cloned()) {
            Some(value) => slot.1 = Some(value),
            None => return input::usage(&format!("`{name}` needs a value"), USAGE),
        }
    }
    let [
        secret,
        method,
        path,
        host,
        date,
        content,
        authorization,
        now,
    ] = flags.map(|(_, value)| value);
    let missing = [
        ("--secret", &secret),
        ("--method", &method),
        ("--path", &path),
        ("--host", &host),
        ("--date", &date),
        ("--content-sha256", &content),
        ("--authorization", &authorization),
    ]
    .into_iter()
    .find(|(_, v)| v.is_none())
    .map(|(name, _)| name);
    if let Some(name) = missing {
        return input::usage(&format!("`{name}` is required"), USAGE);
    }
    let freshness = match now.as_deref().map(Timestamp::parse_rfc3339) {
        None => None,
        Some(Ok(now)) => Some(Freshness::at(now)),
        Some(Err(e)) => return input::usage(&format!("`--now`: {e}"), USAGE),
    };
    let mut body = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut body) {
        return input::usage(&format!("cannot read the body from stdin: {e}"), USAGE);
    }
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().to_string();
    let (secret, method, path, host, date, content, authorization) = (
        text(&secret),
        text(&method),
        text(&path),
        text(&host),
        text(&date),
        text(&content),
        text(&authorization),
    );
    let request = WebhookRequest {
        method: &method,
        path_and_query: &path,
        host: &host,
        date: &date,
        content_sha256: &content,
        authorization: &authorization,
    };
    match verify(&WebhookSecret::new(secret), &request, &body, freshness) {
        Ok(()) => {
            println!("ok");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("appswitch webhook-verify: not authentic: {e}");
            ExitCode::FAILURE
        }
    }
}
