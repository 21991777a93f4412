//! `cargo xtask wasm`: builds the npm package `appswitch` from
//! `bindings-wasm`, and the wasm suites of `cargo xtask test`.
//!
//! The package holds two builds of the same module: the ES module for
//! bundlers (the package root) and a `--target web` build for plain pages
//! (`appswitch/web`). Both are shrunk with npm binaryen's `wasm-opt` — never
//! Debian's, which corrupts wasm-bindgen output (TOOLCHAIN.md).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::setup::Tools;
use crate::util::{Failure, Res, brotli_size, cargo, kb, root, run, sizes, target_dir};

/// Where the package is written (git-ignored).
pub fn pkg_dir() -> PathBuf {
    root().join("bindings-wasm/pkg")
}

/// The wasm-opt features: what rustc's wasm32 target emits by default.
pub const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Sizes of the built package.
#[derive(Debug, Clone, Copy)]
pub struct PackageSizes {
    /// The optimised `.wasm`: raw, gzipped.
    pub wasm: (u64, u64),
    /// The JS glue of the bundler build: raw, gzipped.
    pub js: (u64, u64),
    /// Brotli (quality 11) of the `.wasm` and of the JS glue.
    pub brotli: (u64, u64),
}

impl PackageSizes {
    /// Total gzipped bytes a shopper downloads.
    pub fn total_gzipped(&self) -> u64 {
        self.wasm.1 + self.js.1
    }

    /// Total bytes a shopper downloads from a server that serves brotli.
    pub fn total_brotli(&self) -> u64 {
        self.brotli.0 + self.brotli.1
    }

    /// Prints the size report.
    pub fn print(&self) {
        println!("package size (bundler build):");
        println!(
            "  .wasm      {:>10} raw  {:>10} gzipped  {:>10} brotli",
            kb(self.wasm.0),
            kb(self.wasm.1),
            kb(self.brotli.0)
        );
        println!(
            "  JS glue    {:>10} raw  {:>10} gzipped  {:>10} brotli",
            kb(self.js.0),
            kb(self.js.1),
            kb(self.brotli.1)
        );
        println!(
            "  total                        {:>10} gzipped  {:>10} brotli (budget 60.0 kB gzipped)",
            kb(self.total_gzipped()),
            kb(self.total_brotli())
        );
    }
}

/// Builds the npm package and prints its sizes.
pub fn build_package(tools: &Tools) -> Res<PackageSizes> {
    run(
        "wasm: cargo build",
        cargo().args([
            "build",
            "-p",
            "appswitch-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ]),
    )?;
    // The Node entry adds what a Node backend needs (the `node` feature);
    // its own profile keeps the page's build untouched.
    run(
        "wasm: cargo build (the node entry)",
        cargo().args([
            "build",
            "-p",
            "appswitch-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-node",
            "--features",
            "node",
        ]),
    )?;
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/appswitch_wasm.wasm");
    let node_wasm = target_dir().join("wasm32-unknown-unknown/wasm-node/appswitch_wasm.wasm");
    let pkg = pkg_dir();
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg)
            .map_err(|e| Failure(format!("wasm: clearing {}: {e}", pkg.display())))?;
    }
    for (target, out, input) in [
        ("bundler", pkg.clone(), &wasm),
        ("web", pkg.join("web"), &wasm),
        // ESM that reads the .wasm with `node:fs` (no `.wasm` import, which
        // Node refuses without a flag).
        ("experimental-nodejs-module", pkg.join("node"), &node_wasm),
    ] {
        run(
            "wasm: wasm-bindgen",
            Command::new(tools.wasm_bindgen())
                .arg(input)
                .args(["--target", target, "--out-name", "appswitch"])
                .args([
                    "--remove-name-section",
                    "--remove-producers-section",
                    "--out-dir",
                ])
                .arg(&out),
        )?;
        optimise(tools, &out.join("appswitch_bg.wasm"))?;
        for glue in ["appswitch_bg.js", "appswitch.js"] {
            strip_doc_comments(&out.join(glue))?;
        }
    }
    // The node build writes its own package.json; the package's says it all.
    let _ = std::fs::remove_file(pkg.join("node/package.json"));
    write_self_initialising_web_entry(&pkg.join("web"))?;
    write_package_json(&pkg)?;
    for (from, to) in [
        ("bindings-wasm/README.md", "README.md"),
        ("LICENSE-MIT", "LICENSE-MIT"),
        ("LICENSE-APACHE", "LICENSE-APACHE"),
    ] {
        std::fs::copy(root().join(from), pkg.join(to))
            .map_err(|e| Failure(format!("wasm: copying {from}: {e}")))?;
    }
    let (js, js_brotli) = glue_sizes(&pkg)?;
    let sizes = PackageSizes {
        wasm: sizes(&pkg.join("appswitch_bg.wasm"))?,
        js,
        brotli: (brotli_size(&pkg.join("appswitch_bg.wasm"))?, js_brotli),
    };
    sizes.print();
    println!("package: {}", pkg.display());
    Ok(sizes)
}

