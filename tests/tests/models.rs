//! `cst train`, `cst models`, `cst predict` on imported real candles, without a running
//! supervisor: training reports against baselines and the registry's decision; with no
//! active model there are no predictions, only the reason.

use cst_tests::{cst_in, replay::import_recorded};

#[test]
fn training_is_reported_and_registered_and_no_active_model_means_no_predictions() {
    let home = tempfile::tempdir().unwrap();
    import_recorded(home.path(), "binance-2024", &["BTC-USDT", "ETH-USDT"]);
    std::fs::write(
        home.path().join("config.toml"),
        "[collector]\nexchange = \"binance\"\n[features]\ngroups = [\"technical\"]\n\
         required = [\"technical\"]\n[ml]\nhorizons_h = [24]\ntrain_window_days = 120\n\
         num_iterations = 60\n",
    )
    .unwrap();

    // Before any training: nothing to predict with, and the reason.
    let out = cst_in(home.path(), &["predict"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("no active model") && text.contains("cst train"),
        "{text}"
    );
    let out = cst_in(home.path(), &["models"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no models"));

    let out = cst_in(home.path(), &["train", "--horizon", "5"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a configured horizon"));

    // A user-supplied model is refused with the reason: not ONNX, another horizon, a
    // cut-off that is no date (the library's tests cover accepting one).
    let garbage = home.path().join("model.onnx");
    std::fs::write(&garbage, b"\x00 not a protobuf").unwrap();
    let import = |horizon: &str, until: &str| {
        let args = [
            "models",
            "import",
            "--horizon",
            horizon,
            "--trained-until",
            until,
        ];
        let mut args: Vec<&str> = args.to_vec();
        args.push(garbage.to_str().unwrap());
        let out = cst_in(home.path(), &args);
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = import("24", "2024-03-01");
    assert!(e.contains("model.onnx is not an ONNX model"), "{e}");
    assert!(import("5", "2024-03-01").contains("not a configured horizon"));
    assert!(import("24", "last spring").contains("--trained-until"));

    let out = cst_in(home.path(), &["train", "--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &v["runs"][0];
    // The run's evaluation in the field's terms, one object per horizon trained.
    assert_eq!(v["signal"][0]["horizon_h"], 24, "{v}");
    assert_eq!(
        v["signal"][0]["rows"].as_u64(),
        run["report"]["rows_evaluation"].as_u64()
    );
    assert_eq!(run["horizon_h"], 24);
    let report = &run["report"];
    assert!(
        report["rows_evaluation"].as_u64().unwrap() > 100,
        "{report}"
    );
    assert_eq!(report["auc"]["baseline"], 0.5);
    let status = run["status"].as_str().unwrap();
    // The registry's decision follows the report: eligible only when nothing was lost.
    if report["beats_baselines"] == true {
        assert_eq!(status, "active", "{run}");
    } else {
        assert_eq!(status, "rejected", "{run}");
        assert!(
            run["reason"]
                .as_str()
                .unwrap()
                .contains("loses to its baselines")
        );
    }

    // The run's report is on disk for people too, as JSON and as a table.
    let file = std::path::PathBuf::from(run["report_file"].as_str().unwrap());
    assert!(
        file.starts_with(home.path().join("reports/models")),
        "{}",
        file.display()
    );
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["model_id"], run["model_id"]);
    assert_eq!(stored["report"], run["report"]);
    let table = std::fs::read_to_string(file.with_extension("txt")).unwrap();
    assert!(
        table.contains("pinball q50") && table.contains(status),
        "{table}"
    );

    let out = cst_in(home.path(), &["models", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[0]["id"], run["model_id"]);
    assert_eq!(listed[0]["status"], status);

    if status == "rejected" {
        let out = cst_in(home.path(), &["predict", "--json"]);
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["predictions"], serde_json::json!([]));
        let out = cst_in(home.path(), &["models", "rollback", "24"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("no active model"));
    } else {
        let out = cst_in(home.path(), &["predict", "--json", "--pair", "BTC/USDT"]);
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let p = &v["pairs"][0]["predictions"][0];
        assert_eq!(p["model_id"], run["model_id"]);
        assert!(p["lo"].as_f64().unwrap() <= p["hi"].as_f64().unwrap());
    }
}
