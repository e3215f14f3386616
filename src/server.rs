//! The accept loop: HTTP/1.1 over TCP with two guards `axum::serve` does not offer.
//!
//! - **Header read timeout.** A connection whose request headers are not complete
//!   within [`Limits::header_read_timeout`] is closed (hyper's `header_read_timeout`).
//!   The clock runs from the moment hyper waits for a request head, so it also bounds
//!   how long an idle keep-alive connection waits between requests; a reader that
//!   comes back within it keeps its connection.
//! - **Connection bound.** At most [`Limits::max_connections`] connections are served
//!   at once; when all are taken the loop stops accepting (the kernel's backlog holds
//!   the rest) until one closes. Nothing crashes and nobody is refused outright.
//!
//! Each request gets `ConnectInfo<SocketAddr>` as `into_make_service_with_connect_info`
//! would give it, and goes to the router without extra boxing. On shutdown the loop
//! stops accepting, asks every connection to finish its request and close, and waits
//! for them.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::Service;

/// The guards of the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a client has to send a request's headers (and how long an idle
    /// keep-alive connection waits for the next request).
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the open
/// connections finish their requests.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break, // never closed; nothing left to serve with
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(conn) => conn,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = PeerService {
            router: router.clone(),
            peer,
        };
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                () = async { drop(stop.wait_for(|s| *s).await) } => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                // Timeouts and clients that hang up are routine; keep them out of
                // the error log.
                tracing::debug!(error = %e, peer = %peer, "connection closed");
            }
            drop(permit);
        });
    }
    let _ = stop_tx.send(true);
    // Every connection holds a slot until it closes: taking them all back is waiting
    // for the last one.
    let _ = slots.acquire_many(max as u32).await;
    Ok(())
}

/// Errors from `accept` that concern one connection are skipped; others (out of file
/// descriptors) are logged and the loop waits a moment rather than spinning.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// The router as hyper's service for one connection: adds the peer's address.
#[derive(Clone)]
struct PeerService {
    router: Router,
    peer: SocketAddr,
}

impl hyper::service::Service<Request<Incoming>> for PeerService {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = <Router as Service<Request<Body>>>::Future;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnectInfo(self.peer));
        // A router is always ready; cloning it is one reference count.
        self.router.clone().call(req)
    }
}
