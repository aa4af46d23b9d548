//! The stacker learns the combination the data supports, and the quantile bridge.

use cst_calibrate::{CalibError, Stacker, StackerConfig, logistic, quantile_to_p_up};

use crate::helper::{XorShift, rows};

/// Labels drawn (fixed seed) from a known logistic model of three REAL features; the fit
/// must recover its weights within a few standard errors (~0.03 at this n).
#[test]
fn recovers_known_weights_from_simulated_labels_on_real_features() {
    let (b, w) = (0.2, [1.0, -0.5, 0.8]);
    let feats: Vec<[f64; 3]> = rows().iter().map(|r| [r.z, r.z7, r.vol_ratio]).collect();
    let mut rng = XorShift::new(7);
    let y: Vec<bool> = feats
        .iter()
        .map(|f| rng.uniform() < logistic(b + w[0] * f[0] + w[1] * f[1] + w[2] * f[2]))
        .collect();
    let fit = Stacker::fit(&feats, &y).unwrap();
    eprintln!(
        "stacker on {} real rows: intercept {:.3} (true {b}), weights {:.3?} (true {w:?})",
        y.len(),
        fit.intercept(),
        fit.weights()
    );
    assert!((fit.intercept() - b).abs() < 0.12);
    for (g, t) in fit.weights().iter().zip(w) {
        assert!((g - t).abs() < 0.12, "weight {g} vs {t}");
    }
    // And serialises with its weights, so the combination is visible where it is stored
    // (serde_json's default float parsing may be one ulp off).
    let back: Stacker = serde_json::from_str(&serde_json::to_string(&fit).unwrap()).unwrap();
    assert!((back.intercept() - fit.intercept()).abs() < 1e-15);
    for (a, b) in back.weights().iter().zip(fit.weights()) {
        assert!((a - b).abs() < 1e-15);
    }
}

/// A useless input gets a weight near zero rather than a share fixed in advance.
#[test]
fn an_irrelevant_input_gets_almost_no_weight() {
    let mut rng = XorShift::new(11);
    let feats: Vec<[f64; 2]> = rows().iter().map(|r| [r.z, rng.uniform() - 0.5]).collect();
    let y: Vec<bool> = feats
        .iter()
        .map(|f| rng.uniform() < logistic(1.2 * f[0]))
        .collect();
    let fit = Stacker::fit(&feats, &y).unwrap();
    assert!((fit.weights()[0] - 1.2).abs() < 0.12, "{:?}", fit.weights());
    assert!(fit.weights()[1].abs() < 0.3, "{:?}", fit.weights());
}

/// Perfectly separable data: the ridge keeps the weights finite; without one Newton cannot
/// converge and says so instead of returning huge numbers.
#[test]
fn separable_data_needs_the_ridge() {
    let x: Vec<[f64; 1]> = (0..40).map(|i| [f64::from(i) / 10.0 - 2.0]).collect();
    let y: Vec<bool> = x.iter().map(|r| r[0] > 0.0).collect();
    let fit = Stacker::fit_with(
        &x,
        &y,
        &StackerConfig {
            ridge: 0.01,
            ..Default::default()
        },
    );
    assert!(fit.unwrap().weights()[0].is_finite());
    let no_ridge = StackerConfig {
        ridge: 0.0,
        max_iter: 50,
        ..Default::default()
    };
    assert!(matches!(
        Stacker::fit_with(&x, &y, &no_ridge),
        Err(CalibError::NoConvergence { iterations: 50, .. })
    ));
}

#[test]
fn quantile_to_p_up_tracks_the_normal_cdf() {
    // Φ(t) at t = -2, -1, 0, 0.5, 1, 2.
    let phi = [
        (-2.0, 0.02275),
        (-1.0, 0.15866),
        (0.0, 0.5),
        (0.5, 0.69146),
        (1.0, 0.84134),
        (2.0, 0.97725),
    ];
    let sigma = 0.03;
    for (t, want) in phi {
        let p = quantile_to_p_up(t * sigma, sigma).unwrap();
        assert!((p - want).abs() < 0.01, "t {t}: {p} vs {want}");
    }
    assert!(matches!(
        quantile_to_p_up(0.01, 0.0),
        Err(CalibError::BadParameter { name: "sigma", .. })
    ));
    assert!(matches!(
        quantile_to_p_up(0.01, -1.0),
        Err(CalibError::BadParameter { .. })
    ));
    assert!(matches!(
        quantile_to_p_up(0.01, f64::NAN),
        Err(CalibError::BadParameter { .. })
    ));
    assert!(matches!(
        quantile_to_p_up(f64::NAN, 0.1),
        Err(CalibError::NotFinite { .. })
    ));
}
