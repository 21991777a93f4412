//! Writing the stored form (see the [module documentation](super)).

use core::time::Duration;

use crate::foundation::json_text::Writer;
use crate::foundation::money::Amount;
use crate::foundation::time::{Timestamp, duration_millis};
use crate::shopper::deeplink::Deeplink;
use crate::shopper::tracker::{HiddenPolling, Outcome, Snapshot, TrackerConfig};
use crate::shopper::url::{ExpectedReturn, ReturnExpectation};
use crate::status::PaymentStatus;

use super::{CANCELLED_BY, ENVIRONMENTS, LINK_KINDS, UNKNOWN_REASONS, name};
use crate::shopper::pending::{PendingPayment, PendingStore};

/// The store as text.
pub(in crate::shopper::pending) fn write_store(store: &PendingStore) -> String {
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
