//! `appswitch-simulator`: the provider simulator on 127.0.0.1.
//!
//! Prints `listening on http://127.0.0.1:PORT` once it serves, then runs
//! until interrupted. `--help` lists the flags (time scale, credentials,
//! faults).

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use appswitch_simulator::Simulator;
use appswitch_simulator::cli::SimArgs;
use clap::Parser;

/// A Vipps eCom v2 and Vipps MobilePay ePayment (with webhooks) provider simulator for appswitch.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// The port on 127.0.0.1 (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[command(flatten)]
    sim: SimArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match cli.sim.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("appswitch-simulator: {e}");
            return ExitCode::from(2);
        }
    };
    config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, cli.port));
    let sim = match Simulator::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("appswitch-simulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", sim.base_url());
    let _ = tokio::signal::ctrl_c().await;
    drop(sim);
    ExitCode::SUCCESS
}
