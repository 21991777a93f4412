//! The backend's HTTP/1.1 server loop: hyper, with the limits
//! `axum::serve` does not offer.
//!
//! - A cap on open connections ([`Limits::max_connections`]): past it, new
//!   connections wait in the listen backlog until one closes.
//! - A header timeout ([`Limits::header_timeout`]): hyper starts its clock
//!   when a connection is ready for a request and closes the connection if
//!   the whole request head has not arrived by then — a client that trickles
//!   its headers (or sends nothing) and an idle keep-alive connection are
//!   both let go.
//! - The body timeout and size limit are the handlers' (see
//!   [`json_body`](crate::api)), so that a long poll, which has no body, is
//!   never cut short.
//!
//! A merchant who mounts [`MerchantBackend::router`](crate::MerchantBackend::router)
//! in an app of their own can serve it with [`serve`] too.

use std::convert::Infallible;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::config::Limits;

/// Serves `router` on `listener` with `limits` until the future is
/// dropped (which closes every connection it opened). Each request carries
/// its peer's address as [`ConnectInfo<SocketAddr>`].
pub async fn serve(listener: TcpListener, router: Router, limits: Limits) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, or the like: let some close.
                tracing::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let http = http.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let router = router.clone();
                async move {
                    let response = router.oneshot(req.map(Body::new)).await;
                    Ok::<_, Infallible>(match response {
                        Ok(r) => r,
                        Err(never) => match never {},
                    })
                }
            });
            if let Err(e) = http.serve_connection(TokioIo::new(stream), service).await {
                tracing::debug!("connection from {peer}: {e}");
            }
            drop(permit);
        });
    }
}
