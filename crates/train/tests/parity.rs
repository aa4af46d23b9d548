//! The served model is the LightGBM model: the ONNX export, run by ONNX Runtime, gives
//! LightGBM's own predictions to 1e-6 on real feature rows — with missing values, on rows
//! it never saw — for the classifier and each quantile regressor.

#![allow(clippy::print_stdout)] // the test prints the largest difference it saw

mod helper;

use cst_models::{MlError, OnnxModel, runtime};
use cst_train::{GbmModel, Objective, TrainParams, gbm::MissingType, to_onnx, train};
use helper::{N_FEATURES, punch_holes, rows};

fn ort() {
    let path = runtime::dylib_path(None)
        .expect("ORT_DYLIB_PATH is set by .cargo/config.toml; run deploy/setup.sh");
    runtime::init(&path).unwrap();
}

/// Training rows with holes in one feature (so splits learn where NaN goes) and test rows
/// from other pairs with holes in features that had none in training (LightGBM then reads
/// NaN as 0.0).
fn data() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut x, y) = rows(&["BTC-USDT", "ETH-USDT"]);
    punch_holes(&mut x, 7, 8); // rsi14
    let (mut test, _) = rows(&["SOL-USDT"]);
    punch_holes(&mut test, 5, 8);
    punch_holes(&mut test, 11, 0); // ret_1h: never missing in training
    punch_holes(&mut test, 13, 20); // rv_24h
    (x, y, test)
}

fn params() -> TrainParams {
    TrainParams {
        num_iterations: 150,
        ..TrainParams::default()
    }
}

fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn check(objective: Objective, labels: &[f32], x: &[f64], test: &[f64]) {
    let trained = train(x, labels, N_FEATURES, objective, &params()).unwrap();
    let model = &trained.model;
    assert_eq!(model.n_features, N_FEATURES);
    let missing: Vec<MissingType> = model
        .trees
        .iter()
        .flat_map(|t| t.splits.iter().map(|s| s.missing))
        .collect();
    assert!(
        missing.contains(&MissingType::NaN) && missing.contains(&MissingType::None),
        "the test must exercise both missing-value rules"
    );

    let lightgbm = trained.predict(test).unwrap();
    let ours: Vec<f64> = test
        .chunks(N_FEATURES)
        .map(|r| model.predict_row(r))
        .collect();
    assert!(max_diff(&lightgbm, &ours) <= 1e-12, "tree reading differs");

    let bytes = to_onnx(model, "parity test").unwrap();
    let mut onnx = OnnxModel::load(&bytes, N_FEATURES).unwrap();
    let served = onnx.predict(test).unwrap();
    let diff = max_diff(&lightgbm, &served);
    println!(
        "{objective:?}: {} trees, {} rows, max |ONNX - LightGBM| = {diff:e}",
        model.trees.len(),
        served.len()
    );
    assert!(diff <= 1e-6, "ONNX differs from LightGBM by {diff}");
    // Row by row gives the same as the batch.
    let one = onnx.predict(&test[..N_FEATURES]).unwrap();
    assert_eq!(one[0], served[0]);
}

#[test]
fn onnx_classifier_equals_lightgbm() {
    ort();
    let (x, y, test) = data();
    let labels: Vec<f32> = y.iter().map(|r| (*r > 0.0) as u8 as f32).collect();
    check(Objective::Binary, &labels, &x, &test);
}

#[test]
fn onnx_quantile_regressors_equal_lightgbm() {
    ort();
    let (x, y, test) = data();
    let labels: Vec<f32> = y.iter().map(|r| *r as f32).collect();
    for q in [0.1, 0.5, 0.9] {
        check(Objective::Quantile(q), &labels, &x, &test);
    }
}

#[test]
fn a_model_declaring_other_inputs_is_refused() {
    ort();
    let (x, y, _) = data();
    let labels: Vec<f32> = y.iter().map(|r| (*r > 0.0) as u8 as f32).collect();
    let trained = train(&x, &labels, N_FEATURES, Objective::Binary, &params()).unwrap();
    let bytes = to_onnx(&trained.model, "").unwrap();
    let err = OnnxModel::load(&bytes, N_FEATURES - 1).unwrap_err();
    assert!(
        matches!(err, MlError::Shape(ref m) if m.contains("[N, 25]")),
        "{err}"
    );
    let mut ok = OnnxModel::load(&bytes, N_FEATURES).unwrap();
    let err = ok.predict(&x[..N_FEATURES + 3]).unwrap_err();
    assert!(err.to_string().contains("not whole rows"), "{err}");
}

#[test]
fn garbage_is_not_a_model() {
    ort();
    assert!(OnnxModel::load(b"not a model at all", N_FEATURES).is_err());
    assert!(GbmModel::parse("tree\nversion=v4\n").is_err());
    let err = GbmModel::parse(
        "tree\nmax_feature_idx=1\nobjective=multiclass num_class:3\n\nTree=0\nnum_leaves=1\n\
         leaf_value=0.5\nend of trees\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("multiclass"), "{err}");
    let err = GbmModel::parse(
        "tree\nmax_feature_idx=1\nobjective=binary sigmoid:1\n\nTree=0\nnum_leaves=2\nnum_cat=0\n\
         split_feature=0\nthreshold=0.5\ndecision_type=2\nleft_child=-1\nright_child=5\n\
         leaf_value=0.1 0.2\nend of trees\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
}