fn optimise(tools: &Tools, wasm: &Path) -> Res {
    let wasm_opt = tools.wasm_opt();
    if !wasm_opt.is_file() {
        return crate::util::fail(format!(
            "wasm: {} is missing; run `cargo xtask setup`",
            wasm_opt.display()
        ));
    }
    run(
        "wasm: wasm-opt (npm binaryen)",
        Command::new(wasm_opt)
            .arg("-Oz")
            .args(WASM_FEATURES)
            .arg(wasm)
            .arg("-o")
            .arg(wasm),
    )
}

/// Removes the JSDoc blocks wasm-bindgen copies into the JS glue: every
/// shopper downloads them, and the `.d.ts` (which editors read, through the
/// glue's `@ts-self-types`) keeps them all. Only whole-line blocks, `/**`
/// to `*/`, are removed.
fn strip_doc_comments(path: &Path) -> Res {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(()); // this build has no such file
    };
    let mut out = String::with_capacity(text.len());
    let mut in_doc = false;
    for line in text.lines() {
        let t = line.trim();
        if !in_doc && t == "/**" {
            in_doc = true;
        } else if in_doc {
            if t == "*/" {
                in_doc = false;
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if in_doc {
        return crate::util::fail(format!(
            "wasm: {}: a `/**` comment is not closed",
            path.display()
        ));
    }
    std::fs::write(path, out).map_err(|e| Failure(format!("writing {}: {e}", path.display())))
}

/// The JS a bundler pulls in: the entry module, its `_bg.js` and the
/// snippets (the `AppSwitchError` class): raw and gzipped, and brotli.
fn glue_sizes(pkg: &Path) -> Res<((u64, u64), u64)> {
    let mut files: Vec<PathBuf> = ["appswitch.js", "appswitch_bg.js"]
        .iter()
        .map(|name| pkg.join(name))
        .collect();
    if let Ok(snippets) = std::fs::read_dir(pkg.join("snippets")) {
        for dir in snippets.flatten() {
            if let Ok(inside) = std::fs::read_dir(dir.path()) {
                files.extend(inside.flatten().map(|f| f.path()));
            }
        }
    }
    let mut text = Vec::new();
    for p in files.iter().filter(|p| p.is_file()) {
        text.extend(
            std::fs::read(p).map_err(|e| Failure(format!("reading {}: {e}", p.display())))?,
        );
    }
    let tmp = pkg.join(".glue-size.tmp");
    std::fs::write(&tmp, &text).map_err(|e| Failure(format!("writing {}: {e}", tmp.display())))?;
    let s = sizes(&tmp).and_then(|s| Ok((s, brotli_size(&tmp)?)));
    let _ = std::fs::remove_file(&tmp);
    s
}

/// `appswitch/web` for a plain page: the `--target web` build, initialised
/// by the entry itself (a top-level `await`), so a call right after the
/// import works instead of throwing a `TypeError` on the missing module.
/// Its default export is still `init` (wasm-bindgen's, which does nothing
/// once initialised), so `await init()` in older code stays harmless.
fn write_self_initialising_web_entry(web: &Path) -> Res {
    let js = "// The plain-page entry of appswitch: ready when the import is.\n\
              import init from \"./appswitch.js\";\n\
              await init();\n\
              export * from \"./appswitch.js\";\n\
              export default init;\n";
    let dts = "// The plain-page entry of appswitch: ready when the import is.\n\
               export * from \"./appswitch.js\";\n\
               export { default } from \"./appswitch.js\";\n";
    for (name, text) in [("index.js", js), ("index.d.ts", dts)] {
        let path = web.join(name);
        std::fs::write(&path, text)
            .map_err(|e| Failure(format!("writing {}: {e}", path.display())))?;
    }
    Ok(())
}

/// The package's `package.json`: one entry per place it runs, chosen by
/// the `exports` conditions — `browser` (bundlers building for a page),
/// `node` (Node, server-side rendering: importing touches no `window`),
/// then the bundler build for everything else; `appswitch/web` for a page
/// without a bundler and `appswitch/node` by name.
fn write_package_json(pkg: &Path) -> Res {
    let version = env!("CARGO_PKG_VERSION");
    let json = format!(
        r#"{{
  "name": "appswitch",
  "version": "{version}",
  "description": "Track a mobile payment across the switch to the payment app (Vipps, MobilePay) and back: the browser module of appswitch.",
  "license": "MIT OR Apache-2.0",
  "repository": {{ "type": "git", "url": "https://github.com/appswitch/appswitch" }},
  "keywords": ["payments", "vipps", "mobilepay", "deeplink", "app-switch", "wasm"],
  "type": "module",
  "module": "./appswitch.js",
  "main": "./node/appswitch.js",
  "types": "./appswitch.d.ts",
  "exports": {{
    ".": {{
      "types": "./appswitch.d.ts",
      "browser": "./appswitch.js",
      "node": "./node/appswitch.js",
      "default": "./appswitch.js"
    }},
    "./web": {{ "types": "./web/index.d.ts", "default": "./web/index.js" }},
    "./node": {{ "types": "./node/appswitch.d.ts", "default": "./node/appswitch.js" }},
    "./package.json": "./package.json"
  }},
  "files": [
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "appswitch_bg.wasm",
    "appswitch.js",
    "appswitch_bg.js",
    "appswitch.d.ts",
    "appswitch_bg.wasm.d.ts",
    "snippets/",
    "web/",
    "node/"
  ],
  "sideEffects": ["./appswitch.js", "./web/index.js", "./snippets/*", "./node/appswitch.js"]
}}
"#
    );
    let path = pkg.join("package.json");
    std::fs::write(&path, json).map_err(|e| Failure(format!("writing {}: {e}", path.display())))
}

