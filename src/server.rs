//! The accept loop: HTTP/1.1 over TCP with two guards `axum::serve` does not offer.
//!
//! - **A time limit on waiting for the client.** A connection on which, for
//!   [`Limits::header_read_timeout`], no request has started, no handler has been
//!   running and no response byte has been written is closed. That is a client
//!   trickling its headers (bytes read do not count as progress), or an idle
//!   keep-alive connection; a reader that comes back within the limit keeps its
//!   connection, and a slow upload is safe while its handler reads it.
//! - **Connection bounds.** At most [`Limits::max_connections`] connections are served
//!   at once; when all are taken the loop stops accepting (the kernel's backlog holds
//!   the rest) until one closes. One address may hold at most
//!   [`Limits::max_per_peer`] of them (a further one is closed at once), so a single
//!   host cannot take every slot; the proxies of `TRUSTED_PROXIES` and loopback peers
//!   (a proxy on this machine), which carry every reader's connections, are exempt.
//!
//! The limit is kept by one watchdog timer per connection, not a timer per request
//! (hyper's `header_read_timeout` allocates and arms one for every request, which cost
//! 5% of the throughput of a 304): a request costs two atomic increments.
//!
//! Each request gets `ConnectInfo<SocketAddr>` as `into_make_service_with_connect_info`
//! would give it, and goes to the router without extra boxing. On shutdown the loop
//! stops accepting, asks every connection to finish its request and close, and waits
//! for them — at most [`DRAIN`], and the watchdog still closes one that stalls.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::Service;

use crate::config::TrustedProxies;

/// Longest shutdown waits for open requests to finish (the site layer's ordinary
/// request time limit); an upload still running then is cut off, which the atomic
/// media pipeline survives.
pub const DRAIN: Duration = Duration::from_secs(30);

/// The guards of the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a connection may wait for the client without progress: the time to
    /// send a request's headers, and how long an idle keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// Connections one address may hold at once (trusted proxies are exempt). A
    /// browser opens six; 64 leaves room for a household behind one address.
    pub max_per_peer: usize,
    /// Loopback peers count as a proxy on this machine and are exempt from
    /// `max_per_peer` (tests of the bound turn this off).
    pub loopback_is_proxy: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            max_per_peer: 64,
            loopback_is_proxy: true,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the open
/// connections finish their requests.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    exempt: TrustedProxies,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let peers = PeerCounts::default();
    let slots = Arc::new(Semaphore::new(max));
    let (stop_tx, stop_rx) = watch::channel(false);
    let http = hyper::server::conn::http1::Builder::new();
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
        // A proxy carries every reader's connections: the ones we were told of, and any
        // on this machine (nginx in front without TRUSTED_PROXIES set).
        let proxy = exempt.contains(peer.ip())
            || (limits.loopback_is_proxy && peer.ip().to_canonical().is_loopback());
        let peer_slot = if proxy {
            None
        } else {
            match peers.take(peer.ip(), limits.max_per_peer) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!(peer = %peer, "closing a connection over the per-address bound");
                    continue; // drops the stream (closing it) and the permit
                }
            }
        };
        let progress = Arc::new(Progress::default());
        let io = WatchedIo {
            inner: TokioIo::new(stream),
            progress: progress.clone(),
        };
        let service = PeerService {
            router: router.clone(),
            peer,
            progress: progress.clone(),
        };
        let conn = http.serve_connection(io, service);
        let mut stop = stop_rx.clone();
        let limit = limits.header_read_timeout;
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                () = stalled(&progress, limit) => {
                    tracing::debug!(peer = %peer, "closing a connection that made no progress");
                    Ok(())
                }
                () = async { drop(stop.wait_for(|s| *s).await) } => {
                    conn.as_mut().graceful_shutdown();
                    // A client that stopped reading must not hold shutdown open.
                    tokio::select! {
                        r = conn.as_mut() => r,
                        () = stalled(&progress, limit) => Ok(()),
                    }
                }
            };
            if let Err(e) = result {
                // Clients that hang up are routine; keep them out of the error log.
                tracing::debug!(error = %e, peer = %peer, "connection closed");
            }
            drop(peer_slot);
            drop(permit);
        });
    }
    // New clients are refused from now on instead of waiting in the backlog.
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a slot until it closes: taking them all back is waiting
    // for the last one.
    if tokio::time::timeout(DRAIN, slots.acquire_many(max as u32))
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still running {} s after shutdown began are cut off",
            DRAIN.as_secs()
        );
    }
    Ok(())
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct PeerCounts(Arc<Mutex<HashMap<IpAddr, usize>>>);

