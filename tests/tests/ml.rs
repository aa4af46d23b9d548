//! The ml agent inside a running service on replayed Feb 2022 candles: without an active
//! model it predicts nothing and says why; with one in the registry it stores a prediction
//! per new feature row; a newly activated model is served from the next row on, without a
//! restart.

use std::time::Duration;

use cst_config::{Config, Home};
use cst_features::BuildContext;
use cst_import::{Format, parse::parse_file};
use cst_market::Timeframe;
use cst_models::registry::register;
use cst_store::{BlobStore, CandleKey, Store};
use cst_tests::{
    Instance, counter,
    replay::{ReplayExchange, shared},
};
use cst_train::{
    dataset::{DatasetSpec, barrier_labels, build},
    fit::{FitConfig, Fitted, fit_horizon},
};

const TECHNICAL_ONLY: &str = "[features]\ngroups = [\"technical\"]\nrequired = [\"technical\"]\n";

fn service() -> (ReplayExchange, Instance) {
    let exchange = ReplayExchange::start(
        "binance-2021-2022",
        &["BTC-USDT", "ETH-USDT"],
        "2022-02-01",
        3600,
    );
    let inst = Instance::start(&format!("{}{TECHNICAL_ONLY}", exchange.collector_config()));
    (exchange, inst)
}

/// A 24 h model trained on real 2024 candles (technical FeatureSet), its report marked
/// eligible with the given Brier skill: this test is about serving, not about skill.
fn model(brier_ratio: f64) -> Fitted {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("cst.db")).unwrap();
    for (file, pair) in [("BTC-USDT", "BTC/USDT"), ("ETH-USDT", "ETH/USDT")] {
        let candles = parse_file(
            &shared(&format!("ohlcv-1h/binance-2024/{file}.csv")),
            Format::Csv,
        )
        .unwrap()
        .candles;
        store
            .insert_candles(
                &CandleKey::new("binance", pair, Timeframe::H1),
                &candles,
                "test",
            )
            .unwrap();
    }
    let config: Config = cst_config::load(&Home::new(dir.path()), None).unwrap();
    let ctx = BuildContext::candles_only(&config, "binance").unwrap();
    let ds = build(
        &store,
        &ctx,
        &["BTC/USDT".into(), "ETH/USDT".into()],
        &DatasetSpec {
            horizon_h: 24,
            from: 1_706_745_600,
            to: 1_717_200_000,
            round_trip_cost: 0.0052,
        },
    )
    .unwrap();
    let mut cfg = FitConfig::default();
    cfg.params.num_iterations = 40;
    let hits = |b: f64| barrier_labels(&store, "binance", &ds, b);
    let mut fitted = fit_horizon(&ds, &cfg, 1_726_000_000, &hits).unwrap();
    let r = &mut fitted.report;
    r.brier.model = r.brier.baseline * brier_ratio;
    r.pinball_q50.model = r.pinball_q50.baseline * 0.99;
    r.lost.clear();
    r.beats_baselines = true;
    fitted
}

