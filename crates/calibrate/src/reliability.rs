//! Is "P(up) = 0.8" right 80% of the time? Reliability table, Brier score, expected
//! calibration error and log-loss for probabilities against binary outcomes.
//!
//! Bins are fixed and equal-width over [0, 1] so tables from different models and periods
//! line up. Edges are `i * (1 / bins)` with the last set to exactly 1, and a probability
//! falls in the bin whose lower edge is the largest one <= it (p = 1 in the last bin): the
//! same binning as numpy's `linspace` + `searchsorted(side="right")` in scikit-learn's
//! `calibration_curve`, so a probability on an edge lands where the reference puts it.

use crate::{CalibError, check};

/// The conventional number of reliability bins.
pub const DEFAULT_BINS: usize = 10;

/// Log-loss clips probabilities to `[LOG_LOSS_EPS, 1 - LOG_LOSS_EPS]`: one confident miss
/// would otherwise make the mean infinite and hide everything else.
pub const LOG_LOSS_EPS: f64 = 1e-15;

/// One probability bin. Empty bins keep their edges but have no statistics: a frequency of
/// zero rows is undefined, not 0.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReliabilityBin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// Mean predicted probability of the rows in the bin.
    pub mean_predicted: Option<f64>,
    /// Share of those rows whose outcome was true.
    pub frequency: Option<f64>,
}

/// A reliability table and the calibration error it implies.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reliability {
    pub bins: Vec<ReliabilityBin>,
    pub n: usize,
    /// Expected calibration error: sum over non-empty bins of count/n × |mean predicted −
    /// frequency|. 0 is perfectly calibrated; it says nothing about discrimination.
    pub ece: f64,
}

/// Bin edges `0, 1/b, 2/b, …, 1` as numpy's `linspace(0, 1, b + 1)` computes them.
fn edges(bins: usize) -> Vec<f64> {
    let step = 1.0 / bins as f64;
    let mut e: Vec<f64> = (0..=bins).map(|i| i as f64 * step).collect();
    e[bins] = 1.0;
    e
}

/// The reliability table over `bins` equal-width bins.
pub fn reliability(p: &[f64], outcomes: &[bool], bins: usize) -> Result<Reliability, CalibError> {
    check::scored(p, outcomes)?;
    if bins == 0 {
        return Err(CalibError::BadParameter {
            name: "bins",
            value: 0.0,
            want: "at least one bin",
        });
    }
    let e = edges(bins);
    let interior = &e[1..bins];
    let mut sum_p = vec![0.0; bins];
    let mut hits = vec![0usize; bins];
    let mut count = vec![0usize; bins];
    for (&pi, &yi) in p.iter().zip(outcomes) {
        let b = interior.partition_point(|&edge| edge <= pi);
        sum_p[b] += pi;
        hits[b] += usize::from(yi);
        count[b] += 1;
    }
    let n = p.len();
    let mut ece = 0.0;
    let table = (0..bins)
        .map(|b| {
            let stats = (count[b] > 0).then(|| {
                let c = count[b] as f64;
                (sum_p[b] / c, hits[b] as f64 / c)
            });
            if let Some((mp, fr)) = stats {
                ece += count[b] as f64 / n as f64 * (mp - fr).abs();
            }
            ReliabilityBin {
                lo: e[b],
                hi: e[b + 1],
                count: count[b],
                mean_predicted: stats.map(|s| s.0),
                frequency: stats.map(|s| s.1),
            }
        })
        .collect();
    Ok(Reliability {
        bins: table,
        n,
        ece,
    })
}

/// Expected calibration error over `bins` equal-width bins (see [`Reliability::ece`]).
pub fn ece(p: &[f64], outcomes: &[bool], bins: usize) -> Result<f64, CalibError> {
    reliability(p, outcomes, bins).map(|r| r.ece)
}

/// Brier score: mean squared gap between probability and outcome. Rewards calibration and
/// discrimination together; the base-rate predictor scores `rate × (1 − rate)`.
pub fn brier(p: &[f64], outcomes: &[bool]) -> Result<f64, CalibError> {
    check::scored(p, outcomes)?;
    Ok(check::mean(
        p.iter()
            .zip(outcomes)
            .map(|(&pi, &yi)| (pi - f64::from(u8::from(yi))).powi(2)),
    ))
}

/// Mean negative log-likelihood of the outcomes, probabilities clipped to
/// [`LOG_LOSS_EPS`]. Punishes confident misses far harder than Brier does, which is the
/// failure a 0.80 gate cares about.
pub fn log_loss(p: &[f64], outcomes: &[bool]) -> Result<f64, CalibError> {
    check::scored(p, outcomes)?;
    Ok(check::mean(
        p.iter()
            .zip(outcomes)
            .map(|(&pi, &yi)| point_log_loss(pi, yi)),
    ))
}

pub(crate) fn point_log_loss(p: f64, outcome: bool) -> f64 {
    let p = p.clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS);
    if outcome { -p.ln() } else { -(1.0 - p).ln() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_match_numpy_linspace() {
        // numpy: linspace(0, 1, 11)[3] == 0.30000000000000004, so p = 0.3 is in bin 2.
        assert_eq!(edges(10)[3], 0.30000000000000004);
        let r = reliability(&[0.3, 1.0, 0.0], &[true, true, false], 10).unwrap();
        assert_eq!(r.bins[2].count, 1);
        assert_eq!(r.bins[9].count, 1);
        assert_eq!(r.bins[0].count, 1);
    }

    #[test]
    fn perfectly_calibrated_bins_have_zero_ece() {
        let p = [0.25; 4];
        let y = [true, false, false, false];
        assert_eq!(ece(&p, &y, 10).unwrap(), 0.0);
        assert!(reliability(&p, &y, 10).unwrap().bins[0].frequency.is_none());
    }
}
