//! Readiness, the health score and the status, from [`Inputs`]: a pure function.
//!
//! READY needs every check: models, features, calibration, coverage, agents, breakers.
//!
//! The score is the weighted sum of nine components (weights add up to 100):
//!
//! | component   | weight | earns its full weight when                                   |
//! |-------------|-------:|--------------------------------------------------------------|
//! | models      | 20 | every horizon's active model ranks and is loaded by the ml agent  |
//! | calibration | 15 | every active model's evaluation ECE ≤ `max_ece` (0 at 2×)         |
//! | skill       | 10 | half per use every active model earned (ranking, absolute)        |
//! | drift       |  5 | no active model's latest drift check found drift                 |
//! | agents      | 10 | every agent is Ready                                              |
//! | breakers    | 10 | no breaker is open                                                |
//! | coverage    | 10 | coverage ≥ `min_coverage` (0 at 10 points below)                  |
//! | freshness   | 10 | every required feature input ≤ `max_feature_age_h` old (0 at 2×)  |
//! | errors      | 10 | no errors or restarts in the error window (0 at `errors_for_zero`) |
//!
//! Without models the first four earn nothing: at most 50, NO-GO. GO needs the GO score
//! and READY; DEGRADED (paper only) from the NO-GO score; below it NO-GO (no new entries).

use cst_config::HealthConfig;
use cst_protocol::{
    health::{Check, Component, HealthReport, Metric, agent_checks},
    status::{AgentState, BreakerState, ServiceStatus},
};

use crate::inputs::{HorizonInputs, Inputs};

use cst_market::HOUR;

/// The weights, in the order of the table above.
pub const WEIGHTS: [(&str, f64); 9] = [
    ("models", 20.0),
    ("calibration", 15.0),
    ("skill", 10.0),
    ("drift", 5.0),
    ("agents", 10.0),
    ("breakers", 10.0),
    ("coverage", 10.0),
    ("freshness", 10.0),
    ("errors", 10.0),
];

pub fn evaluate(i: &Inputs, cfg: &HealthConfig) -> HealthReport {
    let agents: &[cst_protocol::status::AgentStatus] = i.agents.as_deref().unwrap_or(&[]);
    let ml_pid = agents.iter().find(|a| a.name == "ml").and_then(|a| a.pid);
    let served: Vec<bool> = i.horizons.iter().map(|h| is_served(h, ml_pid)).collect();
    let freshness = freshness(i, cfg);
    let coverage = coverage(i, cfg);

    let mut checks = vec![
        models_check(i, ml_pid),
        freshness.check.clone(),
        calibration_check(i, cfg),
        coverage.check.clone(),
    ];
    match &i.agents {
        Ok(agents) => checks.extend(agent_checks(agents, |_| None)),
        Err(why) => {
            for name in ["agents", "breakers"] {
                checks.push(Check {
                    name: name.into(),
                    ok: false,
                    reason: format!("cannot read the supervisor's agent table: {why}"),
                });
            }
        }
    }
    let ready = checks.iter().all(|c| c.ok);

    let n = i.horizons.len().max(1) as f64;
    let mean = |f: &dyn Fn(&HorizonInputs) -> f64| i.horizons.iter().map(f).sum::<f64>() / n;
    let served_n = served.iter().filter(|s| **s).count();
    let ready_agents = agents
        .iter()
        .filter(|a| a.state == AgentState::Ready)
        .count();
    let closed = agents
        .iter()
        .filter(|a| a.breaker == BreakerState::Closed)
        .count();
    let agents_n = agents.len().max(1) as f64;
    let errors = i.errors_in_window;
    let scores = [
        (
            served_n as f64 / n,
            format!("{served_n} of {} horizons served", i.horizons.len()),
        ),
        (
            mean(&|h| {
                h.active
                    .as_ref()
                    .map_or(0.0, |m| ece_score(m.report.ece, cfg))
            }),
            per_horizon(i, |m| format!("ECE {:.3}", m.report.ece)),
        ),
        (
            mean(&|h| h.active.as_ref().map_or(0.0, |m| skill_score(&m.report))),
            per_horizon(i, |m| {
                let b = &m.report.brier;
                let lost = if m.report.lost.is_empty() {
                    String::new()
                } else {
                    format!(", loses on {}", m.report.lost.join(", "))
                };
                format!(
                    "Brier {:.4} vs {:.4} baseline ({:+.1}% skill){lost}",
                    b.model,
                    b.baseline,
                    (1.0 - b.model / b.baseline) * 100.0
                )
            }),
        ),
        (
            mean(&|h| match (&h.active, &h.drift) {
                (None, _) => 0.0,
                (Some(_), Some(d)) if d.drifted => 0.0,
                (Some(_), _) => 1.0,
            }),
            drift_detail(i),
        ),
        (
            if agents.is_empty() {
                0.0
            } else {
                ready_agents as f64 / agents_n
            },
            format!("{ready_agents} of {} agents ready", agents.len()),
        ),
        (
            if agents.is_empty() {
                0.0
            } else {
                closed as f64 / agents_n
            },
            format!(
                "{} of {} breakers open",
                agents.len() - closed,
                agents.len()
            ),
        ),
        (coverage.score, coverage.check.reason.clone()),
        (freshness.score, freshness.check.reason.clone()),
        (
            (1.0 - errors as f64 / cfg.errors_for_zero as f64).clamp(0.0, 1.0),
            format!(
                "{errors} errors and restarts in the last {} s ({} take it to zero)",
                cfg.error_window.as_secs(),
                cfg.errors_for_zero
            ),
        ),
    ];
    let components: Vec<Component> = WEIGHTS
        .iter()
        .zip(scores)
        .map(|((name, weight), (score, detail))| Component {
            name: (*name).into(),
            weight: *weight,
            score: if score.is_finite() {
                score.clamp(0.0, 1.0)
            } else {
                0.0
            },
            detail,
        })
        .collect();
    let score = components.iter().map(|c| c.weight * c.score).sum::<f64>();
    let score = (score * 10.0).round() / 10.0;
    let status = if ready && score >= cfg.go_score {
        ServiceStatus::Go
    } else if score >= cfg.nogo_score {
        ServiceStatus::Degraded
    } else {
        ServiceStatus::Nogo
    };
    let metrics = metrics(i, served_n);
    HealthReport {
        at: *i.now.as_ref().unwrap_or(&0),
        status,
        score,
        ready,
        checks,
        components,
        metrics,
    }
}

