//! Against scikit-learn and numpy on the same real rows (`reference.py`): 1e-9 wherever
//! the computation is closed-form, looser only where an optimiser stops at a tolerance.

use cst_calibrate::{
    BinaryBaseline, Cqr, Isotonic, Stacker, StackerConfig, brier, ece, hit_rate, interval_coverage,
    log_loss, mae, pinball, precision_at_k, psi, reliability, roc_auc, zero_return_mae,
    zero_return_pinball,
};

use crate::helper::{assert_close, col, fixture_rows, num, nums, reference};

const TOL: f64 = 1e-9;

fn outcomes() -> Vec<bool> {
    col(|r| r.y == 1)
}

fn labels_f64() -> Vec<f64> {
    col(|r| f64::from(r.y))
}

fn assert_grid(iso: &Isotonic, key: &str) {
    let grid = nums(&reference()["iso"]["grid"]);
    let want = nums(&reference()["iso"][key]);
    for (x, w) in grid.iter().zip(&want) {
        assert_close(
            iso.predict(*x).unwrap(),
            *w,
            TOL,
            &format!("isotonic {key} at {x}"),
        );
    }
}

#[test]
fn isotonic_matches_sklearn_thresholds_and_predictions() {
    let x = col(|r| r.x);
    let iso = Isotonic::fit(&x, &labels_f64()).unwrap();
    let want_t = nums(&reference()["iso"]["thresholds"]);
    let want_v = nums(&reference()["iso"]["values"]);
    // serde_json (without `float_roundtrip`) may read a JSON float one ulp off, so the
    // thresholds are compared to 1e-15 here and checked to be exact training x below.
    assert_eq!(iso.thresholds().len(), want_t.len());
    for (g, w) in iso.thresholds().iter().zip(&want_t) {
        assert_close(*g, *w, 1e-15, "isotonic threshold");
        assert!(x.contains(g), "threshold {g} is not a training x");
    }
    assert_eq!(iso.values().len(), want_v.len());
    for (g, w) in iso.values().iter().zip(&want_v) {
        assert_close(*g, *w, TOL, "isotonic value");
    }
    for r in fixture_rows() {
        assert_close(
            iso.predict(r.x).unwrap(),
            r.iso,
            TOL,
            "isotonic at a training x",
        );
    }
    // The grid runs from -0.1 to 1.1: clipping at both ends is exercised.
    assert_grid(&iso, "plain");
}

#[test]
fn isotonic_averages_tied_x_like_sklearn() {
    let x = col(|r| r.x_tied);
    assert!(
        x.len() - {
            let mut u = x.clone();
            u.sort_by(f64::total_cmp);
            u.dedup();
            u.len()
        } > 300,
        "rounding to 2 decimals should create many ties"
    );
    assert_grid(&Isotonic::fit(&x, &labels_f64()).unwrap(), "tied");
}

#[test]
fn isotonic_weighted_and_continuous_match_sklearn() {
    let x = col(|r| r.x);
    let w = col(|r| r.w);
    assert_grid(
        &Isotonic::fit_weighted(&x, &labels_f64(), &w).unwrap(),
        "weighted",
    );
    assert_grid(&Isotonic::fit(&x, &col(|r| r.r_fwd)).unwrap(), "continuous");
}

#[test]
fn probability_scores_match_sklearn() {
    let p = &reference()["prob"];
    let (x, y) = (col(|r| r.x), outcomes());
    assert_close(roc_auc(&x, &y).unwrap(), num(&p["auc"]), TOL, "auc");
    assert_close(
        roc_auc(&col(|r| r.x_tied), &y).unwrap(),
        num(&p["auc_tied"]),
        TOL,
        "auc tied",
    );
    assert_close(brier(&x, &y).unwrap(), num(&p["brier"]), TOL, "brier");
    assert_close(
        log_loss(&x, &y).unwrap(),
        num(&p["log_loss"]),
        TOL,
        "log-loss",
    );
    assert_close(ece(&x, &y, 10).unwrap(), num(&p["ece"]), TOL, "ece");
    assert_close(
        hit_rate(&x, &y).unwrap(),
        num(&p["hit_rate"]),
        TOL,
        "hit rate",
    );
    let k = p["k"].as_u64().unwrap() as usize;
    assert_close(
        precision_at_k(&x, &y, k).unwrap(),
        num(&p["precision_at_k"]),
        TOL,
        "p@k",
    );
}

#[test]
fn reliability_table_matches_sklearn_calibration_curve() {
    let p = &reference()["prob"];
    let table = reliability(&col(|r| r.x), &outcomes(), 10).unwrap();
    let counts: Vec<usize> = table.bins.iter().map(|b| b.count).collect();
    let want: Vec<usize> = nums(&p["bin_counts"]).iter().map(|&c| c as usize).collect();
    assert_eq!(counts, want);
    let filled: Vec<_> = table.bins.iter().filter(|b| b.count > 0).collect();
    for (b, (f, m)) in filled
        .iter()
        .zip(nums(&p["bin_freq"]).iter().zip(nums(&p["bin_mean_pred"])))
    {
        assert_close(b.frequency.unwrap(), *f, TOL, "bin frequency");
        assert_close(b.mean_predicted.unwrap(), m, TOL, "bin mean predicted");
    }
    assert_eq!(filled.len(), nums(&p["bin_freq"]).len());
}

