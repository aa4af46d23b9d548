//! What a model must beat: the scores of predictors that know nothing about the row.
//!
//! For P(up) the naive predictor says the training base rate every time: its Brier is
//! `rate × (1 − rate)`, its AUC 0.5, its hit rate the share of the majority class. For
//! returns it predicts zero. A model whose score is not clearly better than these on held-out
//! rows has learned nothing worth gating on.

use crate::{
    CalibError, check,
    metrics::pinball_point,
    reliability::{LOG_LOSS_EPS, point_log_loss},
};

/// The AUC of any constant (or random) score.
pub const BASE_AUC: f64 = 0.5;

/// Scores of "always predict the base rate" on a set of outcomes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BinaryBaseline {
    /// Share of true outcomes: the constant the naive predictor says.
    pub base_rate: f64,
    pub brier: f64,
    pub log_loss: f64,
    /// Always [`BASE_AUC`].
    pub auc: f64,
    /// Hit rate of the constant: it says "up" when the base rate is >= 0.5.
    pub hit_rate: f64,
}

impl BinaryBaseline {
    /// The base-rate predictor's scores on `outcomes`, using their own rate. Score a model
    /// on held-out rows against the baseline of those same rows (or pass the training rate
    /// to [`BinaryBaseline::with_rate`] for the stricter out-of-sample baseline).
    pub fn of(outcomes: &[bool]) -> Result<BinaryBaseline, CalibError> {
        check::non_empty("outcomes", outcomes.len())?;
        let rate = outcomes.iter().filter(|&&y| y).count() as f64 / outcomes.len() as f64;
        BinaryBaseline::with_rate(rate, outcomes)
    }

    /// The scores of always predicting `rate` on `outcomes`.
    pub fn with_rate(rate: f64, outcomes: &[bool]) -> Result<BinaryBaseline, CalibError> {
        check::non_empty("outcomes", outcomes.len())?;
        check::probabilities("base rate", &[rate])?;
        let n = outcomes.len() as f64;
        let ups = outcomes.iter().filter(|&&y| y).count() as f64;
        let share = ups / n;
        let clipped = rate.clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS);
        Ok(BinaryBaseline {
            base_rate: rate,
            brier: share * (1.0 - rate).powi(2) + (1.0 - share) * rate.powi(2),
            log_loss: share * point_log_loss(clipped, true)
                + (1.0 - share) * point_log_loss(clipped, false),
            auc: BASE_AUC,
            hit_rate: if rate >= 0.5 { share } else { 1.0 - share },
        })
    }
}

/// MAE of predicting a zero return: the mean absolute realised return.
pub fn zero_return_mae(actual: &[f64]) -> Result<f64, CalibError> {
    check::non_empty("actual", actual.len())?;
    check::finite("actual", actual)?;
    Ok(check::mean(actual.iter().map(|y| y.abs())))
}

/// Pinball loss at `alpha` of predicting a zero return as that quantile.
pub fn zero_return_pinball(actual: &[f64], alpha: f64) -> Result<f64, CalibError> {
    check::alpha(alpha)?;
    check::non_empty("actual", actual.len())?;
    check::finite("actual", actual)?;
    Ok(check::mean(
        actual.iter().map(|&y| pinball_point(0.0, y, alpha)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_rate_brier_is_rate_times_complement() {
        let y = [true, false, false, false];
        let b = BinaryBaseline::of(&y).unwrap();
        assert!((b.brier - 0.25 * 0.75).abs() < 1e-15);
        assert_eq!(b.hit_rate, 0.75);
        assert_eq!(b.auc, 0.5);
    }
}
