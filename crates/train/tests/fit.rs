//! One horizon trained end to end on real candles (Binance 2024, three pairs, technical
//! features): the evaluation report scores rows nothing was fitted on, beside naive
//! baselines; the stored bundle served through ONNX Runtime gives what training computed;
//! a model without skill is not eligible; a bundle for another FeatureSet is refused.

#![allow(clippy::print_stdout)] // the tests print the evaluation report

use cst_features::BuildContext;
use cst_models::{
    MlError,
    bundle::ModelBundle,
    combine::{ModelBundleParts, combine},
    predict::Predictor,
    runtime,
};
use cst_store::Store;
use cst_train::{
    Objective,
    dataset::{Dataset, DatasetSpec, barrier_labels, build},
    fit::{FitConfig, fit_horizon},
    train,
};

mod helper;

const H: i64 = 3600;
const FROM: i64 = 1_706_745_600; // 2024-02-01
const TO: i64 = 1_722_470_400; // 2024-08-01
const NOW: i64 = 1_726_000_000;
const PAIRS: [(&str, &str); 3] = [
    ("BTC-USDT", "BTC/USDT"),
    ("ETH-USDT", "ETH/USDT"),
    ("SOL-USDT", "SOL/USDT"),
];

fn setup() -> (tempfile::TempDir, Store, BuildContext) {
    let path = runtime::dylib_path(None).expect("ORT_DYLIB_PATH (set by .cargo/config.toml)");
    runtime::init(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, ctx) = helper::store_2024(dir.path(), &PAIRS);
    (dir, store, ctx)
}

fn dataset(store: &Store, ctx: &BuildContext) -> Dataset {
    let pairs: Vec<String> = PAIRS.iter().map(|(_, p)| p.to_string()).collect();
    build(
        store,
        ctx,
        &pairs,
        &DatasetSpec {
            horizon_h: 24,
            from: FROM,
            to: TO,
            round_trip_cost: 0.0052,
        },
    )
    .unwrap()
}

fn config() -> FitConfig {
    let mut c = FitConfig::default();
    c.params.num_iterations = 100;
    c
}

