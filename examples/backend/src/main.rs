//! `appswitch-merchant-backend`: the demo shop's backend on 127.0.0.1.
//!
//! The provider comes from `VIPPS_BASE_URL`, `VIPPS_CLIENT_ID`,
//! `VIPPS_CLIENT_SECRET`, `VIPPS_SUBSCRIPTION_KEY` and `VIPPS_MSN` (and
//! `VIPPS_CALLBACK_PREFIX`, a public https URL, for a real provider).
//! Prints `listening on http://127.0.0.1:PORT` once it serves.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use appswitch_merchant_backend::{Backend, BackendConfig, ProviderConfig};
use clap::Parser;

/// The appswitch demo shop's merchant backend.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// The port on 127.0.0.1 (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The shop's static files (index.html, return.html).
    #[arg(long)]
    static_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let provider = match ProviderConfig::from_env() {
        Ok(Some(p)) => p,
        Ok(None) => {
            eprintln!(
                "appswitch-merchant-backend: set VIPPS_BASE_URL and the other VIPPS_* variables, \
                 or run `appswitch-demo`, which starts the simulator too"
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("appswitch-merchant-backend: {e}");
            return ExitCode::from(2);
        }
    };
    let mut config = BackendConfig::new(provider);
    config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, cli.port));
    config.static_dir = cli.static_dir;
    config.callback_prefix = std::env::var("VIPPS_CALLBACK_PREFIX")
        .ok()
        .filter(|v| !v.is_empty());
    match Backend::start(config).await {
        Ok(backend) => {
            println!("listening on {}", backend.base_url());
            let _ = tokio::signal::ctrl_c().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("appswitch-merchant-backend: {e}");
            ExitCode::FAILURE
        }
    }
}
