//! Every refusal: bad input is a typed error naming the problem, never a panic or a
//! silently skipped row.

use cst_calibrate::{
    Bar, Barriers, BinaryBaseline, CalibError, Cqr, Isotonic, PsiConfig, Stacker, StackerConfig,
    brier, ece, hit_rate, interval_coverage, log_loss, mae, pinball, precision_at_k, psi, psi_with,
    reliability, roc_auc, triple_barrier, zero_return_mae, zero_return_pinball,
};

const Y: [bool; 3] = [true, false, true];

/// The error a call must return; panics (failing the test) if it succeeded.
#[track_caller]
fn err<T: std::fmt::Debug>(r: Result<T, CalibError>) -> CalibError {
    r.expect_err("bad input must be refused")
}
const P: [f64; 3] = [0.7, 0.2, 0.6];

#[test]
fn empty_inputs() {
    let empty = |e: CalibError| matches!(e, CalibError::Empty { .. });
    assert!(empty(err(Isotonic::fit(&[], &[]))));
    assert!(empty(err(brier(&[], &[]))));
    assert!(empty(err(log_loss(&[], &[]))));
    assert!(empty(err(ece(&[], &[], 10))));
    assert!(empty(err(roc_auc(&[], &[]))));
    assert!(empty(err(hit_rate(&[], &[]))));
    assert!(empty(err(precision_at_k(&[], &[], 1))));
    assert!(empty(err(mae(&[], &[]))));
    assert!(empty(err(pinball(&[], &[], 0.5))));
    assert!(empty(err(interval_coverage(&[], &[], &[]))));
    assert!(empty(err(Cqr::fit(&[], &[], &[], 0.2))));
    assert!(empty(err(BinaryBaseline::of(&[]))));
    assert!(empty(err(zero_return_mae(&[]))));
    assert!(empty(err(psi(&[], &[1.0]))));
    assert!(empty(err(psi(&[1.0; 20], &[]))));
    let no_rows: [[f64; 2]; 0] = [];
    assert!(empty(err(Stacker::fit(&no_rows, &[]))));
    assert!(empty(err(triple_barrier(
        100.0,
        &[],
        Barriers { up: 0.1, down: 0.1 }
    ))));
    assert!(empty(err(Isotonic::from_parts(vec![], vec![]))));
}

#[test]
fn mismatched_lengths_name_both_sides() {
    let e = err(brier(&P, &Y[..2]));
    assert_eq!(
        e,
        CalibError::LengthMismatch {
            left: "probabilities",
            left_len: 3,
            right: "outcomes",
            right_len: 2
        }
    );
    assert_eq!(
        e.to_string(),
        "probabilities has 3 values but outcomes has 2; pass one value per row"
    );
    let mm = |e: CalibError| matches!(e, CalibError::LengthMismatch { .. });
    assert!(mm(err(Isotonic::fit(&[1.0, 2.0], &[1.0]))));
    assert!(mm(err(Isotonic::fit_weighted(
        &[1.0, 2.0],
        &[1.0, 2.0],
        &[1.0]
    ))));
    assert!(mm(err(roc_auc(&P, &Y[..1]))));
    assert!(mm(err(mae(&[1.0], &[1.0, 2.0]))));
    assert!(mm(err(interval_coverage(&[0.0], &[1.0], &[0.5, 0.5]))));
    assert!(mm(err(Cqr::fit(&[0.0, 0.0], &[1.0], &[0.5, 0.5], 0.2))));
    assert!(mm(err(Stacker::fit(&[[1.0], [2.0]], &[true]))));
    assert!(mm(err(Isotonic::from_parts(vec![0.0, 1.0], vec![0.5]))));
}

