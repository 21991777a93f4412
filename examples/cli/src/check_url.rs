//! `appswitch check-url [--kind web|app|callback] URL`: is this URL acceptable
//! for that use? Prints `ok` (exit 0; warnings on stderr), or the rule it
//! breaks on stderr (exit 1).

use std::process::ExitCode;

use appswitch_core::shopper::url::{UrlKind, check_url};

const USAGE: &str = "usage: appswitch check-url [--kind web|app|callback] URL  (default: web)";

fn parse_kind(kind: &str) -> Option<UrlKind> {
    match kind {
        "web" => Some(UrlKind::Web),
        "app" => Some(UrlKind::App),
        "callback" => Some(UrlKind::Callback),
        _ => None,
    }
}

/// Reads `--kind K URL` (in any order, `--kind=K` too).
fn parse_args(args: &[String]) -> Result<(UrlKind, &str), String> {
    let (mut kind, mut url) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = if arg == "--kind" {
            Some(it.next().ok_or("`--kind` needs a value")?.as_str())
        } else {
            arg.strip_prefix("--kind=")
        };
        if let Some(value) = value {
            let parsed = parse_kind(value)
                .ok_or_else(|| format!("unknown kind `{value}` (web, app or callback)"))?;
            if kind.replace(parsed).is_some() {
                return Err("`--kind` given twice".into());
            }
        } else if arg.starts_with("--") {
            return Err(format!("unknown option `{arg}`"));
        } else if url.replace(arg.as_str()).is_some() {
            return Err("more than one URL".into());
        }
    }
    match (kind, url) {
        // Like the JS API's check, a URL is checked as a web fallback
        // unless told otherwise.
        (kind, Some(url)) => Ok((kind.unwrap_or(UrlKind::Web), url)),
        (_, None) => Err("the URL is missing".into()),
    }
}

/// Runs `check-url` with the arguments after the command name.
pub fn run(args: &[String]) -> ExitCode {
    let (kind, url) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("appswitch check-url: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match check_url(kind, url) {
        Ok(checked) => {
            println!("ok");
            for warning in checked.warnings {
                eprintln!("warning[{}]: {warning}", warning.rule());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}: {error}", error.rule());
            ExitCode::from(1)
        }
    }
}