#[test]
fn a_trained_horizon_is_evaluated_out_of_sample_and_served_as_trained() {
    let (_dir, store, ctx) = setup();
    let ds = dataset(&store, &ctx);
    let hits = |b: f64| barrier_labels(&store, "binance", &ds, b);
    let fitted = fit_horizon(&ds, &config(), NOW, &hits).unwrap();
    let r = &fitted.report;
    println!("{}", r.render());

    // Evaluation rows are the last fold, after every calibration row, and scored against
    // the naive baselines on the same rows.
    assert_eq!(r.rows_total, ds.len());
    assert!(r.rows_evaluation > 1000 && r.rows_calibration > r.rows_evaluation);
    assert!(r.eval_from > FROM + 90 * 24 * H, "{}", r.eval_from);
    assert_eq!(r.auc.baseline, 0.5);
    assert!(r.pinball_q50.baseline > 0.0 && r.mae.baseline > 0.0);
    // The conformal interval aims at 80% on unseen rows.
    assert!(
        (0.65..=0.95).contains(&r.interval.share),
        "coverage {}",
        r.interval.share
    );
    assert_eq!(r.beats_baselines, r.lost.is_empty());
    assert_eq!(
        r.reliability.bins.iter().map(|b| b.count).sum::<usize>(),
        r.rows_evaluation
    );
    assert!(r.gated_up <= r.gated);
    // The evaluation rows' base rate, beside the hit rate of the rows above the gate's floor.
    let base = r.base_rate().unwrap();
    assert!((0.0..=1.0).contains(&base), "{base}");
    if r.gated > 0 {
        assert!(r.render().contains("base rate of the evaluation rows"));
    }
    // The same rows in the field's terms: every evaluation row, the rows before them as
    // the training base rate of E (not of the model's own label), gated as above.
    let s = r.signal.as_ref().expect("a signal object");
    assert_eq!((s.horizon_h, s.rows), (r.horizon_h, r.rows_evaluation));
    assert_eq!(s.gated as usize, r.gated);
    let expected: Vec<bool> = ds
        .samples
        .iter()
        .filter(|x| x.t < r.eval_from)
        .map(|x| x.target.exp_m1() > ds.round_trip_cost)
        .collect();
    let rate = expected.iter().filter(|&&x| x).count() as f64 / expected.len() as f64;
    assert_eq!(s.train_base_rate, Some(rate));
    assert!(s.auc.is_some() && s.brier_base.is_some());

    // Stored and read back bit-identical, then served through ONNX Runtime: the same
    // numbers training's own models and formulas give.
    let bytes = fitted.bundle.encode().unwrap();
    let bundle = ModelBundle::decode(&bytes).unwrap();
    assert_eq!(bundle, fitted.bundle);
    let mut predictor = Predictor::load(bundle.clone(), "m-test", &ds.version).unwrap();
    let idx: Vec<usize> = (0..ds.len()).step_by(97).collect();
    let rows = ds.rows_of(&idx);
    let served = predictor.predict(&rows).unwrap();
    let n = ds.n_features();
    let x = ds.rows_of(&(0..ds.len()).collect::<Vec<_>>());
    let labels: Vec<f32> = ds.samples.iter().map(|s| f32::from(s.label)).collect();
    let y: Vec<f32> = ds.samples.iter().map(|s| s.target as f32).collect();
    let p = config().params;
    let clf = train(&x, &labels, n, Objective::Binary, &p)
        .unwrap()
        .predict(&rows)
        .unwrap();
    let q: Vec<Vec<f64>> = [0.1, 0.5, 0.9]
        .iter()
        .map(|&a| {
            train(&x, &y, n, Objective::Quantile(a), &p)
                .unwrap()
                .predict(&rows)
                .unwrap()
        })
        .collect();
    // The ranking model: LightGBM's squared-error regressor on the rows with a ranking
    // target, served through ONNX Runtime with the same scores.
    let ranked: Vec<usize> = (0..ds.len())
        .filter(|&i| ds.samples[i].rank_target.is_finite())
        .collect();
    assert!(ranked.len() > ds.len() / 2, "{} ranked rows", ranked.len());
    let z: Vec<f32> = ranked
        .iter()
        .map(|&i| ds.samples[i].rank_target as f32)
        .collect();
    let rank = train(&ds.rows_of(&ranked), &z, n, Objective::Regression, &p)
        .unwrap()
        .predict(&rows)
        .unwrap();
    let parts = ModelBundleParts::from(&bundle);
    for (i, s) in served.iter().enumerate() {
        let score = s.score.expect("three pairs an hour: a ranking model");
        assert!(
            (score - rank[i]).abs() <= 1e-9,
            "row {i}: {score} vs {}",
            rank[i]
        );
        let relative = bundle.relative.as_ref().unwrap();
        assert_eq!(s.p_beat, Some(relative.predict(score).unwrap()));
        assert!((0.0..=1.0).contains(&s.p_beat.unwrap()));
        let c = combine(&parts, clf[i], q[0][i], q[1][i], q[2][i]).unwrap();
        assert!(
            (s.p_up - c.p_up).abs() <= 1e-9,
            "row {i}: {} vs {}",
            s.p_up,
            c.p_up
        );
        assert!((s.lo - c.lo).abs() <= 1e-9 && (s.hi - c.hi).abs() <= 1e-9);
        assert!((s.pred - q[1][i]).abs() <= 1e-9);
        assert!(
            s.lo <= s.pred && s.pred <= s.hi,
            "interval holds the median"
        );
        assert!((0.0..=1.0).contains(&s.p_up) && (0.5..=1.0).contains(&s.conf));
        assert!((0.0..=1.0).contains(&s.quality_prob));
        assert_eq!(s.feature_set, ds.version);
    }

    let err = Predictor::load(bundle, "m-test", "fs1-technical+sentiment-00000000").unwrap_err();
    assert!(err.to_string().contains("retrain"), "{err}");
    let err = ModelBundle::decode(&bytes[..bytes.len() / 2]).unwrap_err();
    assert!(matches!(err, MlError::Bundle(_)), "{err}");
}

#[test]
fn a_model_without_information_is_not_eligible_for_activation() {
    let (_dir, store, ctx) = setup();
    let mut ds = dataset(&store, &ctx);
    // The same real targets, but features that carry nothing: one constant value.
    for v in &mut ds.x {
        *v = 1.0;
    }
    let hits = |b: f64| barrier_labels(&store, "binance", &ds, b);
    let fitted = fit_horizon(&ds, &config(), NOW, &hits).unwrap();
    println!("{}", fitted.report.render());
    assert!(!fitted.report.beats_baselines);
    // Neither use earned: constant features rank nothing and predict the base rate at best.
    let lost = &fitted.report.lost;
    assert!(
        lost.iter().any(|l| l.starts_with("ranking:"))
            && lost.iter().any(|l| l.starts_with("absolute:")),
        "{lost:?}"
    );
    assert!(!fitted.report.uses.any());
    assert!(fitted.report.render().contains("NOT activated"));
}

