//! `cargo xtask test`: every suite the project has, one closing line each,
//! and a summary that counts suites. A suite that cannot run on this machine
//! is *skipped* with its reason; it never counts as passed.

use std::time::Instant;

use crate::setup::{self, Tools};
use crate::suite::SuiteOutcome;
use crate::util::{Res, cargo, run};

/// A named suite and the function that runs it.
pub struct Suite {
    /// The name printed in the closing line and accepted on the command line.
    pub name: &'static str,
    /// Runs the suite.
    pub run: fn(&Tools) -> SuiteOutcome,
}

/// Every suite, in the order they run (cheap and most telling first).
pub fn suites() -> Vec<Suite> {
    vec![
        Suite {
            name: "fmt",
            run: |_| fmt().into(),
        },
        Suite {
            name: "clippy",
            run: |_| clippy().into(),
        },
        Suite {
            name: "rust-tests",
            run: |_| rust_tests().into(),
        },
        Suite {
            name: "backend",
            run: |_| backend_tests().into(),
        },
        Suite {
            name: "chaos",
            run: |_| crate::chaos::suite().into(),
        },
        Suite {
            name: "docs",
            run: |_| docs().into(),
        },
        Suite {
            name: "wasm-browser",
            run: |t| crate::wasm::browser_tests(t).into(),
        },
        Suite {
            name: "typescript",
            run: |t| crate::wasm::typescript_consumer(t).into(),
        },
        Suite {
            name: "mobile-targets",
            run: |_| crate::bindings::mobile_targets().into(),
        },
        Suite {
            name: "kotlin",
            run: |t| crate::bindings::kotlin_tests(t).into(),
        },
        Suite {
            name: "e2e",
            run: |t| crate::demo::e2e(t).into(),
        },
        Suite {
            name: "swift",
            run: |_| crate::swift::run_suite(),
        },
    ]
}

fn fmt() -> Res {
    run("cargo fmt", cargo().args(["fmt", "--all", "--check"]))?;
    if crate::util::root().join("fuzz/Cargo.toml").is_file() {
        run(
            "cargo fmt (fuzz)",
            cargo().args([
                "fmt",
                "--all",
                "--check",
                "--manifest-path",
                "fuzz/Cargo.toml",
            ]),
        )?;
    }
    Ok(())
}

/// Clippy on the host for the whole workspace, and on wasm32 for the
/// browser module (its `cfg(target_arch = "wasm32")` code).
fn clippy() -> Res {
    run(
        "cargo clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "cargo clippy (wasm32)",
        cargo().args([
            "clippy",
            "-p",
            "appswitch-wasm",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]),
    )
}

/// The merchant backend's tests: SQLite, a `kill -9` of the real binary,
/// and two instances on a real PostgreSQL (which `setup` installs; the
/// tests start it themselves in a temp folder, as the `postgres` user when
/// run as root).
fn backend_tests() -> Res {
    run(
        "cargo test (backend)",
        cargo().args([
            "test",
            "-p",
            "appswitch-merchant-backend",
            "-p",
            "appswitch-test-postgres",
        ]),
    )
}

/// The Rust tests: the workspace, less what only builds for wasm (and the
/// backend, whose own suite runs it); then the
/// core's unit tests as the browser module builds it (without `raw-vipps`
/// and `flutterwave-answers`: it reads the status document, and refuses
/// provider bodies by name).
fn rust_tests() -> Res {
    run(
        "cargo test",
        cargo().args([
            "test",
            "--workspace",
            "--exclude",
            "appswitch-wasm",
            "--exclude",
            "appswitch-merchant-backend",
            "--exclude",
            "appswitch-test-postgres",
        ]),
    )?;
    run(
        "cargo test (core as the browser builds it)",
        cargo().args([
            "test",
            "-p",
            "appswitch-core",
            "--no-default-features",
            "--lib",
        ]),
    )
}

/// The API documentation builds without warnings (broken links included).
fn docs() -> Res {
    run(
        "cargo doc",
        cargo().env("RUSTDOCFLAGS", "-D warnings").args([
            "doc",
            "--workspace",
            "--no-deps",
            "--exclude",
            "xtask",
        ]),
    )
}

/// Runs setup, then the selected suites (all when `only` is empty).
pub fn test(only: &[String]) -> Res {
    let tools = setup::setup()?;
    let all = suites();
    if let Some(unknown) = only
        .iter()
        .find(|n| !all.iter().any(|s| s.name == n.as_str()))
    {
        let names: Vec<_> = all.iter().map(|s| s.name).collect();
        return crate::util::fail(format!(
            "test: no suite `{unknown}` (suites: {})",
            names.join(", ")
        ));
    }
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut lines = Vec::new();
    for suite in all
        .iter()
        .filter(|s| only.is_empty() || only.iter().any(|n| n == s.name))
    {
        println!("\n== {} ==", suite.name);
        let start = Instant::now();
        let outcome = (suite.run)(&tools);
        let secs = start.elapsed().as_secs_f64();
        let line = match &outcome {
            SuiteOutcome::Passed => {
                passed += 1;
                format!("{}: passed ({secs:.1} s)", suite.name)
            }
            SuiteOutcome::Failed(why) => {
                failed += 1;
                format!("{}: FAILED ({secs:.1} s): {why}", suite.name)
            }
            SuiteOutcome::Skipped(why) => {
                skipped += 1;
                format!("{}: skipped: {why}", suite.name)
            }
        };
        println!("{line}");
        lines.push(line);
    }
    println!("\n== summary ==");
    for line in &lines {
        println!("{line}");
    }
    let mut summary = format!("{passed} passed, {failed} failed");
    if skipped > 0 {
        summary.push_str(&format!(", {skipped} skipped"));
    }
    println!("{summary}");
    if failed > 0 {
        crate::util::fail(format!("test: {failed} suite(s) failed"))
    } else {
        Ok(())
    }
}
