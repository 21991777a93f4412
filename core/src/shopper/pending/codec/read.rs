//! Reading the stored form (see the [module documentation](super)).

use core::time::Duration;

use crate::foundation::json_text::{JsonError, Number, Reader};
use crate::foundation::money::Amount;
use crate::foundation::time::Timestamp;
use crate::shopper::deeplink::{Deadlines, Deeplink, Environment, LinkKind};
use crate::shopper::tracker::{
    BackoffPolicy, HiddenPolling, Outcome, Policy, Snapshot, TrackerConfig, UnknownReason,
};
use crate::shopper::url::{AttemptNonce, ExpectedReturn, ReturnExpectation};
use crate::status::{CancelledBy, FailedOperation, PaymentStatus};

use super::{CANCELLED_BY, ENVIRONMENTS, LINK_KINDS, Res, UNKNOWN_REASONS};
use crate::shopper::pending::PendingPayment;

/// The store's version and, if it is `supported`, its payments (`None`
/// for another version, whose payments are not read).
pub(in crate::shopper::pending) fn read_store(
    text: &str,
    supported: u32,
) -> Res<(u32, Option<Vec<PendingPayment>>)> {
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
            crate::shopper::tracker::Ping { url, not_before }
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
