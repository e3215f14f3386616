//! The accept loop over real TCP (issue 8.7): a client that never finishes its headers
//! is cut off within the bound, keep-alive readers keep their connection, and the
//! connection bound makes newcomers wait instead of failing.

use std::time::{Duration, Instant};

use starpunk::server::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestServer;

/// Generous: only a server that never closes reaches it.
const OUTER: Duration = Duration::from_secs(20);

fn limits(header_secs: u64, max_connections: usize) -> Limits {
    Limits {
        header_read_timeout: Duration::from_secs(header_secs),
        max_connections,
        ..Limits::default()
    }
}

/// Reads until the server closes the connection; how long that took.
async fn until_closed(stream: &mut TcpStream) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(OUTER, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await
    .expect("the server closes a connection that never finishes its headers");
    start.elapsed()
}

/// Reads one response with a `content-length` body; its status code.
async fn read_response(stream: &mut TcpStream) -> u16 {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(OUTER, stream.read(&mut buf))
            .await
            .expect("an answer in time")
            .unwrap();
        assert!(n > 0, "closed before a whole response: {got:?}");
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got);
        let Some(end) = text.find("\r\n\r\n") else {
            continue;
        };
        let head = text[..end].to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        if got.len() >= end + 4 + len {
            return head[9..12].parse().unwrap();
        }
    }
}

#[tokio::test]
async fn a_client_that_stalls_mid_headers_is_cut_off() {
    let server = TestServer::start_with(&[], limits(1, 64)).await;
    let mut partial = TcpStream::connect(server.addr).await.unwrap();
    partial
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let mut line_only = TcpStream::connect(server.addr).await.unwrap();
    line_only.write_all(b"GET /ne").await.unwrap();
    let a = until_closed(&mut partial).await;
    let b = until_closed(&mut line_only).await;
    assert!(a < Duration::from_secs(10), "closed after {a:?}");
    assert!(b < Duration::from_secs(10), "closed after {b:?}");
}

#[tokio::test]
async fn keep_alive_readers_keep_their_connection() {
    let server = TestServer::start_with(&[], limits(3, 64)).await;
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    let req = b"GET /health HTTP/1.1\r\nHost: blog.example.test\r\n\r\n";
    s.write_all(req).await.unwrap();
    assert_eq!(read_response(&mut s).await, 200);
    // A reader pausing between requests, well inside the idle limit (this pause is the
    // scenario under test, not synchronisation).
    tokio::time::sleep(Duration::from_millis(500)).await;
    s.write_all(req).await.unwrap();
    assert_eq!(
        read_response(&mut s).await,
        200,
        "same connection, second request"
    );
}

#[tokio::test]
async fn connections_over_the_bound_wait_for_a_slot() {
    let server = TestServer::start_with(&[], limits(1, 2)).await;
    // Two connections that say nothing take both slots until the header timeout.
    let mut idle: Vec<TcpStream> = Vec::new();
    for _ in 0..2 {
        idle.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let start = Instant::now();
    let res = tokio::time::timeout(OUTER, reqwest::get(server.url("/health")))
        .await
        .expect("the third connection is served once a slot frees")
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "it waited for a slot: {:?}",
        start.elapsed()
    );
    for mut s in idle {
        until_closed(&mut s).await;
    }
}

#[tokio::test]
async fn shutdown_closes_idle_keep_alive_connections_and_returns() {
    let dir = tempfile::tempdir().unwrap();
    let vars = crate::helpers::base_vars(&dir);
    let config = starpunk::config::Config::from_vars(&vars).unwrap();
    let state = starpunk::app::AppState::new(config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The idle limit (60 s) is longer than the outer timeout: only shutdown can close.
    let server = tokio::spawn(starpunk::app::serve_with(
        listener,
        state,
        limits(60, 8),
        async move {
            let _ = stopped.await;
        },
    ));
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_response(&mut s).await, 200);
    stop.send(()).unwrap();
    until_closed(&mut s).await;
    tokio::time::timeout(OUTER, server)
        .await
        .expect("serve returns once its connections are closed")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_slow_request_body_is_not_cut_off_while_its_handler_reads_it() {
    let server = TestServer::start_with(&[], limits(1, 8)).await;
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(
        b"POST /auth/logout HTTP/1.1\r\nHost: x\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\n",
    )
    .await
    .unwrap();
    // The body arrives over about twice the limit (pacing is the scenario here).
    for part in [&b"a="[..], b"12", b"34"] {
        tokio::time::sleep(Duration::from_millis(700)).await;
        s.write_all(part).await.unwrap();
    }
    assert_eq!(read_response(&mut s).await, 303, "the handler answered");
}

#[tokio::test]
async fn one_address_cannot_take_every_slot() {
    let server = TestServer::start_with(
        &[],
        Limits {
            header_read_timeout: Duration::from_secs(30),
            max_connections: 16,
            max_per_peer: 3,
            loopback_is_proxy: false,
        },
    )
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(read_response(&mut s).await, 200);
        held.push(s);
    }
    // the fourth from the same address is closed without an answer, at once
    let mut extra = TcpStream::connect(server.addr).await.unwrap();
    let _ = extra
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert!(
        until_closed(&mut extra).await < Duration::from_secs(5),
        "closed well before the idle limit"
    );
    // a slot given back is usable again
    drop(held.pop());
    let res = tokio::time::timeout(OUTER, async {
        loop {
            // until the server has seen the close, a new connection may still be refused
            let mut s = TcpStream::connect(server.addr).await.unwrap();
            let _ = s
                .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await;
            let mut got = Vec::new();
            let _ = s.read_to_end(&mut got).await;
            if got.starts_with(b"HTTP/1.1 200") {
                return 200;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a freed slot is taken again");
    assert_eq!(res, 200);
}

#[tokio::test]
async fn a_proxy_on_this_machine_is_not_bound_per_address() {
    let server = TestServer::start_with(
        &[],
        Limits {
            max_per_peer: 2,
            ..Limits::default()
        },
    )
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(read_response(&mut s).await, 200);
        held.push(s);
    }
}
