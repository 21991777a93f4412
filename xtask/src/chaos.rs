//! `cargo xtask chaos --payments N [--seed S]`: N payments end to end
//! through the provider simulator, the reference backend and the core's
//! tracker, each with a random mix of faults (`examples/chaos`). It prints
//! the seed first and ends with the line
//! `chaos: <N> payments, <w> wrong outcomes, <d> double captures, <u> uncancelled duplicates, <k> unknown`;
//! it fails when any of the first three is not zero.

use crate::util::{Res, cargo, run};

/// Runs the chaos binary with `args` (`--payments N`, `--seed S`, …), in
/// the dev profile or, with `release`, optimised.
pub fn chaos(args: &[String], release: bool) -> Res {
    let mut cmd = cargo();
    cmd.args(["run", "-q", "-p", "appswitch-chaos"]);
    if release {
        cmd.arg("--release");
    }
    cmd.arg("--").args(args);
    run("chaos", &mut cmd)
}

/// `cargo xtask test`'s `chaos` suite: 1,000 payments with a fixed seed,
/// then 1,000 with a random one (printed first, so a failure replays).
pub fn suite() -> Res {
    let fixed = ["--payments", "1000", "--seed", "17"].map(String::from);
    chaos(&fixed, false)?;
    chaos(&["--payments".to_string(), "1000".to_string()], false)
}
