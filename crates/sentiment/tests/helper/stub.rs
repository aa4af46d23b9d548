//! A scripted HTTP server on 127.0.0.1:0 (axum): each request gets the next reply, the
//! last one repeats; every request is recorded so tests can count what reached it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    body: Vec<u8>,
    delay: Duration,
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
        }
    }

    /// Answer only after `delay` (real time).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// One request as the stub saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug)]
struct Script {
    replies: Vec<Reply>,
    next: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
}

#[derive(Debug)]
pub struct Stub {
    pub base_url: String,
    script: Arc<Script>,
}

impl Stub {
    pub async fn start(replies: Vec<Reply>) -> Stub {
        assert!(!replies.is_empty(), "a stub needs at least one reply");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let script = Arc::new(Script {
            replies,
            next: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&script));
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("stub serves");
        });
        Stub { base_url, script }
    }

    /// Requests that reached the stub so far.
    pub fn count(&self) -> usize {
        self.seen().len()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().expect("stub log").clone()
    }
}

async fn answer(State(script): State<Arc<Script>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = to_bytes(request.into_body(), usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    script.seen.lock().expect("stub log").push(Seen {
        path,
        authorization,
        body,
    });
    let i = script.next.fetch_add(1, Ordering::SeqCst);
    let reply = script.replies[i.min(script.replies.len() - 1)].clone();
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    Response::builder()
        .status(StatusCode::from_u16(reply.status).expect("valid status"))
        .body(Body::from(reply.body))
        .expect("response builds")
}
