//! The Swift suite: the tests in `tests/swift/` (a script-style executable,
//! no XCTest needed, so it also runs on Linux) compiled with the generated
//! `AppSwitch.swift` and `AppSwitchCore.swift` (the core's types, the same
//! module) and run against the host library and the scripted
//! backend — where `swiftc` exists. Without a Swift toolchain it says
//! plainly that it was skipped.

use std::path::PathBuf;
use std::process::Command;

use crate::bindings::{generate, generated_dir, host_library, swift_module_maps};
use crate::suite::SuiteOutcome;
use crate::util::{Failure, Res, on_path, root, run, target_dir};

/// Runs the Swift binding tests, or skips them without a Swift toolchain.
pub fn run_suite() -> SuiteOutcome {
    if !on_path("swiftc") {
        return SuiteOutcome::Skipped("no Swift toolchain (swiftc not on PATH)".into());
    }
    swift_tests().into()
}

fn swift_sources() -> Res<Vec<PathBuf>> {
    let dir = root().join("tests/swift");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Failure(format!("swift: reading {}: {e}", dir.display())))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "swift"))
        .collect();
    found.sort();
    Ok(found)
}

fn swift_tests() -> Res {
    generate()?;
    let generated = generated_dir().join("swift");
    let lib_dir = host_library()
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let build = target_dir().join("swift-tests");
    std::fs::create_dir_all(&build)
        .map_err(|e| Failure(format!("swift: creating {}: {e}", build.display())))?;
    let exe = build.join("appswitch-swift-tests");
    let mut swiftc = Command::new("swiftc");
    swiftc.args(["-swift-version", "5", "-module-name", "AppSwitchTests"]);
    for map in swift_module_maps() {
        swiftc
            .arg("-Xcc")
            .arg(format!("-fmodule-map-file={}", map.display()));
    }
    swiftc
        .arg("-I")
        .arg(&generated)
        .arg("-L")
        .arg(&lib_dir)
        .arg("-lappswitch_mobile")
        .args(crate::bindings::swift_sources())
        .args(swift_sources()?)
        .arg("-o")
        .arg(&exe);
    run("swift: swiftc", &mut swiftc)?;
    let backend = crate::server::scripted_backend()?;
    let path_var = if cfg!(target_os = "macos") {
        "DYLD_LIBRARY_PATH"
    } else {
        "LD_LIBRARY_PATH"
    };
    run(
        "swift: tests",
        Command::new(&exe)
            .env(path_var, &lib_dir)
            .env("APPSWITCH_TEST_BACKEND", &backend.url),
    )
}