#[test]
fn without_an_active_model_the_ml_agent_predicts_nothing_and_says_why() {
    let (_exchange, inst) = service();
    let report = inst.wait_for(
        "technical rows reach the ml agent",
        Duration::from_secs(60),
        |r| counter(r, "ml", "skipped_no_model").is_some_and(|n| n >= 2),
    );
    assert_eq!(counter(&report, "ml", "models_loaded"), Some(0));
    assert_eq!(counter(&report, "ml", "horizons_without_model"), Some(4));
    assert_eq!(counter(&report, "ml", "predictions"), Some(0));
    let out = inst.cst(&["run-now", "ml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no active model: no predictions") && text.contains("cst train"),
        "{text}"
    );
    let store = Store::open(&inst.path().join("data/cst.db")).unwrap();
    assert!(
        store
            .predictions_between("BTC/USDT", 0, i64::MAX)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_active_model_is_served_on_every_new_row_and_a_new_one_without_a_restart() {
    let first = model(0.98);
    let better = model(0.97);
    let (_exchange, inst) = service();
    let db = inst.path().join("data/cst.db");
    let blobs = BlobStore::new(inst.path().join("data/blobs"));
    let a = {
        let mut store = Store::open(&db).unwrap();
        register(&mut store, &blobs, &first, 1_700_000_000).unwrap()
    };
    assert_eq!(a.status, cst_store::ModelStatus::Active, "{}", a.reason);
    let report = inst.wait_for("predictions stored", Duration::from_secs(60), |r| {
        counter(r, "ml", "predictions").is_some_and(|n| n >= 2)
    });
    assert_eq!(counter(&report, "ml", "models_loaded"), Some(1));
    assert_eq!(counter(&report, "ml", "horizons_without_model"), Some(3));
    assert_eq!(counter(&report, "ml", "errors"), Some(0));
    let store = Store::open(&db).unwrap();
    let made = store.predictions_between("BTC/USDT", 0, i64::MAX).unwrap();
    assert!(!made.is_empty());
    for p in &made {
        assert_eq!(p.model_id, a.id);
        assert_eq!(p.horizon_h, 24);
        assert!((0.0..=1.0).contains(&p.p_up) && p.lo <= p.hi, "{p:?}");
        assert!(p.t % 3600 == 0 && p.t > 1_643_673_600 - 30 * 86_400);
    }

    // Each prediction was made from the row the technical agent stored for its hour, and
    // that row is, bit for bit, the batch builder's (the one training and backtests use).
    let config: Config = cst_config::load(&Home::new(inst.path()), None).unwrap();
    let ctx = BuildContext::candles_only(&config, "replay").unwrap();
    for p in made.iter().take(6) {
        let stored = cst_features::stored::read(&store, &ctx, &p.pair, p.t)
            .unwrap()
            .expect("a stored row for every predicted hour");
        let batch = cst_features::FeatureBuilder::new(&store, &ctx)
            .row(&p.pair, p.t)
            .unwrap();
        let bits = |b: &cst_features::Built| {
            b.row()
                .map(|r| r.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
        };
        assert!(
            bits(&stored).is_some() && bits(&stored) == bits(&batch),
            "{}",
            p.t
        );
    }

    // `cst train` activating a better model (here: the registry directly) is picked up.
    let b = {
        let mut store = Store::open(&db).unwrap();
        register(&mut store, &blobs, &better, 1_700_000_100).unwrap()
    };
    assert_eq!(b.status, cst_store::ModelStatus::Active, "{}", b.reason);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let made = store.predictions_between("BTC/USDT", 0, i64::MAX).unwrap();
        if made.iter().any(|p| p.model_id == b.id) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new model was never served"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = inst.cst(&["run-now", "ml"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&b.id));
}

#[test]
fn a_stopped_ml_agent_predicts_every_hour_it_missed_when_it_starts_again() {
    let (_exchange, inst) = service();
    let db = inst.path().join("data/cst.db");
    let blobs = BlobStore::new(inst.path().join("data/blobs"));
    {
        let mut store = Store::open(&db).unwrap();
        let m = register(&mut store, &blobs, &model(0.98), 1_700_000_000).unwrap();
        assert_eq!(m.status, cst_store::ModelStatus::Active, "{}", m.reason);
    }
    inst.wait_for("predictions stored", Duration::from_secs(60), |r| {
        counter(r, "ml", "predictions").is_some_and(|n| n >= 2)
    });
    // Stopped for 2.5 s of a replay at an hour a second: the events of those hours are gone.
    assert!(inst.cst(&["stop", "ml"]).status.success());
    let store = Store::open(&db).unwrap();
    let stopped_at = store.latest_prediction_t("BTC/USDT").unwrap().unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    // The replay exchange's candles are stored under the exchange name "replay".
    let key = CandleKey::new("replay", "BTC/USDT", Timeframe::H1);
    let missed = store.latest_open_time(&key).unwrap().unwrap() + 3600 - stopped_at;
    assert!(missed >= 2 * 3600, "only {missed} s went by while stopped");
    assert!(inst.cst(&["restart", "ml"]).status.success());
    let report = inst.wait_for(
        "the ml agent caught up and serves new hours",
        Duration::from_secs(60),
        |_| {
            store
                .latest_prediction_t("BTC/USDT")
                .unwrap()
                .is_some_and(|t| t >= stopped_at + missed + 2 * 3600)
        },
    );
    assert!(counter(&report, "ml", "hours_caught_up").is_some_and(|n| n >= 2));
    // Every hour with a closed candle from before the stop to now has its prediction.
    let now = store.latest_prediction_t("BTC/USDT").unwrap().unwrap();
    let predicted: std::collections::BTreeSet<i64> = store
        .predictions_between("BTC/USDT", stopped_at, now)
        .unwrap()
        .into_iter()
        .map(|p| p.t)
        .collect();
    for c in store
        .candles_between(&key, stopped_at - 3600, now - 3600 + 1)
        .unwrap()
    {
        assert!(
            predicted.contains(&(c.open_time + 3600)),
            "hour {} has a candle but no prediction (stopped after {stopped_at})",
            c.open_time + 3600
        );
    }
}

#[test]
fn a_stopped_technical_agent_builds_every_hour_it_missed_when_it_starts_again() {
    let (_exchange, inst) = service();
    let db = inst.path().join("data/cst.db");
    inst.wait_for("feature rows stored", Duration::from_secs(60), |r| {
        counter(r, "technical", "rows").is_some_and(|n| n >= 2)
    });
    let config: Config = cst_config::load(&Home::new(inst.path()), None).unwrap();
    let version = BuildContext::candles_only(&config, "replay")
        .unwrap()
        .set
        .version()
        .to_string();
    assert!(inst.cst(&["stop", "technical"]).status.success());
    let store = Store::open(&db).unwrap();
    let newest = |store: &Store| {
        store
            .latest_feature_row_t("replay", &version, "BTC/USDT")
            .unwrap()
    };
    let stopped_at = newest(&store).expect("rows stored before the stop");
    // 2.5 s of a replay at an hour a second: the candles of those hours are announced to
    // nobody.
    std::thread::sleep(Duration::from_millis(2500));
    let key = CandleKey::new("replay", "BTC/USDT", Timeframe::H1);
    let missed = store.latest_open_time(&key).unwrap().unwrap() + 3600 - stopped_at;
    assert!(missed >= 2 * 3600, "only {missed} s went by while stopped");
    assert!(inst.cst(&["restart", "technical"]).status.success());
    inst.wait_for(
        "the technical agent caught up",
        Duration::from_secs(60),
        |_| newest(&store).is_some_and(|t| t >= stopped_at + missed + 2 * 3600),
    );
    let now = newest(&store).unwrap();
    let built: std::collections::BTreeSet<i64> = store
        .feature_rows_between("replay", &version, "BTC/USDT", stopped_at, now)
        .unwrap()
        .into_iter()
        .map(|r| r.t)
        .collect();
    for c in store
        .candles_between(&key, stopped_at - 3600, now - 3600 + 1)
        .unwrap()
    {
        assert!(
            built.contains(&(c.open_time + 3600)),
            "hour {} has a candle but no stored row (stopped after {stopped_at})",
            c.open_time + 3600
        );
    }
}

/// BTC and ETH replayed from 2022-02-01 at 10 hours per second, technical features only,
/// two folds and `ml` (more `[ml]` settings): a midnight of the data, and so a scheduled
/// training run, every 2.4 s.
fn fast_midnights(ml: &str) -> (ReplayExchange, Instance) {
    let exchange = ReplayExchange::start(
        "binance-2021-2022",
        &["BTC-USDT", "ETH-USDT"],
        "2022-02-01",
        36_000,
    );
    let config = format!(
        "{}{TECHNICAL_ONLY}[ml]\nfolds = 2\n{ml}\n",
        exchange.collector_config()
    );
    (exchange, Instance::start(&config))
}

#[test]
fn crossing_midnight_of_the_data_clock_retrains_every_horizon_without_stopping_inference() {
    // The collector's 720 h of history is enough for the 1 h and 24 h horizons with two
    // folds; the 168 h and 720 h ones must fail with a reason, not pretend.
    let (_exchange, inst) = fast_midnights("num_iterations = 30\nmin_data_in_leaf = 50");
    let report = inst.wait_for(
        "a scheduled training run reported on every horizon",
        Duration::from_secs(120),
        |r| {
            counter(r, "ml", "trainings_started").is_some_and(|n| n >= 1)
                && counter(r, "ml", "horizons_trained").unwrap_or(0)
                    + counter(r, "ml", "horizons_failed").unwrap_or(0)
                    >= 4
        },
    );
    assert!(
        counter(&report, "ml", "horizons_trained").unwrap() >= 1,
        "{report:#?}"
    );
    assert!(
        counter(&report, "ml", "horizons_failed").unwrap() >= 1,
        "{report:#?}"
    );
    assert_eq!(counter(&report, "ml", "errors"), Some(0));
    // Each trained horizon left its report; the registry holds its model and decision.
    let store = Store::open(&inst.path().join("data/cst.db")).unwrap();
    let models = store.models(None).unwrap();
    assert!(!models.is_empty());
    for m in &models {
        assert!(
            inst.path()
                .join(format!("reports/models/{}.json", m.id))
                .exists(),
            "{}",
            m.id
        );
    }
    let log = std::fs::read_to_string(inst.path().join("logs/ml/ml.log")).unwrap_or_default();
    assert!(
        log.contains("scheduled training failed") && log.contains("fewer folds or more history"),
        "the failed horizons say why:\n{log}"
    );
}

/// The ml agent's training process (`cst-ml train-run`), once one runs: (agent pid, its pid).
fn training_process(inst: &Instance, within: Duration) -> (u32, u32) {
    let deadline = std::time::Instant::now() + within;
    loop {
        let report = inst.wait_for("the ml agent up", Duration::from_secs(60), |r| {
            cst_tests::agent(r, "ml").pid.is_some()
        });
        let ml = cst_tests::agent(&report, "ml").pid.unwrap();
        // Once exec'd: between fork and exec the child still shows the agent's command line.
        let run = cst_tests::descendants(ml).into_iter().find(|p| {
            let cmdline = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).contains("train-run")
        });
        if let Some(run) = run {
            return (ml, run);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no training process started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_training_run_is_its_own_process_whose_death_costs_the_run_and_dies_with_its_agent() {
    // Long enough runs (2000 iterations) to be caught and killed mid-run.
    let (_exchange, inst) = fast_midnights("num_iterations = 2000\nmin_data_in_leaf = 5");

    // The run is `cst-ml-train train-run`, the training binary beside the agent's (the
    // serving agent links no LightGBM), a child of the agent.
    let (ml, run) = training_process(&inst, Duration::from_secs(120));
    let exe = std::fs::read_link(format!("/proc/{run}/exe")).unwrap();
    let agent_exe = std::fs::read_link(format!("/proc/{ml}/exe")).unwrap();
    assert_eq!(exe, agent_exe.with_file_name("cst-ml-train"));
    // Killed as the OOM killer would: the run is lost and counted, the agent serves on.
    cst_tests::sigkill(run);
    let report = inst.wait_for(
        "the killed training run counted",
        Duration::from_secs(60),
        |r| counter(r, "ml", "training_crashes").is_some_and(|n| n >= 1),
    );
    let agent = cst_tests::agent(&report, "ml");
    assert_eq!(
        (agent.pid, agent.restarts),
        (Some(ml), 0),
        "the agent itself lived on"
    );
    assert!(
        counter(&report, "ml", "horizons_failed").unwrap_or(0) >= 1,
        "{report:#?}"
    );
    let log = std::fs::read_to_string(inst.path().join("logs/ml/ml.log")).unwrap_or_default();
    assert!(
        log.contains("was killed (SIGKILL"),
        "the log says what happened to the run:\n{log}"
    );

    // The agent killed mid-run: its run dies with it, and no zombie is left behind
    // (the supervisor adopts and reaps it; PID 1 here does not reap).
    let (ml, run) = training_process(&inst, Duration::from_secs(120));
    cst_tests::sigkill(ml);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{run}")).exists() {
        let state = std::fs::read_to_string(format!("/proc/{run}/stat")).unwrap_or_default();
        assert!(
            std::time::Instant::now() < deadline,
            "the training process of a killed agent is still there: {state}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    inst.wait_for("the ml agent back", Duration::from_secs(60), |r| {
        cst_tests::is_ready(r, "ml") && cst_tests::agent(r, "ml").pid != Some(ml)
    });
}
