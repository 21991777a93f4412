//! The stored form of the pending payments: compact JSON, written and read
//! here by hand, once for every platform.
//!
//! Every shopper's browser downloads the code that reads this, so it is
//! small: a value is an array whose elements come in a fixed order (no
//! field names to match), an optional value is `null`, an enum is its name.
//! The store is `{"version":2,"payments":[payment, …]}`:
//!
//! ```text
//! payment     [orderId, deeplink, expectation, snapshot, savedAt]
//! deeplink    [url, kind, environment, receivedAt, linkValidUntil, paymentDeadline]
//! expectation [orderId, nonce, target]
//! target      ["web", scheme, host, port, path] | ["app", scheme, host|null, path] | ["androidIntent"]
//! snapshot    [version, config, status, switchedOutAt|null, deeplinkChecked,
//!              lastFetchStarted|null, nextRequestId, [rateWindow…], backoffFailures,
//!              backoffUntil|null, retryAfterUntil|null, jitterState, badAnswers,
//!              ping|null, verifyPending, finalCheck, outcome|null]
//! config      [orderId, statusUrl, initiatedAt, policy, jitterSeed]
//! policy      [firstPollAfter, pollInterval, whileHidden, connectTimeout, readTimeout,
//!              longPoll|null, rateCap, rateWindow, backoffBase, backoffMax,
//!              deeplinkValidity, paymentWindow, grace, returnDebounce, maxBadAnswers]
//! whileHidden null (pause) | interval
//! status      [reserved|null, captured|null, refunded|null, cancelledBy|null, rejected,
//!              [failure…], [[operation, amount, at|null, transactionId|null]…],
//!              updatedAt|null, capturedAt|null]
//! ping        [url, notBefore]
//! outcome     ["success", status] | ["cancelled", by] | ["rejected"]
//!             | ["failed", reason] | ["unknown", reason]
//! ```
//!
//! Times are milliseconds since the epoch, spans milliseconds, amounts
//! øre: all whole numbers, read back exactly (this reader is not
//! JavaScript's; a `u64` stays a `u64`). A change to any of this bumps
//! [`PENDING_VERSION`](super::PENDING_VERSION); a store of another version
//! reads as empty.

use core::time::Duration;

use crate::deeplink::{Deadlines, Deeplink, Environment, LinkKind};
use crate::json_text::{JsonError, Number, Reader, Writer};
use crate::money::Amount;
use crate::status::{CancelledBy, FailedOperation, PaymentStatus};
use crate::time::{Timestamp, duration_millis};
use crate::tracker::{
    BackoffPolicy, HiddenPolling, Outcome, Policy, Snapshot, TrackerConfig, UnknownReason,
};
use crate::url::{AttemptNonce, ExpectedReturn, ReturnExpectation};

#[cfg(test)]
use super::PendingError;
use super::{PendingPayment, PendingStore};

type Res<T> = Result<T, JsonError>;

// ---------------------------------------------------------------- writing

/// The store as text.
pub(super) fn write_store(store: &PendingStore) -> String {
    let mut w = Writer::default();
    w.open(b'{');
    w.key("version");
    w.u64(store.version.into());
    w.key("payments");
    w.open(b'[');
    for p in &store.payments {
        write_payment(&mut w, p);
    }
    w.close(b']');
    w.close(b'}');
    w.finish()
}

/// A snapshot alone, as text.
pub(crate) fn snapshot_to_text(s: &Snapshot) -> String {
    let mut w = Writer::default();
    write_snapshot(&mut w, s);
    w.finish()
}

fn write_payment(w: &mut Writer, p: &PendingPayment) {
    w.open(b'[');
    w.string(&p.order_id);
    write_deeplink(w, &p.deeplink);
    write_expectation(w, &p.expectation);
    write_snapshot(w, &p.tracker);
    time(w, p.saved_at);
    w.close(b']');
}

