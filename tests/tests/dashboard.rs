//! The dashboard in a real browser: headless Debian Chromium driven by Playwright
//! (`web/tests/browser.mjs`, playwright-core) against the service's own server. Every page
//! must load without a console error, an uncaught exception or a failed request; the
//! readiness badge must say NOT READY in a replay without models and READY after `cst train`
//! activated one; the opportunities page must show its explained empty state without
//! models; the candle chart must render (a non-blank screenshot).

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use cst_protocol::status::ServiceStatus;
use cst_tests::{
    Instance, get_json,
    replay::{ReplayExchange, replay_config, trained_replay},
};

/// 2022-06-01 00:00 UTC.
const START: i64 = 1_654_041_600;
const PAIRS: [&str; 3] = ["BTC-USDT", "ETH-USDT", "SOL-USDT"];

/// Runs the browser test against `url`; panics with its output unless it passes.
fn browser(url: &str, expect_ready: bool, shots: &Path) -> serde_json::Value {
    let root = cst_testkit::manifest_dir().join("..");
    let started = Instant::now();
    let out = Command::new("node")
        .arg(root.join("web/tests/browser.mjs"))
        .args(["--base", url.trim_end_matches('/')])
        .args([
            "--expect-ready",
            if expect_ready { "true" } else { "false" },
        ])
        .args(["--pair", "BTC/USDT", "--screenshots"])
        .arg(shots)
        .output()
        .expect("run node (deploy/setup.sh installs the browser test's packages)");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    println!(
        "browser test (expect ready {expect_ready}) passed in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        stderr.trim()
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Where the pages' screenshots are kept for a look after the run: under cargo's target
/// directory when it is known, else the system's temporary directory.
fn shots(name: &str) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join("dashboard-screenshots")
        .join(name)
}

/// Waits until the dashboard serves candles for BTC/USDT.
fn candles_served(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (code, v) = get_json(&format!("{url}api/coin?pair=BTC/USDT&hours=720"));
        if code == 200 && v["candles"].as_array().is_some_and(|c| c.len() >= 24) {
            return;
        }
        assert!(Instant::now() < deadline, "no candles served: {v}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn the_pages_load_in_chromium_not_ready_without_models_and_ready_after_training() {
    // A replay without models: candles, no model, NOT READY, opportunities empty with why.
    // Its feature set adds the (optional) sentiment group: the coin page's sentiment pane.
    let exchange = ReplayExchange::start("binance-2021-2022", &PAIRS, "2022-06-01", 3600);
    let with_sentiment = replay_config(&exchange.collector_config()).replace(
        "groups = [\"technical\"]",
        "groups = [\"technical\", \"sentiment\"]",
    );
    let inst = Instance::start(&with_sentiment);
    let url = inst.dashboard_url();
    candles_served(&url);
    let deadline = Instant::now() + Duration::from_secs(60);
    let coin = loop {
        let (_, c) = get_json(&format!("{url}api/coin?pair=BTC/USDT&hours=720"));
        if c["sentiment"].as_array().is_some_and(|s| !s.is_empty()) {
            break c;
        }
        assert!(
            Instant::now() < deadline,
            "no sentiment series: {}",
            c["note"]
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    println!(
        "coin page: {} candles, {} hours of news sentiment (whale: {})",
        coin["candles"].as_array().unwrap().len(),
        coin["sentiment"].as_array().unwrap().len(),
        coin["note"]
    );
    let v = browser(&url, false, &shots("not-ready"));
    assert_eq!(v["pages"]["overview"]["badge"], "NOT READY", "{v}");
    assert!(
        v["pages"]["opportunities"]["empty"]
            .as_str()
            .is_some_and(|e| e.contains("no trained model is active")),
        "{v}"
    );
    drop(inst);
    drop(exchange);

    // The same after `cst train` activated the 1 h model: READY once GO.
    let (inst, _exchange, _) = trained_replay();
    inst.wait_report("READY and GO", Duration::from_secs(90), |r| {
        r.ready && r.status == ServiceStatus::Go
    });
    let url = inst.dashboard_url();
    // A backtest of the replay's first hours through the active model, for the portfolio
    // page's backtest section.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, c) = get_json(&format!("{url}api/coin?pair=BTC/USDT&hours=24"));
        let last = c["candles"]
            .as_array()
            .and_then(|c| c.last())
            .map(|c| c["t"].clone());
        if last
            .and_then(|t| t.as_i64())
            .is_some_and(|t| t >= START + 6 * 3600)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the replay did not reach 06:00: {c}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (from, to) = (START.to_string(), (START + 6 * 3600).to_string());
    let out = inst.cst(&["backtest", "--from", &from, "--to", &to, "--active-models"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = browser(&url, true, &shots("ready"));
    assert_eq!(v["pages"]["overview"]["badge"], "READY", "{v}");
    assert_eq!(v["pages"]["models"]["state"], "active models", "{v}");
    assert_eq!(v["pages"]["portfolio"]["backtests"], 1, "{v}");
}
