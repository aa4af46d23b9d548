//! The technical, sentiment and whale agents inside a running service: the replay exchange
//! serves recorded Feb 2022 candles, the recorded news of those months is replayed beside
//! them, and the agents' counters and `cst features` show what reached the feature rows.

use std::time::Duration;

use cst_features::WHALE_FEATURES;
use cst_tests::{
    Instance, counter,
    replay::{ReplayExchange, shared},
};

#[test]
fn feature_agents_build_rows_from_live_candles_and_news_and_count_missing_whale_data() {
    let exchange = ReplayExchange::start(
        "binance-2021-2022",
        &["BTC-USDT", "ETH-USDT"],
        "2022-02-01",
        3600,
    );
    // Trades are not collected here, so the whale group is configured but has no source:
    // optional, it must show up as absent (NaN with a reason), never as zeros.
    let config = format!(
        "{}[features]\ngroups = [\"technical\", \"sentiment\", \"whale\"]\n\
         required = [\"technical\", \"sentiment\"]\n\
         [sentiment]\nsource = \"replay\"\nreplay_csv = \"{}\"\npoll_interval_s = 1\n",
        exchange.collector_config(),
        shared("news/cryptonews-2021-10_2022-07.csv").display()
    );
    let inst = Instance::start(&config);
    let report = inst.wait_for(
        "technical rows for both pairs, stored news, whale hours counted as missing",
        Duration::from_secs(60),
        |r| {
            counter(r, "technical", "pairs_ready") == Some(2)
                && counter(r, "technical", "rows").is_some_and(|n| n >= 2)
                && counter(r, "sentiment", "items_stored").is_some_and(|n| n > 1000)
                && counter(r, "whale", "hours_missing").is_some_and(|n| n >= 2)
        },
    );
    assert_eq!(counter(&report, "technical", "candles_refused"), Some(0));
    assert_eq!(counter(&report, "technical", "store_errors"), Some(0));
    assert_eq!(counter(&report, "sentiment", "feed_errors"), Some(0));
    assert_eq!(counter(&report, "whale", "groups_enabled"), Some(1));
    assert_eq!(
        counter(&report, "whale", "hours_built"),
        Some(0),
        "no trades were collected: no whale hour can have been built"
    );

    // The row the model would see at midnight 1 Feb 2022, read back through the CLI. The
    // sentiment agent holds the news until the collector has stored the pair list (items
    // stored before would name no coin), so on a loaded machine the backlog may still be
    // on its way: asked again until its news is in (or 60 s).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let v: serde_json::Value = loop {
        let out = inst.cst(&[
            "features",
            "BTC/USDT",
            "--at",
            "2022-02-01T00:00:00Z",
            "--json",
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let names = v["names"].as_array().cloned().unwrap_or_default();
        let day = names.iter().position(|n| n == "sent_count_24h");
        let counted = day
            .and_then(|d| v["values"][d].as_f64())
            .is_some_and(|n| n > 0.0);
        if counted || std::time::Instant::now() > deadline {
            break v;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(v["outcome"], "row", "{v}");
    assert!(
        v["version"]
            .as_str()
            .unwrap()
            .starts_with("fs1-technical+sentiment+whale-"),
        "{v}"
    );
    let names: Vec<&str> = v["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let values = v["values"].as_array().unwrap();
    // Undefined by definition, not missing: the mean score of an hour without news, and the
    // LLM score where no LLM is configured.
    let undefined = ["sent_mean_1h", "sent_llm_decayed"];
    for (name, value) in names.iter().zip(values) {
        if WHALE_FEATURES.contains(name) {
            assert!(value.is_null(), "{name} must be missing, not {value}");
        } else if !undefined.contains(name) {
            assert!(value.is_number(), "{name} must be present: {value}");
        }
    }
    let day = names.iter().position(|n| *n == "sent_count_24h").unwrap();
    assert!(
        values[day].as_f64().unwrap() > 0.0,
        "BTC had news in the day before 1 Feb 2022: {v}"
    );
    let llm = names.iter().position(|n| *n == "sent_llm_decayed").unwrap();
    assert!(values[llm].is_null(), "no LLM configured: {v}");
    assert_eq!(v["absent"][0]["group"], "whale", "{v}");
    assert!(
        v["absent"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("trades"),
        "{v}"
    );

    // Each row is built once, by the technical agent, when the news has been read through
    // its hour; `cst features` shows that stored row (what the models were served), and its
    // news is in.
    let store = cst_store::Store::open(&inst.path().join("data/cst.db")).unwrap();
    let version = v["version"].as_str().unwrap();
    let t = store
        .latest_feature_row_t("replay", version, "BTC/USDT")
        .unwrap()
        .expect("a stored row of BTC/USDT");
    let out = inst.cst(&["features", "BTC/USDT", "--at", &t.to_string(), "--json"]);
    let stored: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stored["source"], "stored", "{stored}");
    assert!(stored["built_at"].as_i64().unwrap() >= t, "{stored}");
    assert!(
        stored["values"][day].as_f64().unwrap() > 0.0,
        "the row waited for the news of the day before it: {stored}"
    );
    assert_eq!(counter(&report, "technical", "built_late"), Some(0));

    // `cst status` names the FeatureSet this deployment runs.
    let out = inst.cst(&["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("fs1-technical+sentiment+whale-"), "{text}");
}
