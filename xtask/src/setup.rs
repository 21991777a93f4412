//! `cargo xtask setup`: installs every tool the suites need, skipping what is
//! already there. The facts behind each choice are in `../shared/TOOLCHAIN.md`.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{Failure, Res, cargo, fail, on_path, probe, root, run, tools_dir};

/// Debian packages: the browser and its driver for the wasm and end-to-end
/// tests, JNA for the Kotlin bindings on the JVM, and PostgreSQL for the
/// merchant backend's tests with two instances.
const APT_PACKAGES: &[(&str, &str)] = &[
    (
        "chromium",
        "headless browser for the wasm and end-to-end tests",
    ),
    ("chromium-driver", "WebDriver for wasm-bindgen-test-runner"),
    (
        "libjna-java",
        "JNA, which uniffi's Kotlin bindings load the library with",
    ),
    (
        "postgresql",
        "PostgreSQL's server, which the backend's scale-out tests and bench start in a temp folder",
    ),
];

/// Rust targets: wasm for the browser module, the mobile ones for compile
/// checks of `appswitch-mobile`.
const RUST_TARGETS: &[&str] = &[
    "wasm32-unknown-unknown",
    "aarch64-linux-android",
    "armv7-linux-androideabi",
    "x86_64-linux-android",
    "aarch64-apple-ios",
];

/// npm tools, installed into `.tools/node_modules`. Debian's wasm-opt (108)
/// corrupts wasm-bindgen output and Debian's kotlinc (1.3) cannot compile
/// uniffi's Kotlin, so both come from npm.
pub const NPM_TOOLS: &[(&str, &str, &str)] = &[
    (
        "playwright-core",
        "1.65.1",
        "drives Chromium in the end-to-end tests",
    ),
    ("binaryen", "132.0.0", "wasm-opt for the npm package"),
    (
        "kotlin-compiler",
        "2.4.20",
        "kotlinc for the Kotlin binding tests",
    ),
    ("typescript", "5.9.3", "tsc type-checks the package's .d.ts"),
];

/// Paths of the installed tools.
#[derive(Debug)]
pub struct Tools {
    /// Folder holding `wasm-bindgen` and `wasm-bindgen-test-runner`.
    pub cargo_bin: PathBuf,
    /// `.tools/node_modules`.
    pub node_modules: PathBuf,
}

impl Tools {
    /// Where the tools are (whether or not they are installed yet).
    pub fn locate() -> Self {
        Tools {
            cargo_bin: tools_dir().join("cargo/bin"),
            node_modules: tools_dir().join("node_modules"),
        }
    }

    /// The wasm-bindgen CLI matching the library version.
    pub fn wasm_bindgen(&self) -> PathBuf {
        self.cargo_bin.join("wasm-bindgen")
    }

    /// The headless test runner that ships with wasm-bindgen-cli.
    pub fn wasm_bindgen_test_runner(&self) -> PathBuf {
        self.cargo_bin.join("wasm-bindgen-test-runner")
    }

    /// npm binaryen's wasm-opt (never Debian's).
    pub fn wasm_opt(&self) -> PathBuf {
        self.node_modules.join("binaryen/bin/wasm-opt")
    }

    /// The full Kotlin compiler distribution.
    pub fn kotlin_home(&self) -> PathBuf {
        self.node_modules.join("kotlin-compiler")
    }

    /// TypeScript's compiler.
    pub fn tsc(&self) -> PathBuf {
        self.node_modules.join("typescript/bin/tsc")
    }
}

/// Installs what is missing; prints what it installs and why, or that
/// everything was already there.
pub fn setup() -> Res<Tools> {
    let mut installed = 0;
    installed += apt()?;
    installed += java()?;
    installed += rust_targets()?;
    installed += npm_tools()?;
    installed += wasm_bindgen_cli()?;
    if installed == 0 {
        println!("setup: everything is already installed; nothing to do");
    } else {
        println!("setup: installed {installed} item(s)");
    }
    Ok(Tools::locate())
}

fn dpkg_installed(pkg: &str) -> bool {
    probe(Command::new("dpkg-query").args(["-W", "-f=${Status}", pkg]))
        .is_some_and(|s| s.contains("install ok installed"))
}

