//! `cst features`: one row read from the store with its FeatureSet version, or, when a
//! required group is missing, no row and the reason; works without a running supervisor.

use cst_tests::{cst_in, replay::import_recorded};

#[test]
fn cst_features_shows_one_row_with_its_version_or_says_why_there_is_none() {
    let home = tempfile::tempdir().unwrap();
    import_recorded(home.path(), "binance-2024", &["BTC-USDT"]);

    // A candle-only deployment: its FeatureSet is the technical group alone, and says so.
    std::fs::write(
        home.path().join("config.toml"),
        "[features]\ngroups = [\"technical\"]\nrequired = [\"technical\"]\n",
    )
    .unwrap();
    let at = ["--exchange", "binance", "--at", "2024-03-01T00:00:00Z"];
    let out = cst_in(
        home.path(),
        &[&["features", "BTC-USDT", "--json"][..], &at].concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "row");
    assert_eq!(v["t"], 1_709_251_200);
    assert!(
        v["feature_set"]
            .as_str()
            .unwrap()
            .starts_with("fs1-technical-")
    );
    assert_eq!(v["version"], v["feature_set"]);
    let names = v["names"].as_array().unwrap();
    let values = v["values"].as_array().unwrap();
    assert_eq!(names.len(), values.len());
    assert!(
        values.iter().all(|x| x.is_number()),
        "a full technical row: {values:?}"
    );
    assert_eq!(
        v["left_out"],
        serde_json::json!(["cross", "sentiment", "whale", "book"])
    );

    let out = cst_in(
        home.path(),
        &["features", "BTC/USDT", "--exchange", "binance"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("FeatureSet fs1-technical-") && text.contains("rsi14"),
        "{text}"
    );
    assert!(
        text.contains("left out in this deployment: cross, sentiment, whale, book"),
        "{text}"
    );

    let off = [
        &["features", "BTC-USDT", "--exchange", "binance", "--at"][..],
        &["2024-03-01T00:30:00Z"],
    ]
    .concat();
    let out = cst_in(home.path(), &off);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("hour boundary"));

    // The default deployment requires news, trades and books too: none were stored.
    std::fs::remove_file(home.path().join("config.toml")).unwrap();
    let out = cst_in(home.path(), &[&["features", "BTC-USDT"][..], &at].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("no feature row"), "{text}");
    assert!(
        text.contains("sentiment missing") && text.contains("whale missing"),
        "{text}"
    );
}
