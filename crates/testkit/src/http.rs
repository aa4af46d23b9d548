//! A scripted HTTP/1.1 server on 127.0.0.1:0, written on raw TCP so it can also misbehave
//! (answer late, cut a body short). Each request gets the next reply; the last one repeats.
//! Every request is recorded (target, authorization, body, when), so a test can count what
//! reached it and check what was sent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    body: Vec<u8>,
    delay: Duration,
    /// Content-Length to announce when it should differ from the body (a cut-off transfer).
    declared: Option<usize>,
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200, body)
    }

    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            body: body.into(),
            delay: Duration::ZERO,
            declared: None,
        }
    }

    /// Answer only after `delay` (tokio time).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Announce `declared` bytes but send the body as it is (a transfer cut short).
    pub fn announce_len(mut self, declared: usize) -> Self {
        self.declared = Some(declared);
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Path and query, e.g. `/0/public/OHLC?pair=XBTUSD&interval=1`.
    pub target: String,
    /// The path alone.
    pub path: String,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
    pub at: Instant,
}

/// A running scripted server; it stops with the test's runtime.
#[derive(Debug)]
pub struct Stub {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Stub {
    pub async fn start(replies: Vec<Reply>) -> Stub {
        assert!(!replies.is_empty(), "a stub needs at least one reply");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (replies, next) = (Arc::new(replies), Arc::new(AtomicUsize::new(0)));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (replies, next, log) = (replies.clone(), next.clone(), log.clone());
                tokio::spawn(async move {
                    let mut socket = socket;
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    let i = next.fetch_add(1, Ordering::SeqCst).min(replies.len() - 1);
                    log.lock().expect("log lock").push(request);
                    respond(socket, &replies[i]).await;
                });
            }
        });
        Stub { base_url, seen }
    }

    /// Requests that reached the server so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log lock").clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().expect("log lock").len()
    }
}

/// A loopback URL nobody listens on (the port was bound, then released): for "the peer is
/// not there" tests.
pub fn refused_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}{path}")
}

/// The request's head and its body (by Content-Length); None if the peer left first.
async fn read_request(socket: &mut TcpStream) -> Option<Seen> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut lines = head.lines();
    let target = lines.next()?.split_whitespace().nth(1)?.to_owned();
    let (mut length, mut authorization) = (0usize, None);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => authorization = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = data[end..].to_vec();
    while body.len() < length {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    let path = target.split('?').next().unwrap_or_default().to_owned();
    Some(Seen {
        target,
        path,
        authorization,
        body,
        at: Instant::now(),
    })
}

async fn respond(mut socket: TcpStream, reply: &Reply) {
    tokio::time::sleep(reply.delay).await;
    let head = format!(
        "HTTP/1.1 {} STUB\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.declared.unwrap_or(reply.body.len())
    );
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(&reply.body).await;
    let _ = socket.shutdown().await;
}
