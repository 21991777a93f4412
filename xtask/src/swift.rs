//! The Swift suite: runs where `swiftc` exists, and says plainly that it was
//! skipped where it does not.

use crate::test::SuiteOutcome;
use crate::util::on_path;

/// Runs the Swift binding tests, or skips them without a Swift toolchain.
pub fn run() -> SuiteOutcome {
    if !on_path("swiftc") {
        return SuiteOutcome::Skipped("no Swift toolchain (swiftc not on PATH)".into());
    }
    SuiteOutcome::Failed("Swift tests are not written yet".into())
}
