//! PSI on real hourly returns.

use cst_calibrate::{DriftLevel, psi};

use crate::helper::log_closes;

fn returns() -> Vec<f64> {
    let lc = log_closes();
    lc.windows(2).map(|w| w[1] - w[0]).collect()
}

#[test]
fn identical_samples_have_zero_psi() {
    let r = returns();
    let p = psi(&r, &r).unwrap();
    assert!(p.value.abs() < 1e-12, "{}", p.value);
    assert_eq!(p.level(), DriftLevel::Stable);
    // Quantile bins hold about a tenth of the reference each.
    assert!(
        p.reference_share.iter().all(|s| (s - 0.1).abs() < 0.002),
        "{:?}",
        p.reference_share
    );
}

#[test]
fn tripled_volatility_is_a_significant_shift_and_halves_are_not() {
    let r = returns();
    let (first, second) = r.split_at(r.len() / 2);
    let halves = psi(first, second).unwrap();
    let tripled: Vec<f64> = first.iter().map(|x| 3.0 * x).collect();
    let scaled = psi(first, &tripled).unwrap();
    eprintln!(
        "PSI of 2024 hourly BTC returns: second half vs first {:.4}, first ×3 vs first {:.4}",
        halves.value, scaled.value
    );
    assert!(halves.value < 0.1, "{}", halves.value);
    assert!(scaled.value > 0.25, "{}", scaled.value);
    assert_eq!(scaled.level(), DriftLevel::Significant);
}
