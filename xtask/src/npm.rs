//! The npm package as a consumer gets it: `npm pack`, installed from the
//! tarball into a fresh folder, and used only through its `exports` —
//! type-checked with bundler and node16 resolution, imported by a Node
//! program, and loaded by a plain page in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::setup::Tools;
use crate::util::{Failure, Res, output, root, run};

/// A temp folder, removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn io(what: &str) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure(format!("npm consumer: {what}: {e}"))
}

/// Packs `pkg` (already built) and runs the consumer tests of
/// `tests/npm-consumer` against the installed tarball.
pub fn consumer_tests(tools: &Tools, pkg: &Path) -> Res {
    let temp = TempDir(std::env::temp_dir().join(format!("appswitch-npm-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&temp.0);
    let consumer = temp.0.join("consumer");
    std::fs::create_dir_all(&consumer).map_err(io("creating the consumer folder"))?;
    let packed = output(
        "npm pack",
        Command::new("npm")
            .current_dir(pkg)
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&temp.0),
    )?;
    let tarball = temp
        .0
        .join(packed.trim().lines().last().unwrap_or_default().trim());
    if !tarball.is_file() {
        return crate::util::fail(format!(
            "npm consumer: npm pack made no tarball (it said `{}`)",
            packed.trim()
        ));
    }
    std::fs::write(
        consumer.join("package.json"),
        r#"{ "name": "appswitch-consumer", "private": true, "type": "module" }"#,
    )
    .map_err(io("writing package.json"))?;
    run(
        "npm install <the packed tarball>",
        Command::new("npm")
            .current_dir(&consumer)
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--offline",
            ])
            .arg(&tarball),
    )?;
    let sources = root().join("tests/npm-consumer");
    for entry in std::fs::read_dir(&sources).map_err(io("reading tests/npm-consumer"))? {
        let entry = entry.map_err(io("reading tests/npm-consumer"))?;
        std::fs::copy(entry.path(), consumer.join(entry.file_name()))
            .map_err(io("copying the consumer's files"))?;
    }
    for config in ["tsconfig.bundler.json", "tsconfig.node16.json"] {
        run(
            &format!("npm consumer: tsc -p {config}"),
            Command::new("node")
                .current_dir(&consumer)
                .arg(tools.tsc())
                .args(["--noEmit", "-p", config]),
        )?;
    }
    run(
        "npm consumer: a Node program imports the installed package",
        Command::new("node")
            .current_dir(&consumer)
            .arg("node-consumer.mjs"),
    )?;
    run(
        "npm consumer: a plain page loads the installed web entry",
        Command::new("node")
            .arg(consumer.join("browser-consumer.mjs"))
            .arg(&consumer)
            .arg(&tools.node_modules),
    )
}
