//! `appswitch status [FILE|-]`: what a provider payload (an eCom details
//! response, callback body or capture/cancel/refund response; an ePayment
//! get payment response, event log, capture/cancel/refund response or
//! webhook body) or a status document says about the payment, as one JSON
//! object.

use std::process::ExitCode;

use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::status::{PaymentStatus, StatusDocument};
use serde_json::{Value, json};

use crate::input;

const USAGE: &str = "appswitch status [FILE|-]";

/// Runs the command.
pub fn run(args: &[String]) -> ExitCode {
    let source = match args {
        [] => None,
        [one] if one == "-h" || one == "--help" => {
            println!(
                "usage: {USAGE}\n\nReads a Vipps eCom details response, callback body or capture/cancel/refund\nresponse, an ePayment get payment response, event log, capture/cancel/refund\nresponse or webhook body, or an appswitch status document, and prints its\nstatus as JSON."
            );
            return ExitCode::SUCCESS;
        }
        [one] if one.starts_with('-') && one != "-" => {
            return input::usage(&format!("unknown option `{one}`"), USAGE);
        }
        [one] => Some(one.as_str()),
        _ => return input::usage("expected at most one FILE", USAGE),
    };
    let text = match input::read(source) {
        Ok(t) => t,
        Err(e) => return input::usage(&e, USAGE),
    };
    let result = StatusPayload::parse_json(&text).and_then(|p| {
        let status = p.to_status()?;
        Ok(describe(&p, &status))
    });
    match result {
        Ok(v) => {
            println!("{v:#}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("appswitch status: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The status document's fields, plus the full amounts and what the
/// payload was.
fn describe(p: &StatusPayload, status: &PaymentStatus) -> Value {
    let doc = StatusDocument::from_status(p.order_id(), p.provider(), status);
    let mut v = serde_json::to_value(&doc).unwrap_or_default();
    v["source"] = json!(p.kind());
    v["amounts"] = serde_json::to_value(status.amounts()).unwrap_or_default();
    if let Some(at) = status.captured_at {
        v["capturedAt"] = json!(at.to_string());
    }
    if !status.failed_operations.is_empty() {
        v["failedOperations"] = status
            .failed_operations
            .iter()
            .map(|f| {
                json!({"operation": f.operation, "amount": f.amount,
                       "at": f.at.map(|t| t.to_string()), "transactionId": f.transaction_id})
            })
            .collect();
    }
    v
}
