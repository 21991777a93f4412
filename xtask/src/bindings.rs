//! `cargo xtask bindings`: generates Kotlin, Swift and Python from the
//! `appswitch-mobile` cdylib with the workspace's own `uniffi-bindgen` (so
//! generator and runtime are the same uniffi version), and the Kotlin suite
//! that runs the generated code on the JVM: the tests in `tests/kotlin/`,
//! the Android example compiled against them (with the Android stubs in
//! `tests/kotlin/android-stubs/`), and the Python smoke test.
//!
//! The library holds two uniffi namespaces: the binding's own
//! (`appswitch_mobile`: Kotlin `io.appswitch`, `AppSwitch.swift`) and the
//! core's records and enums (`appswitch_core`, its `uniffi` feature:
//! Kotlin `io.appswitch.core`, `AppSwitchCore.swift`, compiled into the
//! same Swift module). Each language gets both; Python gets them as the
//! modules of one package, `appswitch` (the binding's module imports the
//! core's relatively).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::setup::Tools;
use crate::util::{Failure, Res, cargo, fail, root, run, target_dir};

/// Where the generated sources go (git-ignored).
pub fn generated_dir() -> PathBuf {
    root().join("bindings-mobile/generated")
}

/// The host cdylib built by `cargo build -p appswitch-mobile`.
pub fn host_library() -> PathBuf {
    let name = if cfg!(target_os = "macos") {
        "libappswitch_mobile.dylib"
    } else {
        "libappswitch_mobile.so"
    };
    target_dir().join("debug").join(name)
}

/// Builds the library and the generator, then generates every language.
pub fn generate() -> Res {
    run(
        "bindings: cargo build",
        cargo().args(["build", "-p", "appswitch-mobile", "-p", "uniffi-bindgen"]),
    )?;
    let bindgen = target_dir().join("debug/uniffi-bindgen");
    let out = generated_dir();
    for lang in ["kotlin", "swift", "python"] {
        let clear = out.join(lang);
        if clear.exists() {
            std::fs::remove_dir_all(&clear)
                .map_err(|e| Failure(format!("bindings: clearing {}: {e}", clear.display())))?;
        }
        let dir = if lang == "python" {
            python_package()
        } else {
            clear
        };
        run(
            &format!("bindings: uniffi-bindgen generate --language {lang}"),
            Command::new(&bindgen)
                .current_dir(root())
                .args(["generate", "--library"])
                .arg(host_library())
                .args(["--language", lang, "--no-format", "--out-dir"])
                .arg(&dir),
        )?;
    }
    let init = python_package().join("__init__.py");
    std::fs::write(
        &init,
        "\"\"\"appswitch: the core's types (appswitch_core) and the binding (appswitch_mobile).\"\"\"\n",
    )
    .map_err(|e| Failure(format!("bindings: writing {}: {e}", init.display())))?;
    println!("bindings: generated into {}", out.display());
    Ok(())
}

/// The generated Python package: both namespaces' modules and the library.
fn python_package() -> PathBuf {
    generated_dir().join("python/appswitch")
}

/// The generated Swift sources (the binding's and the core's), compiled
/// into one module.
pub fn swift_sources() -> [PathBuf; 2] {
    let dir = generated_dir().join("swift");
    [dir.join("AppSwitch.swift"), dir.join("AppSwitchCore.swift")]
}

/// The generated module maps of the two FFI modules the Swift sources
/// import.
pub fn swift_module_maps() -> [PathBuf; 2] {
    let dir = generated_dir().join("swift");
    [
        dir.join("AppSwitchFFI.modulemap"),
        dir.join("AppSwitchCoreFFI.modulemap"),
    ]
}

/// Every `.kt` (and `.java`, which kotlinc reads for signatures only) file
/// below `dir`.
fn kotlin_sources(dir: &std::path::Path) -> Res<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| Failure(format!("reading {}: {e}", d.display())))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "kt" || e == "java") {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}

const JNA: &str = "/usr/share/java/jna.jar";

/// The Kotlin classpath pieces of the npm kotlin-compiler distribution.
pub struct Kotlin {
    /// `bin/kotlinc`.
    pub kotlinc: PathBuf,
    /// `lib/kotlin-stdlib.jar`.
    pub stdlib: PathBuf,
    /// `lib/kotlinx-coroutines-core-jvm.jar`.
    pub coroutines: PathBuf,
}

