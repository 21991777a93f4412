//! The limits that keep clients from taking the backend down: checkouts
//! per client, header and body timeouts (slow clients are let go), the
//! body size, the cap on open connections — and the retention period
//! after which finished orders are evicted.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use std::time::{Duration, Instant};

use appswitch_core::status::StatusName;
use appswitch_simulator::{ShopperChoice, SimConfig};
use serde_json::json;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection (or `within` passes);
/// whether it closed, and what it sent.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> (bool, String) {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let until = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(until, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (true, String::from_utf8_lossy(&got).into()),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (false, String::from_utf8_lossy(&got).into()),
        }
    }
}

#[tokio::test]
async fn a_client_gets_so_many_checkouts_a_minute() {
    let shop = shop_with(SimConfig::default(), |c| c.limits.checkouts_per_minute = 3).await;
    for i in 0..3 {
        shop.checkout(&format!("b-{i}")).await;
    }
    let r = shop
        .post("/api/checkout", json!({"basketId": "b-4", "amount": 100}))
        .await;
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(
        shop.sim.control().orders().len(),
        3,
        "the fourth never reached the provider"
    );
    // The limit is the checkout's: status requests still answer.
    let any = shop.sim.control().orders()[0].order_id.clone();
    assert_eq!(shop.status(&any, None).await.0, 200);
}

#[tokio::test]
async fn slow_and_idle_connections_are_let_go() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.limits.header_timeout = Duration::from_millis(300);
        c.limits.body_timeout = Duration::from_millis(300);
    })
    .await;
    let addr = shop.backend.addr();

    // Half a request head, then nothing: closed at the header timeout.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /api/payments/x/status HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let (closed, _) = closed_within(&mut slow, Duration::from_secs(3)).await;
    assert!(closed, "a trickled head is cut off");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );

    // A connection that never sends anything.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(3)).await.0);

    // A keep-alive connection, idle after its request.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /api/payments/x/status HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (closed, answer) = closed_within(&mut idle, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(closed, "an idle keep-alive connection is closed");

    // A body that does not arrive: 408.
    let mut body = TcpStream::connect(addr).await.unwrap();
    body.write_all(
        b"POST /api/checkout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"basketId\"",
    )
    .await
    .unwrap();
    let (_, answer) = closed_within(&mut body, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(shop.sim.control().orders().is_empty());
}

#[tokio::test]
async fn a_body_past_the_limit_is_refused_unread() {
    let shop = shop_with(SimConfig::default(), |c| c.limits.max_body_bytes = 1024).await;
    let big = json!({"basketId": "b", "amount": 100, "transactionText": "x".repeat(2000)});
    let r = shop.post("/api/checkout", big).await;
    assert_eq!(r.status().as_u16(), 413);
    // Chunked, without a length: cut off at the limit all the same.
    let mut s = TcpStream::connect(shop.backend.addr()).await.unwrap();
    let chunk = "x".repeat(1500);
    s.write_all(
        format!(
            "POST /api/checkout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
            chunk.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let (_, answer) = closed_within(&mut s, Duration::from_secs(2)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn past_the_connection_cap_a_client_waits_for_a_free_one() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.limits.max_connections = 2;
        c.limits.header_timeout = Duration::from_secs(30);
    })
    .await;
    let addr = shop.backend.addr();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /api/payments/x/status HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 512];
        let n = s.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 404"));
        held.push(s);
    }
    // The third connects (the kernel's backlog) but is not served …
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET /api/payments/x/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    assert!(
        tokio::time::timeout(Duration::from_millis(500), third.read(&mut buf))
            .await
            .is_err(),
        "served past the cap"
    );
    // … until one of the two closes.
    drop(held.pop());
    let n = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 404"));
}

#[tokio::test]
async fn finished_orders_are_evicted_after_the_retention_period_and_open_ones_stay() {
    let shop = shop_with(SimConfig::default(), |c| {
        c.retention = Duration::from_millis(300);
        c.eviction_interval = Duration::from_millis(100);
    })
    .await;
    let done = shop.checkout("b-done").await;
    let open = shop.checkout("b-open").await;
    shop.sim
        .control()
        .shopper(&done.order_id, ShopperChoice::Reject)
        .await
        .unwrap();
    assert_eq!(
        shop.status(&done.order_id, None).await.1.status,
        StatusName::Cancelled
    );
    let store = shop.backend.backend().store();
    eventually("the finished order to be evicted", || async {
        store.order(&done.order_id).await.unwrap().is_none()
    })
    .await;
    assert_eq!(shop.status(&done.order_id, None).await.0, 404);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (code, doc) = shop.status(&open.order_id, None).await;
    assert_eq!(
        (code, doc.status),
        (200, StatusName::Initiated),
        "an open order stays"
    );
    assert_eq!(store.count_orders().await.unwrap(), 1);
    assert!(
        store.events(&done.order_id).await.unwrap().is_empty(),
        "its history went too"
    );
}
