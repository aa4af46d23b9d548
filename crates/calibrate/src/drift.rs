//! Population stability index: has the distribution a model sees moved away from the one
//! it was trained and calibrated on? A calibration measured on last quarter's returns says
//! little once volatility has tripled, so the gate should know.
//!
//! Bins are the reference sample's quantiles (so each holds about 1/bins of the reference),
//! right-closed `(e[i−1], e[i]]`, the outer bins open-ended. Cut points are numpy's default
//! "linear" quantiles of the reference. With shares `r` and `c` per bin:
//! `PSI = Σ (c − r) × ln(c / r)`. A share of zero is replaced by `epsilon` so an empty bin
//! gives a large but finite term instead of infinity.
//!
//! Common reading (credit-scoring practice): below 0.1 stable, 0.1–0.25 moderate shift
//! (watch it), above 0.25 significant shift (recalibrate or retrain).

use crate::{CalibError, check};

/// PSI below this is usually read as no meaningful shift.
pub const PSI_MODERATE: f64 = 0.1;
/// PSI above this is usually read as a significant shift.
pub const PSI_SIGNIFICANT: f64 = 0.25;

/// Bin count and smoothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PsiConfig {
    /// Quantile bins of the reference; the reference needs at least this many values.
    pub bins: usize,
    /// Stand-in share for an empty bin.
    pub epsilon: f64,
}

impl Default for PsiConfig {
    fn default() -> Self {
        PsiConfig {
            bins: 10,
            epsilon: 1e-4,
        }
    }
}

/// How far the current sample has drifted, by the usual thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftLevel {
    Stable,
    Moderate,
    Significant,
}

/// The index and the per-bin shares behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Psi {
    pub value: f64,
    /// The bins − 1 interior cut points, from the reference.
    pub cuts: Vec<f64>,
    pub reference_share: Vec<f64>,
    pub current_share: Vec<f64>,
}

impl Psi {
    pub fn level(&self) -> DriftLevel {
        if self.value > PSI_SIGNIFICANT {
            DriftLevel::Significant
        } else if self.value >= PSI_MODERATE {
            DriftLevel::Moderate
        } else {
            DriftLevel::Stable
        }
    }
}

/// PSI of `current` against `reference` with [`PsiConfig::default`] (10 bins, 1e-4).
pub fn psi(reference: &[f64], current: &[f64]) -> Result<Psi, CalibError> {
    psi_with(reference, current, &PsiConfig::default())
}

/// PSI with explicit bins and smoothing.
pub fn psi_with(reference: &[f64], current: &[f64], cfg: &PsiConfig) -> Result<Psi, CalibError> {
    PsiReference::fit(reference, cfg)?.psi(current)
}

/// A reference sample reduced to what PSI needs — its cut points and bin shares — so a
/// model can carry the distribution it was trained on (a few numbers per feature, not the
/// training rows) and be compared with what it is served later.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PsiReference {
    /// The bins − 1 interior cut points.
    pub cuts: Vec<f64>,
    pub share: Vec<f64>,
    pub epsilon: f64,
}

impl PsiReference {
    pub fn fit(reference: &[f64], cfg: &PsiConfig) -> Result<PsiReference, CalibError> {
        if cfg.bins < 2 {
            return Err(CalibError::BadParameter {
                name: "bins",
                value: cfg.bins as f64,
                want: "at least 2 bins",
            });
        }
        if !(cfg.epsilon > 0.0 && cfg.epsilon < 1.0 / cfg.bins as f64) {
            return Err(CalibError::BadParameter {
                name: "epsilon",
                value: cfg.epsilon,
                want: "a small positive share, below 1 / bins",
            });
        }
        check::non_empty("reference", reference.len())?;
        check::finite("reference", reference)?;
        if reference.len() < cfg.bins {
            return Err(CalibError::BadParameter {
                name: "reference length",
                value: reference.len() as f64,
                want: "at least one reference value per bin",
            });
        }
        let mut sorted = reference.to_vec();
        sorted.sort_by(f64::total_cmp);
        let cuts: Vec<f64> = (1..cfg.bins)
            .map(|i| linear_quantile(&sorted, i as f64 / cfg.bins as f64))
            .collect();
        let share = shares(&cuts, reference, cfg.epsilon);
        Ok(PsiReference {
            cuts,
            share,
            epsilon: cfg.epsilon,
        })
    }

    /// PSI of `current` against this reference.
    pub fn psi(&self, current: &[f64]) -> Result<Psi, CalibError> {
        check::non_empty("current", current.len())?;
        check::finite("current", current)?;
        let c = shares(&self.cuts, current, self.epsilon);
        let value = self
            .share
            .iter()
            .zip(&c)
            .map(|(r, c)| (c - r) * (c / r).ln())
            .sum();
        Ok(Psi {
            value,
            cuts: self.cuts.clone(),
            reference_share: self.share.clone(),
            current_share: c,
        })
    }
}

/// Share of `xs` in each bin `(cuts[i−1], cuts[i]]`, an empty bin counted as `epsilon`.
fn shares(cuts: &[f64], xs: &[f64], epsilon: f64) -> Vec<f64> {
    let mut counts = vec![0usize; cuts.len() + 1];
    for &x in xs {
        counts[cuts.partition_point(|&c| c < x)] += 1;
    }
    counts
        .iter()
        .map(|&c| (c as f64 / xs.len() as f64).max(epsilon))
        .collect()
}

/// numpy's default quantile: linear between order statistics at position q × (n − 1),
/// interpolated from the nearer end as numpy does, so cut points match it bit for bit.
fn linear_quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let (a, b, t) = (sorted[lo], sorted[hi], pos - lo as f64);
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}
