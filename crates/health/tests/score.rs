//! Readiness, score and status from inputs, with the evaluation report of a real 1 h model
//! (trained by `cst train` on BTC, ETH and SOL candles of binance-2021-2022 up to
//! 2022-06-01; `tests/fixtures/eval_report_h1.json`).

use cst_config::{Config, Home};
use cst_health::{
    inputs::{ActiveModel, HorizonInputs, Inputs},
    score::{WEIGHTS, evaluate},
};
use cst_protocol::{
    health::reasons,
    status::{AgentState, AgentStatus, BreakerState, ServiceStatus},
};
use cst_store::{CoverageAudit, DriftCheck, InputTimes, Serving};

const NOW: i64 = 1_654_128_000;
const ML_PID: u32 = 4242;

fn config() -> Config {
    let dir = tempfile::tempdir().unwrap();
    cst_config::load(&Home::new(dir.path()), None).unwrap()
}

fn agents() -> Vec<AgentStatus> {
    cst_protocol::AGENTS
        .iter()
        .enumerate()
        .map(|(i, name)| AgentStatus {
            name: (*name).into(),
            state: AgentState::Ready,
            pid: Some(if *name == "ml" {
                ML_PID
            } else {
                100 + i as u32
            }),
            restarts: 0,
            breaker: BreakerState::Closed,
            rss_bytes: None,
            cpu_percent: None,
            last_exit: None,
            ready_for_ms: Some(1000),
            next_start_in_ms: None,
            counters: vec![],
            log_lines_dropped: 0,
        })
        .collect()
}

/// The real report, written before models had per-use activation, as the registry would
/// record it had both uses earned theirs (the scenario these tests start from).
fn model() -> ActiveModel {
    let text = std::fs::read_to_string(cst_testkit::fixture("eval_report_h1.json")).unwrap();
    let mut report: cst_models::report::EvalReport = serde_json::from_str(&text).unwrap();
    for u in [&mut report.uses.ranking, &mut report.uses.absolute] {
        u.earned = true;
        u.evidence = "earned (test scenario)".into();
    }
    ActiveModel {
        id: "h1-1654041600-827e17f3".into(),
        report,
    }
}

/// A healthy service: a loaded, calibrated 1 h model, fresh candles, full coverage.
fn healthy() -> Inputs {
    let m = model();
    Inputs {
        now: Ok(NOW),
        horizons: vec![HorizonInputs {
            horizon_h: 1,
            serving: Some(Serving {
                horizon_h: 1,
                model_id: m.id.clone(),
                pid: ML_PID,
            }),
            active: Some(m),
            drift: None,
        }],
        coverage: Some(CoverageAudit {
            exchange: "binance".into(),
            at: NOW - 60,
            live: 3,
            covered: 3,
            missing: vec![],
        }),
        input_times: InputTimes {
            candles: Some(NOW - 1800),
            ..InputTimes::default()
        },
        // The cross-section's input is the candles too.
        required_groups: vec!["technical".into(), "cross".into()],
        agents: Ok(agents()),
        errors_in_window: 0,
    }
}

fn failed(inputs: &Inputs) -> Vec<String> {
    let r = evaluate(inputs, &config().health);
    r.checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.name.clone())
        .collect()
}

#[test]
fn the_weights_add_up_to_100() {
    assert_eq!(WEIGHTS.iter().map(|(_, w)| w).sum::<f64>(), 100.0);
}

#[test]
fn a_healthy_service_is_ready_and_go_with_every_point() {
    let r = evaluate(&healthy(), &config().health);
    assert!(r.ready, "{:#?}", r.checks);
    assert_eq!(r.status, ServiceStatus::Go);
    assert_eq!(r.score, 100.0, "{:#?}", r.components);
    assert!(reasons(&r.checks, &r.components).is_empty());
    assert_eq!(r.at, NOW);
}

#[test]
fn a_model_that_earned_no_ranking_does_not_serve_its_horizon() {
    let mut i = healthy();
    let m = i.horizons[0].active.as_mut().unwrap();
    m.report.uses.ranking.earned = false;
    m.report.uses.ranking.evidence = "rank IC +0.0040, t +0.80 over 900 hours (bar 2)".into();
    let r = evaluate(&i, &config().health);
    assert!(!r.ready);
    let models = r.checks.iter().find(|c| c.name == "models").unwrap();
    assert!(!models.ok);
    assert!(
        models.reason.contains("serves no ranking") && models.reason.contains("t +0.80"),
        "{}",
        models.reason
    );
    assert!(r.score < 100.0);
}

#[test]
fn without_models_it_is_nogo_naming_models_and_calibration() {
    let mut i = healthy();
    i.horizons[0].active = None;
    i.horizons[0].serving = None;
    let r = evaluate(&i, &config().health);
    assert!(!r.ready);
    assert_eq!(r.status, ServiceStatus::Nogo);
    assert!(r.score <= 50.0, "{}", r.score);
    let why = reasons(&r.checks, &r.components).join("\n");
    assert!(
        why.contains("models: no active 1 h model: train one with `cst train --horizon 1`"),
        "{why}"
    );
    assert!(
        why.contains("calibration: no calibration report for 1 h"),
        "{why}"
    );
}

