//! The drift checks on real data (Binance 2024, technical features): served rows from the
//! training period read as stable, rows from another regime read as drifted, and the
//! calibration check resolves stored predictions against the real candles with the
//! training label's rule.

#![allow(clippy::print_stdout)] // the test prints the PSI figures

use cst_features::HOUR;
use cst_models::drift::{
    Thresholds, calibration_drift, feature_drift, references, resolve, verdict,
};
use cst_store::{Store, StoredPrediction};
use cst_train::dataset::{Dataset, DatasetSpec, build};

mod helper;

const PAIRS: [(&str, &str); 3] = [
    ("BTC-USDT", "BTC/USDT"),
    ("ETH-USDT", "ETH/USDT"),
    ("SOL-USDT", "SOL/USDT"),
];
use cst_market::DAY;
const JAN: i64 = 1_704_067_200; // 2024-01-01
const MAR: i64 = 1_709_251_200; // 2024-03-01
const AUG: i64 = 1_722_470_400; // 2024-08-01

fn rows(store: &Store, ctx: &cst_features::BuildContext, from: i64, to: i64) -> Dataset {
    let pairs: Vec<String> = PAIRS.iter().map(|(_, p)| p.to_string()).collect();
    let spec = DatasetSpec {
        horizon_h: 1,
        from,
        to,
        round_trip_cost: 0.0052,
    };
    build(store, ctx, &pairs, &spec).unwrap()
}

/// Every `k`-th row of `ds`, row-major.
fn every(ds: &Dataset, k: usize, offset: usize) -> Vec<f64> {
    (offset..ds.len())
        .step_by(k)
        .flat_map(|i| ds.row(i).to_vec())
        .collect()
}

#[test]
fn served_rows_from_the_training_regime_are_stable_and_another_regime_drifts() {
    let dir = tempfile::tempdir().unwrap();
    let (store, ctx) = helper::store_2024(dir.path(), &PAIRS);
    // Trained on January–February (every other row), served the rows left out, and
    // served August (after the 5 August crash).
    let train = rows(&store, &ctx, JAN + 10 * DAY, MAR);
    let refs = references(&train.names, &train.x).unwrap();
    assert_eq!(refs.len(), train.n_features());
    assert!(
        refs.iter().all(|r| r.psi.is_some()),
        "all technical features are defined"
    );
    let same = feature_drift(&refs, &every(&train, 7, 3)).unwrap().unwrap();
    let later = rows(&store, &ctx, AUG, AUG + 14 * DAY);
    let moved = feature_drift(&refs, &every(&later, 1, 0)).unwrap().unwrap();
    println!("same regime: {same:?}\nAugust: {moved:?}");
    assert!(same.median_psi < 0.05, "{same:?}");
    assert!(moved.median_psi > 2.0 * same.median_psi, "{moved:?}");
    // The trigger: the median against the default bar (0.25, "significant").
    let bar = |psi| Thresholds { psi, ece: 0.05 };
    assert_eq!(verdict(Some(&same), None, bar(0.25)), None);
    let why = verdict(Some(&moved), None, bar(0.25)).unwrap();
    assert!(why.contains("feature drift: median PSI"), "{why}");
    assert!(why.contains(&moved.worst), "{why}");
    // Too few defined values: nothing to say, never a made-up figure.
    assert!(
        feature_drift(&refs, &every(&later, 1, 0)[..refs.len() * 50])
            .unwrap()
            .is_none()
    );
    // A row of the wrong width is refused.
    assert!(feature_drift(&refs, &[0.0; 5]).is_err());
}

fn prediction(pair: &str, t: i64, horizon_h: u32, p_up: f64) -> StoredPrediction {
    StoredPrediction {
        pair: pair.to_string(),
        t,
        horizon_h,
        model_id: "m".into(),
        feature_set: "fs".into(),
        p_up,
        pred: 0.0,
        lo: -0.01,
        hi: 0.01,
        conf: p_up.max(1.0 - p_up),
        quality_prob: 0.5,
        score: None,
        p_beat: None,
    }
}

#[test]
fn predictions_are_resolved_with_the_training_label_and_overconfidence_is_calibration_drift() {
    let dir = tempfile::tempdir().unwrap();
    let (store, ctx) = helper::store_2024(dir.path(), &PAIRS[..1]);
    // The same rows, labelled by the dataset builder.
    let ds = rows(&store, &ctx, AUG, AUG + 20 * DAY);
    let preds: Vec<StoredPrediction> = ds
        .samples
        .iter()
        .map(|s| prediction("BTC/USDT", s.t, 1, 0.9))
        .collect();
    let (p_up, up) = resolve(&store, "binance", &preds, 0.0052).unwrap();
    assert_eq!(p_up.len(), ds.len());
    let labels: Vec<bool> = ds.samples.iter().map(|s| s.label == 1).collect();
    assert_eq!(up, labels, "the training label's rule");
    // Saying 0.9 when a 1 h move pays the costs a few percent of the time is drift.
    let rate = up.iter().filter(|&&u| u).count() as f64 / up.len() as f64;
    let c = calibration_drift(&p_up, &up, 0.02, 200).unwrap().unwrap();
    assert!((c.ece - (0.9 - rate)).abs() < 1e-9, "{c:?} rate {rate}");
    let why = verdict(
        None,
        Some(&c),
        Thresholds {
            psi: 0.25,
            ece: 0.05,
        },
    )
    .unwrap();
    assert!(why.contains("calibration drift"), "{why}");
    // Saying the base rate is calibrated.
    let honest = vec![rate; up.len()];
    let c = calibration_drift(&honest, &up, 0.02, 200).unwrap().unwrap();
    assert!(c.ece < 1e-9);
    assert_eq!(
        verdict(
            None,
            Some(&c),
            Thresholds {
                psi: 0.25,
                ece: 0.05
            }
        ),
        None
    );
    // Too few resolved: no figure.
    assert!(
        calibration_drift(&p_up[..50], &up[..50], 0.02, 200)
            .unwrap()
            .is_none()
    );
    // An outcome not stored yet (past the last candle) or for an unknown pair: not resolved.
    let end = ds.samples.last().unwrap().t + 400 * DAY;
    let open = [
        prediction("BTC/USDT", end, 1, 0.9),
        prediction("DOGE/USDT", AUG + HOUR * 5, 1, 0.9),
    ];
    assert_eq!(
        resolve(&store, "binance", &open, 0.0052).unwrap().0.len(),
        0
    );
}
