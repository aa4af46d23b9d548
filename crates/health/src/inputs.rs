//! What the health agent reads before it scores: the registry and what the ml agent serves,
//! the latest coverage audit, how far each feature group's input reaches, drift checks, and
//! the supervisor's agent table. Gathering is separate from scoring ([`crate::score`]) so
//! the score is a pure function, tested without a service.

use cst_config::Config;
use cst_models::report::EvalReport;
use cst_protocol::status::AgentStatus;
use cst_store::{CoverageAudit, DriftCheck, InputTimes, Serving, Store};

use crate::HealthError;

/// The active model of one horizon, with the figures of its evaluation report.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveModel {
    pub id: String,
    pub report: EvalReport,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HorizonInputs {
    pub horizon_h: u32,
    pub active: Option<ActiveModel>,
    /// What the ml agent recorded as loaded for this horizon.
    pub serving: Option<Serving>,
    /// The newest drift check of the active model.
    pub drift: Option<DriftCheck>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// The service clock, Unix seconds, or why it is unknown.
    pub now: Result<i64, String>,
    pub horizons: Vec<HorizonInputs>,
    pub coverage: Option<CoverageAudit>,
    pub input_times: InputTimes,
    /// The feature groups a row needs (`features.required`).
    pub required_groups: Vec<String>,
    /// The supervisor's agent table, or why it could not be read.
    pub agents: Result<Vec<AgentStatus>, String>,
    /// Errors and restarts counted over the error window.
    pub errors_in_window: u64,
}

/// Reads the store's part of the inputs.
pub fn read_store(
    store: &Store,
    config: &Config,
) -> Result<(Vec<HorizonInputs>, Option<CoverageAudit>, InputTimes), HealthError> {
    let exchange = &config.collector.exchange;
    let serving = store.serving()?;
    let mut horizons = Vec::new();
    for &h in &config.ml.horizons_h {
        let active = match store.active_model(h)? {
            None => None,
            Some(m) => Some(ActiveModel {
                report: serde_json::from_str(&m.report).map_err(|e| HealthError::Report {
                    model: m.id.clone(),
                    reason: e.to_string(),
                })?,
                id: m.id,
            }),
        };
        let drift = match &active {
            Some(m) => store.latest_drift_check(&m.id)?,
            None => None,
        };
        horizons.push(HorizonInputs {
            horizon_h: h,
            active,
            serving: serving.iter().find(|s| s.horizon_h == h).cloned(),
            drift,
        });
    }
    Ok((
        horizons,
        store.latest_coverage(exchange)?,
        store.input_times(exchange)?,
    ))
}

/// The sum of every agent's error counters (`errors`, `*_errors`) and restarts: the errors
/// component counts how much this grows over the error window.
pub fn error_total(agents: &[AgentStatus]) -> u64 {
    agents
        .iter()
        .map(|a| {
            a.restarts
                + a.counters
                    .iter()
                    .filter(|c| c.name == "errors" || c.name.ends_with("_errors"))
                    .map(|c| c.value)
                    .sum::<u64>()
        })
        .sum()
}
