//! `appswitch-merchant-backend`: the reference merchant backend as a
//! program.
//!
//! The provider comes from `VIPPS_BASE_URL`, `VIPPS_CLIENT_ID`,
//! `VIPPS_CLIENT_SECRET`, `VIPPS_SUBSCRIPTION_KEY` and `VIPPS_MSN` (and
//! `VIPPS_CALLBACK_PREFIX`, a public https URL, for a real provider); the
//! merchant's key from `APPSWITCH_MERCHANT_KEY`; the database from
//! `--database` or `APPSWITCH_DATABASE_URL`. Prints `listening on
//! http://HOST:PORT` on stdout once it serves; logs go to stderr.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use appswitch_core::providers::vipps_epayment::Currency;
use appswitch_merchant_backend::store::{DatabaseUrl, SqliteSync};
use appswitch_merchant_backend::{
    Backend, BackendConfig, ClientIp, MerchantKey, ProviderApi, ProviderConfig, parse_currency,
};
use clap::Parser;

/// The appswitch reference merchant backend.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// The address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// The port (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Where the orders are kept: `sqlite://PATH` (created if missing) or
    /// `postgres://USER@HOST:PORT/DB` (several instances may share it).
    #[arg(
        long,
        env = "APPSWITCH_DATABASE_URL",
        default_value = "sqlite://appswitch-backend.db"
    )]
    database: String,
    /// How SQLite waits for the disk on a commit: `full` (every commit is
    /// on disk before it returns) or `normal` (in the WAL: a crash of the
    /// process loses nothing, a power cut may lose the last commits).
    #[arg(long, default_value = "full")]
    sqlite_synchronous: SqliteSync,
    /// The backend's URL as browsers and the provider reach it (default:
    /// `http://HOST:PORT`).
    #[arg(long, env = "APPSWITCH_PUBLIC_URL")]
    public_url: Option<String>,
    /// A browser origin allowed to call the API from another origin
    /// (repeat it, or separate with commas).
    #[arg(
        long = "allow-origin",
        env = "APPSWITCH_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    allowed_origins: Vec<String>,
    /// The shop's static files (index.html, return.html, merchant.html).
    #[arg(long)]
    static_dir: Option<PathBuf>,
    /// How long a finished order is kept, in seconds.
    #[arg(long, default_value_t = 30 * 24 * 3600)]
    retention_secs: u64,
    /// Checkouts one client may start per minute.
    #[arg(long, default_value_t = 30)]
    checkouts_per_minute: u32,
    /// Status requests one client may make per minute for one order.
    #[arg(long, default_value_t = 120)]
    status_requests_per_minute: u32,
    /// Connections served at once.
    #[arg(long, default_value_t = 10_000)]
    max_connections: usize,
    /// The watcher's longest wait between two checks of an undecided
    /// order, in seconds.
    #[arg(long, default_value_t = 60)]
    watch_max_interval_secs: u64,
    /// Count clients by the last `X-Forwarded-For` address (only behind a
    /// load balancer that appends it).
    #[arg(long)]
    behind_proxy: bool,
    /// The provider's API for new checkouts: `ecom` (Vipps eCom v2) or
    /// `epayment` (Vipps MobilePay ePayment, with signed webhooks; NOK,
    /// DKK and EUR). Orders keep the API they were made with.
    #[arg(long, env = "APPSWITCH_PROVIDER_API", default_value = "ecom")]
    provider_api: ProviderApi,
    /// The currency of a checkout that names none: NOK, DKK or EUR (DKK
    /// and EUR need `--provider-api epayment`).
    #[arg(long, env = "APPSWITCH_CURRENCY", default_value = "NOK", value_parser = parse_currency)]
    currency: Currency,
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("appswitch-merchant-backend: {e}");
    ExitCode::from(2)
}

/// The key from `APPSWITCH_MERCHANT_KEY`, or a new one for this run.
fn merchant_key() -> Result<MerchantKey, String> {
    match std::env::var("APPSWITCH_MERCHANT_KEY") {
        Ok(k) if !k.is_empty() => {
            MerchantKey::new(&k).map_err(|e| format!("APPSWITCH_MERCHANT_KEY: {e}"))
        }
        _ => {
            let (key, text) = MerchantKey::generate().map_err(|e| e.to_string())?;
            eprintln!(
                "merchant key (generated for this run; set APPSWITCH_MERCHANT_KEY to keep one): {text}"
            );
            Ok(key)
        }
    }
}

async fn stopped() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let provider = match ProviderConfig::from_env() {
        Ok(Some(p)) => p,
        Ok(None) => {
            return fail(
                "set VIPPS_BASE_URL and the other VIPPS_* variables, or run `appswitch-demo`, \
                 which starts the simulator too",
            );
        }
        Err(e) => return fail(e),
    };
    let database: DatabaseUrl = match cli.database.parse() {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let mut config = BackendConfig::new(provider, database);
    config.sqlite_sync = cli.sqlite_synchronous;
    config.addr = SocketAddr::new(cli.host, cli.port);
    config.static_dir = cli.static_dir;
    config.public_url = cli.public_url;
    config.allowed_origins = cli
        .allowed_origins
        .into_iter()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    config.callback_prefix = std::env::var("VIPPS_CALLBACK_PREFIX")
        .ok()
        .filter(|v| !v.is_empty());
    config.merchant_key = match merchant_key() {
        Ok(k) => Some(k),
        Err(e) => return fail(e),
    };
    if let Err(e) = config.set_provider_api(cli.provider_api, cli.currency) {
        return fail(e);
    }
    // ePayment: the public URL the provider posts webhooks to, when it is
    // not `<public URL>/vipps/webhooks/v1/epayment`.
    config.webhook_url = std::env::var("VIPPS_WEBHOOK_URL")
        .ok()
        .filter(|v| !v.is_empty());
    config.retention = Duration::from_secs(cli.retention_secs);
    config.limits.checkouts_per_minute = cli.checkouts_per_minute;
    config.limits.status_requests_per_minute = cli.status_requests_per_minute;
    config.limits.max_connections = cli.max_connections;
    config.watch.max_interval = Duration::from_secs(cli.watch_max_interval_secs.max(1));
    if cli.behind_proxy {
        config.client_ip = ClientIp::LastForwardedFor;
    }
    match Backend::start(config).await {
        Ok(backend) => {
            println!("listening on {}", backend.base_url());
            stopped().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("appswitch-merchant-backend: {e}");
            ExitCode::FAILURE
        }
    }
}
