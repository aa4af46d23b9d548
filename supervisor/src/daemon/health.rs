//! The health socket speaks HTTP/1.1 so curl, Prometheus and any monitoring tool can use it:
//! `GET /health` (JSON service report: status, health score, checks, components, reasons) and `GET /metrics` (Prometheus text). It serves the
//! latest report kept by the core, so it answers even when every agent is down.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use cst_protocol::{
    health::ServiceReport,
    socket::{self, Listener},
};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::watch};

use super::{
    limits::{self, HTTP_CONNECTION_LIFETIME, HTTP_HEADER_TIMEOUT, Slot},
    metrics,
    stats::SocketStats,
};

#[derive(Debug, Clone)]
pub struct HealthState {
    pub report: watch::Receiver<Arc<ServiceReport>>,
    pub stats: Arc<SocketStats>,
}

pub fn router(state: HealthState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics_text))
        .fallback(not_found)
        .with_state(state)
}

async fn health(State(s): State<HealthState>) -> impl IntoResponse {
    SocketStats::inc(&s.stats.health_requests);
    let report = s.report.borrow().clone();
    // 200 either way: the body says whether the service is ready; monitoring reads `ready`.
    Json(report.as_ref().clone())
}

async fn metrics_text(State(s): State<HealthState>) -> impl IntoResponse {
    SocketStats::inc(&s.stats.health_requests);
    let report = s.report.borrow().clone();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics::render(&report, &s.stats),
    )
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({"error": "not found: try GET /health or GET /metrics"})),
    )
}

/// Serves `app` on the health socket: same-uid peers only, bounded connections, a header
/// timeout and a connection lifetime, so a stuck client cannot pin the socket.
pub async fn serve_unix(listener: Listener, app: Router) {
    let slots = limits::slots();
    loop {
        let (stream, slot) = limits::accept(&slots, &listener, "health").await;
        if let Err(e) = socket::check_same_uid(&stream) {
            tracing::warn!(socket = "health", reason = %e, "connection refused");
            continue;
        }
        tokio::spawn(serve_connection(stream, app.clone(), slot));
    }
}

/// The same on loopback TCP (`health.tcp_addr`), for Prometheus.
pub async fn serve_tcp(listener: TcpListener, app: Router) {
    let slots = limits::slots();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => match slots.admit() {
                Some(slot) => {
                    tokio::spawn(serve_connection(stream, app.clone(), slot));
                }
                None => tracing::warn!(socket = "health-tcp", "every connection busy: one refused"),
            },
            Err(e) => {
                tracing::warn!(socket = "health-tcp", error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

/// One HTTP connection: requests are quick, so the whole connection counts as idle, and
/// the oldest goes first when the socket is full (a flood of silent ones, in practice).
async fn serve_connection<S>(stream: S, app: Router, slot: Slot)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HTTP_HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    // Past its lifetime, or once evicted, a connection is simply dropped.
    tokio::select! {
        r = tokio::time::timeout(HTTP_CONNECTION_LIFETIME, conn) => {
            if let Ok(Err(e)) = r {
                tracing::debug!(error = %e, "health connection ended with an error");
            }
        }
        () = slot.evicted() => {}
    }
    drop(slot);
}
