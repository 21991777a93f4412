//! # appswitch-test-postgres
//!
//! A throwaway PostgreSQL server for the merchant backend's tests and its
//! bench: a fresh cluster in a temp folder, listening on `127.0.0.1` on a
//! free port, gone when the [`TempPostgres`] is dropped.
//!
//! ```no_run
//! let pg = appswitch_test_postgres::TempPostgres::start().unwrap();
//! println!("connect to {}", pg.url()); // postgres://app@127.0.0.1:PORT/postgres
//! // … run backends against it; dropping `pg` stops the server.
//! ```
//!
//! What it runs (PostgreSQL refuses to run as root, and CI runs as root, so
//! as root every command runs as the `postgres` user through `runuser`):
//!
//! ```text
//! mkdir D && chown postgres D
//! initdb -D D/data -A trust -U app --no-sync
//! postgres -D D/data -k D -p PORT -c listen_addresses=127.0.0.1 [-c fsync=off …]
//! pg_isready -h 127.0.0.1 -p PORT          (until it accepts connections)
//! …
//! pg_ctl -D D/data -m fast -w stop         (on drop) and rm -r D
//! ```
//!
//! The server is started under a small shell watchdog that stops it (and
//! removes its folder) when this process disappears, so a test process
//! killed with `SIGKILL`, or one that keeps its server in a `static`
//! (where no destructor runs), leaves no server holding its port.

use std::fmt;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long the server may take to accept connections.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// The role the cluster is made with (`initdb -U`), trusted on 127.0.0.1.
pub const ROLE: &str = "app";

/// Why the server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// PostgreSQL's server binaries are not on this machine.
    #[error(
        "PostgreSQL's server binaries (initdb, postgres, pg_ctl) were not found under \
         /usr/lib/postgresql/*/bin, in $APPSWITCH_PG_BIN or on PATH: run `cargo xtask setup` \
         (it installs Debian's `postgresql`)"
    )]
    NotInstalled,
    /// A command could not be run or failed.
    #[error("`{command}` failed: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Its exit status and output, or why it could not start.
        detail: String,
    },
    /// The temp folder could not be made.
    #[error("cannot make {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The server did not accept connections in time.
    #[error("PostgreSQL did not accept connections within {0:?}; its log:\n{1}")]
    NotReady(Duration, String),
}

/// Settings of the throwaway server.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Keep PostgreSQL's durability (`fsync`, synchronous commit, full page
    /// writes) as a production server has it. Off by default: the tests
    /// kill backends, never the database, and run faster without it.
    pub durable: bool,
    /// More `-c name=value` settings.
    pub settings: Vec<String>,
}

/// A running throwaway PostgreSQL server; dropping it stops the server and
/// deletes its folder.
pub struct TempPostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
    watchdog: Option<Child>,
}

