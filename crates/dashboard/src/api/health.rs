//! The health agent's latest verdict: status, score and its components, readiness checks,
//! and the agents with their restarts and breakers.

use std::sync::Arc;

use axum::{Json, extract::State};
use serde_json::{Value, json};

use crate::server::{ApiError, Shared, Snapshot};

fn latest(shared: &Shared) -> Result<Snapshot, ApiError> {
    shared.snapshot().ok_or_else(|| {
        ApiError::unavailable(
            "no health report yet: the health agent scores the service every \
             health.evaluate_interval_ms once it has started",
        )
    })
}

pub async fn health(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    let Snapshot { report: r, agents } = latest(&shared)?;
    let agents: Vec<Value> = agents
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "state": a.state,
                "pid": a.pid,
                "restarts": a.restarts,
                "breaker": a.breaker,
                "rss_bytes": a.rss_bytes,
                "cpu_percent": a.cpu_percent,
                "ready_for_ms": a.ready_for_ms,
                "last_exit": a.last_exit.as_ref().map(|e| e.reason.clone()),
            })
        })
        .collect();
    Ok(Json(json!({
        "at": r.at,
        "status": r.status,
        "score": r.score,
        "ready": r.ready,
        "checks": r.checks,
        "components": r.components,
        "agents": agents,
    })))
}

pub async fn readiness(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    let r = latest(&shared)?.report;
    let reasons: Vec<String> = r
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.reason))
        .collect();
    let live = shared.config().portfolio.mode == cst_config::TradeMode::Live;
    Ok(Json(json!({
        "ready": r.ready,
        "status": r.status,
        "mode": if live { "live" } else { "paper" },
        "checks": r.checks,
        "reasons": reasons,
    })))
}
