//! Parse + derive the status of a details response with 1, 10 and 100
//! history entries — typed (`PaymentDetails`), through the sniffing parser
//! (`StatusPayload`), and, as the baseline, a plain `serde_json::Value`
//! walk that only sums the amounts.
//!
//! Run with `cargo bench -p appswitch-core --bench status`.

use std::hint::black_box;

use appswitch_core::providers::payload::StatusPayload;
use appswitch_core::providers::vipps_ecom::PaymentDetails;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;

/// A details response with `n` history entries: an initiate, a reserve,
/// then partial captures (and a few failed attempts), newest first.
fn details(n: usize) -> String {
    let mut entries = Vec::with_capacity(n);
    for i in 0..n {
        let (op, ok, amount) = match i {
            0 => ("INITIATE", true, 1_000_000),
            1 => ("RESERVE", true, 1_000_000),
            _ if i % 7 == 0 => ("CAPTURE", false, 100),
            _ => ("CAPTURE", true, 100),
        };
        entries.push(format!(
            r#"{{"amount": {amount}, "transactionText": "One pair of Vipps socks", "transactionId": "50014200{i:02}", "timeStamp": "2018-11-14T15:{:02}:{:02}.126Z", "operation": "{op}", "requestId": "15422089{i:02}", "operationSuccess": {ok}}}"#,
            (i / 60) % 60,
            i % 60
        ));
    }
    entries.reverse();
    format!(
        r#"{{"orderId": "order123abc", "transactionSummary": {{"capturedAmount": 0, "remainingAmountToCapture": 0, "refundedAmount": 0, "remainingAmountToRefund": 0, "bankIdentificationNumber": 492560}}, "transactionLogHistory": [{}]}}"#,
        entries.join(",")
    )
}

/// The baseline: what a hand-written integration does — parse into a
/// `Value` and walk the history for the reserved and captured totals.
fn value_walk(text: &str) -> (u64, u64) {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let mut reserved = 0;
    let mut captured = 0;
    if let Some(history) = v.get("transactionLogHistory").and_then(Value::as_array) {
        for e in history {
            if e.get("operationSuccess").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let amount = e.get("amount").and_then(Value::as_u64).unwrap_or(0);
            match e.get("operation").and_then(Value::as_str) {
                Some("RESERVE") => reserved = reserved.max(amount),
                Some("CAPTURE") | Some("SALE") => captured += amount,
                _ => {}
            }
        }
    }
    (reserved, captured)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("details_status");
    for n in [1usize, 10, 100] {
        let text = details(n);
        // Both sides read the same payment, or the comparison means nothing.
        let typed = PaymentDetails::parse_json(&text).map(|d| d.to_status().amounts());
        let (reserved, captured) = value_walk(&text);
        assert_eq!(
            typed.map(|a| (a.reserved.minor(), a.captured.minor())),
            Ok((reserved, captured))
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("typed", n), &text, |b, t| {
            b.iter(|| {
                let d = PaymentDetails::parse_json(black_box(t)).map(|d| d.to_status());
                black_box(d.map(|s| s.state()))
            })
        });
        group.bench_with_input(BenchmarkId::new("sniffed", n), &text, |b, t| {
            b.iter(|| {
                let p = StatusPayload::parse_json(black_box(t));
                black_box(p.and_then(|p| p.to_status()).map(|s| s.state()))
            })
        });
        group.bench_with_input(BenchmarkId::new("value_walk_baseline", n), &text, |b, t| {
            b.iter(|| black_box(value_walk(black_box(t))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
