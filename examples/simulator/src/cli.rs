//! Command-line flags shared by the simulator's binary and the demo, so
//! that a run's faults are spelled the same everywhere.

use std::time::Duration;

use clap::Args;

use crate::config::{Merchant, SimConfig};
use crate::faults::{Burst, Endpoint, Faults, Stall};

/// The simulator's flags.
#[derive(Clone, Debug, Args)]
pub struct SimArgs {
    /// Simulated time per real time: 60 makes the 5 + 5 minute timeouts
    /// pass in 10 seconds; 0 stops the clock (only `POST
    /// /_sim/clock/advance` moves it).
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// The merchant serial number the simulator serves.
    #[arg(long, default_value = crate::config::DEMO_MSN)]
    pub msn: String,
    /// The merchant's `client_id`.
    #[arg(long, default_value = crate::config::DEMO_CLIENT_ID)]
    pub client_id: String,
    /// The merchant's `client_secret`.
    #[arg(long, default_value = crate::config::DEMO_CLIENT_SECRET)]
    pub client_secret: String,
    /// The merchant's `Ocp-Apim-Subscription-Key`.
    #[arg(long, default_value = crate::config::DEMO_SUBSCRIPTION_KEY)]
    pub subscription_key: String,
    /// The access token's lifetime, in simulated seconds.
    #[arg(long, default_value_t = 3600)]
    pub token_lifetime_secs: u64,
    /// Direct capture: approvals are captured at once (`SALE`).
    #[arg(long)]
    pub direct_capture: bool,
    /// Refuse callback prefixes on 127.0.0.1 exactly as the real provider does.
    #[arg(long)]
    pub strict_callbacks: bool,
    /// Fault: never send callbacks.
    #[arg(long)]
    pub drop_callbacks: bool,
    /// Fault: send callbacks this many simulated milliseconds late.
    #[arg(long, value_name = "MS")]
    pub callback_delay_ms: Option<u64>,
    /// Fault: send every callback twice.
    #[arg(long)]
    pub duplicate_callbacks: bool,
    /// Fault: send every callback once more, this many simulated
    /// milliseconds later (a stale copy, out of order).
    #[arg(long, value_name = "MS")]
    pub replay_callback_ms: Option<u64>,
    /// Fault: answer the next COUNT calls with STATUS (429 or 5xx), per
    /// order; ENDPOINTS is a comma list of token, initiate, details,
    /// capture, cancel, refund, forceApprove (default: all).
    #[arg(long, value_name = "STATUS:COUNT[:ENDPOINTS]")]
    pub burst: Option<String>,
    /// Fault: carry out the next COUNT calls, then hold each answer MS real
    /// milliseconds (past the client's read timeout).
    #[arg(long, value_name = "MS:COUNT[:ENDPOINTS]")]
    pub stall: Option<String>,
    /// Fault: send the shopper back at once and reserve this many simulated
    /// milliseconds later.
    #[arg(long, value_name = "MS")]
    pub reserve_late_ms: Option<u64>,
    /// Fault: the shopper closes the app after approving (reserved, no
    /// return, no callback).
    #[arg(long)]
    pub user_closes_app: bool,
    /// Fault: the first N details calls of every order are answered with
    /// error 35 (order not found), as if the payment were not recorded yet.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub unknown_details: u32,
    /// Fault (ePayment): never send webhooks.
    #[arg(long)]
    pub drop_webhooks: bool,
    /// Fault (ePayment): deliver every webhook twice.
    #[arg(long)]
    pub duplicate_webhooks: bool,
    /// Fault (ePayment): send webhooks this many simulated milliseconds late.
    #[arg(long, value_name = "MS")]
    pub webhook_delay_ms: Option<u64>,
    /// Fault (ePayment): hold webhooks this many simulated milliseconds,
    /// then send them newest first.
    #[arg(long, value_name = "MS")]
    pub reorder_webhooks_ms: Option<u64>,
    /// A browser origin (`http://127.0.0.1:8080`) allowed to call the
    /// control API under `/_sim` from a page (CORS); repeat for more.
    /// None by default.
    #[arg(long = "control-origin", value_name = "ORIGIN")]
    pub control_origins: Vec<String>,
}