#[test]
fn nan_is_refused_with_its_index() {
    let nan = [0.5, f64::NAN, 0.5];
    assert!(matches!(
        Isotonic::fit(&nan, &[0.0, 1.0, 1.0]),
        Err(CalibError::NotFinite {
            what: "x",
            index: 1,
            ..
        })
    ));
    assert!(matches!(
        Isotonic::fit(&[0.0, 1.0, 2.0], &nan),
        Err(CalibError::NotFinite {
            what: "y",
            index: 1,
            ..
        })
    ));
    assert!(matches!(
        brier(&nan, &Y),
        Err(CalibError::NotFinite { index: 1, .. })
    ));
    assert!(matches!(
        roc_auc(&nan, &Y),
        Err(CalibError::NotFinite { index: 1, .. })
    ));
    assert!(matches!(
        mae(&[0.0; 3], &nan),
        Err(CalibError::NotFinite { what: "actual", .. })
    ));
    assert!(matches!(
        Cqr::fit(&[0.0; 3], &[1.0; 3], &nan, 0.2),
        Err(CalibError::NotFinite {
            what: "actual",
            index: 1,
            ..
        })
    ));
    assert!(matches!(
        Stacker::fit(&[[0.0], [f64::NAN], [1.0]], &Y),
        Err(CalibError::NotFinite {
            what: "features",
            index: 1,
            ..
        })
    ));
    assert!(matches!(
        psi(&[1.0; 20], &nan),
        Err(CalibError::NotFinite {
            what: "current",
            ..
        })
    ));
    let iso = Isotonic::fit(&[0.0, 1.0], &[0.0, 1.0]).unwrap();
    assert!(matches!(
        iso.predict(f64::NAN),
        Err(CalibError::NotFinite { .. })
    ));
    assert!(matches!(
        iso.predict_all(&nan),
        Err(CalibError::NotFinite { index: 1, .. })
    ));
    // Infinities are ordered, so they simply clip.
    assert_eq!(iso.predict(f64::INFINITY).unwrap(), 1.0);
    let fit = Stacker::fit(&[[0.0], [1.0], [0.5], [0.2]], &[false, true, false, true]).unwrap();
    assert!(matches!(
        fit.predict(&[f64::NAN]),
        Err(CalibError::NotFinite { .. })
    ));
}

#[test]
fn probabilities_outside_unit_interval() {
    for bad in [-0.01, 1.01] {
        let p = [0.5, 0.5, bad];
        let is_bad = |e: CalibError| matches!(e, CalibError::NotProbability { index: 2, .. });
        assert!(is_bad(err(brier(&p, &Y))));
        assert!(is_bad(err(log_loss(&p, &Y))));
        assert!(is_bad(err(ece(&p, &Y, 10))));
        assert!(is_bad(err(hit_rate(&p, &Y))));
        assert!(is_bad(err(reliability(&p, &Y, 10))));
    }
    assert!(matches!(
        BinaryBaseline::with_rate(1.5, &Y),
        Err(CalibError::NotProbability { .. })
    ));
}

#[test]
fn alpha_outside_open_unit_interval() {
    for a in [0.0, 1.0, -0.2, 1.2, f64::NAN] {
        let bad = |e: CalibError| matches!(e, CalibError::BadAlpha(_));
        assert!(bad(err(pinball(&[0.0], &[1.0], a))));
        assert!(bad(err(zero_return_pinball(&[1.0], a))));
        assert!(bad(err(Cqr::fit(&[0.0], &[1.0], &[0.5], a))));
    }
    assert_eq!(
        CalibError::BadAlpha(1.2).to_string(),
        "alpha = 1.2 is outside (0, 1); pass e.g. 0.2 for an 80% interval"
    );
}

#[test]
fn too_few_calibration_rows_for_alpha() {
    // n = 8, alpha = 0.1: rank ceil(9 × 0.9) = 9 > 8.
    let z = [0.0; 8];
    let err = Cqr::fit(&z, &z, &z, 0.1).unwrap_err();
    assert_eq!(
        err,
        CalibError::TooFewCalibrationRows {
            n: 8,
            alpha: 0.1,
            rank: 9
        }
    );
    assert!(err.to_string().contains("too few"));
    // n = 9 is enough for alpha = 0.1, and then Q is the largest score.
    assert!(Cqr::fit(&[0.0; 9], &[0.0; 9], &[0.0; 9], 0.1).is_ok());
}

#[test]
fn one_class_outcomes() {
    assert!(matches!(
        roc_auc(&P, &[true; 3]),
        Err(CalibError::OneClass { class: true, .. })
    ));
    assert!(matches!(
        Stacker::fit(&[[0.0], [1.0]], &[false, false]),
        Err(CalibError::OneClass { class: false, .. })
    ));
}

