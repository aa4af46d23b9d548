//! A user-supplied ONNX model as a horizon's classifier, on real data (Binance 2024,
//! BTC/ETH/SOL, technical features): here a ridge regression "trained elsewhere" on the
//! rows before its cut-off, exported as an f32 `MatMul` + `Add` graph, as a Python user
//! would. It is calibrated and evaluated only on rows after the cut-off, served as given,
//! and refused when it does not declare this FeatureSet, reads another width, or leaves no
//! unseen rows to be evaluated on.

use cst_models::{MlError, OnnxModel, predict::Predictor, runtime};
use cst_train::{
    dataset::{Dataset, DatasetSpec, barrier_labels, build},
    export::value_info,
    external::{External, FEATURE_SET_KEY},
    fit::{FitConfig, fit_horizon_with},
    proto::{
        GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto,
        ValueInfoProto, tensor_proto::DataType,
    },
};
use prost::Message;

mod helper;

const FROM: i64 = 1_706_745_600; // 2024-02-01
const TO: i64 = 1_722_470_400; // 2024-08-01
const CUT: i64 = 1_710_460_800; // 2024-03-15: the user model's data ends here
const NOW: i64 = 1_726_000_000;
const PAIRS: [(&str, &str); 3] = [
    ("BTC-USDT", "BTC/USDT"),
    ("ETH-USDT", "ETH/USDT"),
    ("SOL-USDT", "SOL/USDT"),
];

