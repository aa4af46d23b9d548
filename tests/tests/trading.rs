//! The risk and portfolio agents in a replay, and parity with `cst backtest` over the same
//! hours.
//!
//! The home holds the 33 recorded pairs up to 2022-06-01 and the 1 h model `cst train`
//! activates (as in `readiness`). The replay runs June 1 at 3600x: every hour is gated by the risk
//! agent (with the health agent's verdict) and stepped by the portfolio agent. The service
//! is stopped before its midnight retraining, and `cst backtest --active-models` runs the
//! same hours through the same model: each hour's predictions, best P(up), candidates and
//! orders must match, and the equity must agree within 20 bps. Midway, the risk and
//! portfolio agents are killed with SIGKILL, and later stopped for two replay hours: after
//! each restart they catch up from the store, and no hour may be missing.

use std::time::{Duration, Instant};

use cst_protocol::status::ServiceStatus;
use cst_store::Store;
use cst_tests::{
    cst_in,
    replay::{self, ReplayExchange, replay_config, shared, trained_replay},
};

/// 2022-06-01 00:00 UTC.
const START: i64 = 1_654_041_600;
use cst_market::HOUR;
const PAIRS: [&str; 3] = ["BTC-USDT", "ETH-USDT", "SOL-USDT"];

fn json(out: std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_agents_trade_the_replay_as_the_backtester_trades_the_same_hours() {
    let (inst, _exchange, _) = trained_replay();
    let go = inst.wait_report("GO", Duration::from_secs(90), |r| {
        r.status == ServiceStatus::Go
    });

    // Kill both trading agents a few replay hours into GO; the supervisor restarts them and
    // they catch up from the store (the bus events of the hours they missed are gone).
    std::thread::sleep(Duration::from_secs(3));
    for name in ["risk", "portfolio"] {
        let pid = go
            .agents
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.pid)
            .expect("pid");
        cst_tests::sigkill(pid);
    }
    // And both stopped for 2.5 s (2–3 replay hours): the events of those hours are gone.
    std::thread::sleep(Duration::from_secs(2));
    for name in ["risk", "portfolio"] {
        assert!(inst.cst(&["stop", name]).status.success());
    }
    std::thread::sleep(Duration::from_millis(2500));
    // The risk agent first: it gates the hours it missed while the portfolio agent is still
    // down, so the portfolio agent misses those announcements too.
    assert!(inst.cst(&["restart", "risk"]).status.success());
    std::thread::sleep(Duration::from_millis(1500));
    assert!(inst.cst(&["restart", "portfolio"]).status.success());

    // Gate runs and portfolio hours until 18:00, well before the midnight retraining.
    let last = START + 18 * HOUR;
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let risk = json(inst.cst(&["risk", "status", "--json"]));
        if risk["last_hour"].as_i64().is_some_and(|t| t >= last) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the portfolio did not reach 18:00: {risk:#}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(inst.cst(&["stop"]).status.success());

    let store = Store::open(&inst.path().join("data/cst.db")).unwrap();
    // The first hour gated while the service was GO opens the compared period.
    let first_go = (START..=last)
        .step_by(HOUR as usize)
        .find(|&t| {
            store.gate_run(t).unwrap().is_some_and(|g| {
                !g.empty_reason
                    .as_deref()
                    .is_some_and(|w| w.starts_with("service is not GO"))
            })
        })
        .expect("an hour gated while GO");
    let from = first_go;
    let to = last;

    let out = cst_in(
        inst.path(),
        &[
            "backtest",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
            "--active-models",
            "--json",
        ],
    );
    let bt = json(out);
    let hours = bt["gate_runs"].as_array().unwrap();
    assert_eq!(hours.len() as i64, (to - from) / HOUR + 1);
    let mut predictions = 0;
    for h in hours {
        let t = h["t"].as_i64().unwrap();
        let svc = store
            .gate_run(t)
            .unwrap()
            .unwrap_or_else(|| panic!("the risk agent did not gate hour {t}"));
        assert_eq!(
            svc.predictions,
            h["predictions"].as_u64().unwrap(),
            "hour {t}"
        );
        assert_eq!(
            svc.candidates,
            h["candidates"].as_u64().unwrap(),
            "hour {t}"
        );
        let best = store
            .predictions_at(t)
            .unwrap()
            .iter()
            .map(|p| p.p_up)
            .reduce(f64::max);
        match (best, h["best_p_up"].as_f64()) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "hour {t}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "hour {t}"),
        }
        predictions += svc.predictions;
    }
    assert_eq!(
        predictions,
        replay::recorded_2021_pairs().len() as u64 * hours.len() as u64,
        "every pair predicted every hour"
    );
    // Every hour gated and stepped, across the kill: one equity point per hour.
    let stepped = store.equity_between(from, to).unwrap().len() as i64;
    assert_eq!(
        stepped,
        (to - from) / HOUR + 1,
        "an hour went missing across the kill"
    );

    // Orders and equity.
    let svc_orders: Vec<serde_json::Value> = store
        .orders_between(from, to)
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect();
    let bt_orders = bt["orders"].as_array().unwrap();
    assert_eq!(
        svc_orders.len(),
        bt_orders.len(),
        "{svc_orders:#?}\n{bt_orders:#?}"
    );
    for (a, b) in svc_orders.iter().zip(bt_orders) {
        for key in ["client_id", "status", "side", "purpose"] {
            assert_eq!(a[key], b[key], "{a:#} vs {b:#}");
        }
    }
    let svc_equity: serde_json::Value =
        serde_json::from_str(store.equity_between(to, to).unwrap().last().unwrap()).unwrap();
    let bt_equity = &bt["equity"].as_array().unwrap().last().unwrap();
    assert_eq!(bt_equity["t"], to);
    let start = bt["settings"]["starting_cash"].as_f64().unwrap();
    let tracking_bps =
        (svc_equity["equity"].as_f64().unwrap() - bt_equity["equity"].as_f64().unwrap()).abs()
            / start
            * 1e4;
    println!(
        "parity {from}..{to}: {} hours, {predictions} predictions, {} candidates, {} orders \
         in both; equity tracking error {tracking_bps:.3} bps (limit 20)",
        hours.len(),
        bt["candidates"],
        bt_orders.len()
    );
    assert!(tracking_bps <= 20.0);

    // The commands read the same account.
    let p = json(cst_in(inst.path(), &["portfolio", "--json"]));
    assert_eq!(p["mode"], "paper");
    let r = json(cst_in(inst.path(), &["risk", "status", "--json"]));
    assert!(r["halted"].is_null());
    assert_eq!(r["min_p_up"], 0.8);
    let resume = cst_in(inst.path(), &["risk", "resume"]);
    assert_eq!(resume.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&resume.stderr).contains("not halted"));
}

