//! Isotonic calibration's defining properties, and that it actually calibrates held-out
//! rows.

use cst_calibrate::{Isotonic, ece, logistic};
use proptest::prelude::*;

use crate::helper::{XorShift, rows};

proptest! {
    /// Fitted values never decrease with x, and (PAVA preserves block sums) their weighted
    /// mean equals the input's.
    #[test]
    fn fit_is_monotone_and_preserves_the_weighted_mean(
        pts in prop::collection::vec((-5.0f64..5.0, -3.0f64..3.0, 0.1f64..4.0), 1..60),
        probe in prop::collection::vec(-6.0f64..6.0, 1..30),
    ) {
        // Round x so ties occur often.
        let x: Vec<f64> = pts.iter().map(|p| (p.0 * 4.0).round() / 4.0).collect();
        let y: Vec<f64> = pts.iter().map(|p| p.1).collect();
        let w: Vec<f64> = pts.iter().map(|p| p.2).collect();
        let iso = Isotonic::fit_weighted(&x, &y, &w).unwrap();
        let fitted = iso.predict_all(&x).unwrap();
        let total_w: f64 = w.iter().sum();
        let mean_in: f64 = y.iter().zip(&w).map(|(y, w)| y * w).sum::<f64>() / total_w;
        let mean_out: f64 = fitted.iter().zip(&w).map(|(f, w)| f * w).sum::<f64>() / total_w;
        prop_assert!((mean_in - mean_out).abs() < 1e-9, "{mean_in} vs {mean_out}");
        let mut probe = probe;
        probe.sort_by(f64::total_cmp);
        let out = iso.predict_all(&probe).unwrap();
        prop_assert!(out.windows(2).all(|v| v[0] <= v[1] + 1e-12));
        prop_assert!(iso.values().windows(2).all(|v| v[0] <= v[1]));
    }

    /// Already-monotone data is left exactly as it is.
    #[test]
    fn monotone_input_is_a_fixed_point(mut y in prop::collection::vec(-3.0f64..3.0, 1..40)) {
        y.sort_by(f64::total_cmp);
        let x: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        let iso = Isotonic::fit(&x, &y).unwrap();
        for (xi, yi) in x.iter().zip(&y) {
            prop_assert!((iso.predict(*xi).unwrap() - yi).abs() < 1e-12);
        }
    }
}

/// Fit on the first half of the real hourly rows, score the second half: the naive
/// logistic(z) score is badly calibrated, isotonic output must be much less so.
#[test]
fn calibration_lowers_held_out_ece_of_the_real_naive_score() {
    let rows = rows();
    let half = rows.len() / 2;
    let score: Vec<f64> = rows.iter().map(|r| logistic(r.z)).collect();
    let y: Vec<bool> = rows.iter().map(|r| r.up).collect();
    let yf: Vec<f64> = y.iter().map(|&u| f64::from(u8::from(u))).collect();
    let iso = Isotonic::fit(&score[..half], &yf[..half]).unwrap();
    let calibrated = iso.predict_all(&score[half..]).unwrap();
    let before = ece(&score[half..], &y[half..], 10).unwrap();
    let after = ece(&calibrated, &y[half..], 10).unwrap();
    eprintln!("real naive score, held-out ECE: before {before:.4}, after isotonic {after:.4}");
    assert!(after < before / 2.0, "before {before}, after {after}");
}

/// A monotone but miscalibrated predictor (true P cubed) on real features with labels
/// drawn from the true P: isotonic fitted on one half restores calibration on the other.
#[test]
fn calibration_fixes_a_simulated_monotone_distortion() {
    let mut rng = XorShift::new(2024);
    let truth: Vec<f64> = rows()
        .iter()
        .map(|r| logistic(1.5 * r.z + 0.5 * r.z7))
        .collect();
    let y: Vec<bool> = truth.iter().map(|&p| rng.uniform() < p).collect();
    let yf: Vec<f64> = y.iter().map(|&u| f64::from(u8::from(u))).collect();
    let distorted: Vec<f64> = truth.iter().map(|p| p.powi(3)).collect();
    let half = y.len() / 2;
    let iso = Isotonic::fit(&distorted[..half], &yf[..half]).unwrap();
    let calibrated = iso.predict_all(&distorted[half..]).unwrap();
    let before = ece(&distorted[half..], &y[half..], 10).unwrap();
    let after = ece(&calibrated, &y[half..], 10).unwrap();
    let oracle = ece(&truth[half..], &y[half..], 10).unwrap();
    eprintln!(
        "simulated p^3 predictor, held-out ECE: before {before:.4}, after {after:.4}, truth {oracle:.4}"
    );
    assert!(before > 0.1, "the distortion should be visible: {before}");
    assert!(after < 0.04, "after {after}");
}

#[test]
fn a_stored_calibrator_round_trips_and_corrupt_ones_are_refused() {
    let iso = Isotonic::fit(&[0.1, 0.4, 0.35, 0.8], &[0.0, 1.0, 0.0, 1.0]).unwrap();
    let json = serde_json::to_string(&iso).unwrap();
    assert_eq!(serde_json::from_str::<Isotonic>(&json).unwrap(), iso);
    let decreasing = r#"{"thresholds":[0.1,0.2],"values":[0.9,0.1]}"#;
    assert!(serde_json::from_str::<Isotonic>(decreasing).is_err());
    let unsorted = r#"{"thresholds":[0.2,0.1],"values":[0.1,0.9]}"#;
    assert!(serde_json::from_str::<Isotonic>(unsorted).is_err());
    let ragged = r#"{"thresholds":[0.1,0.2],"values":[0.1]}"#;
    assert!(serde_json::from_str::<Isotonic>(ragged).is_err());
}