/// Ridge regression of the up label on standardised features, over the rows whose target
/// ended by `CUT`, folded back to raw features: score = w·x + b.
fn ridge(ds: &Dataset) -> (Vec<f64>, f64) {
    let n = ds.n_features();
    let rows: Vec<usize> = (0..ds.len())
        .filter(|&i| ds.samples[i].target_end <= CUT)
        .collect();
    assert!(rows.len() > 2000, "{} training rows", rows.len());
    let mean: Vec<f64> = (0..n)
        .map(|j| rows.iter().map(|&i| ds.row(i)[j]).sum::<f64>() / rows.len() as f64)
        .collect();
    let sd: Vec<f64> = (0..n)
        .map(|j| {
            let v = rows
                .iter()
                .map(|&i| (ds.row(i)[j] - mean[j]).powi(2))
                .sum::<f64>();
            (v / rows.len() as f64).sqrt().max(1e-12)
        })
        .collect();
    let y_mean = rows
        .iter()
        .map(|&i| f64::from(ds.samples[i].label))
        .sum::<f64>()
        / rows.len() as f64;
    // (ZᵀZ + λI) w = Zᵀy, solved by Gaussian elimination.
    let mut a = vec![vec![0.0; n + 1]; n];
    for &i in &rows {
        let z: Vec<f64> = (0..n).map(|j| (ds.row(i)[j] - mean[j]) / sd[j]).collect();
        let y = f64::from(ds.samples[i].label) - y_mean;
        for r in 0..n {
            for c in 0..n {
                a[r][c] += z[r] * z[c];
            }
            a[r][n] += z[r] * y;
        }
    }
    for (r, row) in a.iter_mut().enumerate() {
        row[r] += 10.0;
    }
    for col in 0..n {
        let p = (col..n)
            .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
            .unwrap();
        a.swap(col, p);
        for r in 0..n {
            if r != col {
                let f = a[r][col] / a[col][col];
                let pivot = a[col].clone();
                for (x, p) in a[r].iter_mut().zip(&pivot).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let w: Vec<f64> = (0..n).map(|j| a[j][n] / a[j][j] / sd[j]).collect();
    let b = y_mean - (0..n).map(|j| w[j] * mean[j]).sum::<f64>();
    (w, b)
}

fn f32_input(name: &str, dims: &[Option<i64>]) -> ValueInfoProto {
    value_info(name, DataType::Float, dims)
}

fn f32_tensor(name: &str, dims: Vec<i64>, v: &[f64]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims,
        data_type: Some(DataType::Float as i32),
        raw_data: Some(v.iter().flat_map(|x| (*x as f32).to_le_bytes()).collect()),
        ..Default::default()
    }
}

/// The linear model as an ONNX file: f32 `x [N, n]` → `x·W + b` → `score [N, 1]`.
fn linear_onnx(w: &[f64], b: f64, feature_set: Option<&str>) -> Vec<u8> {
    let node = |op: &str, inputs: [&str; 2], out: &str| NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![out.into()],
        op_type: Some(op.into()),
        name: Some(op.to_lowercase()),
        ..Default::default()
    };
    ModelProto {
        ir_version: Some(10),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(21),
        }],
        producer_name: Some("a notebook elsewhere".into()),
        metadata_props: feature_set
            .map(|v| StringStringEntryProto {
                key: Some(FEATURE_SET_KEY.into()),
                value: Some(v.into()),
            })
            .into_iter()
            .collect(),
        graph: Some(GraphProto {
            name: Some("ridge".into()),
            node: vec![
                node("MatMul", ["x", "w"], "xw"),
                node("Add", ["xw", "b"], "score"),
            ],
            initializer: vec![
                f32_tensor("w", vec![w.len() as i64, 1], w),
                f32_tensor("b", vec![1], &[b]),
            ],
            input: vec![f32_input("x", &[None, Some(w.len() as i64)])],
            output: vec![f32_input("score", &[None, Some(1)])],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

#[test]
fn a_user_model_is_calibrated_and_evaluated_on_unseen_rows_and_served_as_given() {
    runtime::init(&runtime::dylib_path(None).expect("ORT_DYLIB_PATH")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, ctx) = helper::store_2024(dir.path(), &PAIRS);
    let pairs: Vec<String> = PAIRS.iter().map(|(_, p)| p.to_string()).collect();
    let spec = DatasetSpec {
        horizon_h: 24,
        from: FROM,
        to: TO,
        round_trip_cost: 0.0052,
    };
    let ds = build(&store, &ctx, &pairs, &spec).unwrap();
    let (w, b) = ridge(&ds);
    let onnx = linear_onnx(&w, b, Some(&ds.version));
    let ext = External::new("ridge.onnx", onnx.clone(), CUT, &ds.version).unwrap();
    let mut cfg = FitConfig::default();
    cfg.params.num_iterations = 50;
    let hits = |x: f64| barrier_labels(&store, "binance", &ds, x);
    let fitted = fit_horizon_with(&ds, &cfg, NOW, &hits, Some(&ext)).unwrap();
    let report = &fitted.report;
    assert!(
        report.classifier.contains("ridge.onnx"),
        "{}",
        report.classifier
    );
    assert!(
        report
            .render()
            .contains("user-supplied ONNX model ridge.onnx")
    );
    // Calibrated and evaluated only on rows after the cut-off.
    assert!(report.eval_from > CUT);
    let after_cut = ds.samples.iter().filter(|s| s.feature_time >= CUT).count();
    assert!(report.rows_calibration + report.rows_evaluation <= after_cut);
    assert!(report.rows_calibration > 1000 && report.rows_evaluation > 1000);
    // Served as given: the bundle's classifier is the user's file, and its scores are the
    // linear model's (f32 arithmetic).
    assert_eq!(fitted.bundle.classifier, onnx);
    assert!(fitted.bundle.classifier_origin.contains("ridge.onnx"));
    let mut served = OnnxModel::load(&fitted.bundle.classifier, ds.n_features()).unwrap();
    let rows = ds.rows_of(&[0, ds.len() / 2, ds.len() - 1]);
    let scores = served.predict(&rows).unwrap();
    for (k, row) in rows.chunks(ds.n_features()).enumerate() {
        let want = row.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() + b;
        assert!(
            (scores[k] - want).abs() < 1e-4 * want.abs().max(1.0),
            "{} vs {want}",
            scores[k]
        );
    }
    let mut p = Predictor::load(fitted.bundle, "user-24", &ds.version).unwrap();
    for x in p.predict(&rows).unwrap() {
        assert!((0.0..=1.0).contains(&x.p_up) && x.lo <= x.hi, "{x:?}");
    }
}

#[test]
fn a_user_model_is_refused_without_the_feature_set_with_another_width_or_without_unseen_rows() {
    runtime::init(&runtime::dylib_path(None).expect("ORT_DYLIB_PATH")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, ctx) = helper::store_2024(dir.path(), &PAIRS[..1]);
    let pairs = vec!["BTC/USDT".to_string()];
    let spec = DatasetSpec {
        horizon_h: 24,
        from: FROM,
        to: TO,
        round_trip_cost: 0.0052,
    };
    let ds = build(&store, &ctx, &pairs, &spec).unwrap();
    let n = ds.n_features();
    let w = vec![0.01; n];
    let err = |r: Result<External, MlError>| r.unwrap_err().to_string();
    // No declaration, another FeatureSet, not ONNX at all.
    let e = err(External::new(
        "m",
        linear_onnx(&w, 0.0, None),
        CUT,
        &ds.version,
    ));
    assert!(
        e.contains(FEATURE_SET_KEY) && e.contains(&ds.version),
        "{e}"
    );
    let e = err(External::new(
        "m",
        linear_onnx(&w, 0.0, Some("fs1-other")),
        CUT,
        &ds.version,
    ));
    assert!(e.contains("fs1-other"), "{e}");
    let e = err(External::new(
        "m",
        b"\x00garbage".to_vec(),
        CUT,
        &ds.version,
    ));
    assert!(e.contains("not an ONNX model"), "{e}");
    let hits = |x: f64| barrier_labels(&store, "binance", &ds, x);
    let mut cfg = FitConfig::default();
    cfg.params.num_iterations = 20;
    // Declares the FeatureSet but reads one column less.
    let narrow = External::new(
        "m",
        linear_onnx(&w[1..], 0.0, Some(&ds.version)),
        CUT,
        &ds.version,
    )
    .unwrap();
    let e = fit_horizon_with(&ds, &cfg, NOW, &hits, Some(&narrow)).unwrap_err();
    assert!(matches!(e, MlError::Shape(_)), "{e}");
    // Trained until July: no two folds of unseen rows remain.
    let late = External::new(
        "late.onnx",
        linear_onnx(&w, 0.0, Some(&ds.version)),
        TO - 5 * 86_400,
        &ds.version,
    )
    .unwrap();
    let e = fit_horizon_with(&ds, &cfg, NOW, &hits, Some(&late))
        .unwrap_err()
        .to_string();
    assert!(e.contains("late.onnx") && e.contains("never saw"), "{e}");
}
