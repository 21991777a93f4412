//! Running the `appswitch` binary from the tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `appswitch ARGS` with `stdin` as its input.
pub fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_appswitch"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        // A command that exits before reading (a usage error) closes the
        // pipe; that is its answer, not a test failure.
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("the binary finishes")
}

/// The JSON the command printed, after checking it succeeded.
#[allow(dead_code)] // not every test binary reads JSON (`webhook-verify` prints `ok`)
pub fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
