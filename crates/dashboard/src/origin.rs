//! Same origin only. The dashboard serves the books, the models and a prediction endpoint on
//! loopback, which any web page the user opens could otherwise reach: through DNS
//! rebinding (a name that resolves to 127.0.0.1, sent with its own `Host`) it could read
//! every page, and a cross-site form (`text/plain`, no preflight) could POST. So every
//! request must name this dashboard as its `Host` (`127.0.0.1:PORT`, `localhost:PORT` or the
//! bound address), a request that carries an `Origin` must come from one of those, and a
//! POST must be `application/json` (which a cross-site form cannot send without a preflight
//! the dashboard never grants). Refusals are JSON errors like every other.

use std::{net::SocketAddr, sync::Arc};

use axum::{
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::server::ApiError;

/// The `Host` values this dashboard answers to.
#[derive(Debug, Clone)]
pub struct Origins {
    hosts: Vec<String>,
}

impl Origins {
    /// The names of the bound address `local` (its port, after binding port 0).
    pub fn for_addr(local: SocketAddr) -> Origins {
        let port = local.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
            local.to_string(),
        ];
        hosts.sort();
        hosts.dedup();
        Origins { hosts }
    }

    fn allows_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    fn allows_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| self.allows_host(host))
    }
}

/// The middleware: refuses a foreign `Host` (421) and a foreign `Origin` (403).
pub async fn guard(State(origins): State<Arc<Origins>>, req: Request, next: Next) -> Response {
    // Owned before any await: a borrowed request would hold the (not Sync) body across it.
    let (host, origin) = {
        let text = |name: header::HeaderName| {
            req.headers()
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let host = text(header::HOST).or_else(|| req.uri().authority().map(|a| a.to_string()));
        (host, text(header::ORIGIN))
    };
    let open_at = format!("open the dashboard at http://{}/", origins.hosts[0]);
    match host {
        Some(h) if origins.allows_host(&h) => {}
        Some(h) => {
            return ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "Host {h:?} is not this dashboard ({}): {open_at}",
                    origins.hosts.join(", ")
                ),
            )
            .into_response();
        }
        None => {
            return ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                format!("the request names no Host: {open_at}"),
            )
            .into_response();
        }
    }
    if let Some(origin) = origin
        && !origins.allows_origin(&origin)
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "requests from {origin:?} are refused: only the dashboard's own pages may call it"
            ),
        )
        .into_response();
    }
    next.run(req).await
}

/// On the routes that take a POST: the body must be declared `application/json` (415).
pub async fn json_only(req: Request, next: Next) -> Response {
    if req.method() == Method::POST {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "POST takes Content-Type: application/json",
            )
            .into_response();
        }
    }
    next.run(req).await
}
