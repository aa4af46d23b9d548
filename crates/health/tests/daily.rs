//! The daily report from a store: written atomically under its day and as latest.json, read
//! back by date, rendered; the day's hourly verdicts, predictions through the gate, alerts.

use cst_config::{Config, Home};
use cst_health::daily;
use cst_protocol::{health::HealthReport, status::ServiceStatus};
use cst_store::{
    BlobId, ModelRecord, ModelStatus, Store, StoredAlert, StoredHealth, StoredPrediction,
};

/// 2022-06-01 00:00 UTC.
const DAY1: i64 = 1_654_041_600;
const MODEL: &str = "h1-1654041600-827e17f3";

fn setup() -> (tempfile::TempDir, Home, Config, Store) {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::new(dir.path());
    std::fs::write(
        home.config_file(),
        "[ml]\nhorizons_h = [1, 24]\n[collector]\nexchange = \"binance\"\n",
    )
    .unwrap();
    let config = cst_config::load(&home, None).unwrap();
    let mut store = Store::open(&home.db_path()).unwrap();
    let report = std::fs::read_to_string(cst_testkit::fixture("eval_report_h1.json")).unwrap();
    store
        .insert_model(&ModelRecord {
            id: MODEL.into(),
            horizon_h: 1,
            feature_set: "fs1-technical-d9124751".into(),
            train_from: DAY1 - 200 * 86_400,
            train_to: DAY1,
            created_at: DAY1,
            bundle: BlobId::of(b"bundle"),
            report,
            status: ModelStatus::Candidate,
            reason: String::new(),
            activated_at: None,
            retired_at: None,
        })
        .unwrap();
    store.activate_model(MODEL, DAY1, "first").unwrap();
    (dir, home, config, store)
}

fn verdict(status: ServiceStatus, score: f64) -> HealthReport {
    HealthReport {
        at: DAY1 + 86_400 + 900,
        status,
        score,
        ready: status == ServiceStatus::Go,
        checks: vec![],
        components: vec![],
        metrics: vec![],
    }
}

fn prediction(t: i64, p_up: f64) -> StoredPrediction {
    StoredPrediction {
        pair: "BTC/USDT".into(),
        t,
        horizon_h: 1,
        model_id: MODEL.into(),
        feature_set: "fs1-technical-d9124751".into(),
        p_up,
        pred: 0.0,
        lo: -0.01,
        hi: 0.01,
        conf: 0.5,
        quality_prob: 0.5,
        score: None,
        p_beat: None,
    }
}