/// Live mode under `cst up`, against the local private-API stub (never the real exchange):
/// the portfolio agent reads the pairs and the balance, steps the hours the risk agent gates
/// (no model, so NO-GO and no candidates: nothing may be ordered), and the keys appear
/// nowhere but the configuration file.
#[test]
fn live_mode_connects_steps_its_hours_and_never_shows_the_keys() {
    const KEY: &str = "e2e-planted-api-key";
    // Kraken's documented example secret, not an account's.
    const SECRET: &str =
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(cst_testkit::kraken::Stub::empty(KEY, SECRET));
    let pairs = std::fs::read(shared("kraken-api/http_asset_pairs.json")).unwrap();
    stub.serve_public("AssetPairs", pairs);
    stub.fund("USDT", 10_000.0);

    let exchange = ReplayExchange::start("binance-2021-2022", &PAIRS, "2022-06-01", 3600);
    let live = format!(
        "[portfolio]\nmode = \"live\"\n[portfolio.live]\nbase_url = \"{}\"\n\
         api_key = \"{KEY}\"\napi_secret = \"{SECRET}\"\n",
        stub.base_url
    );
    let inst = cst_tests::Instance::start(&format!(
        "{}\n{live}",
        replay_config(&exchange.collector_config())
    ));
    let deadline = Instant::now() + Duration::from_secs(90);
    let stepped = loop {
        let out = inst.cst(&["portfolio", "--json"]);
        if out.status.success() {
            let v = json(out);
            if v["account"]["last_t"].as_i64().is_some() {
                break v;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the live portfolio stepped no hour:\n{}",
            inst.output()
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(stepped["mode"], "live", "{stepped:#}");
    assert_eq!(stepped["account"]["live"], true);
    let calls: Vec<String> = stub.calls().into_iter().map(|c| c.method).collect();
    assert!(calls.iter().any(|m| m == "Balance"), "{calls:?}");
    assert!(
        !calls.iter().any(|m| m == "AddOrder"),
        "an order with no model and no GO: {calls:?}"
    );
    assert!(stub.rejected().is_empty(), "{:?}", stub.rejected());
    // The dashboard shows LIVE, and none of its answers carries a key.
    let dash = inst.dashboard_url();
    let (_, ready) = cst_tests::get_json(&format!("{dash}api/readiness"));
    assert_eq!(ready["mode"], "live", "{ready}");
    let mut answers = String::new();
    for path in [
        "health",
        "readiness",
        "pairs",
        "opportunities",
        "models",
        "portfolio",
        "backtests",
        "data",
        "openapi.json",
    ] {
        answers.push_str(
            &cst_tests::get_json(&format!("{dash}api/{path}"))
                .1
                .to_string(),
        );
    }
    assert!(
        !answers.contains(KEY) && !answers.contains(SECRET),
        "a key leaked into the dashboard"
    );
    assert!(inst.cst(&["stop"]).status.success());

    // Logs, status, reports and the store: the key and secret are in config.toml only.
    let status = String::from_utf8_lossy(&inst.cst(&["status", "--json"]).stdout).into_owned();
    let mut seen = vec![("status".to_string(), status)];
    for entry in walk(inst.path()) {
        if entry.file_name().is_some_and(|n| n == "config.toml") {
            continue;
        }
        let bytes = std::fs::read(&entry).unwrap_or_default();
        seen.push((
            entry.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    for (place, text) in &seen {
        assert!(
            !text.contains(KEY) && !text.contains(SECRET),
            "a key leaked into {place}"
        );
    }
    assert!(
        seen.len() > 3,
        "{:?}",
        seen.iter().map(|s| &s.0).collect::<Vec<_>>()
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
