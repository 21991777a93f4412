//! `appswitch`: the backend developer's pocket knife, for debugging a
//! payment from the logs.
//!
//! Exit codes: 0 success, 1 the input broke a rule (the reason is on
//! stderr), 2 usage errors.

mod check_url;
mod conform;
mod deeplink;
mod error;
mod input;
mod schema;
mod status;
mod webhook_verify;

use std::process::ExitCode;

const USAGE: &str = "\
appswitch <command> [args]

  status [FILE|-]                       a provider payload or status document → the status as JSON
  error [--http-status N] [FILE|-]      a provider error body → the typed error and its class
  check-url --kind web|app|callback URL is this URL acceptable for that use?
  deeplink URL                          classify an initiate `url` and print the open plan
  webhook-verify --secret S --method M --path P --host H --date D --content-sha256 C
                 --authorization A [--now T] < BODY
                                        is this webhook delivery authentic? (`ok`, exit 0)
  schema                                the status document's JSON Schema (generated from the core's types)
  conform STATUS_URL [--wake-url URL]   does a backend's status endpoint keep appswitch's contract?
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    match cmd.as_str() {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        "status" => status::run(rest),
        "error" => error::run(rest),
        "check-url" => check_url::run(rest),
        "deeplink" => deeplink::run(rest),
        "webhook-verify" => webhook_verify::run(rest),
        "schema" => schema::run(rest),
        "conform" => conform::run(rest),
        other => {
            eprintln!("appswitch: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