impl fmt::Debug for TempPostgres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TempPostgres")
            .field("dir", &self.dir)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl TempPostgres {
    /// A new server with the default [`Options`].
    pub fn start() -> Result<TempPostgres, PgError> {
        TempPostgres::start_with(&Options::default())
    }

    /// A new server. A port taken between choosing it and binding it is
    /// retried with another one.
    pub fn start_with(options: &Options) -> Result<TempPostgres, PgError> {
        let bin = find_bin().ok_or(PgError::NotInstalled)?;
        let as_postgres = is_root();
        let mut last = None;
        for _ in 0..3 {
            match TempPostgres::try_start(&bin, as_postgres, options) {
                Ok(pg) => return Ok(pg),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(PgError::NotInstalled))
    }

    fn try_start(bin: &Path, as_postgres: bool, options: &Options) -> Result<Self, PgError> {
        static N: AtomicU32 = AtomicU32::new(0);
        let base = if as_postgres {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!(
            "appswitch-pg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|source| PgError::Folder {
            path: dir.clone(),
            source,
        })?;
        let mut pg = TempPostgres {
            dir,
            bin: bin.to_path_buf(),
            port: free_port()?,
            as_postgres,
            watchdog: None,
        };
        if as_postgres {
            run(Command::new("chown").arg("postgres:").arg(&pg.dir))?;
        }
        let data = pg.data();
        run(pg.command("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            ROLE,
            "--no-sync",
            "-E",
            "UTF8",
        ]))?;
        let mut settings = vec![
            format!("listen_addresses={}", Ipv4Addr::LOCALHOST),
            "max_connections=200".to_string(),
        ];
        if !options.durable {
            settings.extend(
                [
                    "fsync=off",
                    "synchronous_commit=off",
                    "full_page_writes=off",
                ]
                .map(String::from),
            );
        }
        settings.extend(options.settings.iter().cloned());
        let mut postgres = format!(
            "{} -D {} -k {} -p {}",
            quote(&pg.bin.join("postgres")),
            quote(&data),
            quote(&pg.dir),
            pg.port
        );
        for s in &settings {
            postgres.push_str(&format!(" -c {}", quote(Path::new(s))));
        }
        // The watchdog: the server runs while this process does.
        let script = format!(
            "{postgres} >{log} 2>&1 & pg=$!\n\
             while [ -d /proc/{parent} ] && kill -0 $pg 2>/dev/null; do sleep 0.5; done\n\
             kill -INT $pg 2>/dev/null; wait $pg\n\
             [ -d /proc/{parent} ] || rm -rf {dir}",
            log = quote(&pg.log()),
            parent = std::process::id(),
            dir = quote(&pg.dir),
        );
        let mut watchdog = pg.shell();
        watchdog
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        pg.watchdog = Some(watchdog.spawn().map_err(|e| PgError::Command {
            command: "sh -c <postgres under a watchdog>".into(),
            detail: e.to_string(),
        })?);
        pg.wait_ready()?;
        Ok(pg)
    }

    /// `postgres://app@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of database `name` on this server.
    pub fn url_of(&self, name: &str) -> String {
        format!("postgres://{ROLE}@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates database `name` and returns its URL (a test that wants a
    /// clean database of its own on a shared server).
    pub fn create_database(&self, name: &str) -> Result<String, PgError> {
        run(self
            .command("createdb")
            .args(["-h", "127.0.0.1", "-U", ROLE, "-p"])
            .arg(self.port.to_string())
            .arg(name))?;
        Ok(self.url_of(name))
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.join("log")
    }

    /// A PostgreSQL program, as the `postgres` user when we are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn shell(&self) -> Command {
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "sh"]);
            c
        } else {
            Command::new("sh")
        }
    }

    fn wait_ready(&mut self) -> Result<(), PgError> {
        let started = Instant::now();
        while started.elapsed() < READY_WITHIN {
            let ready = self
                .command("pg_isready")
                .args(["-q", "-h", "127.0.0.1", "-U", ROLE, "-d", "postgres", "-p"])
                .arg(self.port.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            let exited = self
                .watchdog
                .as_mut()
                .is_none_or(|w| matches!(w.try_wait(), Ok(Some(_))));
            if exited {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(PgError::NotReady(READY_WITHIN, self.log_text()))
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "-t", "20", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Some(mut w) = self.watchdog.take() {
            // The watchdog ends when the server has; never wait forever.
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until && matches!(w.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(50));
            }
            if matches!(w.try_wait(), Ok(None)) {
                let _ = w.kill();
                let _ = w.wait();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, PgError> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| PgError::Command {
            command: "bind 127.0.0.1:0".into(),
            detail: e.to_string(),
        })
}

/// The folder of `initdb`, `postgres` and `pg_ctl`: `$APPSWITCH_PG_BIN`,
/// else the newest `/usr/lib/postgresql/<version>/bin` (Debian), else the
/// folder of an `initdb` on `PATH`.
fn find_bin() -> Option<PathBuf> {
    let has_server = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    if let Some(d) = std::env::var_os("APPSWITCH_PG_BIN").map(PathBuf::from) {
        return has_server(&d).then_some(d);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_server(&bin).then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|d| has_server(d))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.trim_ascii() == b"0")
}

/// A path in single quotes for `sh`.
fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn run(cmd: &mut Command) -> Result<Output, PgError> {
    let out = cmd.output().map_err(|e| PgError::Command {
        command: show(cmd),
        detail: e.to_string(),
    })?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(PgError::Command {
            command: show(cmd),
            detail: format!(
                "{}: {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_starts_accepts_a_database_and_is_gone_after_drop() {
        let pg = TempPostgres::start().unwrap_or_else(|e| panic!("{e}"));
        let port = pg.port();
        let url = pg
            .create_database("harness_check")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            url,
            format!("postgres://app@127.0.0.1:{port}/harness_check")
        );
        assert!(std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok());
        let dir = pg.dir.clone();
        drop(pg);
        assert!(
            std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(),
            "the server was stopped"
        );
        assert!(!dir.exists(), "its folder was removed");
    }
}
