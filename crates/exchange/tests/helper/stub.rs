//! A scripted HTTP/1.1 server on 127.0.0.1:0, written on raw TCP so it can also misbehave
//! (cut a body short, answer late). Each request gets the next reply; the last one repeats.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

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

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn announce_len(mut self, declared: usize) -> Self {
        self.declared = Some(declared);
        self
    }
}

/// One request as the stub saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Path and query, e.g. `/0/public/OHLC?pair=XBTUSD&interval=1`.
    pub target: String,
    pub at: Instant,
}

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
                    let Some(target) = read_head(&socket).await else {
                        return;
                    };
                    let i = next.fetch_add(1, Ordering::SeqCst).min(replies.len() - 1);
                    let at = Instant::now();
                    log.lock().expect("log lock").push(Seen { target, at });
                    respond(socket, &replies[i]).await;
                });
            }
        });
        Stub { base_url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log lock").clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().expect("log lock").len()
    }
}

/// The request target of a GET; None if the peer left before sending a full head.
async fn read_head(socket: &TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        socket.readable().await.ok()?;
        match socket.try_read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return None,
        }
    }
    let text = String::from_utf8_lossy(&head);
    text.lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .map(str::to_owned)
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
