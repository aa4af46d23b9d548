//! What one client can hold of the dashboard. Loopback TCP has no user check, so any local
//! process can connect: connections are capped (a new one takes the slot of the oldest
//! idle one when all are taken: [`cst_protocol::slots`]), request headers must arrive
//! within [`HEADER_TIMEOUT`], a request (its body included) must be answered within
//! [`REQUEST_TIMEOUT`] or gets a 408, a declared body over [`MAX_BODY`] is refused at once
//! (413) and a streamed one as soon as it passes the limit, and no connection lives past
//! [`CONNECTION_LIFETIME`]. Every refusal is a JSON error, like every other answer.

use std::time::Duration;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use cst_protocol::slots::Slots;
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::net::TcpListener;

use crate::server::ApiError;

/// Open connections: a browser uses a handful.
pub const MAX_CONNECTIONS: usize = 128;
/// The request line and headers must arrive within this.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// A request, body and answer included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// No connection (keep-alive included) lives longer; a browser simply reconnects.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);
/// The largest request body (`POST /api/predict` takes a list of at most 50 pairs).
pub const MAX_BODY: usize = 64 * 1024;

/// The body limit and the per-request guard around `app`.
pub fn bounded(app: Router) -> Router {
    app.layer(axum::middleware::from_fn(guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// Refuses a declared body over the limit before reading it, answers within the request
/// timeout, and turns the body limit's plain-text 413 into the JSON error.
async fn guard(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "no answer within {} s: the request body did not arrive in time",
                REQUEST_TIMEOUT.as_secs()
            ),
        )
        .into_response(),
        Ok(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json(&r) => too_large(),
        Ok(r) => r,
    }
}

fn too_large() -> Response {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is over {} KiB", MAX_BODY / 1024),
    )
    .into_response()
}

fn is_json(r: &Response) -> bool {
    r.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"))
}

/// Serves `app` on `listener` with the bounds above, until the task is dropped.
pub async fn serve(listener: TcpListener, app: Router) {
    let slots = Slots::new(MAX_CONNECTIONS);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "the dashboard's accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(slot) = slots.admit() else {
            tracing::warn!("every dashboard connection busy: one refused");
            continue;
        };
        let app = app.clone();
        tokio::spawn(async move {
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
            tokio::select! {
                r = tokio::time::timeout(CONNECTION_LIFETIME, conn) => {
                    if let Ok(Err(e)) = r {
                        tracing::debug!(error = %e, "a dashboard connection ended with an error");
                    }
                }
                () = slot.evicted() => {}
            }
            drop(slot);
        });
    }
}
