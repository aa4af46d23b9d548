//! The daily report: written when the service clock crosses 00:00 UTC, for the day that
//! ended, to `HOME/reports/daily/YYYYMMDD/daily_metrics_HHMMSS.json` and
//! `HOME/reports/daily/latest.json`, each atomically. `cst report` renders it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use cst_config::{Config, Home};
use cst_models::report::EvalReport;
use cst_protocol::health::{Check, Component, HealthReport};
use cst_store::Store;
use serde::{Deserialize, Serialize};

use crate::HealthError;

use cst_market::DAY;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyReport {
    /// The day reported on, by the service clock (UTC), `YYYY-MM-DD`.
    pub date: String,
    /// The service clock when written, Unix seconds.
    pub generated_at: i64,
    pub health: DailyHealth,
    pub coverage: Option<DailyCoverage>,
    /// Per configured horizon: the active model's calibration at evaluation and, when
    /// enough outcomes are known, on its live predictions.
    pub calibration: Vec<DailyCalibration>,
    /// Per active model: its out-of-sample metrics against their baselines.
    pub models: Vec<DailyModel>,
    /// Predictions made during the day per horizon, and how many passed the gate.
    pub gate: f64,
    pub predictions: Vec<DailyPredictions>,
    pub alerts: Vec<DailyAlert>,
    /// Paper PnL of the day in the quote currency (equity at the day's last decision hour
    /// against the day before's); `None` with the reason when the account did not trade
    /// through the day.
    pub paper_pnl: Option<f64>,
    pub paper_note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyHealth {
    /// The verdict when the report was written.
    pub status: String,
    pub score: f64,
    pub ready: bool,
    pub checks: Vec<Check>,
    pub components: Vec<Component>,
    /// Over the hourly reports stored during the day.
    pub reports: usize,
    pub min_score: Option<f64>,
    pub mean_score: Option<f64>,
    pub hours_go: usize,
    pub hours_degraded: usize,
    pub hours_nogo: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyCoverage {
    pub exchange: String,
    pub at: i64,
    pub live: u64,
    pub covered: u64,
    pub fraction: f64,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyCalibration {
    pub horizon_h: u32,
    pub model_id: Option<String>,
    pub eval_ece: Option<f64>,
    pub live_ece: Option<f64>,
    pub resolved: u64,
    pub drifted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyModel {
    pub horizon_h: u32,
    pub model_id: String,
    pub classifier: String,
    pub rows_evaluation: usize,
    pub beats_baselines: bool,
    pub lost: Vec<String>,
    /// (metric, model, baseline); lower is better except AUC, hit rate and precision@k.
    pub metrics: Vec<(String, f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyPredictions {
    pub horizon_h: u32,
    pub made: u64,
    pub gated: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyAlert {
    pub at: i64,
    pub severity: String,
    pub kind: String,
    pub subject: String,
    pub message: String,
    pub delivered: String,
}

fn date_of(t: i64) -> NaiveDate {
    DateTime::from_timestamp(t, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

fn metrics(r: &EvalReport) -> Vec<(String, f64, f64)> {
    [
        ("brier", &r.brier),
        ("log_loss", &r.log_loss),
        ("auc", &r.auc),
        ("hit_rate", &r.hit_rate),
        ("precision_at_k", &r.precision_at_k),
        ("mae", &r.mae),
        ("pinball_q10", &r.pinball_q10),
        ("pinball_q50", &r.pinball_q50),
        ("pinball_q90", &r.pinball_q90),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v.model, v.baseline))
    .collect()
}

/// The report on the day that contains `day_start` (00:00 UTC), written at `now` with the
/// latest verdict `latest`.
pub fn build(
    store: &Store,
    config: &Config,
    day_start: i64,
    now: i64,
    latest: &HealthReport,
) -> Result<DailyReport, HealthError> {
    let (from, to) = (day_start, day_start + DAY - 1);
    let hourly = store.health_between(from, to)?;
    let scores: Vec<f64> = hourly.iter().map(|h| h.score).collect();
    let hours = |s: &str| hourly.iter().filter(|h| h.status == s).count();
    let health = DailyHealth {
        status: latest.status.to_string(),
        score: latest.score,
        ready: latest.ready,
        checks: latest.checks.clone(),
        components: latest.components.clone(),
        reports: hourly.len(),
        min_score: scores.iter().copied().reduce(f64::min),
        mean_score: (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64),
        hours_go: hours("go"),
        hours_degraded: hours("degraded"),
        hours_nogo: hours("nogo"),
    };
    let coverage = store
        .latest_coverage(&config.collector.exchange)?
        .map(|a| DailyCoverage {
            fraction: a.fraction(),
            exchange: a.exchange,
            at: a.at,
            live: a.live,
            covered: a.covered,
            missing: a.missing,
        });
    let mut calibration = Vec::new();
    let mut models = Vec::new();
    for &h in &config.ml.horizons_h {
        let Some(m) = store.active_model(h)? else {
            calibration.push(DailyCalibration {
                horizon_h: h,
                model_id: None,
                eval_ece: None,
                live_ece: None,
                resolved: 0,
                drifted: false,
            });
            continue;
        };
        let report: EvalReport =
            serde_json::from_str(&m.report).map_err(|e| HealthError::Report {
                model: m.id.clone(),
                reason: e.to_string(),
            })?;
        let drift = store.latest_drift_check(&m.id)?;
        // Drift found at any check of the day, not only the latest.
        let drifted = store
            .drifts_between(from, to)?
            .iter()
            .any(|d| d.model_id == m.id);
        calibration.push(DailyCalibration {
            horizon_h: h,
            model_id: Some(m.id.clone()),
            eval_ece: Some(report.ece),
            live_ece: drift.as_ref().and_then(|d| d.ece),
            resolved: drift.as_ref().map_or(0, |d| d.resolved),
            drifted,
        });
        models.push(DailyModel {
            horizon_h: h,
            model_id: m.id,
            classifier: report.classifier.clone(),
            rows_evaluation: report.rows_evaluation,
            beats_baselines: report.beats_baselines,
            lost: report.lost.clone(),
            metrics: metrics(&report),
        });
    }
    let (paper_pnl, paper_note) = paper_pnl(store, config, day_start)?;
    // The bar in force; what passed is what the risk agent's gate runs recorded.
    let gate = config.risk.min_p_up;
    let predictions = store
        .prediction_counts(from, to)?
        .into_iter()
        .map(|c| DailyPredictions {
            horizon_h: c.horizon_h,
            made: c.made,
            gated: c.gated,
        })
        .collect();
    let alerts = store
        .alerts_between(from, to)?
        .into_iter()
        .map(|a| DailyAlert {
            at: a.at,
            severity: a.severity,
            kind: a.kind,
            subject: a.subject,
            message: a.message,
            delivered: a.delivered,
        })
        .collect();
    Ok(DailyReport {
        date: date_of(day_start).format("%Y-%m-%d").to_string(),
        generated_at: now,
        health,
        coverage,
        calibration,
        models,
        gate,
        predictions,
        alerts,
        paper_pnl,
        paper_note,
    })
}

/// The paper account's PnL over the day starting at `day_start`: equity at the last stepped
/// hour by the day's end against the last one by its start (the starting cash before the
/// account's first hour).
fn paper_pnl(
    store: &Store,
    config: &Config,
    day_start: i64,
) -> Result<(Option<f64>, String), HealthError> {
    let equity = |t: i64| -> Result<Option<(i64, f64)>, HealthError> {
        let Some(json) = store.equity_at_or_before(t)? else {
            return Ok(None);
        };
        let v: serde_json::Value = serde_json::from_str(&json)
            .map_err(|e| HealthError::Daily(format!("unreadable paper equity by {t}: {e}")))?;
        Ok(v["t"].as_i64().zip(v["equity"].as_f64()))
    };
    let end = equity(day_start + DAY)?;
    let Some((end_t, end_equity)) = end.filter(|(t, _)| *t > day_start) else {
        return Ok((
            None,
            "the paper account was not stepped that day (no decision hour recorded)".into(),
        ));
    };
    let start = equity(day_start)?.map_or(config.portfolio.starting_cash_usd, |(_, e)| e);
    let closed = store
        .closed_trades_between(day_start + 1, day_start + DAY)?
        .len();
    Ok((
        Some(end_equity - start),
        format!(
            "paper equity {end_equity:.2} at {} UTC, {closed} trades closed that day",
            chrono::DateTime::from_timestamp(end_t, 0)
                .map_or_else(|| end_t.to_string(), |d| d.format("%H:%M").to_string())
        ),
    ))
}

/// Writes the report under its day and as `latest.json`; returns the dated file.
pub fn write(home: &Home, report: &DailyReport) -> Result<PathBuf, HealthError> {
    let day = NaiveDate::parse_from_str(&report.date, "%Y-%m-%d")
        .map_err(|e| HealthError::Daily(format!("bad date {:?}: {e}", report.date)))?;
    let written = DateTime::from_timestamp(report.generated_at, 0).unwrap_or_default();
    let dir = home
        .daily_reports_dir()
        .join(day.format("%Y%m%d").to_string());
    let path = dir.join(format!("daily_metrics_{}.json", written.format("%H%M%S")));
    let bytes = serde_json::to_vec_pretty(report)
        .map_err(|e| HealthError::Daily(format!("cannot encode the report: {e}")))?;
    cst_store::write_atomic(&path, &bytes)?;
    cst_store::write_atomic(&home.daily_reports_dir().join("latest.json"), &bytes)?;
    Ok(path)
}

/// The newest report of `date` (`latest.json` without a date), with its file.
pub fn read(home: &Home, date: Option<NaiveDate>) -> Result<(PathBuf, DailyReport), HealthError> {
    let root = home.daily_reports_dir();
    let path = match date {
        None => root.join("latest.json"),
        Some(d) => newest_in(&root.join(d.format("%Y%m%d").to_string()))?,
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        HealthError::Daily(if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no daily report at {}: the health agent writes one when the service clock passes 00:00 UTC",
                path.display()
            )
        } else {
            format!("cannot read {}: {e}", path.display())
        })
    })?;
    let report = serde_json::from_slice(&bytes).map_err(|e| {
        HealthError::Daily(format!("{} is not a daily report: {e}", path.display()))
    })?;
    Ok((path, report))
}

fn newest_in(dir: &Path) -> Result<PathBuf, HealthError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        HealthError::Daily(format!(
            "no daily report for that day ({}: {e}); `ls {}` lists the days",
            dir.display(),
            dir.parent().map_or(dir, |p| p).display()
        ))
    })?;
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("daily_metrics_") && n.ends_with(".json"))
        })
        .max()
        .ok_or_else(|| HealthError::Daily(format!("no daily report in {}", dir.display())))
}