impl Kotlin {
    /// Finds the compiler installed by `cargo xtask setup`.
    pub fn locate(tools: &Tools) -> Res<Kotlin> {
        let k = tools.kotlin_home();
        let kotlinc = k.join("bin/kotlinc");
        if !kotlinc.is_file() {
            return fail(format!(
                "kotlin: {} is missing; run `cargo xtask setup`",
                kotlinc.display()
            ));
        }
        Ok(Kotlin {
            kotlinc,
            stdlib: k.join("lib/kotlin-stdlib.jar"),
            coroutines: k.join("lib/kotlinx-coroutines-core-jvm.jar"),
        })
    }

    /// Compiles the generated bindings with the `.kt` files below `dirs`
    /// into `build` (emptied first).
    pub fn compile(&self, what: &str, dirs: &[PathBuf], build: &Path) -> Res {
        let _ = std::fs::remove_dir_all(build);
        let mut sources = kotlin_sources(&generated_dir().join("kotlin"))?;
        for dir in dirs {
            sources.extend(kotlin_sources(dir)?);
        }
        let cp = format!("{JNA}:{}", self.coroutines.display());
        run(
            what,
            Command::new(&self.kotlinc)
                .args(["-jvm-target", "17", "-nowarn", "-cp", &cp])
                .args(&sources)
                .arg("-d")
                .arg(build),
        )
    }

    /// `java` running `main_class` from `build` against the host library
    /// in `lib_dir`, with the scripted backend's URL in
    /// `APPSWITCH_TEST_BACKEND`.
    pub fn java(&self, build: &Path, main_class: &str, lib_dir: &Path, backend: &str) -> Command {
        let cp = format!(
            "{}:{}:{JNA}:{}",
            build.display(),
            self.stdlib.display(),
            self.coroutines.display()
        );
        let mut cmd = Command::new("java");
        cmd.env("APPSWITCH_TEST_BACKEND", backend)
            .arg(format!("-Djna.library.path={}", lib_dir.display()))
            .args(["-cp", &cp, main_class]);
        cmd
    }
}

/// Compiles the generated Kotlin with the tests in `tests/kotlin/` and the
/// Android example (against the stubs), runs the tests on the JVM against
/// the host library and the scripted backend, then the Python smoke test.
pub fn kotlin_tests(tools: &Tools) -> Res {
    generate()?;
    let kotlin = Kotlin::locate(tools)?;
    let build = target_dir().join("kotlin-tests");
    kotlin.compile(
        "kotlin: kotlinc (bindings, tests, Android example)",
        &[
            root().join("tests/kotlin"),
            root().join("examples/android/src"),
        ],
        &build,
    )?;
    let backend = crate::server::scripted_backend()?;
    run(
        "kotlin: tests on the JVM",
        &mut kotlin.java(
            &build,
            "io.appswitch.tests.MainKt",
            &target_dir().join("debug"),
            &backend.url,
        ),
    )?;
    python_smoke()
}

/// Loads the generated Python package (with the host library in it) and
/// runs `tests/python/smoke.py`.
fn python_smoke() -> Res {
    let dir = python_package();
    let lib = host_library();
    let name = lib.file_name().unwrap_or_default();
    std::fs::copy(&lib, dir.join(name))
        .map_err(|e| Failure(format!("python: copying {}: {e}", lib.display())))?;
    run(
        "python: smoke test of the generated module",
        Command::new("python3")
            .arg(root().join("tests/python/smoke.py"))
            .arg(generated_dir().join("python")),
    )
}

/// The mobile targets `appswitch-mobile` must compile for.
const MOBILE_TARGETS: &[&str] = &[
    "aarch64-linux-android",
    "armv7-linux-androideabi",
    "x86_64-linux-android",
    "aarch64-apple-ios",
];

/// `cargo check` for every mobile target, then the iOS static library.
/// (An Android `.so` cannot be linked here: there is no NDK.)
pub fn mobile_targets() -> Res {
    for target in MOBILE_TARGETS {
        run(
            &format!("mobile: cargo check --target {target}"),
            cargo().args([
                "check",
                "-p",
                "appswitch-mobile",
                "--lib",
                "--target",
                target,
            ]),
        )?;
    }
    ios_static_library("dev").map(|_| ())
}

/// Builds the iOS static library with `profile` and returns its path.
pub fn ios_static_library(profile: &str) -> Res<PathBuf> {
    run(
        "mobile: iOS static library",
        cargo().args([
            "rustc",
            "-p",
            "appswitch-mobile",
            "--lib",
            "--crate-type",
            "staticlib",
            "--target",
            "aarch64-apple-ios",
            "--profile",
            profile,
        ]),
    )?;
    let dir = if profile == "dev" { "debug" } else { profile };
    let lib = target_dir()
        .join("aarch64-apple-ios")
        .join(dir)
        .join("libappswitch_mobile.a");
    if !lib.is_file() {
        return fail(format!("mobile: {} was not built", lib.display()));
    }
    Ok(lib)
}
