//! `appswitch-demo`: the whole demo in one process on 127.0.0.1 — the
//! provider simulator and the merchant backend, which serves the shop's
//! static files.
//!
//! Prints exactly one line on stdout, `listening on http://127.0.0.1:PORT`
//! (the shop), once both serve; the simulator's URL goes to stderr. With
//! `VIPPS_BASE_URL` (and the other `VIPPS_*` variables) set, no simulator
//! is started and the backend talks to that provider.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use appswitch_merchant_backend::{Backend, BackendConfig, ProviderConfig, demo_system_headers};
use appswitch_simulator::cli::SimArgs;
use appswitch_simulator::{RunningSimulator, Simulator};
use clap::Parser;

/// The appswitch demo: shop, merchant backend and provider simulator.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// The shop's port on 127.0.0.1 (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The simulator's port on 127.0.0.1 (0: a free one).
    #[arg(long, default_value_t = 0)]
    sim_port: u16,
    /// The shop's static files: index.html at `/`, return.html (or
    /// index.html) at `/return`, everything else by path. Without it, a
    /// minimal built-in page.
    #[arg(long)]
    static_dir: Option<PathBuf>,
    #[command(flatten)]
    sim: SimArgs,
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("appswitch-demo: {e}");
    ExitCode::FAILURE
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let (provider, _sim): (ProviderConfig, Option<RunningSimulator>) =
        match ProviderConfig::from_env() {
            Err(e) => return fail(e),
            Ok(Some(real)) => {
                eprintln!("provider: {} (from VIPPS_BASE_URL)", real.base_url);
                (real, None)
            }
            Ok(None) => {
                let mut config = match cli.sim.config() {
                    Ok(c) => c,
                    Err(e) => return fail(e),
                };
                config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, cli.sim_port));
                let sim = match Simulator::start(config.clone()).await {
                    Ok(s) => s,
                    Err(e) => return fail(e),
                };
                eprintln!(
                    "provider: simulator at {} (control API under /_sim)",
                    sim.base_url()
                );
                let msn = match config.merchant.msn.parse() {
                    Ok(m) => m,
                    Err(e) => return fail(e),
                };
                let provider = ProviderConfig {
                    base_url: sim.base_url().to_string(),
                    client_id: config.merchant.client_id,
                    client_secret: config.merchant.client_secret,
                    subscription_key: config.merchant.subscription_key,
                    msn,
                    system: demo_system_headers(),
                };
                (provider, Some(sim))
            }
        };
    let mut config = BackendConfig::new(provider);
    config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, cli.port));
    config.static_dir = cli.static_dir;
    config.callback_prefix = std::env::var("VIPPS_CALLBACK_PREFIX")
        .ok()
        .filter(|v| !v.is_empty());
    let backend = match Backend::start(config).await {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    println!("listening on {}", backend.base_url());
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
