//! The simulated merchant backend and network: the truth over time, faults,
//! long poll, Flutterwave, and what each request gets back.

use core::time::Duration;

use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::tracker::{
    Event, FetchRequest, Target, TransportErrorKind, interpret_http,
};
use appswitch_core::status::{PaymentState, PaymentStatus, StatusDocument};

use super::{PING_URL, T0, ms};

/// How a `Retry-After` header is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfterForm {
    Absent,
    Seconds(u64),
    /// An HTTP-date this long after the request.
    Date(Duration),
}

/// One way the backend or the network misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    RateLimited(RetryAfterForm),
    ServerError,
    ConnectTimeout,
    ReadTimeout,
    Offline,
    Malformed,
    NotFound,
    /// The answer never arrives (the caller's HTTP stack hangs): only the
    /// tracker's own watchdog ends the request.
    Lost,
    /// The answer arrives this long after the request (after the tracker
    /// gave up on it), carrying the status as of the request.
    Late(Duration),
}

/// Requests starting in `[from, until)` (offsets from initiation) fail so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub from: Duration,
    pub until: Duration,
    pub kind: FaultKind,
}

/// The body format of the status URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// appswitch's status document.
    Document,
    /// A Vipps Recurring charge (`PROCESSING` until decided).
    RecurringCharge,
}

/// Flutterwave behind the status URL (Flutterwave "Handling timeouts via API" guide).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlutterwaveScript {
    /// Until this offset, the status URL answers `LONG-REQ`.
    pub long_request_until: Duration,
    /// The advised wait in the `LONG-REQ` answer.
    pub wait: Duration,
    /// From this offset on, the ping URL answers `completed`.
    pub completes_at: Duration,
    /// The embedded charge response (JSON text).
    pub response: String,
}

/// The merchant backend as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    /// The payment's true status from each offset on (the last entry at or
    /// before an instant holds).
    pub timeline: Vec<(Duration, PaymentStatus)>,
    /// Faults by request start.
    pub faults: Vec<Fault>,
    /// The backend learns the truth this late (a lost callback: it only
    /// knows once it polled the provider itself).
    pub lag: Duration,
    /// Round trip of every answer.
    pub latency: Duration,
    /// Up to this much more round trip, drawn per request from its id and
    /// `seed` (so that answers to requests in flight together come back in
    /// either order).
    pub jitter: Duration,
    /// Holds `?wait=N` requests until the status changes, as the reference
    /// backend does: a status already final is answered at once.
    pub long_poll: bool,
    pub flutterwave: Option<FlutterwaveScript>,
    pub format: Format,
}

impl Default for Backend {
    fn default() -> Self {
        Backend {
            timeline: Vec::new(),
            faults: Vec::new(),
            lag: Duration::ZERO,
            latency: ms(80),
            jitter: Duration::ZERO,
            long_poll: false,
            flutterwave: None,
            format: Format::Document,
        }
    }
}

impl Backend {
    /// The truth at `offset`.
    pub fn truth(&self, offset: Duration) -> PaymentStatus {
        self.timeline
            .iter()
            .rfind(|(t, _)| *t <= offset)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }

    /// What the backend can tell at `offset`.
    pub fn view(&self, offset: Duration) -> PaymentStatus {
        match offset.checked_sub(self.lag) {
            Some(o) => self.truth(o),
            None => PaymentStatus::initiated(),
        }
    }

    /// When the payment was decided (its first final state).
    pub fn decided_at(&self) -> Option<Duration> {
        self.timeline
            .iter()
            .find(|(_, s)| s.is_final())
            .map(|(t, _)| *t)
    }

    fn next_view_change_after(&self, offset: Duration) -> Option<Duration> {
        let now = self.view(offset);
        self.timeline
            .iter()
            .map(|(t, _)| *t + self.lag)
            .filter(|t| *t > offset)
            .find(|t| self.view(*t) != now)
    }

    fn fault(&self, offset: Duration) -> Option<FaultKind> {
        self.faults
            .iter()
            .find(|f| f.from <= offset && offset < f.until)
            .map(|f| f.kind)
    }

    fn body(&self, status: &PaymentStatus) -> String {
        match self.format {
            Format::Document => {
                serde_json::to_string(&StatusDocument::from_status("sim-1", "vipps", status))
                    .unwrap_or_default()
            }
            Format::RecurringCharge => {
                let amount = status.amounts().reserved.minor();
                let name = match status.state() {
                    PaymentState::Initiated => "PROCESSING",
                    PaymentState::Reserved => "RESERVED",
                    PaymentState::Captured { .. } => "CHARGED",
                    PaymentState::Refunded { .. } => "REFUNDED",
                    PaymentState::Cancelled { .. } => "CANCELLED",
                    PaymentState::Rejected | PaymentState::Failed { .. } => "FAILED",
                };
                format!(
                    r#"{{"id":"chr-1","status":"{name}","amount":{amount},"failureReason":"insufficient_funds"}}"#
                )
            }
        }
    }
}

