//! `appswitch error [--http-status N] [FILE|-]`: a provider error body as a
//! typed error, with what to do about it (retry-later, check-then-retry,
//! final, new-order-id).

use std::process::ExitCode;

use appswitch_core::providers::vipps_ecom::{CallFailure, EcomError, ErrorBody, classify};
use serde_json::{Value, json};

use crate::input;

const USAGE: &str = "appswitch error [--http-status N] [FILE|-]";

/// Runs the command.
pub fn run(args: &[String]) -> ExitCode {
    let mut http_status = None;
    let mut source = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!(
                    "usage: {USAGE}\n\nReads an error body (the eCom array, the gateway's object or the token\nservice's object) and prints the typed error and its classification.\nWith --http-status the response's status is taken into account too."
                );
                return ExitCode::SUCCESS;
            }
            "--http-status" => match rest.next().map(|s| s.parse::<u16>()) {
                Some(Ok(n)) => http_status = Some(n),
                Some(Err(_)) | None => {
                    return input::usage("--http-status needs a number such as 429", USAGE);
                }
            },
            other if other.starts_with('-') && other != "-" => {
                return input::usage(&format!("unknown option `{other}`"), USAGE);
            }
            other if source.is_none() => source = Some(other),
            _ => return input::usage("expected at most one FILE", USAGE),
        }
    }
    let text = match input::read(source) {
        Ok(t) => t,
        Err(e) => return input::usage(&e, USAGE),
    };
    match ErrorBody::parse_json(&text) {
        Ok(body) => {
            println!("{:#}", describe(&body, http_status));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("appswitch error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn describe(body: &ErrorBody, http_status: Option<u16>) -> Value {
    let class = match http_status {
        Some(status) => classify(CallFailure::Http {
            status,
            body: Some(body),
        }),
        None => body.class(),
    };
    let mut v = match body {
        ErrorBody::Ecom(errors) => json!({
            "kind": "ecom",
            "errors": errors.iter().map(entry).collect::<Vec<_>>(),
        }),
        ErrorBody::Gateway(g) => json!({
            "kind": "gateway", "statusCode": g.status_code, "message": g.message,
        }),
        ErrorBody::Azure(a) => json!({
            "kind": "azure", "statusCode": a.response_info.response_code,
            "message": a.response_info.response_message, "result": a.result.message,
        }),
        ErrorBody::Token(t) => json!({
            "kind": "token", "error": t.error, "description": t.error_description,
            "errorCodes": t.error_codes, "traceId": t.trace_id, "correlationId": t.correlation_id,
        }),
    };
    v["class"] = json!(class.as_str());
    if let Some(s) = http_status {
        v["httpStatus"] = json!(s);
    }
    v
}

fn entry(e: &EcomError) -> Value {
    let known = e.known_code();
    json!({
        "group": e.error_group.as_str(),
        "code": e.error_code,
        "message": e.error_message,
        "contextId": e.context_id,
        "known": known.map(|k| format!("{k:?}")),
        "meaning": known.map(|k| k.meaning()),
        "class": e.class().as_str(),
    })
}