fn write_deeplink(w: &mut Writer, d: &Deeplink) {
    w.open(b'[');
    w.string(&d.url);
    w.string(name(&LINK_KINDS, d.kind));
    w.string(name(&ENVIRONMENTS, d.environment));
    time(w, d.deadlines.received_at);
    time(w, d.deadlines.link_valid_until);
    time(w, d.deadlines.payment_deadline);
    w.close(b']');
}

fn write_expectation(w: &mut Writer, e: &ReturnExpectation) {
    w.open(b'[');
    w.string(&e.order_id);
    w.string(e.nonce.as_str());
    w.open(b'[');
    match &e.target {
        ExpectedReturn::Web {
            scheme,
            host,
            port,
            path,
        } => {
            w.string("web");
            w.string(scheme);
            w.string(host);
            w.u64((*port).into());
            w.string(path);
        }
        ExpectedReturn::App { scheme, host, path } => {
            w.string("app");
            w.string(scheme);
            opt_string(w, host.as_deref());
            w.string(path);
        }
        ExpectedReturn::AndroidIntent => w.string("androidIntent"),
    }
    w.close(b']');
    w.close(b']');
}

fn write_snapshot(w: &mut Writer, s: &Snapshot) {
    w.open(b'[');
    w.u64(s.version.into());
    write_config(w, &s.config);
    write_status(w, &s.status);
    opt_time(w, s.switched_out_at);
    w.bool(s.deeplink_checked);
    opt_time(w, s.last_fetch_started);
    w.u64(s.next_request_id);
    w.open(b'[');
    for t in &s.rate_window {
        time(w, *t);
    }
    w.close(b']');
    w.u64(s.backoff_failures.into());
    opt_time(w, s.backoff_until);
    opt_time(w, s.retry_after_until);
    w.u64(s.jitter_state);
    w.u64(s.bad_answers.into());
    match &s.ping {
        Some(p) => {
            w.open(b'[');
            w.string(&p.url);
            time(w, p.not_before);
            w.close(b']');
        }
        None => w.null(),
    }
    w.bool(s.verify_pending);
    w.bool(s.final_check);
    match &s.outcome {
        Some(o) => write_outcome(w, o),
        None => w.null(),
    }
    w.close(b']');
}

fn write_config(w: &mut Writer, c: &TrackerConfig) {
    w.open(b'[');
    w.string(&c.order_id);
    w.string(&c.status_url);
    time(w, c.initiated_at);
    let p = &c.policy;
    w.open(b'[');
    millis(w, p.first_poll_after);
    millis(w, p.poll_interval);
    match p.while_hidden {
        HiddenPolling::Pause => w.null(),
        HiddenPolling::Every { interval } => millis(w, interval),
    }
    millis(w, p.connect_timeout);
    millis(w, p.read_timeout);
    match p.long_poll {
        Some(d) => millis(w, d),
        None => w.null(),
    }
    w.u64(p.rate_cap.into());
    millis(w, p.rate_window);
    millis(w, p.backoff.base);
    millis(w, p.backoff.max);
    millis(w, p.deeplink_validity);
    millis(w, p.payment_window);
    millis(w, p.grace);
    millis(w, p.return_debounce);
    w.u64(p.max_bad_answers.into());
    w.close(b']');
    w.u64(c.jitter_seed);
    w.close(b']');
}

fn write_status(w: &mut Writer, s: &PaymentStatus) {
    w.open(b'[');
    for a in [s.reserved, s.captured, s.refunded] {
        match a {
            Some(a) => amount(w, a),
            None => w.null(),
        }
    }
    opt_string(w, s.cancelled.map(|by| name(&CANCELLED_BY, by)));
    w.bool(s.rejected);
    w.open(b'[');
    for f in &s.failures {
        w.string(f);
    }
    w.close(b']');
    w.open(b'[');
    for op in &s.failed_operations {
        w.open(b'[');
        w.string(&op.operation);
        amount(w, op.amount);
        opt_time(w, op.at);
        opt_string(w, op.transaction_id.as_deref());
        w.close(b']');
    }
    w.close(b']');
    opt_time(w, s.updated_at);
    opt_time(w, s.captured_at);
    w.close(b']');
}