#[test]
fn base_rate_baseline_matches_sklearn_constant_predictor() {
    let p = &reference()["prob"];
    let b = BinaryBaseline::of(&outcomes()).unwrap();
    assert_close(b.base_rate, num(&p["base_rate"]), TOL, "base rate");
    assert_close(b.brier, num(&p["base_brier"]), TOL, "base brier");
    assert_close(b.log_loss, num(&p["base_log_loss"]), TOL, "base log-loss");
    assert_close(b.hit_rate, num(&p["base_hit_rate"]), TOL, "base hit rate");
    // The naive score is a poor model: it must lose to the baseline on every proper score.
    let x = col(|r| r.x);
    assert!(brier(&x, &outcomes()).unwrap() > b.brier);
    assert!(log_loss(&x, &outcomes()).unwrap() > b.log_loss);
}

#[test]
fn return_scores_match_sklearn() {
    let r = &reference()["ret"];
    let (y, lo, mid, hi) = (
        col(|r| r.r_fwd),
        col(|r| r.q_lo),
        col(|r| r.q_mid),
        col(|r| r.q_hi),
    );
    assert_close(mae(&mid, &y).unwrap(), num(&r["mae"]), TOL, "mae");
    assert_close(
        pinball(&lo, &y, 0.1).unwrap(),
        num(&r["pinball_lo"]),
        TOL,
        "pinball 0.1",
    );
    assert_close(
        pinball(&hi, &y, 0.9).unwrap(),
        num(&r["pinball_hi"]),
        TOL,
        "pinball 0.9",
    );
    assert_close(
        zero_return_mae(&y).unwrap(),
        num(&r["zero_mae"]),
        TOL,
        "zero mae",
    );
    let zp = zero_return_pinball(&y, 0.1).unwrap();
    assert_close(zp, num(&r["zero_pinball_lo"]), TOL, "zero pinball");
    let cov = interval_coverage(&lo, &hi, &y).unwrap();
    assert_close(cov.share, num(&r["coverage"]), TOL, "coverage");
    assert_close(cov.mean_width, num(&r["mean_width"]), TOL, "mean width");
}

#[test]
fn cqr_matches_numpy_on_the_second_half() {
    let c = &reference()["cqr"];
    let half = c["n_cal"].as_u64().unwrap() as usize;
    let (y, lo, hi) = (col(|r| r.r_fwd), col(|r| r.q_lo), col(|r| r.q_hi));
    let cqr = Cqr::fit(&lo[..half], &hi[..half], &y[..half], num(&c["alpha"])).unwrap();
    assert_eq!(cqr.correction, num(&c["correction"]));
    let cov = cqr.coverage(&lo[half..], &hi[half..], &y[half..]).unwrap();
    assert_close(cov.share, num(&c["coverage"]), TOL, "cqr coverage");
    assert_close(cov.mean_width, num(&c["mean_width"]), TOL, "cqr width");
}

/// The script pins scikit-learn's `newton-cholesky` solver (tol 1e-12): both sides are then
/// exact Newton on the same objective and meet at the same optimum (measured ~1e-16), so
/// the closed-form tolerance applies. With scikit-learn's default lbfgs the parameters
/// differ by ~6e-5 (its stopping tolerance), which is why the solver is pinned.
#[test]
fn stacker_matches_sklearn_logistic_regression() {
    let s = &reference()["stacker"];
    let cfg = StackerConfig {
        ridge: num(&s["ridge"]),
        ..StackerConfig::default()
    };
    let rows = col(|r| [r.f1, r.f2, r.f3]);
    let fit = Stacker::fit_with(&rows, &outcomes(), &cfg).unwrap();
    let mut worst = (fit.intercept() - num(&s["intercept"])).abs();
    for (g, w) in fit.weights().iter().zip(nums(&s["weights"])) {
        worst = worst.max((g - w).abs());
    }
    eprintln!("stacker vs sklearn newton-cholesky: largest parameter difference {worst:e}");
    assert_close(fit.intercept(), num(&s["intercept"]), TOL, "intercept");
    for (g, w) in fit.weights().iter().zip(nums(&s["weights"])) {
        assert_close(*g, w, TOL, "weight");
    }
    for r in fixture_rows() {
        let p = fit.predict(&[r.f1, r.f2, r.f3]).unwrap();
        assert_close(p, r.stack_p, TOL, "stacked P(up)");
    }
}

#[test]
fn psi_matches_numpy() {
    let f1 = col(|r| r.f1);
    let n_ref = reference()["psi"]["n_ref"].as_u64().unwrap() as usize;
    let got = psi(&f1[..n_ref], &f1[n_ref..]).unwrap();
    assert_close(got.value, num(&reference()["psi"]["value"]), TOL, "psi");
}
