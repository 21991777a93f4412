//! `appswitch-demo`: the whole demo in one process on 127.0.0.1 — the
//! provider simulator and the merchant backend, which serves the shop's
//! static files and keeps its orders in SQLite under `--data-dir`.
//!
//! Prints exactly one line on stdout, `listening on http://127.0.0.1:PORT`
//! (the shop), once both serve; the simulator's URL and the merchant's key
//! (for the merchant page, `/merchant.html`) go to stderr. With
//! `VIPPS_BASE_URL` (and the other `VIPPS_*` variables) set, no simulator
//! is started and the backend talks to that provider.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use appswitch_merchant_backend::store::DatabaseUrl;
use appswitch_merchant_backend::{
    Backend, BackendConfig, Currency, MerchantKey, ProviderApi, ProviderConfig,
    demo_system_headers, parse_currency,
};
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
    /// Where the shop keeps its data: its SQLite database is
    /// `DATA_DIR/shop.sqlite` (created if missing).
    #[arg(long, default_value = "appswitch-demo-data")]
    data_dir: PathBuf,
    /// Another database instead (`sqlite://PATH` or `postgres://…`).
    #[arg(long, env = "APPSWITCH_DATABASE_URL")]
    database: Option<String>,
    /// The provider's API: `ecom` (Vipps eCom v2, callbacks) or `epayment`
    /// (Vipps MobilePay ePayment, signed webhooks; NOK, DKK and EUR).
    #[arg(long, env = "APPSWITCH_PROVIDER_API", default_value = "ecom")]
    provider_api: ProviderApi,
    /// The shop's currency: NOK, DKK or EUR (DKK and EUR need
    /// `--provider-api epayment`; the shop page may pick another).
    #[arg(long, env = "APPSWITCH_CURRENCY", default_value = "NOK", value_parser = parse_currency)]
    currency: Currency,
    #[command(flatten)]
    sim: SimArgs,
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("appswitch-demo: {e}");
    ExitCode::FAILURE
}

/// `APPSWITCH_MERCHANT_KEY`, or a new key for this run; printed to stderr
/// either way (it is the demo's, and its merchant page asks for it).
fn merchant_key() -> Result<MerchantKey, String> {
    let text = match std::env::var("APPSWITCH_MERCHANT_KEY") {
        Ok(k) if !k.is_empty() => k,
        _ => MerchantKey::generate().map_err(|e| e.to_string())?.1,
    };
    let key = MerchantKey::new(&text).map_err(|e| format!("APPSWITCH_MERCHANT_KEY: {e}"))?;
    eprintln!("merchant key: {text}");
    Ok(key)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let database: DatabaseUrl = match &cli.database {
        Some(url) => match url.parse() {
            Ok(d) => d,
            Err(e) => return fail(e),
        },
        None => {
            if let Err(e) = std::fs::create_dir_all(&cli.data_dir) {
                return fail(format!("creating {}: {e}", cli.data_dir.display()));
            }
            DatabaseUrl::sqlite_file(&cli.data_dir.join("shop.sqlite"))
        }
    };
    // The shop's address first: the simulator's control API lets exactly
    // that origin (the shop page) set faults.
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, cli.port));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {addr}: {e}")),
    };
    let shop_origin = match listener.local_addr() {
        Ok(a) => format!("http://{a}"),
        Err(e) => return fail(e),
    };
    let (provider, sim): (ProviderConfig, Option<RunningSimulator>) =
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
                config.control_origins.push(shop_origin.clone());
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
    let mut config = BackendConfig::new(provider, database);
    if let Err(e) = config.set_provider_api(cli.provider_api, cli.currency) {
        return fail(e);
    }
    config.webhook_url = std::env::var("VIPPS_WEBHOOK_URL")
        .ok()
        .filter(|v| !v.is_empty());
    config.public_url = std::env::var("APPSWITCH_PUBLIC_URL")
        .ok()
        .filter(|v| !v.is_empty());
    eprintln!(
        "provider API: {} ({})",
        cli.provider_api,
        cli.currency.code()
    );
    if let Some(sim) = &sim {
        // The backend reads the provider's time from the simulator's clock,
        // so `--time-scale` moves its payment windows too.
        let clock = sim.clock();
        config.clock = Arc::new(move || clock.now());
    }
    config.static_dir = cli.static_dir;
    config.merchant_key = match merchant_key() {
        Ok(k) => Some(k),
        Err(e) => return fail(e),
    };
    config.callback_prefix = std::env::var("VIPPS_CALLBACK_PREFIX")
        .ok()
        .filter(|v| !v.is_empty());
    let backend = match Backend::start_listening(config, listener).await {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    eprintln!("merchant page: {}/merchant.html", backend.base_url());
    println!("listening on {}", backend.base_url());
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