/// The round trip of request `id`: the latency plus its share of the
/// jitter (SplitMix64 of the id and `seed`).
fn round_trip(backend: &Backend, id: u64, seed: u64) -> Duration {
    let max = backend.jitter.as_millis() as u64;
    if max == 0 {
        return backend.latency;
    }
    let mut z = seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    backend.latency + ms(z % (max + 1))
}

/// What the backend (and the network) do with one request: the events the
/// client will hear, and when. `seed` draws the jitter.
pub fn answer(
    backend: &Backend,
    req: &FetchRequest,
    now: Timestamp,
    seed: u64,
) -> Vec<(Timestamp, Event)> {
    let offset = now.saturating_since(T0);
    let id = req.id;
    let latency = round_trip(backend, id.0, seed);
    let timeout_at = now + req.connect_timeout + req.read_timeout;
    let respond = |at: Timestamp, code: u16, header: Option<String>, body: String| {
        let answer = interpret_http(code, header.as_deref(), &body);
        vec![(at, Event::Response { id, answer })]
    };
    let error =
        |at: Timestamp, kind: TransportErrorKind| vec![(at, Event::TransportError { id, kind })];
    if let Some(kind) = backend.fault(offset) {
        return match kind {
            FaultKind::RateLimited(form) => {
                let header = match form {
                    RetryAfterForm::Absent => None,
                    RetryAfterForm::Seconds(n) => Some(n.to_string()),
                    RetryAfterForm::Date(d) => Some((now + d).to_http_date()),
                };
                respond(now + latency, 429, header, String::new())
            }
            FaultKind::ServerError => respond(now + latency, 503, None, String::new()),
            FaultKind::ConnectTimeout => error(
                now + req.connect_timeout,
                TransportErrorKind::ConnectTimeout,
            ),
            FaultKind::ReadTimeout => error(timeout_at, TransportErrorKind::ReadTimeout),
            FaultKind::Offline => error(now + ms(5), TransportErrorKind::Offline),
            FaultKind::Malformed => {
                respond(now + latency, 200, None, "<html>Bad gateway</html>".into())
            }
            FaultKind::NotFound => respond(now + latency, 404, None, String::new()),
            FaultKind::Lost => Vec::new(),
            FaultKind::Late(d) => respond(now + d, 200, None, backend.body(&backend.view(offset))),
        };
    }
    let to_ping = matches!(req.target, Target::FlutterwavePing { .. });
    if let Some(fw) = &backend.flutterwave {
        if to_ping {
            let done = offset + latency >= fw.completes_at;
            let body = serde_json::json!({
                "status": "success",
                "message": "REQSPONSE",
                "data": {
                    "id": 61,
                    "reqid": "RCORE_CHREQ_1",
                    "status": if done { "completed" } else { "pending" },
                    "response": if done { Some(fw.response.clone()) } else { None },
                    "response_parsed": null,
                }
            });
            return respond(now + latency, 200, None, body.to_string());
        }
        if offset < fw.long_request_until {
            let body = serde_json::json!({
                "status": "success",
                "message": "LONG-REQ",
                "data": {
                    "ping_url": PING_URL,
                    "message": "The request is taking too long. Please poll the ping_url to get response",
                    "REQUEST": "RCORE_CHREQ_1",
                    "wait": fw.wait.as_millis() as u64,
                }
            });
            return respond(now + latency, 200, None, body.to_string());
        }
    }
    let mut answered = offset;
    // The reference backend (`examples/backend`, `GET …/status?wait=N`)
    // answers at once when the status is final, and otherwise holds until
    // what it shows changes or the wait is over.
    let holds = backend.long_poll && !backend.view(offset).is_final();
    if let (Some(wait), true) = (req.long_poll_wait, holds) {
        let hold_until = offset + wait;
        answered = match backend.next_view_change_after(offset) {
            Some(change) if change < hold_until => change,
            _ => hold_until,
        };
    }
    let at = T0 + answered + latency;
    if at > timeout_at {
        return error(timeout_at, TransportErrorKind::ReadTimeout);
    }
    respond(at, 200, None, backend.body(&backend.view(answered)))
}
