//! Readiness, GO and the daily report in a replay that trains and activates a model.
//!
//! The home holds the 33 recorded pairs' candles up to 2022-06-01 (the recording, rewound
//! to the replay's start); `cst train` activates the 1 h model, whose ranking earned its
//! activation on these months (and so serves the horizon). The replay then runs June at 3600x: the service turns READY and GO, writes the
//! daily report for June 1 at the day boundary of its clock, and falls back once the
//! collector is stopped and the candles go stale.

use std::time::{Duration, Instant};

use cst_protocol::{health::ServiceReport, status::ServiceStatus};
use cst_tests::replay::trained_replay;

/// 2022-06-01 00:00 UTC.
const START: i64 = 1_654_041_600;
use cst_market::DAY;
/// Features older than this (service clock) fail readiness: `replay_config`'s
/// `max_feature_age_h`.
const MAX_AGE_H: u64 = 6;
const SPEED: u64 = 3600;

fn check<'a>(r: &'a ServiceReport, name: &str) -> &'a cst_protocol::health::Check {
    r.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in {r:#?}"))
}

#[test]
fn a_trained_replay_turns_ready_and_go_writes_the_daily_report_and_falls_back_without_data() {
    // The store as it was at the replay's start, the model trained on it, and the replay.
    let (inst, _exchange, model_id) = trained_replay();
    let started = Instant::now();

    // READY and GO: every check passes and the score crosses 85.
    let go = inst.wait_report("READY and GO", Duration::from_secs(90), |r| {
        r.ready && r.status == ServiceStatus::Go
    });
    let score = go.health_score.unwrap();
    assert!(score >= 85.0, "{go:#?}");
    assert!(go.checks.iter().all(|c| c.ok), "{:#?}", go.checks);
    assert!(check(&go, "models").reason.contains("1 of 1"));
    println!(
        "READY and GO {:.1} s after `cst up`, health score {score:.1}",
        started.elapsed().as_secs_f64()
    );
    // The dashboard's API: READY, the active model with its evaluation, gated hours.
    let dash = inst.dashboard_url();
    let (code, ready) = cst_tests::get_json(&format!("{dash}api/readiness"));
    assert_eq!(
        (code, ready["ready"].as_bool()),
        (200, Some(true)),
        "{ready}"
    );
    let (_, models) = cst_tests::get_json(&format!("{dash}api/models"));
    assert_eq!(models["models_active"], 1, "{models}");
    let active = &models["horizons"][0]["active"];
    assert_eq!(active["id"], model_id.as_str(), "{models}");
    assert!(
        active["report"]["reliability"]["bins"].is_array(),
        "{active}"
    );
    // The ml agent predicts each new hour; the first ones come soon after GO.
    let deadline = Instant::now() + Duration::from_secs(30);
    let p = loop {
        let (_, p) = cst_tests::get_json(&format!("{dash}api/predictions?pair=BTC/USDT"));
        if !p["latest"][0].is_null() || Instant::now() > deadline {
            break p;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(p["latest"][0]["model_id"], model_id.as_str(), "{p}");
    assert!(p["empty_reason"].is_null(), "{p}");
    // On demand: the same model, its two base models and the stacker's weights. At the
    // hour the ml agent predicted, the same P(up).
    // An hour whose row the service has not stored yet is built on demand from what is in,
    // and its cross-section may still miss peers' candles: ask until the answer is the
    // stored row (`source`), which is what the ml agent was served.
    let deadline = Instant::now() + Duration::from_secs(30);
    let asked = loop {
        let (code, asked) = cst_tests::post_json(
            &format!("{dash}api/predict"),
            &serde_json::json!({"pairs": ["BTC/USDT"]}),
        );
        assert_eq!(code, 200, "{asked}");
        if asked["predictions"][0]["source"] == "stored" {
            break asked;
        }
        assert!(Instant::now() < deadline, "never a stored row: {asked}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let a = &asked["predictions"][0];
    assert!(a["score"].is_f64() && a["p_beat"].is_f64(), "{a}");
    assert_eq!(a["model_id"], model_id.as_str(), "{asked}");
    assert_eq!(a["base"].as_array().unwrap().len(), 2, "{a}");
    assert_eq!(a["stacker"]["weights"].as_array().unwrap().len(), 2, "{a}");
    // The ml agent predicts that hour too (if it has not yet, within seconds).
    let deadline = Instant::now() + Duration::from_secs(30);
    let stored = loop {
        let (_, p) = cst_tests::get_json(&format!("{dash}api/predictions?pair=BTC/USDT"));
        let found = p["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["t"] == a["t"])
            .cloned();
        if let Some(s) = found {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "the ml agent never predicted {}",
            a["t"]
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let (x, y) = (
        a["p_up"].as_f64().unwrap(),
        stored["p_up"].as_f64().unwrap(),
    );
    assert!((x - y).abs() < 1e-9, "on demand {x} vs the ml agent's {y}");
    println!(
        "POST /api/predict at {}: P(up) {x:.6}, the ml agent's {y:.6}",
        a["t"]
    );

    // The daily report of June 1, written when the service clock passed midnight.
    let latest = inst.path().join("reports/daily/latest.json");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !latest.exists() {
        assert!(Instant::now() < deadline, "no daily report");
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = inst.cst(&["report", "--json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["date"], "2022-06-01");
    let written = report["generated_at"].as_i64().unwrap();
    // The first scoring after 00:00: evaluations run every 0.5 s real, 30 min of replay.
    assert!(
        (START + DAY..START + DAY + 3600).contains(&written),
        "written at {written}, not at the day boundary"
    );
    println!(
        "daily report for 2022-06-01 written {} min after 00:00 of the service clock",
        (written - START - DAY) / 60
    );
    let dir = inst.path().join("reports/daily/20220601");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.len() == 1 && files[0].starts_with("daily_metrics_00") && files[0].ends_with(".json"),
        "{files:?}"
    );
    assert!(
        report["health"]["hours_go"].as_u64().unwrap() >= 1,
        "{report:#}"
    );
    assert_eq!(report["models"][0]["model_id"], model_id.as_str());
    assert_eq!(report["models"][0]["beats_baselines"], true);
    assert!(report["calibration"][0]["eval_ece"].as_f64().unwrap() <= 0.05);
    assert!(
        report["predictions"][0]["made"].as_u64().unwrap() > 0,
        "{report:#}"
    );
    // Every recorded pair is live; the audit at midnight may catch one between polls.
    assert_eq!(report["coverage"]["live"], 33, "{report:#}");
    assert!(
        report["coverage"]["covered"].as_u64().unwrap() >= 32,
        "{report:#}"
    );
    // The paper account stepped every hour of the day and made no trade (nothing passes the
    // 0.80 gate): a PnL of zero, not a missing one.
    assert_eq!(report["paper_pnl"], 0.0, "{report:#}");
    assert!(
        report["paper_note"]
            .as_str()
            .unwrap()
            .contains("0 trades closed")
    );
    let text = String::from_utf8_lossy(&inst.cst(&["report"]).stdout).into_owned();
    assert!(
        text.contains("Daily report 2022-06-01") && text.contains("beats all"),
        "{text}"
    );
    let dated = inst.cst(&["report", "--date", "2022-06-01", "--json"]);
    let dated: serde_json::Value = serde_json::from_slice(&dated.stdout).unwrap();
    assert_eq!(dated["generated_at"], report["generated_at"]);
    let missing = inst.cst(&["report", "--date", "2022-05-01"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no daily report"));

    // Stop the collector: no new candles. Within the freshness limit (6 h of service time,
    // 6 s at 3600x) plus an evaluation, features fail and the service is no longer GO.
    let out = inst.cst(&["stop", "collector"]);
    assert!(out.status.success());
    let stopped = Instant::now();
    let limit = Duration::from_secs(MAX_AGE_H * 3600 / SPEED + 4);
    let stale = inst.wait_report("features stale", limit, |r| {
        !check(r, "features").ok && r.status != ServiceStatus::Go
    });
    let took = stopped.elapsed();
    assert!(!stale.ready);
    assert!(
        check(&stale, "features").reason.contains("technical"),
        "{:#?}",
        stale.checks
    );
    assert!(
        matches!(stale.status, ServiceStatus::Degraded | ServiceStatus::Nogo),
        "{stale:#?}"
    );
    println!(
        "collector stopped: features failed and status fell to {} after {:.1} s (limit {} h of service time = {:.1} s at {SPEED}x, + 4 s)",
        stale.status,
        took.as_secs_f64(),
        MAX_AGE_H,
        (MAX_AGE_H * 3600 / SPEED) as f64
    );
}
