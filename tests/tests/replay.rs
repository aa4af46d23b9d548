//! The collector against `cst replay-exchange` serving real recorded candles: discovery,
//! storage, coverage, and SIGKILLs in the middle of writing.

use std::time::Duration;

use cst_market::Timeframe;
use cst_protocol::status::AgentState;
use cst_store::{CandleKey, Store};
use cst_tests::{
    Instance, agent, counter,
    replay::{ReplayExchange, shared},
};

const PAIRS: [&str; 3] = ["BTC-USDT", "ETH-USDT", "SOL-USDT"];

fn replay_exchange(start: &str, speed: u32) -> ReplayExchange {
    ReplayExchange::start("binance-2024", &PAIRS, start, speed)
}

fn key(pair: &str) -> CandleKey {
    CandleKey::new("replay", pair, Timeframe::H1)
}

#[test]
fn the_collector_stores_every_closed_candle_and_reports_full_coverage() {
    let exchange = replay_exchange("2024-03-01", 3600);
    let inst = Instance::start(&exchange.collector_config());
    inst.wait_for(
        "collector stored candles for every pair",
        Duration::from_secs(30),
        |r| {
            counter(r, "collector", "pairs_live") == Some(3)
                && counter(r, "collector", "candles_inserted").is_some_and(|n| n >= 3 * 720)
        },
    );
    let out = inst.cst(&["coverage", "--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(json["live"], 3, "{json}");
    assert_eq!(json["covered"], 3, "{json}");
    let store = Store::open(&inst.path().join("data/cst.db")).unwrap();
    for pair in ["BTC/USDT", "ETH/USDT", "SOL/USDT"] {
        assert!(store.candle_count(&key(pair)).unwrap() >= 720, "{pair}");
        assert!(
            store.gaps(&key(pair)).unwrap().is_empty(),
            "{pair}: the recording has no gaps"
        );
    }
    // Stored exactly as recorded: BTC-USDT 2024-02-01 00:00 UTC.
    let c = store
        .candles_between(&key("BTC/USDT"), 1706745600, 1706745600 + 3600)
        .unwrap();
    let row = std::fs::read_to_string(shared("ohlcv-1h/binance-2024/BTC-USDT.csv")).unwrap();
    let expected: Vec<f64> = row
        .lines()
        .find(|l| l.starts_with("1706745600,"))
        .unwrap()
        .split(',')
        .skip(1)
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(c.len(), 1);
    assert_eq!(
        vec![c[0].open, c[0].high, c[0].low, c[0].close, c[0].volume],
        expected
    );
    // The source has no trade counts: unknown, not zero.
    assert_eq!(c[0].trades, None);
}

/// `cst coverage` judges the audit at the time it is asked, by the service clock (here the
/// replay's), as `cst health` does: fresh while the collector runs; once it is stopped and
/// the replay's clock passes the freshness limit (6 h of market time, 6 s here), the same
/// audit fails, the command exits non-zero, and says why.
#[test]
fn coverage_is_judged_when_asked_and_a_stale_audit_fails_as_in_health() {
    let exchange = replay_exchange("2024-03-01", 3600);
    let inst = Instance::start(&format!(
        "{}[health]\nmax_feature_age_h = 6\n",
        exchange.collector_config()
    ));
    inst.wait_for("a coverage audit", Duration::from_secs(30), |r| {
        counter(r, "collector", "pairs_live") == Some(3)
    });
    let fresh = inst.cst(&["coverage", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&fresh.stdout).unwrap();
    assert!(fresh.status.success(), "{json}");
    assert_eq!(json["ok"], true, "{json}");
    assert!(inst.cst(&["stop", "collector"]).status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let stale = loop {
        let out = inst.cst(&["coverage"]);
        if !out.status.success() {
            break out;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the audit never went stale: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let text = String::from_utf8_lossy(&stale.stdout);
    assert!(
        text.contains("NOT OK") && text.contains("older than the freshness limit"),
        "{text}"
    );
    // The health agent says the same of the same audit.
    inst.wait_report("health fails coverage too", Duration::from_secs(10), |r| {
        r.checks
            .iter()
            .any(|c| c.name == "coverage" && !c.ok && c.reason.contains("freshness limit"))
    });
}

#[test]
fn sigkill_of_the_collector_mid_write_loses_no_committed_candle() {
    // 10 hours of market time per second keeps the collector writing all the time.
    let exchange = replay_exchange("2024-03-01", 36000);
    // Deliberate kills, not a crash loop: keep the breaker out of the way.
    let config = format!(
        "{}[supervisor.breaker]\nmax_crashes = 100\n",
        exchange.collector_config()
    );
    let inst = Instance::start(&config);
    let db = inst.path().join("data/cst.db");
    let mut committed: Vec<(String, i64)> = Vec::new();
    let mut killed: Option<u32> = None;
    for kill in 0..8 {
        // A report taken right after a kill can still show the dead process as Ready: wait
        // for the restarted one.
        let report = inst.wait_for("collector ready", Duration::from_secs(20), |r| {
            let a = agent(r, "collector");
            a.state == AgentState::Ready && a.pid != killed
        });
        std::thread::sleep(Duration::from_millis(150 + 70 * kill));
        let pid = agent(&report, "collector").pid.unwrap();
        killed = Some(pid);
        cst_tests::sigkill(pid);
        // What is committed after the kill must all be there at the end.
        if let Ok(store) = Store::open(&db) {
            for pair in ["BTC/USDT", "ETH/USDT", "SOL/USDT"] {
                if let Some(t) = store.latest_open_time(&key(pair)).unwrap() {
                    committed.push((pair.to_string(), t));
                }
            }
        }
    }
    let report = inst.wait_for(
        "collector back after the last kill",
        Duration::from_secs(20),
        // Ready with a new pid: right after a kill, a report can still show the dead one.
        |r| {
            let a = agent(r, "collector");
            a.state == AgentState::Ready && a.pid != killed
        },
    );
    assert!(agent(&report, "collector").restarts >= 8);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for (pair, t) in &committed {
        let c = store.candles_between(&key(pair), *t, *t + 1).unwrap();
        assert_eq!(
            c.len(),
            1,
            "{pair} candle {t} committed before a kill is gone"
        );
    }
    assert!(!committed.is_empty());
    for pair in ["BTC/USDT", "ETH/USDT", "SOL/USDT"] {
        assert!(
            store.gaps(&key(pair)).unwrap().is_empty(),
            "{pair}: a kill left a hole"
        );
    }
}

#[test]
fn a_candle_stored_in_the_future_never_stops_a_pair_from_being_collected() {
    // A store written before open times were checked: BTC/USDT holds a candle at the
    // probe's millisecond time (year 53,390), which used to make the collector ask the
    // exchange for candles after it, forever.
    let home = Instance::new_home();
    let future = 1_622_505_600_000;
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    {
        let mut store = Store::open(&home.path().join("data/cst.db")).unwrap();
        let candle = cst_market::Candle {
            open_time: future,
            open: 42283.58,
            high: 42554.57,
            low: 42261.02,
            close: 42475.23,
            volume: 1271.68108,
            trades: None,
        };
        let r = store
            .insert_candles_at(&key("BTC/USDT"), &[candle], "an older build", i64::MAX)
            .unwrap();
        assert_eq!(r.inserted, 1);
        // Today's check refuses it, with the reason.
        let r = store
            .insert_candles(&key("ETH/USDT"), &[candle], "import")
            .unwrap();
        assert_eq!(r.rejected[0].1.kind(), "implausible_time");
    }
    let exchange = replay_exchange("2024-03-01", 3600);
    let inst = Instance::start_in(home, &exchange.collector_config());
    let store = Store::open(&inst.path().join("data/cst.db")).unwrap();
    let collected = |s: &Store| {
        s.latest_open_time_before(&key("BTC/USDT"), future)
            .unwrap()
            .unwrap_or(0)
    };
    inst.wait_for("BTC/USDT collected", Duration::from_secs(30), |_| {
        collected(&store) >= 1_709_251_200 - 3600
    });
    // And it goes on being collected, hour after hour.
    let first = collected(&store);
    inst.wait_for("BTC/USDT still collected", Duration::from_secs(30), |_| {
        collected(&store) >= first + 3 * 3600
    });
}
