//! Small helpers shared by every xtask command: paths, running commands and
//! failing with a message that names the tool and the command.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// An xtask failure: what was being done, and why it failed.
#[derive(Debug)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Result type of every xtask step.
pub type Res<T = ()> = Result<T, Failure>;

/// Builds a [`Failure`] from anything printable.
pub fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(Failure(msg.into()))
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// The git-ignored, project-local tool folder.
pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// Cargo's target directory for this workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// The `cargo` that runs this xtask.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Renders a command as the user would type it.
pub fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        let a = arg.to_string_lossy();
        if a.contains(' ') {
            s.push_str(&format!(" '{a}'"));
        } else {
            s.push(' ');
            s.push_str(&a);
        }
    }
    s
}

/// Runs a command with inherited output; a non-zero exit is a failure that
/// names `what` and the command line.
pub fn run(what: &str, cmd: &mut Command) -> Res {
    eprintln!("  $ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| Failure(format!("{what}: could not start `{}`: {e}", show(cmd))))?;
    check(what, cmd, status)
}

fn check(what: &str, cmd: &Command, status: ExitStatus) -> Res {
    if status.success() {
        Ok(())
    } else {
        fail(format!("{what}: `{}` failed ({status})", show(cmd)))
    }
}

/// Runs a command and returns its standard output (stderr passes through).
pub fn output(what: &str, cmd: &mut Command) -> Res<String> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure(format!("{what}: could not start `{}`: {e}", show(cmd))))?;
    check(what, cmd, out.status)?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a command quietly and returns its stdout if it succeeded.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True if `program` is found on `PATH`.
pub fn on_path(program: &str) -> bool {
    which(program).is_some()
}

/// The full path of `program` on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// The size of the file at `path`: raw, and gzipped at its best.
pub fn sizes(path: &Path) -> Res<(u64, u64)> {
    let bytes = read(path)?;
    Ok((bytes.len() as u64, gzip(&bytes, path)?.len() as u64))
}

/// The size of the file at `path` compressed with brotli at its best
/// (quality 11, a 4 MB window): what a CDN serves a `.wasm` with.
pub fn brotli_size(path: &Path) -> Res<u64> {
    Ok(brotli(&read(path)?, path)?.len() as u64)
}

fn read(path: &Path) -> Res<Vec<u8>> {
    std::fs::read(path).map_err(|e| Failure(format!("reading {}: {e}", path.display())))
}

/// `bytes` (of the file at `path`, for messages) gzipped at its best.
pub fn gzip(bytes: &[u8], path: &Path) -> Res<Vec<u8>> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)
        .and_then(|()| gz.finish())
        .map_err(|e| Failure(format!("gzip {}: {e}", path.display())))
}

/// `bytes` (of the file at `path`, for messages) compressed with brotli at
/// quality 11 with a 4 MB window.
pub fn brotli(bytes: &[u8], path: &Path) -> Res<Vec<u8>> {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut br = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        br.write_all(bytes)
            .and_then(|()| br.flush())
            .map_err(|e| Failure(format!("brotli {}: {e}", path.display())))?;
    }
    Ok(out)
}

/// Formats a byte count as kB with one decimal.
pub fn kb(n: u64) -> String {
    format!("{:.1} kB", n as f64 / 1000.0)
}
