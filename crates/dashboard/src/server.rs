//! The router and its shared state. The health agent starts a [`Dashboard`] on its
//! configured loopback address and hands it every new verdict ([`Dashboard::publish`]);
//! the handlers read the store on a blocking thread per request.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex, RwLock},
};

use axum::{
    Json, Router,
    http::{StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use cst_config::{Config, Home};
use cst_protocol::{health::HealthReport, status::AgentStatus};
use cst_store::Store;
use serde_json::json;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::api;

/// The health agent's latest verdict and the agent table it was made from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub report: HealthReport,
    pub agents: Vec<AgentStatus>,
}

#[derive(Debug)]
pub struct Shared {
    pub home: Home,
    pub config: RwLock<Config>,
    pub health: RwLock<Option<Snapshot>>,
    /// The active models `POST /api/predict` runs, loaded once and again when the
    /// registry's active set changes.
    pub models: Mutex<cst_models::explain::Models>,
}

impl Shared {
    pub fn new(home: Home, config: Config) -> Arc<Shared> {
        Arc::new(Shared {
            home,
            config: RwLock::new(config),
            health: RwLock::new(None),
            models: Mutex::new(cst_models::explain::Models::default()),
        })
    }

    pub fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn snapshot(&self) -> Option<Snapshot> {
        self.health
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs `f` on the store, on a blocking thread (SQLite calls block).
    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Store, &Config) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let store = Store::open(&me.home.db_path()).map_err(ApiError::internal)?;
            f(&store, &me.config())
        })
        .await
        .map_err(|e| ApiError::internal(format!("the request's worker failed: {e}")))?
    }
}

/// A JSON error: `{"error": "<what is wrong and what to do>"}` with its status.
#[derive(Debug, thiserror::Error)]
#[error("{status}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// Query parameters, read by hand so a bad one gets a JSON error naming it.
pub type Params = axum::extract::Query<HashMap<String, String>>;

pub fn router(shared: Arc<Shared>) -> Router {
    let predict = post(api::ml::predict).layer(axum::middleware::from_fn(crate::origin::json_only));
    Router::new()
        .route("/api/health", get(api::health::health))
        .route("/api/readiness", get(api::health::readiness))
        .route("/api/pairs", get(api::market::pairs))
        .route("/api/coin", get(api::market::coin))
        .route("/api/data", get(api::market::data))
        .route("/api/opportunities", get(api::ml::opportunities))
        .route("/api/predictions", get(api::ml::predictions))
        .route("/api/models", get(api::ml::models))
        .route("/api/portfolio", get(api::trading::portfolio))
        .route("/api/backtests", get(api::trading::backtests))
        .route("/api/openapi.json", get(openapi))
        .route("/api/predict", predict)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(crate::pages::page)
        .with_state(shared)
}

/// The OpenAPI 3.1 document of every route above (tested to match the router).
pub const OPENAPI: &str = include_str!("../openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} does not take this method: see /api/openapi.json",
            uri.path()
        ),
    )
}

/// The dashboard while it serves; dropping it stops serving and removes its URL file.
#[derive(Debug)]
pub struct Dashboard {
    shared: Arc<Shared>,
    pub url: String,
    task: JoinHandle<()>,
}

/// Why the dashboard is not served (the service scores on without it).
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error(
        "health.dashboard_addr {addr}: {source}: free the port or set another address (empty turns the dashboard off)"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the dashboard's socket: {0}")]
    Socket(#[source] std::io::Error),
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
}

impl Dashboard {
    /// Binds `addr` (port 0: any free port), writes the URL to `HOME/run/dashboard.url`
    /// and serves.
    pub async fn start(
        home: Home,
        config: &Config,
        addr: SocketAddr,
    ) -> Result<Self, DashboardError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| DashboardError::Bind { addr, source: e })?;
        let local = listener.local_addr().map_err(DashboardError::Socket)?;
        let url = format!("http://{local}/");
        cst_store::write_atomic(&home.dashboard_url_file(), url.as_bytes())?;
        let shared = Shared::new(home, config.clone());
        let origins = Arc::new(crate::origin::Origins::for_addr(local));
        let app = crate::limits::bounded(router(Arc::clone(&shared)).layer(
            axum::middleware::from_fn_with_state(origins, crate::origin::guard),
        ));
        let task = tokio::spawn(crate::limits::serve(listener, app));
        tracing::info!(%url, "dashboard serving");
        Ok(Self { shared, url, task })
    }

    /// The health agent's newest verdict, shown from now on.
    pub fn publish(&self, report: HealthReport, agents: Vec<AgentStatus>) {
        *self
            .shared
            .health
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(Snapshot { report, agents });
    }

    pub fn reload(&self, config: &Config) {
        *self
            .shared
            .config
            .write()
            .unwrap_or_else(|p| p.into_inner()) = config.clone();
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(self.shared.home.dashboard_url_file());
    }
}