/// The report for people: `cst report` without `--json`.
pub fn render(r: &DailyReport) -> String {
    let mut out = format!(
        "Daily report {}  (written {} UTC by the service clock)\n\n",
        r.date,
        DateTime::from_timestamp(r.generated_at, 0)
            .map_or("?".into(), |d| d.format("%Y-%m-%d %H:%M:%S").to_string())
    );
    let h = &r.health;
    out.push_str(&format!(
        "health   {}  score {:.1}/100  {}\n",
        h.status.to_uppercase(),
        h.score,
        if h.ready { "READY" } else { "NOT READY" }
    ));
    if let (Some(min), Some(mean)) = (h.min_score, h.mean_score) {
        out.push_str(&format!(
            "         over {} hourly reports: min {min:.1}, mean {mean:.1}; hours GO {}, DEGRADED {}, NO-GO {}\n",
            h.reports, h.hours_go, h.hours_degraded, h.hours_nogo
        ));
    }
    for c in h.checks.iter().filter(|c| !c.ok) {
        out.push_str(&format!("         FAIL {}: {}\n", c.name, c.reason));
    }
    match &r.coverage {
        Some(c) => out.push_str(&format!(
            "coverage {} of {} pairs ({:.1}%) on {}\n",
            c.covered,
            c.live,
            c.fraction * 100.0,
            c.exchange
        )),
        None => out.push_str("coverage no audit\n"),
    }
    out.push_str("\ncalibration (ECE at evaluation / on live outcomes)\n");
    for c in &r.calibration {
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
        out.push_str(&format!(
            "  {:>4} h  {:<28} eval {:>6}  live {:>6} ({} resolved){}\n",
            c.horizon_h,
            c.model_id.as_deref().unwrap_or("no active model"),
            fmt(c.eval_ece),
            fmt(c.live_ece),
            c.resolved,
            if c.drifted { "  DRIFT" } else { "" }
        ));
    }
    out.push_str("\nmodels against their baselines (model / baseline)\n");
    if r.models.is_empty() {
        out.push_str("  no active model\n");
    }
    for m in &r.models {
        let figures: Vec<String> = m
            .metrics
            .iter()
            .filter(|(n, _, _)| matches!(n.as_str(), "brier" | "auc" | "log_loss" | "pinball_q50"))
            .map(|(n, a, b)| format!("{n} {a:.4}/{b:.4}"))
            .collect();
        out.push_str(&format!(
            "  {:>4} h  {}  {}  {}\n",
            m.horizon_h,
            m.model_id,
            figures.join("  "),
            if m.beats_baselines {
                "beats all".to_string()
            } else {
                format!("loses on {}", m.lost.join(", "))
            }
        ));
    }
    out.push_str(&format!("\npredictions (gate P(up) >= {:.2})\n", r.gate));
    if r.predictions.is_empty() {
        out.push_str("  none made this day\n");
    }
    for p in &r.predictions {
        out.push_str(&format!(
            "  {:>4} h  {} made, {} passed the gate\n",
            p.horizon_h, p.made, p.gated
        ));
    }
    out.push_str(&format!("\nalerts: {}\n", r.alerts.len()));
    for a in &r.alerts {
        out.push_str(&format!(
            "  {} {:<8} {} {}: {}\n",
            DateTime::from_timestamp(a.at, 0).map_or("?".into(), |d| d.format("%H:%M").to_string()),
            a.severity,
            a.kind,
            a.subject,
            a.message
        ));
    }
    out.push_str(&format!(
        "\npaper PnL: {}\n",
        r.paper_pnl
            .map_or_else(|| r.paper_note.clone(), |p| format!("{p:.2}"))
    ));
    out
}