fn write_outcome(w: &mut Writer, o: &Outcome) {
    w.open(b'[');
    match o {
        Outcome::Success { status } => {
            w.string("success");
            write_status(w, status);
        }
        Outcome::Cancelled { by } => {
            w.string("cancelled");
            w.string(name(&CANCELLED_BY, *by));
        }
        Outcome::Rejected => w.string("rejected"),
        Outcome::Failed { reason } => {
            w.string("failed");
            w.string(reason);
        }
        Outcome::Unknown { reason } => {
            w.string("unknown");
            w.string(name(&UNKNOWN_REASONS, *reason));
        }
    }
    w.close(b']');
}

/// The stored names of the enums without data (a round-trip test checks
/// that every variant is here).
const LINK_KINDS: [(LinkKind, &str); 2] = [
    (LinkKind::LandingPage, "landingPage"),
    (LinkKind::App, "app"),
];
const ENVIRONMENTS: [(Environment, &str); 4] = [
    (Environment::Production, "production"),
    (Environment::Test, "test"),
    (Environment::Local, "local"),
    (Environment::Unrecognised, "unrecognised"),
];
const CANCELLED_BY: [(CancelledBy, &str); 2] = [
    (CancelledBy::User, "user"),
    (CancelledBy::Merchant, "merchant"),
];
const UNKNOWN_REASONS: [(UnknownReason, &str); 4] = [
    (UnknownReason::DeadlinePassed, "deadlinePassed"),
    (UnknownReason::BackendUnreachable, "backendUnreachable"),
    (UnknownReason::TooManyErrors, "tooManyErrors"),
    (UnknownReason::Stopped, "stopped"),
];

