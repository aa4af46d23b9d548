//! `cst backtest`'s engine over recorded Binance candles (BTC, ETH, SOL, 2021-06 .. 2022-10):
//! walk-forward without look-ahead, byte-identical reruns, a buy-and-hold that matches the
//! recording, and bad requests refused with the reason.

use cst_backtest::{Models, Spec, backtest};
use cst_config::{Config, Home};
use cst_store::Store;

const PAIRS: [&str; 3] = ["BTC-USDT", "ETH-USDT", "SOL-USDT"];
/// 2022-03-01 and 2022-04-01 00:00 UTC.
const MARCH: i64 = 1_646_092_800;
const APRIL: i64 = 1_648_771_200;
use cst_market::HOUR;

fn setup() -> (tempfile::TempDir, Store, Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[collector]\nexchange = \"binance\"\n\
         [features]\ngroups = [\"technical\"]\nrequired = [\"technical\"]\n\
         [ml]\nhorizons_h = [1]\ntrain_window_days = 120\nnum_iterations = 30\n",
    )
    .unwrap();
    let config = cst_config::load(&Home::new(dir.path()), None).unwrap();
    let mut store = Store::open(&dir.path().join("cst.db")).unwrap();
    let files: Vec<_> = PAIRS
        .iter()
        .map(|p| cst_testkit::shared(&format!("data/ohlcv-1h/binance-2021-2022/{p}.csv")))
        .collect();
    cst_import::import(&mut store, &files, cst_import::Format::Csv, "binance").unwrap();
    (dir, store, config)
}

fn blobs() -> cst_store::BlobStore {
    // Walk-forward models live in memory; the registry (and its blobs) is never touched.
    cst_store::BlobStore::new(std::env::temp_dir().join("cst-backtest-no-blobs"))
}

fn close_at(pair: &str, t: i64) -> f64 {
    let file = cst_testkit::shared(&format!("data/ohlcv-1h/binance-2021-2022/{pair}.csv"));
    let parsed = cst_import::parse::parse_file(&file, cst_import::Format::Csv).unwrap();
    parsed
        .candles
        .iter()
        .find(|c| c.open_time + HOUR == t)
        .unwrap()
        .close
}

#[test]
fn walk_forward_never_looks_ahead_and_reruns_give_identical_bytes() {
    let (_dir, store, config) = setup();
    let spec = Spec {
        from: MARCH,
        to: APRIL,
        pairs: None,
        models: Models::WalkForward { retrain_days: 15 },
    };
    let (report, timings) = backtest(&store, &blobs(), &config, &spec).unwrap();
    let (again, _) = backtest(&store, &blobs(), &config, &spec).unwrap();
    assert_eq!(
        report.to_json(),
        again.to_json(),
        "the same inputs, the same bytes"
    );

    // Retrain points on March 1, 16 and 31; each model's last training target ends by its
    // retrain point.
    let points: Vec<i64> = report.models.iter().map(|m| m.retrain_at).collect();
    assert_eq!(points, [MARCH, MARCH + 15 * 86_400, MARCH + 30 * 86_400]);
    for m in &report.models {
        let to = m
            .train_to
            .expect("three pairs, 120 days: every fit has rows");
        assert!(to + HOUR <= m.retrain_at, "{m:?} saw its own future");
    }
    // Every hour of March plus April 1 00:00, each pair predicted while a model serves.
    assert_eq!(report.hours, 31 * 24 + 1);
    assert_eq!(report.equity.len() as u64, report.hours);
    assert_eq!(report.rows, 3 * report.hours);
    assert!(
        report.models.iter().any(|m| m.status == "active"),
        "{:#?}",
        report.models
    );
    assert_eq!(report.predictions, report.hours_go * 3);
    assert!(timings.training_s > 0.0 && timings.backtest_s > 0.0);

    // Every prediction is scored in the field's terms or counted as why not. Three pairs
    // are too few to rank (SIGNAL.md: hours with fewer than 10 are skipped and counted):
    // the ranking figures are null, not numbers; the absolute ones are there, with the
    // base rate beside them.
    assert_eq!(report.signal.len(), 1);
    let s = &report.signal[0];
    assert_eq!(s.horizon_h, 1);
    assert_eq!(
        s.rows as u64 + report.signal_unresolved + report.signal_unpriced,
        report.predictions
    );
    assert!(s.rows > 1000, "{}", s.rows);
    assert_eq!((s.hours, s.rank_ic, s.top_decile_hit), (0, None, None));
    assert!(s.hours_skipped > 0);
    let (auc, base) = (s.auc.unwrap(), s.base_rate.unwrap());
    assert!(
        (0.3..0.7).contains(&auc) && (0.0..1.0).contains(&base),
        "{auc} {base}"
    );
    assert!(s.gated <= report.candidates);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert!(json["signal"][0]["rank_ic"].is_null());
    assert_eq!(
        json["signal"][0]["precision_at"].as_object().unwrap().len(),
        4
    );
    assert!(report.render().contains("signal, out of sample"));
    // Nothing is bought without candidates: the account ends where it started.
    if report.candidates == 0 {
        assert!(report.orders.is_empty());
        assert_eq!(
            report.performance.end_equity,
            config.portfolio.starting_cash_usd
        );
        assert!(report.render().contains("no prediction passed the gate"));
    }

    // Buy and hold: a third of the cash in each coin at March 1, less one 40 bps fee.
    let expected: f64 = PAIRS
        .iter()
        .map(|p| close_at(p, APRIL) / close_at(p, MARCH))
        .sum::<f64>()
        / 3.0
        * (1.0 - 0.004)
        - 1.0;
    let bh = &report.buy_and_hold;
    assert_eq!(bh.pairs, 3);
    assert!(
        (bh.performance.total_return - expected).abs() < 1e-12,
        "{} vs {expected}",
        bh.performance.total_return
    );
}

#[test]
fn a_bad_request_is_refused_with_what_to_do() {
    let (_dir, store, config) = setup();
    let bad = |spec: Spec| {
        backtest(&store, &blobs(), &config, &spec)
            .unwrap_err()
            .to_string()
    };
    let e = bad(Spec {
        from: MARCH,
        to: APRIL,
        pairs: Some(vec!["DOGE/USDT".into()]),
        models: Models::WalkForward { retrain_days: 30 },
    });
    assert!(
        e.contains("no hourly candles of DOGE/USDT on binance are stored"),
        "{e}"
    );
    let e = bad(Spec {
        from: APRIL,
        to: MARCH,
        pairs: None,
        models: Models::WalkForward { retrain_days: 30 },
    });
    assert!(e.contains("must run forward"), "{e}");
}