#[test]
fn an_active_model_the_ml_agent_has_not_loaded_is_not_ready() {
    // Loaded by an earlier ml process (its pid is not the running agent's).
    let mut i = healthy();
    i.horizons[0].serving.as_mut().unwrap().pid = 1;
    assert_eq!(failed(&i), ["models"]);
    let r = evaluate(&i, &config().health);
    assert!(
        r.checks[0]
            .reason
            .contains("not loaded by the running ml agent")
    );
    assert_ne!(r.status, ServiceStatus::Go, "never GO while not ready");
    // Serving another model than the registry's active one.
    let mut i = healthy();
    i.horizons[0].serving.as_mut().unwrap().model_id = "h1-old".into();
    assert_eq!(failed(&i), ["models"]);
}

#[test]
fn a_model_calibrated_outside_the_tolerance_fails_calibration() {
    let mut i = healthy();
    let report = &mut i.horizons[0].active.as_mut().unwrap().report;
    report.ece = 0.08;
    assert_eq!(failed(&i), ["calibration"]);
    let r = evaluate(&i, &config().health);
    let c = r
        .components
        .iter()
        .find(|c| c.name == "calibration")
        .unwrap();
    // 0.08 against a 0.05 tolerance: 0 at twice the tolerance, linear from 1 at it.
    assert!((c.score - 0.4).abs() < 1e-9, "{c:?}");
}

#[test]
fn stale_inputs_fail_features_and_the_freshness_points_fade() {
    let cfg = config().health;
    let mut i = healthy();
    i.input_times.candles = Some(NOW - 30 * 3600);
    assert_eq!(failed(&i), ["features"]);
    let r = evaluate(&i, &cfg);
    let f = r.components.iter().find(|c| c.name == "freshness").unwrap();
    assert!((f.score - 0.75).abs() < 1e-9, "30 h against 24 h: {f:?}");
    assert_eq!(r.status, ServiceStatus::Degraded);
    // A required group with nothing stored at all.
    let mut i = healthy();
    i.required_groups.push("sentiment".into());
    let r = evaluate(&i, &cfg);
    assert!(
        r.checks[1].reason.contains("sentiment has no input stored"),
        "{:?}",
        r.checks[1]
    );
    // No service clock: nothing can be called fresh.
    let mut i = healthy();
    i.now = Err("cannot read the exchange's time: connection refused".into());
    let r = evaluate(&i, &cfg);
    assert!(r.checks[1].reason.contains("service clock unknown"));
    assert!(!r.ready);
}

#[test]
fn coverage_below_99_percent_or_an_old_audit_fails_coverage() {
    let mut i = healthy();
    let audit = i.coverage.as_mut().unwrap();
    audit.live = 136;
    audit.covered = 134;
    audit.missing = vec!["XBT/USD: stale".into(), "ETH/USD: 3 missing hours".into()];
    assert_eq!(failed(&i), ["coverage"]);
    let r = evaluate(&i, &config().health);
    assert!(
        r.checks[3].reason.contains("134 of 136"),
        "{:?}",
        r.checks[3]
    );
    let mut i = healthy();
    i.coverage.as_mut().unwrap().at = NOW - 25 * 3600;
    assert_eq!(failed(&i), ["coverage"]);
    let mut i = healthy();
    i.coverage = None;
    assert_eq!(failed(&i), ["coverage"]);
}

#[test]
fn agents_breakers_errors_and_drift_cost_points() {
    let cfg = config().health;
    let mut i = healthy();
    let agents = i.agents.as_mut().unwrap();
    agents[1].state = AgentState::BreakerOpen;
    agents[1].breaker = BreakerState::Open;
    assert_eq!(failed(&i), ["agents", "breakers"]);

    let mut i = healthy();
    i.errors_in_window = 15;
    let r = evaluate(&i, &cfg);
    assert!(r.ready, "errors cost points, not readiness");
    assert_eq!(r.score, 95.0);

    let mut i = healthy();
    i.horizons[0].drift = Some(DriftCheck {
        horizon_h: 1,
        model_id: "h1-1654041600-827e17f3".into(),
        at: NOW - 3600,
        rows: 600,
        median_psi: Some(0.37),
        worst_feature: Some("rv_7d".into()),
        worst_psi: Some(3.1),
        resolved: 0,
        ece: None,
        drifted: true,
        summary: "features: median PSI 0.370 (worst rv_7d 3.10)".into(),
    });
    let r = evaluate(&i, &cfg);
    assert_eq!(r.score, 95.0);
    assert_eq!(r.status, ServiceStatus::Go);

    // The supervisor cannot be asked: agents and breakers fail with the reason, and without
    // the ml agent's pid no model can be vouched for as loaded.
    let mut i = healthy();
    i.agents = Err("no supervisor running".into());
    assert_eq!(failed(&i), ["models", "agents", "breakers"]);
}

#[test]
fn the_bars_come_from_the_configuration() {
    let mut cfg = config().health;
    let mut i = healthy();
    i.errors_in_window = 30;
    // 90 points, ready: GO at the default bar of 85, DEGRADED at a bar of 95.
    assert_eq!(evaluate(&i, &cfg).status, ServiceStatus::Go);
    cfg.go_score = 95.0;
    assert_eq!(evaluate(&i, &cfg).status, ServiceStatus::Degraded);
    cfg.nogo_score = 92.0;
    assert_eq!(evaluate(&i, &cfg).status, ServiceStatus::Nogo);
}