/// The wasm-bindgen tests in headless Chromium, against the scripted
/// backend (its URL reaches the tests as `APPSWITCH_TEST_BACKEND` at
/// compile time); then the shipped package itself (`tests/wasm-package`):
/// a checkout page and a fallback page, across a real navigation.
pub fn browser_tests(tools: &Tools) -> Res {
    let backend = crate::server::scripted_backend()?;
    module_tests(tools, &backend.url)?;
    build_package(tools)?;
    run(
        "wasm package in headless Chromium (tests/wasm-package)",
        Command::new("node")
            .arg(root().join("tests/wasm-package/smoke.mjs"))
            .arg(pkg_dir())
            .arg(&backend.url)
            .arg(&tools.node_modules),
    )
}

fn module_tests(tools: &Tools, backend: &str) -> Res {
    run(
        "wasm tests (headless Chromium)",
        cargo()
            .env("APPSWITCH_TEST_BACKEND", backend)
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                tools.wasm_bindgen_test_runner(),
            )
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
            .args([
                "test",
                "-p",
                "appswitch-wasm",
                "--target",
                "wasm32-unknown-unknown",
            ]),
    )
}

/// The TypeScript consumer (`tests/ts-consumer`) type-checks against the
/// package's `.d.ts` with `tsc --noEmit` in strict mode: the types describe
/// every export, and none of them is `any`. With it, real values the
/// module hands over (written by the same serde derives, from
/// `bindings-wasm/examples/ts_values.rs`) are checked against their
/// `.d.ts` types: a field renamed in Rust but not in the `.d.ts` fails.
/// Then the packed tarball, installed as a consumer installs it
/// ([`crate::npm`]).
pub fn typescript_consumer(tools: &Tools) -> Res {
    let tsc = tools.tsc();
    if !tsc.is_file() {
        return crate::util::fail(format!(
            "typescript: {} is missing; run `cargo xtask setup`",
            tsc.display()
        ));
    }
    build_package(tools)?;
    let values = crate::util::output(
        "typescript: the values the module hands over",
        cargo().args([
            "run",
            "-q",
            "-p",
            "appswitch-wasm",
            "--example",
            "ts_values",
        ]),
    )?;
    let generated = root().join("tests/ts-consumer/generated-values.ts");
    std::fs::write(&generated, values)
        .map_err(|e| Failure(format!("writing {}: {e}", generated.display())))?;
    run(
        "typescript: tsc --noEmit (tests/ts-consumer)",
        Command::new("node")
            .arg(tsc)
            .args(["--noEmit", "-p"])
            .arg(root().join("tests/ts-consumer/tsconfig.json")),
    )?;
    crate::npm::consumer_tests(tools, &pkg_dir())
}
