//! Conformalised quantile regression (Romano, Patterson & Candès, 2019): turn a quantile
//! model's [q_lo, q_hi] into an interval that covers at least 1 − alpha of new rows, by
//! measuring on held-out calibration rows how far the truth falls outside it.
//!
//! Conformity score per calibration row: `E = max(q_lo − y, y − q_hi)` (positive when y is
//! outside, negative inside). The correction `Q` is the `ceil((n+1)(1−alpha))`-th smallest
//! score, i.e. the `ceil((n+1)(1−alpha))/n` empirical quantile; the interval becomes
//! `[q_lo − Q, q_hi + Q]`. Q may be negative: an over-wide model is tightened.
//!
//! The guarantee assumes calibration and new rows are exchangeable. Market returns are
//! not (volatility clusters), so always report the realised coverage on a later set with
//! [`Cqr::coverage`] rather than trusting the nominal level.

use crate::{
    CalibError, check,
    metrics::{Coverage, interval_coverage},
};

/// A fitted conformal correction.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cqr {
    /// Added to both sides of the quantile interval (may be negative).
    pub correction: f64,
    /// Target miscoverage: the interval aims to cover 1 − alpha.
    pub alpha: f64,
    /// Calibration rows used.
    pub n: usize,
}

/// The 1-based rank of the conformal quantile. (n+1)(1−alpha) is integral for common
/// choices (n = 99, alpha = 0.2) but rounds to a hair above; 1e-9 keeps it from being
/// pushed a whole rank up.
fn conformal_rank(n: usize, alpha: f64) -> usize {
    ((n as f64 + 1.0) * (1.0 - alpha) - 1e-9).ceil() as usize
}

impl Cqr {
    /// Calibrate on rows the quantile model never trained on.
    pub fn fit(q_lo: &[f64], q_hi: &[f64], actual: &[f64], alpha: f64) -> Result<Cqr, CalibError> {
        check::alpha(alpha)?;
        check::paired("q_lo", q_lo, "q_hi", q_hi)?;
        check::same_len("q_lo", q_lo.len(), "actual", actual.len())?;
        check::finite("actual", actual)?;
        let n = actual.len();
        let rank = conformal_rank(n, alpha);
        if rank > n {
            return Err(CalibError::TooFewCalibrationRows { n, alpha, rank });
        }
        let mut scores: Vec<f64> = q_lo
            .iter()
            .zip(q_hi)
            .zip(actual)
            .map(|((lo, hi), y)| (lo - y).max(y - hi))
            .collect();
        scores.sort_by(f64::total_cmp);
        Ok(Cqr {
            correction: scores[rank.max(1) - 1],
            alpha,
            n,
        })
    }

    /// The conformalised interval for one row's quantile predictions.
    pub fn interval(&self, q_lo: f64, q_hi: f64) -> (f64, f64) {
        (q_lo - self.correction, q_hi + self.correction)
    }

    /// Realised coverage and width of the conformalised intervals on a separate set.
    pub fn coverage(
        &self,
        q_lo: &[f64],
        q_hi: &[f64],
        actual: &[f64],
    ) -> Result<Coverage, CalibError> {
        check::paired("q_lo", q_lo, "q_hi", q_hi)?;
        let lo: Vec<f64> = q_lo.iter().map(|l| l - self.correction).collect();
        let hi: Vec<f64> = q_hi.iter().map(|h| h + self.correction).collect();
        interval_coverage(&lo, &hi, actual)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_is_not_pushed_up_by_rounding() {
        assert_eq!(conformal_rank(99, 0.2), 80);
        assert_eq!(conformal_rank(9, 0.1), 9);
        assert_eq!(conformal_rank(10, 0.1), 10);
        assert_eq!(conformal_rank(8, 0.1), 9);
    }

    #[test]
    fn correction_is_the_ranked_score() {
        // Scores 0..=9 (y above q_hi by i); n = 10, alpha = 0.2: rank ceil(8.8) = 9 → 8.
        let y: Vec<f64> = (0..10).map(f64::from).collect();
        let z = vec![0.0; 10];
        assert_eq!(Cqr::fit(&z, &z, &y, 0.2).unwrap().correction, 8.0);
    }
}
