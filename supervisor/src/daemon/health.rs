//! The health socket speaks HTTP/1.1 so curl, Prometheus and any monitoring tool can use it:
//! `GET /health` (JSON status report) and `GET /metrics` (Prometheus text). It serves the
//! latest report kept by the core, so it answers even when every agent is down.

use std::{io, sync::Arc};

use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use cst_protocol::{
    socket::{self, Listener, Stream},
    status::StatusReport,
};
use tokio::sync::watch;

use super::{metrics, stats::SocketStats};

#[derive(Debug, Clone)]
pub struct HealthState {
    pub report: watch::Receiver<Arc<StatusReport>>,
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

/// The health socket as an axum listener: connections from other users are dropped.
#[derive(Debug)]
pub struct HealthListener(pub Listener);

impl axum::serve::Listener for HealthListener {
    type Io = Stream;
    type Addr = ();

    async fn accept(&mut self) -> (Stream, ()) {
        loop {
            match socket::accept(&self.0).await {
                Ok(stream) => match socket::check_same_uid(&stream) {
                    Ok(_) => return (stream, ()),
                    Err(e) => tracing::warn!(socket = "health", reason = %e, "connection refused"),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "health accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<()> {
        Ok(())
    }
}