/// A command that runs as root: directly when we are root, else via sudo.
fn as_root(program: &str) -> Command {
    let is_root = probe(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    if is_root || !on_path("sudo") {
        Command::new(program)
    } else {
        let mut c = Command::new("sudo");
        c.arg(program);
        c
    }
}

fn apt_install(pkgs: &[&str]) -> Res {
    if !on_path("apt-get") {
        return fail(format!(
            "setup: apt-get not found, cannot install {}",
            pkgs.join(" ")
        ));
    }
    run(
        "setup: apt-get update",
        as_root("apt-get").args(["update", "-q"]),
    )?;
    run(
        "setup: apt-get install",
        as_root("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(pkgs),
    )
}

fn apt() -> Res<usize> {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(p, _)| !dpkg_installed(p))
        .map(|(p, _)| *p)
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    for (p, why) in APT_PACKAGES.iter().filter(|(p, _)| missing.contains(p)) {
        println!("setup: installing apt package {p}: {why}");
    }
    apt_install(&missing)?;
    Ok(missing.len())
}

fn java() -> Res<usize> {
    if on_path("java") {
        return Ok(0);
    }
    println!(
        "setup: installing openjdk-17-jdk-headless: the JVM runs the Kotlin compiler and tests"
    );
    apt_install(&["openjdk-17-jdk-headless"])?;
    Ok(1)
}

fn rust_targets() -> Res<usize> {
    let have = probe(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or_else(|| Failure("setup: `rustup target list --installed` failed".into()))?;
    let missing: Vec<&str> = RUST_TARGETS
        .iter()
        .copied()
        .filter(|t| !have.lines().any(|l| l.trim() == *t))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    println!(
        "setup: adding rust targets {} (wasm build, mobile compile checks)",
        missing.join(" ")
    );
    run(
        "setup: rustup target add",
        Command::new("rustup")
            .args(["target", "add"])
            .args(&missing),
    )?;
    Ok(missing.len())
}

fn installed_npm_version(name: &str) -> Option<String> {
    let manifest = Tools::locate().node_modules.join(name).join("package.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    let at = text.find("\"version\"")?;
    let rest = &text[at + "\"version\"".len()..];
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_string())
}

fn npm_tools() -> Res<usize> {
    let missing: Vec<_> = NPM_TOOLS
        .iter()
        .filter(|(name, version, _)| installed_npm_version(name).as_deref() != Some(*version))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    for (name, version, why) in &missing {
        println!("setup: installing npm {name}@{version} into .tools: {why}");
    }
    let dir = tools_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure(format!("setup: creating {}: {e}", dir.display())))?;
    let deps: Vec<String> = NPM_TOOLS
        .iter()
        .map(|(n, v, _)| format!("    \"{n}\": \"{v}\""))
        .collect();
    let manifest = format!(
        "{{\n  \"name\": \"appswitch-tools\",\n  \"private\": true,\n  \"dependencies\": {{\n{}\n  }}\n}}\n",
        deps.join(",\n")
    );
    std::fs::write(dir.join("package.json"), manifest)
        .map_err(|e| Failure(format!("setup: writing .tools/package.json: {e}")))?;
    run(
        "setup: npm install (playwright-core, binaryen, kotlin-compiler, typescript)",
        Command::new("npm").current_dir(&dir).args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]),
    )?;
    Ok(missing.len())
}

/// The `wasm-bindgen` version recorded in Cargo.lock.
pub fn locked_wasm_bindgen_version() -> Res<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| Failure(format!("setup: reading Cargo.lock: {e}")))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        let version = lines
            .clone()
            .next()
            .and_then(|l| l.trim().strip_prefix("version = \""));
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = version
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    fail("setup: wasm-bindgen is not in Cargo.lock")
}

fn wasm_bindgen_cli() -> Res<usize> {
    let version = locked_wasm_bindgen_version()?;
    let tools = Tools::locate();
    let have = probe(Command::new(tools.wasm_bindgen()).arg("--version"));
    let runner = tools.wasm_bindgen_test_runner().is_file();
    if runner
        && have
            .as_deref()
            .is_some_and(|v| v.split_whitespace().nth(1) == Some(version.as_str()))
    {
        return Ok(0);
    }
    println!(
        "setup: installing wasm-bindgen-cli {version} into .tools/cargo (must match the library exactly)"
    );
    // Not `--locked`: its lockfile names a crate version this registry lacks.
    run(
        "setup: cargo install wasm-bindgen-cli",
        cargo()
            .args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &version,
                "--root",
            ])
            .arg(tools_dir().join("cargo"))
            .arg("--force"),
    )?;
    Ok(1)
}
