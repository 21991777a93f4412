//! `appswitch schema`: the status document's JSON Schema, generated from
//! appswitch-core's types (`schemars`). The repository keeps it as
//! `schema/status-document.v1.json` for backends not written in Rust; a
//! test fails if that file is not what the types generate.

use std::process::ExitCode;

use appswitch_core::status::StatusDocument;
use serde_json::Value;

/// The committed schema (what `conform` validates answers against).
pub const COMMITTED: &str = include_str!("../../../schema/status-document.v1.json");

/// The schema the core's types generate.
pub fn generated() -> Value {
    serde_json::to_value(schemars::schema_for!(StatusDocument)).unwrap_or_default()
}

/// Runs the command: prints the generated schema.
pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        println!(
            "usage: appswitch schema\n\nPrints the JSON Schema of appswitch's status document (version 1),\ngenerated from appswitch-core's types."
        );
        return if args.iter().any(|a| a == "-h" || a == "--help") {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    match serde_json::to_string_pretty(&generated()) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("appswitch schema: {e}");
            ExitCode::FAILURE
        }
    }
}