/// Loaded by the running ml agent: the serving row names the active model and the ml
/// agent's current process.
fn is_served(h: &HorizonInputs, ml_pid: Option<u32>) -> bool {
    match (&h.active, &h.serving) {
        (Some(m), Some(s)) => s.model_id == m.id && Some(s.pid) == ml_pid,
        _ => false,
    }
}

fn models_check(i: &Inputs, ml_pid: Option<u32>) -> Check {
    let mut problems = Vec::new();
    for h in &i.horizons {
        let hz = h.horizon_h;
        match (&h.active, &h.serving) {
            (None, _) => problems.push(format!(
                "no active {hz} h model: train one with `cst train --horizon {hz}` (`cst models` says why earlier ones were rejected)"
            )),
            (Some(m), _) if !m.report.uses.ranking.earned => problems.push(format!(
                "{hz} h: model {} serves no ranking ({}): the horizon is not served until a \
                 ranking model earns activation",
                m.id, m.report.uses.ranking.evidence
            )),
            (Some(_), _) if is_served(h, ml_pid) => {}
            (Some(m), Some(s)) if s.model_id != m.id => problems.push(format!(
                "{hz} h: model {} is active but the ml agent serves {}",
                m.id, s.model_id
            )),
            (Some(m), _) => problems.push(format!(
                "{hz} h: model {} is active but not loaded by the running ml agent (see `cst logs ml`)",
                m.id
            )),
        }
    }
    let served = i.horizons.len() - problems.len();
    Check {
        name: "models".into(),
        ok: problems.is_empty() && !i.horizons.is_empty(),
        reason: if problems.is_empty() {
            format!(
                "{served} of {} horizons served by their active model",
                i.horizons.len()
            )
        } else {
            problems.join("; ")
        },
    }
}