#[test]
fn the_registry_activates_per_use_compares_on_the_same_rows_and_rolls_back() {
    use cst_models::{
        registry::{load_active, register},
        report::Uses,
    };
    use cst_store::{BlobStore, ModelStatus};

    let (dir, mut store, ctx) = setup();
    let blobs = BlobStore::new(dir.path().join("blobs"));
    let ds = dataset(&store, &ctx);
    let hits = |b: f64| barrier_labels(&store, "binance", &ds, b);
    let real = fit_horizon(&ds, &config(), NOW, &hits).unwrap();

    // The champion is scored on the challenger's evaluation rows only if it never saw them:
    // a model of the same window saw them; one trained on the window's first two months
    // did not, and its figures on those rows are the challenger's comparison.
    let mut same = real.clone();
    let mut itself = Predictor::load(real.bundle.clone(), "m-same", &ds.version).unwrap();
    cst_train::fit::score_champion(&ds, &mut same, &mut itself).unwrap();
    assert!(same.report.champion.is_none(), "it trained on those rows");
    let early = build(
        &store,
        &ctx,
        &PAIRS.iter().map(|(_, p)| p.to_string()).collect::<Vec<_>>(),
        &DatasetSpec {
            horizon_h: 24,
            from: FROM,
            to: FROM + 60 * 24 * H,
            round_trip_cost: 0.0052,
        },
    )
    .unwrap();
    let hits_early = |b: f64| barrier_labels(&store, "binance", &early, b);
    let old = fit_horizon(&early, &config(), NOW, &hits_early).unwrap();
    let mut old_model = Predictor::load(old.bundle.clone(), "m-old", &ds.version).unwrap();
    let mut scored = real.clone();
    cst_train::fit::score_champion(&ds, &mut scored, &mut old_model).unwrap();
    let c = scored
        .report
        .champion
        .as_ref()
        .expect("scored on the same rows");
    assert_eq!(c.rows, real.report.rows_evaluation);
    assert_eq!(
        c.train_base_rate,
        real.report.signal.as_ref().unwrap().train_base_rate
    );

    // Reports of chosen evidence drive the rule: (rank IC, its t, Brier skill) on the
    // model's own rows, and optionally the champion's rank IC on the same rows.
    let with = |ic: f64, t: f64, skill: f64, champion_ic: Option<f64>| {
        let mut report = real.report.clone();
        let s = report.signal.as_mut().unwrap();
        s.rank_ic = Some(ic);
        s.rank_ic_t = Some(t);
        s.brier_base = Some(0.2);
        s.brier = Some(0.2 * (1.0 - skill));
        report.uses = Uses::judge(s);
        report.champion = champion_ic.map(|cic| {
            let mut c = s.clone();
            c.rank_ic = Some(cic);
            c
        });
        report.lost = report.uses.lost();
        report.beats_baselines = report.uses.any();
        cst_train::fit::Fitted {
            bundle: real.bundle.clone(),
            report,
            eval_idx: real.eval_idx.clone(),
        }
    };
    let none = register(&mut store, &blobs, &with(0.01, 1.5, -0.01, None), NOW).unwrap();
    assert_eq!(none.status, ModelStatus::Rejected);
    assert!(none.reason.contains("no use earned"), "{}", none.reason);
    assert!(
        load_active(&store, &blobs, 24, &ds.version)
            .unwrap()
            .is_none()
    );

    // Ranking earned alone: active, for ranking.
    let a = register(&mut store, &blobs, &with(0.03, 3.0, -0.01, None), NOW + 1).unwrap();
    assert_eq!(a.status, ModelStatus::Active, "{}", a.reason);
    assert!(
        a.reason.contains("ranking (rank IC +0.0300"),
        "{}",
        a.reason
    );
    // A lower IC on its own window is not evidence against it when the champion, scored on
    // the same rows, did worse still; without that score it is compared on its own window.
    let b = register(&mut store, &blobs, &with(0.02, 2.5, -0.01, None), NOW + 2).unwrap();
    assert_eq!(b.status, ModelStatus::Rejected, "{}", b.reason);
    assert!(b.reason.contains("own evaluation window"), "{}", b.reason);
    // Probability skill but no ranking, against a champion that ranks: rejected.
    let d = register(
        &mut store,
        &blobs,
        &with(0.0, 0.1, 0.02, Some(0.0)),
        NOW + 3,
    )
    .unwrap();
    assert_eq!(d.status, ModelStatus::Rejected, "{}", d.reason);
    assert!(d.reason.contains("the champion ranks"), "{}", d.reason);
    let c = register(
        &mut store,
        &blobs,
        &with(0.02, 2.5, -0.01, Some(0.015)),
        NOW + 4,
    )
    .unwrap();
    assert_eq!(c.status, ModelStatus::Active, "{}", c.reason);
    assert!(c.reason.contains("same unseen rows"), "{}", c.reason);
    assert_eq!(store.active_model(24).unwrap().unwrap().id, c.id);
    assert_eq!(
        store.model(&a.id).unwrap().unwrap().status,
        ModelStatus::Retired
    );

    let served = load_active(&store, &blobs, 24, &ds.version)
        .unwrap()
        .unwrap();
    assert_eq!(served.model_id, c.id);

    // Rollback brings back the model active before, and never the rolled-back one again.
    let back = store.rollback_model(24, NOW + 5).unwrap();
    assert_eq!(back.id, a.id);
    assert_eq!(
        store.model(&c.id).unwrap().unwrap().status,
        ModelStatus::Rejected
    );
    let err = store.rollback_model(24, NOW + 6).unwrap_err();
    assert!(err.to_string().contains("no earlier model"), "{err}");
    assert_eq!(store.active_model(24).unwrap().unwrap().id, a.id);
    assert_eq!(store.models(Some(24)).unwrap().len(), 5);
}