impl PeerCounts {
    /// A slot for one more connection from `ip`, unless it holds `max` already.
    fn take(&self, ip: IpAddr, max: usize) -> Option<PeerSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(PeerSlot {
            counts: self.clone(),
            ip,
        })
    }
}

/// One connection's place in [`PeerCounts`], given back when the connection ends.
struct PeerSlot {
    counts: PeerCounts,
    ip: IpAddr,
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// What a connection has done, for its watchdog.
#[derive(Default)]
struct Progress {
    /// Bumped when a request starts, when its handler answers and on every write.
    events: AtomicU64,
    /// Handlers running (reading an upload counts as progress through this).
    in_flight: AtomicUsize,
}

/// Completes once the connection has gone `limit` without progress: checked every
/// half `limit`, so it closes between `limit` and one and a half times it.
async fn stalled(progress: &Progress, limit: Duration) {
    let half = (limit / 2).max(Duration::from_millis(1));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + half, half);
    let mut seen = progress.events.load(Relaxed);
    let mut quiet = 0;
    loop {
        ticks.tick().await;
        let now = progress.events.load(Relaxed);
        if now != seen || progress.in_flight.load(Relaxed) > 0 {
            seen = now;
            quiet = 0;
        } else {
            quiet += 1;
            if quiet >= 2 {
                return;
            }
        }
    }
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

/// The router as hyper's service for one connection: adds the peer's address and
/// tells the watchdog a request is under way.
struct PeerService {
    router: Router,
    peer: SocketAddr,
    progress: Arc<Progress>,
}

impl hyper::service::Service<Request<Incoming>> for PeerService {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Tracked<<Router as Service<Request<Body>>>::Future>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnectInfo(self.peer));
        self.progress.events.fetch_add(1, Relaxed);
        self.progress.in_flight.fetch_add(1, Relaxed);
        Tracked {
            // A router is always ready; cloning it is one reference count.
            inner: self.router.clone().call(req),
            guard: Some(InFlight(self.progress.clone())),
        }
    }
}

/// One running handler; dropping it (answered or abandoned) ends it for the watchdog.
struct InFlight(Arc<Progress>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.events.fetch_add(1, Relaxed);
        self.0.in_flight.fetch_sub(1, Relaxed);
    }
}

pin_project_lite::pin_project! {
    /// The router's future, holding its [`InFlight`] until it answers.
    pub struct Tracked<F> {
        #[pin]
        inner: F,
        guard: Option<InFlight>,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let out = std::task::ready!(this.inner.poll(cx));
        this.guard.take();
        Poll::Ready(out)
    }
}

/// The socket, counting writes as progress (reads do not: a trickle of header bytes
/// is exactly what must not keep a connection open).
struct WatchedIo {
    inner: TokioIo<TcpStream>,
    progress: Arc<Progress>,
}

impl WatchedIo {
    fn wrote(&self, r: &Poll<std::io::Result<usize>>) {
        if matches!(r, Poll::Ready(Ok(n)) if *n > 0) {
            self.progress.events.fetch_add(1, Relaxed);
        }
    }
}

impl hyper::rt::Read for WatchedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for WatchedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.wrote(&r);
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.wrote(&r);
        r
    }

    fn is_write_vectored(&self) -> bool {
        hyper::rt::Write::is_write_vectored(&self.inner)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