fn calibration_check(i: &Inputs, cfg: &HealthConfig) -> Check {
    let mut problems = Vec::new();
    let mut fine = Vec::new();
    for h in &i.horizons {
        match &h.active {
            None => problems.push(format!(
                "no calibration report for {} h: no active model",
                h.horizon_h
            )),
            // A probability the gate does not read needs no calibration to be safe.
            Some(m) if !m.report.uses.absolute.earned => fine.push(format!(
                "{} h absolute classifier not active (the gate reads none)",
                h.horizon_h
            )),
            Some(m) if m.report.rows_calibration == 0 => problems.push(format!(
                "{} h: model {} was evaluated without a calibration set",
                h.horizon_h, m.id
            )),
            Some(m) if m.report.ece.is_nan() || m.report.ece > cfg.max_ece => problems.push(format!(
                "{} h: ECE {:.3} on its evaluation set exceeds {} (retrain: `cst train --horizon {}`)",
                h.horizon_h, m.report.ece, cfg.max_ece, h.horizon_h
            )),
            Some(m) => fine.push(format!("{} h ECE {:.3}", h.horizon_h, m.report.ece)),
        }
    }
    Check {
        name: "calibration".into(),
        ok: problems.is_empty() && !i.horizons.is_empty(),
        reason: if problems.is_empty() {
            format!("within {}: {}", cfg.max_ece, fine.join(", "))
        } else {
            problems.join("; ")
        },
    }
}

/// 1 at or below the tolerance, 0 at twice it.
fn ece_score(ece: f64, cfg: &HealthConfig) -> f64 {
    (2.0 - ece / cfg.max_ece).clamp(0.0, 1.0)
}

/// Half for each use that earned activation out of sample: ranking, and the absolute
/// classifier's probability.
fn skill_score(r: &cst_models::report::EvalReport) -> f64 {
    0.5 * f64::from(u8::from(r.uses.ranking.earned))
        + 0.5 * f64::from(u8::from(r.uses.absolute.earned))
}