fn endpoints(list: Option<&str>) -> Result<Vec<Endpoint>, String> {
    match list {
        None | Some("") => Ok(Endpoint::ALL.to_vec()),
        Some(list) => list
            .split(',')
            .map(|name| {
                Endpoint::from_name(name.trim()).ok_or_else(|| format!("unknown endpoint `{name}`"))
            })
            .collect(),
    }
}

fn number<T: std::str::FromStr>(text: &str, what: &str, flag: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("`--{flag}`: {what} `{text}` is not a number"))
}

impl SimArgs {
    /// The run's faults.
    pub fn faults(&self) -> Result<Faults, String> {
        let burst = match &self.burst {
            None => None,
            Some(spec) => {
                let mut parts = spec.splitn(3, ':');
                let status = number(parts.next().unwrap_or(""), "status", "burst")?;
                let count = number(parts.next().unwrap_or(""), "count", "burst")?;
                Some(Burst {
                    status,
                    count,
                    endpoints: endpoints(parts.next())?,
                })
            }
        };
        let stall = match &self.stall {
            None => None,
            Some(spec) => {
                let mut parts = spec.splitn(3, ':');
                let ms = number(parts.next().unwrap_or(""), "milliseconds", "stall")?;
                let count = number(parts.next().unwrap_or(""), "count", "stall")?;
                Some(Stall {
                    ms,
                    count,
                    endpoints: endpoints(parts.next())?,
                })
            }
        };
        let faults = Faults {
            drop_callback: self.drop_callbacks,
            callback_delay_ms: self.callback_delay_ms,
            duplicate_callbacks: self.duplicate_callbacks,
            replay_callback_ms: self.replay_callback_ms,
            burst,
            stall,
            reserve_late_ms: self.reserve_late_ms,
            user_closes_app: self.user_closes_app,
            unknown_details: self.unknown_details,
            drop_webhooks: self.drop_webhooks,
            duplicate_webhooks: self.duplicate_webhooks,
            webhook_delay_ms: self.webhook_delay_ms,
            reorder_webhooks_ms: self.reorder_webhooks_ms,
        };
        faults.validate()?;
        Ok(faults)
    }

    /// The configuration these flags describe (listening on 127.0.0.1:0).
    pub fn config(&self) -> Result<SimConfig, String> {
        Ok(SimConfig {
            merchant: Merchant {
                msn: self.msn.clone(),
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
                subscription_key: self.subscription_key.clone(),
            },
            time_scale: self.time_scale,
            token_lifetime: Duration::from_secs(self.token_lifetime_secs),
            faults: self.faults()?,
            direct_capture: self.direct_capture,
            strict_callbacks: self.strict_callbacks,
            control_origins: self.control_origins.clone(),
            ..SimConfig::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        sim: SimArgs,
    }

    #[test]
    fn flags_become_faults() {
        let cli = Cli::parse_from([
            "sim",
            "--burst",
            "429:3:details,capture",
            "--stall",
            "6000:1",
            "--drop-callbacks",
            "--time-scale",
            "60",
        ]);
        let f = cli.sim.faults().unwrap();
        assert!(f.drop_callback);
        assert_eq!(
            f.burst.unwrap().endpoints,
            vec![Endpoint::Details, Endpoint::Capture]
        );
        assert_eq!(f.stall.unwrap().endpoints.len(), Endpoint::ALL.len());
        assert_eq!(cli.sim.config().unwrap().time_scale, 60.0);
        for (flag, bad, message) in [
            ("--burst", "x:1", "`--burst`: status `x` is not a number"),
            (
                "--burst",
                "404:1",
                "`burst.status` is 404; a burst answers 429 or 500-599",
            ),
            ("--stall", "10:1:nope", "unknown endpoint `nope`"),
        ] {
            let cli = Cli::parse_from(["sim", flag, bad]);
            assert_eq!(cli.sim.faults().unwrap_err(), message);
        }
    }
}