fn name<T: PartialEq>(table: &[(T, &'static str)], value: T) -> &'static str {
    table
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("", |(_, n)| n)
}

fn opt_time(w: &mut Writer, t: Option<Timestamp>) {
    match t {
        Some(t) => time(w, t),
        None => w.null(),
    }
}

fn opt_string(w: &mut Writer, s: Option<&str>) {
    match s {
        Some(s) => w.string(s),
        None => w.null(),
    }
}

fn time(w: &mut Writer, t: Timestamp) {
    w.u64(t.as_millis());
}

fn millis(w: &mut Writer, d: Duration) {
    w.u64(duration_millis(d));
}

fn amount(w: &mut Writer, a: Amount) {
    w.u64(a.minor());
}

// ---------------------------------------------------------------- reading

/// The store's version and, if it is `supported`, its payments (`None`
/// for another version, whose payments are not read).
pub(super) fn read_store(text: &str, supported: u32) -> Res<(u32, Option<Vec<PendingPayment>>)> {
    let mut r = Reader::new(text);
    r.open(b'{')?;
    let mut first = true;
    if !r.next(b'}', &mut first)? || r.key()? != "version" {
        return Err(r.error("a pending store starts with its `version`"));
    }
    let version = match r.number()? {
        Number::Unsigned(n) => u32::try_from(n).unwrap_or(u32::MAX),
        Number::Signed(_) | Number::Float(_) => return Err(r.error("not a version")),
    };
    if version != supported {
        return Ok((version, None));
    }
    let mut payments = Vec::new();
    while r.next(b'}', &mut first)? {
        if r.key()? == "payments" {
            let mut c = Cursor::new(r);
            c.open();
            while c.more() {
                let p = c.payment();
                payments.push(p);
            }
            c.close();
            r = c.finish()?;
        } else {
            r.skip()?;
        }
    }
    r.end()?;
    Ok((version, Some(payments)))
}

/// A snapshot written by [`snapshot_to_text`].
pub(crate) fn snapshot_from_text(text: &str) -> Res<Snapshot> {
    let mut c = Cursor::new(Reader::new(text));
    let s = c.snapshot();
    c.finish()?.end()?;
    Ok(s)
}

/// Reads the values of nested arrays in order; the commas between them
/// are checked by the cursor, so each reader states only what comes.
///
/// The first error sticks: after it every read gives a default value and
/// [`finish`](Self::finish) returns the error. So a reader is straight-line
/// code with no early returns (and small: this runs in every shopper's
/// browser).
struct Cursor<'a> {
    r: Reader<'a>,
    /// A value was read at this level: a comma comes before the next.
    after: bool,
    error: Option<JsonError>,
}

impl<'a> Cursor<'a> {
    fn new(r: Reader<'a>) -> Self {
        Cursor {
            r,
            after: false,
            error: None,
        }
    }

    /// The reader, or the first error.
    fn finish(self) -> Res<Reader<'a>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.r),
        }
    }

    fn fail(&mut self, e: JsonError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// `Some(value)`, or a sticky error and `None`.
    fn ok<T>(&mut self, result: Res<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// Before a value: the comma that separates it from the one before.
    /// False once anything failed.
    fn sep(&mut self) -> bool {
        if self.error.is_some() {
            return false;
        }
        if self.after && !self.r.eat(",") {
            let e = if self.r.peek() == Some(b']') {
                self.r.error("the array ends too soon")
            } else {
                self.r.unexpected("`,`")
            };
            self.fail(e);
            return false;
        }
        self.after = true;
        true
    }

    fn open(&mut self) {
        if self.sep() {
            let opened = self.r.open(b'[');
            self.ok(opened);
            self.after = false;
        }
    }

    fn close(&mut self) {
        if self.error.is_some() {
            return;
        }
        let closed = if self.r.peek() == Some(b',') {
            Err(self.r.error("the array has too many elements"))
        } else {
            self.r.close(b']')
        };
        self.ok(closed);
        self.after = true;
    }

    /// Whether a list has another element.
    fn more(&mut self) -> bool {
        self.error.is_none() && !matches!(self.r.peek(), Some(b']') | None)
    }

    /// `null` comes next (read), or another value (not read yet).
    fn null(&mut self) -> bool {
        if !self.sep() {
            return true;
        }
        if self.r.null() {
            return true;
        }
        self.after = false;
        false
    }

    fn u64(&mut self) -> u64 {
        if !self.sep() {
            return 0;
        }
        let n = match self.r.number() {
            Ok(Number::Unsigned(n)) => Ok(n),
            Ok(Number::Signed(_) | Number::Float(_)) => {
                Err(self.r.error("expected a whole number ≥ 0"))
            }
            Err(e) => Err(e),
        };
        self.ok(n).unwrap_or_default()
    }

    fn u32(&mut self) -> u32 {
        let n = self.u64();
        let n = u32::try_from(n).map_err(|_| self.r.error("the number is too large"));
        self.ok(n).unwrap_or_default()
    }

    fn string(&mut self) -> String {
        if !self.sep() {
            return String::new();
        }
        let s = self.r.string();
        self.ok(s).unwrap_or_default()
    }

    fn bool(&mut self) -> bool {
        if !self.sep() {
            return false;
        }
        let b = self.r.bool();
        self.ok(b).unwrap_or_default()
    }

    fn time(&mut self) -> Timestamp {
        Timestamp::from_millis(self.u64())
    }

    fn millis(&mut self) -> Duration {
        Duration::from_millis(self.u64())
    }

    fn amount(&mut self) -> Amount {
        Amount::from_minor(self.u64())
    }

    fn opt_time(&mut self) -> Option<Timestamp> {
        (!self.null()).then(|| self.time())
    }

    fn opt_millis(&mut self) -> Option<Duration> {
        (!self.null()).then(|| self.millis())
    }

    fn opt_amount(&mut self) -> Option<Amount> {
        (!self.null()).then(|| self.amount())
    }

    fn opt_string(&mut self) -> Option<String> {
        (!self.null()).then(|| self.string())
    }

    /// One of the names of `table`, as its value (`None` when failed).
    fn named<T: Copy>(&mut self, table: &[(T, &'static str)]) -> Option<T> {
        let found = self.string();
        let value = table.iter().find(|(_, n)| *n == found).map(|(v, _)| *v);
        if value.is_none() && self.error.is_none() {
            let e = self
                .r
                .error(format!("`{found}` is no name this store uses here"));
            self.fail(e);
        }
        value
    }

    /// One of `tags`, as its index (`usize::MAX` when failed).
    fn tag(&mut self, tags: &[&str]) -> usize {
        let found = self.string();
        match tags.iter().position(|t| *t == found) {
            Some(i) => i,
            None => {
                if self.error.is_none() {
                    let e = self
                        .r
                        .error(format!("`{found}` is none of: {}", tags.join(", ")));
                    self.fail(e);
                }
                usize::MAX
            }
        }
    }

    fn payment(&mut self) -> PendingPayment {
        self.open();
        let p = PendingPayment {
            order_id: self.string(),
            deeplink: self.deeplink(),
            expectation: self.expectation(),
            tracker: self.snapshot(),
            saved_at: self.time(),
        };
        self.close();
        p
    }

    fn deeplink(&mut self) -> Deeplink {
        self.open();
        let d = Deeplink {
            url: self.string(),
            kind: self.named(&LINK_KINDS).unwrap_or(LinkKind::LandingPage),
            environment: self
                .named(&ENVIRONMENTS)
                .unwrap_or(Environment::Unrecognised),
            deadlines: Deadlines {
                received_at: self.time(),
                link_valid_until: self.time(),
                payment_deadline: self.time(),
            },
        };
        self.close();
        d
    }

    fn expectation(&mut self) -> ReturnExpectation {
        self.open();
        let order_id = self.string();
        let text = self.string();
        let nonce = AttemptNonce::parse(&text).map_err(|e| self.r.error(e.to_string()));
        let nonce = match nonce {
            Ok(n) => n,
            Err(e) => {
                self.fail(e);
                AttemptNonce::from_random([0; AttemptNonce::RANDOM_BYTES])
            }
        };
        self.open();
        let target = match self.tag(&["web", "app", "androidIntent"]) {
            0 => ExpectedReturn::Web {
                scheme: self.string(),
                host: self.string(),
                port: {
                    let n = self.u64();
                    let port = u16::try_from(n).map_err(|_| self.r.error("not a port"));
                    self.ok(port).unwrap_or_default()
                },
                path: self.string(),
            },
            1 => ExpectedReturn::App {
                scheme: self.string(),
                host: self.opt_string(),
                path: self.string(),
            },
            _ => ExpectedReturn::AndroidIntent,
        };
        self.close();
        self.close();
        ReturnExpectation {
            order_id,
            nonce,
            target,
        }
    }

    fn snapshot(&mut self) -> Snapshot {
        self.open();
        let version = self.u32();
        let config = self.config();
        let status = self.status();
        let switched_out_at = self.opt_time();
        let deeplink_checked = self.bool();
        let last_fetch_started = self.opt_time();
        let next_request_id = self.u64();
        let mut rate_window = Vec::new();
        self.open();
        while self.more() {
            rate_window.push(self.time());
        }
        self.close();
        let backoff_failures = self.u32();
        let backoff_until = self.opt_time();
        let retry_after_until = self.opt_time();
        let jitter_state = self.u64();
        let bad_answers = self.u32();
        let ping = (!self.null()).then(|| {
            self.open();
            let url = self.string();
            let not_before = self.time();
            self.close();
            crate::tracker::Ping { url, not_before }
        });
        let verify_pending = self.bool();
        let final_check = self.bool();
        let outcome = (!self.null()).then(|| self.outcome());
        self.close();
        Snapshot {
            version,
            config,
            status,
            switched_out_at,
            deeplink_checked,
            last_fetch_started,
            next_request_id,
            rate_window,
            backoff_failures,
            backoff_until,
            retry_after_until,
            jitter_state,
            bad_answers,
            ping,
            verify_pending,
            final_check,
            outcome,
        }
    }

    fn config(&mut self) -> TrackerConfig {
        self.open();
        let order_id = self.string();
        let status_url = self.string();
        let initiated_at = self.time();
        self.open();
        let policy = Policy {
            first_poll_after: self.millis(),
            poll_interval: self.millis(),
            while_hidden: match self.opt_millis() {
                None => HiddenPolling::Pause,
                Some(interval) => HiddenPolling::Every { interval },
            },
            connect_timeout: self.millis(),
            read_timeout: self.millis(),
            long_poll: self.opt_millis(),
            rate_cap: self.u32(),
            rate_window: self.millis(),
            backoff: BackoffPolicy {
                base: self.millis(),
                max: self.millis(),
            },
            deeplink_validity: self.millis(),
            payment_window: self.millis(),
            grace: self.millis(),
            return_debounce: self.millis(),
            max_bad_answers: self.u32(),
        };
        self.close();
        let jitter_seed = self.u64();
        self.close();
        TrackerConfig {
            order_id,
            status_url,
            initiated_at,
            policy,
            jitter_seed,
        }
    }

    fn status(&mut self) -> PaymentStatus {
        self.open();
        let mut s = PaymentStatus {
            reserved: self.opt_amount(),
            captured: self.opt_amount(),
            refunded: self.opt_amount(),
            cancelled: if self.null() {
                None
            } else {
                self.named(&CANCELLED_BY)
            },
            rejected: self.bool(),
            ..PaymentStatus::default()
        };
        self.open();
        while self.more() {
            let failure = self.string();
            s.failures.insert(failure);
        }
        self.close();
        self.open();
        while self.more() {
            self.open();
            let op = FailedOperation {
                operation: self.string(),
                amount: self.amount(),
                at: self.opt_time(),
                transaction_id: self.opt_string(),
            };
            s.failed_operations.insert(op);
            self.close();
        }
        self.close();
        s.updated_at = self.opt_time();
        s.captured_at = self.opt_time();
        self.close();
        s
    }

    fn outcome(&mut self) -> Outcome {
        self.open();
        let outcome = match self.tag(&["success", "cancelled", "rejected", "failed", "unknown"]) {
            0 => Outcome::Success {
                status: self.status(),
            },
            1 => Outcome::Cancelled {
                by: self.named(&CANCELLED_BY).unwrap_or(CancelledBy::User),
            },
            3 => Outcome::Failed {
                reason: self.string(),
            },
            4 => Outcome::Unknown {
                reason: self
                    .named(&UNKNOWN_REASONS)
                    .unwrap_or(UnknownReason::Stopped),
            },
            _ => Outcome::Rejected,
        };
        self.close();
        outcome
    }
}

#[cfg(test)]
mod tests {
    use proptest::collection::{btree_set, vec};
    use proptest::option::of;
    use proptest::prelude::*;

    use super::*;
    use crate::tracker::Ping;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof!["\\PC{0,12}", "[\"\\\\\u{0}-\u{1f}a-z]{0,6}"]
    }

    fn time() -> impl Strategy<Value = Timestamp> {
        any::<u64>().prop_map(Timestamp::from_millis)
    }

    fn span() -> impl Strategy<Value = Duration> {
        any::<u64>().prop_map(Duration::from_millis)
    }

    fn amount() -> impl Strategy<Value = Amount> {
        any::<u64>().prop_map(Amount::from_minor)
    }

    fn pick<T: Copy + core::fmt::Debug + 'static>(
        table: &'static [(T, &str)],
    ) -> impl Strategy<Value = T> {
        proptest::sample::select(table.iter().map(|(v, _)| *v).collect::<Vec<_>>())
    }

    fn status() -> impl Strategy<Value = PaymentStatus> {
        (
            (of(amount()), of(amount()), of(amount())),
            of(pick(&CANCELLED_BY)),
            any::<bool>(),
            btree_set(text(), 0..3),
            btree_set(
                (text(), amount(), of(time()), of(text())).prop_map(
                    |(operation, amount, at, transaction_id)| FailedOperation {
                        operation,
                        amount,
                        at,
                        transaction_id,
                    },
                ),
                0..3,
            ),
            (of(time()), of(time())),
        )
            .prop_map(
                |(
                    (reserved, captured, refunded),
                    cancelled,
                    rejected,
                    failures,
                    failed_operations,
                    (updated_at, captured_at),
                )| {
                    PaymentStatus {
                        reserved,
                        captured,
                        refunded,
                        cancelled,
                        rejected,
                        failures,
                        failed_operations,
                        updated_at,
                        captured_at,
                    }
                },
            )
    }

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            status().prop_map(|status| Outcome::Success { status }),
            pick(&CANCELLED_BY).prop_map(|by| Outcome::Cancelled { by }),
            Just(Outcome::Rejected),
            text().prop_map(|reason| Outcome::Failed { reason }),
            pick(&UNKNOWN_REASONS).prop_map(|reason| Outcome::Unknown { reason }),
        ]
    }

    fn policy() -> impl Strategy<Value = Policy> {
        (
            (span(), span(), of(span()), span(), span(), of(span())),
            (any::<u32>(), span(), span(), span()),
            (span(), span(), span(), span(), any::<u32>()),
        )
            .prop_map(|(a, b, c)| Policy {
                first_poll_after: a.0,
                poll_interval: a.1,
                while_hidden: a
                    .2
                    .map_or(HiddenPolling::Pause, |interval| HiddenPolling::Every {
                        interval,
                    }),
                connect_timeout: a.3,
                read_timeout: a.4,
                long_poll: a.5,
                rate_cap: b.0,
                rate_window: b.1,
                backoff: BackoffPolicy {
                    base: b.2,
                    max: b.3,
                },
                deeplink_validity: c.0,
                payment_window: c.1,
                grace: c.2,
                return_debounce: c.3,
                max_bad_answers: c.4,
            })
    }

    fn snapshot() -> impl Strategy<Value = Snapshot> {
        (
            (
                any::<u32>(),
                (text(), text(), time(), policy(), any::<u64>()),
                status(),
            ),
            (
                of(time()),
                any::<bool>(),
                of(time()),
                any::<u64>(),
                vec(time(), 0..4),
            ),
            (
                any::<u32>(),
                of(time()),
                of(time()),
                any::<u64>(),
                any::<u32>(),
            ),
            (
                of((text(), time())),
                any::<bool>(),
                any::<bool>(),
                of(outcome()),
            ),
        )
            .prop_map(|(a, b, c, d)| Snapshot {
                version: a.0,
                config: TrackerConfig {
                    order_id: a.1.0,
                    status_url: a.1.1,
                    initiated_at: a.1.2,
                    policy: a.1.3,
                    jitter_seed: a.1.4,
                },
                status: a.2,
                switched_out_at: b.0,
                deeplink_checked: b.1,
                last_fetch_started: b.2,
                next_request_id: b.3,
                rate_window: b.4,
                backoff_failures: c.0,
                backoff_until: c.1,
                retry_after_until: c.2,
                jitter_state: c.3,
                bad_answers: c.4,
                ping: d.0.map(|(url, not_before)| Ping { url, not_before }),
                verify_pending: d.1,
                final_check: d.2,
                outcome: d.3,
            })
    }

    fn target() -> impl Strategy<Value = ExpectedReturn> {
        prop_oneof![
            (text(), text(), any::<u16>(), text()).prop_map(|(scheme, host, port, path)| {
                ExpectedReturn::Web {
                    scheme,
                    host,
                    port,
                    path,
                }
            }),
            (text(), of(text()), text()).prop_map(|(scheme, host, path)| ExpectedReturn::App {
                scheme,
                host,
                path
            }),
            Just(ExpectedReturn::AndroidIntent),
        ]
    }

    fn payment() -> impl Strategy<Value = PendingPayment> {
        (
            text(),
            (
                text(),
                pick(&LINK_KINDS),
                pick(&ENVIRONMENTS),
                time(),
                time(),
                time(),
            ),
            (text(), any::<[u8; 16]>(), target()),
            snapshot(),
            time(),
        )
            .prop_map(|(order_id, d, e, tracker, saved_at)| PendingPayment {
                order_id,
                deeplink: Deeplink {
                    url: d.0,
                    kind: d.1,
                    environment: d.2,
                    deadlines: Deadlines {
                        received_at: d.3,
                        link_valid_until: d.4,
                        payment_deadline: d.5,
                    },
                },
                expectation: ReturnExpectation {
                    order_id: e.0,
                    nonce: AttemptNonce::from_random(e.1),
                    target: e.2,
                },
                tracker,
                saved_at,
            })
    }

    fn store(payments: Vec<PendingPayment>) -> PendingStore {
        PendingStore {
            version: super::super::PENDING_VERSION,
            payments,
        }
    }

    proptest! {
        #[test]
        fn every_store_reads_back_as_it_was_written(payments in vec(payment(), 0..3)) {
            let store = store(payments);
            let text = store.to_json();
            prop_assert_eq!(PendingStore::from_json(&text), Ok(store.clone()));
            // It is JSON, and nothing else follows it.
            prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
        }

        #[test]
        fn a_snapshot_alone_reads_back(s in snapshot()) {
            prop_assert_eq!(Snapshot::from_json(&s.to_json()), Ok(s));
        }

        #[test]
        fn a_damaged_store_is_an_error_never_a_panic(p in payment(), cut in any::<proptest::sample::Index>(), byte in any::<u8>()) {
            let text = store(vec![p]).to_json();
            let at = cut.index(text.len());
            if text.is_char_boundary(at) {
                let _ = PendingStore::from_json(&text[..at]);
                let mut changed = text.clone().into_bytes();
                changed[at] = byte;
                if let Ok(changed) = String::from_utf8(changed) {
                    let _ = PendingStore::from_json(&changed);
                }
            }
        }

        #[test]
        fn any_text_is_an_error_or_a_store(s in "\\PC{0,60}") {
            let _ = PendingStore::from_json(&s);
            let _ = Snapshot::from_json(&s);
        }
    }

    #[test]
    fn the_stored_form_is_compact_and_versioned() {
        let text = store(vec![]).to_json();
        assert_eq!(text, r#"{"version":2,"payments":[]}"#);
        // Unknown members after the version are skipped (a later minor
        // addition); the version must come first.
        assert_eq!(
            PendingStore::from_json(r#"{"version":2,"note":{"a":[1]},"payments":[]}"#),
            Ok(store(vec![]))
        );
        assert!(matches!(
            PendingStore::from_json(r#"{"payments":[],"version":2}"#),
            Err(PendingError::Corrupt(_))
        ));
    }

    #[test]
    fn a_version_1_store_is_refused_by_its_version() {
        // What the previous version of this crate wrote (serde's JSON).
        let v1 = r#"{"version":1,"payments":[{"orderId":"o-1","deeplink":{"url":"https://x"}}]}"#;
        assert_eq!(
            PendingStore::from_json(v1),
            Err(PendingError::UnsupportedVersion {
                found: 1,
                supported: 2
            })
        );
        assert_eq!(PendingStore::from_stored(Some(v1)), PendingStore::default());
    }

    #[test]
    fn errors_say_what_is_wrong_and_where() {
        let e = PendingStore::from_json(r#"{"version":2,"payments":[["o-1"]]}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the stored pending payments (`appswitch.pending`) cannot be read: the array ends too soon (at byte 31)"
        );
        let e = PendingStore::from_json(r#"{"version":"2"}"#).unwrap_err();
        assert!(
            e.to_string().contains("expected a number, found a string"),
            "{e}"
        );
    }
}