fn per_horizon(i: &Inputs, f: impl Fn(&crate::inputs::ActiveModel) -> String) -> String {
    i.horizons
        .iter()
        .map(|h| match &h.active {
            Some(m) => format!("{} h {}", h.horizon_h, f(m)),
            None => format!("{} h no model", h.horizon_h),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn drift_detail(i: &Inputs) -> String {
    i.horizons
        .iter()
        .map(|h| match (&h.active, &h.drift) {
            (None, _) => format!("{} h no model", h.horizon_h),
            (Some(_), None) => format!("{} h not checked yet", h.horizon_h),
            (Some(_), Some(d)) if d.drifted => format!("{} h DRIFT: {}", h.horizon_h, d.summary),
            (Some(_), Some(d)) => format!(
                "{} h stable{}",
                h.horizon_h,
                d.median_psi
                    .map_or(String::new(), |p| format!(" (median PSI {p:.3})"))
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

struct Part {
    check: Check,
    score: f64,
}

/// Per required group, the age of its newest input, in hours (`None`: nothing stored).
fn input_ages(i: &Inputs, now: i64) -> Vec<(String, Option<f64>)> {
    let t = &i.input_times;
    i.required_groups
        .iter()
        .map(|g| {
            let newest = match g.as_str() {
                // The cross-section reads every pair's candles.
                "technical" | "cross" => t.candles,
                "sentiment" => t.news,
                "whale" => t.trades,
                "book" => t.depth,
                _ => None,
            };
            (
                g.clone(),
                newest.map(|n| (now - n).max(0) as f64 / HOUR as f64),
            )
        })
        .collect()
}

fn freshness(i: &Inputs, cfg: &HealthConfig) -> Part {
    let max = f64::from(cfg.max_feature_age_h);
    let now = match &i.now {
        Ok(now) => *now,
        Err(why) => {
            return Part {
                check: Check {
                    name: "features".into(),
                    ok: false,
                    reason: format!("service clock unknown: {why}"),
                },
                score: 0.0,
            };
        }
    };
    let ages = input_ages(i, now);
    let worst = ages
        .iter()
        .map(|(_, a)| a.unwrap_or(f64::INFINITY))
        .fold(0.0, f64::max);
    let listed: Vec<String> = ages
        .iter()
        .map(|(g, a)| match a {
            Some(a) => format!("{g} {a:.1} h old"),
            None => format!("{g} has no input stored"),
        })
        .collect();
    let ok = worst <= max && !ages.is_empty();
    Part {
        check: Check {
            name: "features".into(),
            ok,
            reason: format!(
                "{} (max {max} h by the service clock{})",
                listed.join(", "),
                if ok {
                    ""
                } else {
                    "; see `cst status` for the collector"
                }
            ),
        },
        score: (2.0 - worst / max).clamp(0.0, 1.0),
    }
}

fn coverage(i: &Inputs, cfg: &HealthConfig) -> Part {
    let (check, score) = coverage_verdict(i.coverage.as_ref(), &i.now, cfg);
    Part { check, score }
}

/// The coverage check at service time `now`, and its score: what `cst health` and `cst
/// coverage` both say. An audit older than the freshness limit (`max_feature_age_h`) at
/// `now` fails, whatever it said when it was written; so does an unknown `now`.
pub fn coverage_verdict(
    audit: Option<&cst_store::CoverageAudit>,
    now: &Result<i64, String>,
    cfg: &HealthConfig,
) -> (Check, f64) {
    let Some(a) = audit else {
        return (
            Check {
                name: "coverage".into(),
                ok: false,
                reason: "no coverage audit yet: the collector has not finished a cycle".into(),
            },
            0.0,
        );
    };
    let fraction = a.fraction();
    let stale = match now {
        Ok(now) => (now - a.at) as f64 > f64::from(cfg.max_feature_age_h) * HOUR as f64,
        Err(_) => true,
    };
    let mut reason = format!(
        "{} of {} live pairs covered ({:.1}%, need {:.1}%)",
        a.covered,
        a.live,
        fraction * 100.0,
        cfg.min_coverage * 100.0
    );
    if !a.missing.is_empty() {
        let shown: Vec<&str> = a.missing.iter().take(3).map(String::as_str).collect();
        reason.push_str(&format!(": {}", shown.join("; ")));
        if a.missing.len() > 3 {
            reason.push_str(&format!(
                " and {} more (`cst coverage`)",
                a.missing.len() - 3
            ));
        }
    }
    if stale {
        match now {
            Ok(now) => reason.push_str(&format!(
                "; the audit is {:.1} h old at service time, older than the freshness limit \
                 ({} h): is the collector running? (`cst status`)",
                (now - a.at) as f64 / HOUR as f64,
                cfg.max_feature_age_h
            )),
            Err(e) => reason.push_str(&format!("; the service clock is unknown ({e})")),
        }
    }
    let ok = fraction >= cfg.min_coverage && !stale && a.live > 0;
    let score = if stale {
        0.0
    } else {
        ((fraction - (cfg.min_coverage - 0.10)) / 0.10).clamp(0.0, 1.0)
    };
    (
        Check {
            name: "coverage".into(),
            ok,
            reason,
        },
        score,
    )
}

fn gauge(name: &str, help: &str, labels: &[(&str, String)], value: f64) -> Metric {
    Metric {
        name: name.into(),
        help: help.into(),
        labels: labels
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
        value,
    }
}

fn metrics(i: &Inputs, served: usize) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(a) = &i.coverage {
        out.push(gauge(
            "coverage_ratio",
            "Fraction of live pairs with fresh, complete candles (latest audit)",
            &[("exchange", a.exchange.clone())],
            a.fraction(),
        ));
        out.push(gauge(
            "pairs_live",
            "Pairs the exchange lists in the collected quotes",
            &[("exchange", a.exchange.clone())],
            a.live as f64,
        ));
    }
    if let Ok(now) = &i.now {
        for (group, age) in input_ages(i, *now) {
            if let Some(age) = age {
                out.push(gauge(
                    "feature_input_age_seconds",
                    "Age of the newest input of a required feature group, by the service clock",
                    &[("group", group)],
                    age * HOUR as f64,
                ));
            }
        }
        out.push(gauge(
            "service_clock_seconds",
            "The service clock (the replay's in a replay), Unix seconds",
            &[],
            *now as f64,
        ));
    }
    out.push(gauge(
        "models_served",
        "Horizons whose active model the ml agent serves",
        &[],
        served as f64,
    ));
    for h in &i.horizons {
        if let Some(m) = &h.active {
            let hz = [("horizon_h", h.horizon_h.to_string())];
            out.push(gauge(
                "model_ece",
                "Expected calibration error of the active model on its evaluation set",
                &hz,
                m.report.ece,
            ));
            out.push(gauge(
                "model_brier_skill",
                "1 - Brier(model) / Brier(climatology) of the active model, out of sample",
                &hz,
                1.0 - m.report.brier.model / m.report.brier.baseline,
            ));
        }
        if let Some(psi) = h.drift.as_ref().and_then(|d| d.median_psi) {
            out.push(gauge(
                "drift_median_psi",
                "Median PSI of the active model's features, served rows against training rows",
                &[("horizon_h", h.horizon_h.to_string())],
                psi,
            ));
        }
    }
    out.push(gauge(
        "errors_in_window",
        "Agents' errors and restarts over the health error window",
        &[],
        i.errors_in_window as f64,
    ));
    out
}