#[test]
fn the_report_counts_the_day_and_is_written_read_and_rendered() {
    let (_dir, home, config, mut store) = setup();
    for (h, status, score) in [(1, "nogo", 40.0), (2, "go", 96.0), (3, "go", 98.0)] {
        store
            .insert_health(&StoredHealth {
                at: DAY1 + h * 3600,
                status: status.into(),
                score,
                ready: status == "go",
                report: "{}".into(),
            })
            .unwrap();
    }
    // The next day's report is not this day's.
    store
        .insert_health(&StoredHealth {
            at: DAY1 + 86_400 + 60,
            status: "nogo".into(),
            score: 1.0,
            ready: false,
            report: "{}".into(),
        })
        .unwrap();
    let preds: Vec<_> = [(3600, 0.81), (7200, 0.5), (10_800, 0.8), (86_400, 0.99)]
        .into_iter()
        .map(|(dt, p)| prediction(DAY1 + dt, p))
        .collect();
    store.insert_predictions(&preds).unwrap();
    // The risk agent's gate runs of those hours: what passed is what they recorded.
    for p in &preds {
        let passed = p.p_up >= 0.8;
        store
            .record_gate(
                &cst_store::GateRun {
                    t: p.t,
                    at: p.t + 60,
                    predictions: 1,
                    candidates: u64::from(passed),
                    empty_reason: None,
                },
                &[cst_store::GatedRow {
                    pair: p.pair.clone(),
                    horizon_h: p.horizon_h,
                    passed,
                    record: "{}".into(),
                }],
            )
            .unwrap();
    }
    store
        .insert_alert(&StoredAlert {
            at: DAY1 + 3600,
            severity: "critical".into(),
            kind: "nogo".into(),
            subject: "service".into(),
            message: "NO-GO at health score 40.0".into(),
            delivered: "log".into(),
        })
        .unwrap();

    // Drift found at 05:00, gone by the last check of the day: the day still had drift.
    let check = |at: i64, drifted: bool| cst_store::DriftCheck {
        horizon_h: 1,
        model_id: MODEL.into(),
        at,
        rows: 600,
        median_psi: Some(if drifted { 0.31 } else { 0.02 }),
        worst_feature: Some("rv_7d".into()),
        worst_psi: Some(1.0),
        resolved: 250,
        ece: Some(0.03),
        drifted,
        summary: String::new(),
    };
    store
        .insert_drift_checks(&[check(DAY1 + 5 * 3600, true), check(DAY1 + 23 * 3600, false)])
        .unwrap();

    let now = DAY1 + 86_400 + 900;
    let build =
        |store: &Store| daily::build(store, &config, DAY1, now, &verdict(ServiceStatus::Go, 97.0));
    let report = build(&store).unwrap();
    assert_eq!(report.date, "2022-06-01");
    let h = &report.health;
    assert_eq!((h.reports, h.hours_go, h.hours_nogo), (3, 2, 1));
    assert_eq!(h.min_score, Some(40.0));
    assert_eq!(report.predictions.len(), 1);
    // 0.81 and exactly 0.80 pass; 0.5 does not; the next day's 0.99 is not counted.
    assert_eq!(
        (report.predictions[0].made, report.predictions[0].gated),
        (3, 2)
    );
    assert_eq!(report.models.len(), 1, "the 24 h horizon has no model");
    assert_eq!(report.calibration.len(), 2);
    assert_eq!(report.calibration[1].model_id, None);
    let c = &report.calibration[0];
    assert!(c.drifted, "{c:?}");
    assert_eq!((c.live_ece, c.resolved), (Some(0.03), 250));
    assert!(report.models[0].beats_baselines);
    let brier = report.models[0]
        .metrics
        .iter()
        .find(|(n, _, _)| n == "brier")
        .unwrap();
    assert!(brier.1 < brier.2, "the model beats climatology: {brier:?}");
    assert_eq!(report.alerts.len(), 1);
    // No paper hour recorded: no PnL, and why.
    assert!(report.paper_pnl.is_none(), "{}", report.paper_note);
    assert!(report.paper_note.contains("not stepped that day"));

    let path = daily::write(&home, &report).unwrap();
    assert_eq!(
        path,
        home.daily_reports_dir()
            .join("20220601/daily_metrics_001500.json")
    );
    let (_, latest) = daily::read(&home, None).unwrap();
    assert_eq!(latest, report);

    // The paper account stepped through the day: its PnL is the day's change in equity, from
    // the starting cash before its first hour.
    let hour = |t: i64, equity: f64| cst_store::PortfolioHour {
        t,
        equity: Some((
            equity,
            0.0,
            false,
            format!("{{\"t\":{t},\"equity\":{equity}}}"),
        )),
        state: "{}".into(),
        ..Default::default()
    };
    store
        .record_portfolio_hour(&hour(DAY1 + 3600, 10_050.0))
        .unwrap();
    store
        .record_portfolio_hour(&hour(DAY1 + 86_400, 9_980.5))
        .unwrap();
    store
        .record_portfolio_hour(&hour(DAY1 + 86_400 + 3600, 12_000.0))
        .unwrap();
    let stepped = build(&store).unwrap();
    assert_eq!(
        stepped.paper_pnl,
        Some(9_980.5 - config.portfolio.starting_cash_usd)
    );
    assert!(
        stepped
            .paper_note
            .contains("paper equity 9980.50 at 00:00 UTC"),
        "{}",
        stepped.paper_note
    );
    let day = chrono::NaiveDate::from_ymd_opt(2022, 6, 1);
    assert_eq!(daily::read(&home, day).unwrap().1, report);
    // No temp files left beside the reports.
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["daily_metrics_001500.json"]);

    let text = daily::render(&report);
    for part in [
        "Daily report 2022-06-01",
        "GO  score 97.0/100",
        "min 40.0",
        "3 made, 2 passed the gate",
        "no active model",
        "paper PnL: the paper account was not stepped that day",
        "nogo service",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}

#[test]
fn a_missing_or_broken_report_is_an_error_that_says_what_to_do() {
    let (_dir, home, _config, _store) = setup();
    let e = daily::read(&home, None).unwrap_err().to_string();
    assert!(
        e.contains("no daily report") && e.contains("00:00 UTC"),
        "{e}"
    );
    let day = chrono::NaiveDate::from_ymd_opt(2022, 6, 1);
    let e = daily::read(&home, day).unwrap_err().to_string();
    assert!(e.contains("no daily report for that day"), "{e}");
    std::fs::create_dir_all(home.daily_reports_dir()).unwrap();
    std::fs::write(
        home.daily_reports_dir().join("latest.json"),
        b"{\"date\": 1",
    )
    .unwrap();
    let e = daily::read(&home, None).unwrap_err().to_string();
    assert!(e.contains("is not a daily report"), "{e}");
}
