//! How a suite of `cargo xtask test` ended — shared by the runner and the
//! suites that decide for themselves (Swift, which may be skipped).

use crate::util::Res;

/// How one suite ended.
#[derive(Debug)]
pub enum SuiteOutcome {
    /// Everything in it passed.
    Passed,
    /// Something failed; the message says what.
    Failed(String),
    /// It could not run here; the message says why.
    Skipped(String),
}

impl From<Res> for SuiteOutcome {
    fn from(r: Res) -> Self {
        match r {
            Ok(()) => SuiteOutcome::Passed,
            Err(e) => SuiteOutcome::Failed(e.0),
        }
    }
}