#[test]
fn bad_parameters() {
    let param =
        |e: CalibError, n: &str| matches!(e, CalibError::BadParameter { name, .. } if name == n);
    assert!(param(err(precision_at_k(&P, &Y, 0)), "k"));
    assert!(param(err(precision_at_k(&P, &Y, 4)), "k"));
    assert!(param(err(ece(&P, &Y, 0)), "bins"));
    let rows = [[0.0], [1.0], [0.5]];
    for (cfg, name) in [
        (
            StackerConfig {
                ridge: -1.0,
                ..Default::default()
            },
            "ridge",
        ),
        (
            StackerConfig {
                ridge: f64::NAN,
                ..Default::default()
            },
            "ridge",
        ),
        (
            StackerConfig {
                tol: 0.0,
                ..Default::default()
            },
            "tol",
        ),
        (
            StackerConfig {
                max_iter: 0,
                ..Default::default()
            },
            "max_iter",
        ),
    ] {
        assert!(param(err(Stacker::fit_with(&rows, &Y, &cfg)), name));
    }
    let refs = [0.0; 20];
    for (cfg, name) in [
        (
            PsiConfig {
                bins: 1,
                epsilon: 1e-4,
            },
            "bins",
        ),
        (
            PsiConfig {
                bins: 10,
                epsilon: 0.0,
            },
            "epsilon",
        ),
        (
            PsiConfig {
                bins: 30,
                epsilon: 1e-4,
            },
            "reference length",
        ),
    ] {
        assert!(param(err(psi_with(&refs, &refs, &cfg)), name));
    }
    let b = |up, down| Barriers { up, down };
    let path = [Bar {
        high: 1.0,
        low: 1.0,
        close: 1.0,
    }];
    assert!(param(err(triple_barrier(0.0, &path, b(0.1, 0.1))), "entry"));
    assert!(param(err(triple_barrier(1.0, &path, b(0.0, 0.1))), "up"));
    assert!(param(err(triple_barrier(1.0, &path, b(0.1, -0.1))), "down"));
}

#[test]
fn bad_weights() {
    assert!(matches!(
        Isotonic::fit_weighted(&[0.0, 1.0], &[0.0, 1.0], &[1.0, -1.0]),
        Err(CalibError::NegativeWeight { index: 1, .. })
    ));
    assert_eq!(
        Isotonic::fit_weighted(&[0.0, 1.0], &[0.0, 1.0], &[0.0, 0.0]),
        Err(CalibError::ZeroWeights)
    );
    // A zero-weight row is ignored, as in scikit-learn: here it would otherwise pull 1.0 down.
    let iso =
        Isotonic::fit_weighted(&[0.0, 1.0, 2.0], &[0.0, 1.0, -5.0], &[1.0, 1.0, 0.0]).unwrap();
    assert_eq!(iso.predict(1.0).unwrap(), 1.0);
}

#[test]
fn feature_count_and_crossed_intervals() {
    assert!(matches!(
        Stacker::fit(&[vec![0.0, 1.0], vec![1.0]], &[true, false]),
        Err(CalibError::FeatureCount {
            row: 1,
            got: 1,
            want: 2
        })
    ));
    let fit = Stacker::fit(&[[0.0], [1.0], [0.5], [0.2]], &[false, true, false, true]).unwrap();
    assert!(matches!(
        fit.predict(&[1.0, 2.0]),
        Err(CalibError::FeatureCount {
            got: 2,
            want: 1,
            ..
        })
    ));
    assert!(matches!(
        interval_coverage(&[0.0, 2.0], &[1.0, 1.0], &[0.5, 0.5]),
        Err(CalibError::CrossedInterval { index: 1, .. })
    ));
}

#[test]
fn corrupt_bars() {
    let b = Barriers { up: 0.1, down: 0.1 };
    let ok = Bar {
        high: 101.0,
        low: 99.0,
        close: 100.0,
    };
    for (bad, reason) in [
        (
            Bar {
                high: 99.0,
                low: 101.0,
                close: 100.0,
            },
            "low is above high",
        ),
        (
            Bar {
                high: 101.0,
                low: 99.0,
                close: 102.0,
            },
            "close is outside [low, high]",
        ),
        (
            Bar {
                high: f64::NAN,
                low: 99.0,
                close: 100.0,
            },
            "prices must be positive and finite",
        ),
        (
            Bar {
                high: 101.0,
                low: 0.0,
                close: 100.0,
            },
            "prices must be positive and finite",
        ),
    ] {
        assert_eq!(
            triple_barrier(100.0, &[ok, bad], b),
            Err(CalibError::BadBar { index: 1, reason })
        );
    }
}

#[test]
fn corrupt_stored_models() {
    assert!(matches!(
        Isotonic::from_parts(vec![0.0, 0.0], vec![0.1, 0.2]),
        Err(CalibError::BadModel(_))
    ));
    assert!(matches!(
        Stacker::from_parts(f64::INFINITY, vec![1.0]),
        Err(CalibError::NotFinite {
            what: "intercept",
            ..
        })
    ));
    assert!(serde_json::from_str::<Stacker>(r#"{"intercept":0.0}"#).is_err());
}
