//! Background servers the suites start first (the scripted backend, the
//! demo) and stop when they are done.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::util::{Failure, Res, cargo, run, target_dir};

/// A running server, killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// Its base URL, from the `listening on URL` line it printed.
    pub url: String,
}

impl Server {
    /// Starts `program` and waits (up to 60 s) for it to print
    /// `listening on URL` on stdout. Its later output is passed through.
    pub fn start(what: &str, program: &Path, args: &[&str]) -> Res<Server> {
        Server::start_with_env(what, program, args, &[])
    }

    /// [`start`](Self::start) with environment variables set.
    pub fn start_with_env(
        what: &str,
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Res<Server> {
        let mut child = Command::new(program)
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Failure(format!(
                    "{what}: could not start {}: {e}",
                    program.display()
                ))
            })?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Failure(format!("{what}: no stdout")))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent && let Some(url) = line.split("listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                    sent = true;
                }
                println!(
                    "  [{}] {line}",
                    if sent { "server" } else { "server starting" }
                );
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => {
                println!("{what}: listening on {url}");
                Ok(Server { child, url })
            }
            Err(_) => {
                let _ = child.kill();
                Err(Failure(format!(
                    "{what}: {} did not say `listening on …` within 60 s",
                    program.display()
                )))
            }
        }
    }
}

impl Server {
    /// Waits until the server exits by itself (or is interrupted).
    pub fn wait(mut self) -> Res {
        let status = self
            .child
            .wait()
            .map_err(|e| Failure(format!("server: {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(Failure(format!("server exited: {status}")))
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds and starts the scripted test backend (`tests/backend`).
pub fn scripted_backend() -> Res<Server> {
    run(
        "scripted backend: cargo build",
        cargo().args(["build", "-p", "appswitch-test-backend"]),
    )?;
    Server::start(
        "scripted backend",
        &target_dir().join("debug/appswitch-test-backend"),
        &[],
    )
}
