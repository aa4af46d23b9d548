//! CQR on real rows: calibrate on the first half of 2024, measure on the later half.

use cst_calibrate::{Cqr, interval_coverage};

use crate::helper::rows;

/// Nominal 80%. The halves are not exchangeable (volatility regimes differ), so the test
/// allows a few points either way and prints what it got.
#[test]
fn cqr_covers_about_80_percent_of_later_real_rows() {
    let rows = rows();
    let half = rows.len() / 2;
    let (cal, test) = rows.split_at(half);
    let col = |rs: &[crate::helper::Row], f: fn(&crate::helper::Row) -> f64| {
        rs.iter().map(f).collect::<Vec<f64>>()
    };
    let cqr = Cqr::fit(
        &col(cal, |r| r.q_lo),
        &col(cal, |r| r.q_hi),
        &col(cal, |r| r.r_fwd),
        0.2,
    )
    .unwrap();
    let (lo, hi, y) = (
        col(test, |r| r.q_lo),
        col(test, |r| r.q_hi),
        col(test, |r| r.r_fwd),
    );
    let raw = interval_coverage(&lo, &hi, &y).unwrap();
    let cov = cqr.coverage(&lo, &hi, &y).unwrap();
    eprintln!(
        "CQR alpha 0.2 on {} held-out hourly rows ({} calibration): coverage {:.3} \
         (raw quantiles {:.3}), correction {:.5}, mean width {:.4}",
        cov.n, cqr.n, cov.share, raw.share, cqr.correction, cov.mean_width
    );
    assert!((cov.share - 0.8).abs() < 0.05, "coverage {}", cov.share);
    let (l, h) = cqr.interval(lo[0], hi[0]);
    assert_eq!((l, h), (lo[0] - cqr.correction, hi[0] + cqr.correction));
}

/// In-sample the guarantee is exact: at least ceil((n+1)(1−alpha)) of n scores are <= Q.
#[test]
fn cqr_in_sample_coverage_is_at_least_nominal() {
    let rows = &rows()[..999];
    let lo: Vec<f64> = rows.iter().map(|r| r.q_lo).collect();
    let hi: Vec<f64> = rows.iter().map(|r| r.q_hi).collect();
    let y: Vec<f64> = rows.iter().map(|r| r.r_fwd).collect();
    for alpha in [0.05, 0.1, 0.2, 0.5] {
        let cqr = Cqr::fit(&lo, &hi, &y, alpha).unwrap();
        let cov = cqr.coverage(&lo, &hi, &y).unwrap();
        assert!(cov.share >= 1.0 - alpha, "alpha {alpha}: {}", cov.share);
        assert!(
            cov.share < 1.0 - alpha + 0.01,
            "alpha {alpha}: {}",
            cov.share
        );
    }
}
