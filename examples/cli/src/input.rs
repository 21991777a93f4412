//! Reading the payload argument: a file, `-` for stdin, or stdin when
//! absent.

use std::io::Read;
use std::process::ExitCode;

/// Usage errors exit with 2, after saying what was wrong.
pub fn usage(message: &str, usage: &str) -> ExitCode {
    eprintln!("appswitch: {message}\n\nusage: {usage}");
    ExitCode::from(2)
}

/// The text of `FILE`, or of stdin for `-` or no argument.
pub fn read(source: Option<&str>) -> Result<String, String> {
    match source {
        None | Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            Ok(text)
        }
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))
        }
    }
}
