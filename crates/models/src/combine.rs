//! Raw model outputs → the calibrated prediction: one formula, used by training (on the
//! out-of-fold rows it evaluates) and by serving, so both apply exactly the same maps.

use cst_calibrate::{Cqr, Isotonic, Stacker, quantile_to_p_up};

use crate::{MlError, bundle::ModelBundle};

/// What the calibration maps make of raw model outputs (shared with serving, so training
/// and serving apply the same formulas).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Combined {
    pub p_up: f64,
    pub lo: f64,
    pub hi: f64,
    pub quality_prob: f64,
    /// The stacker's inputs, the two base models' P(up): the isotonic-calibrated
    /// classifier, and the median forecast mapped to a probability.
    pub p_classifier: f64,
    pub p_median: f64,
}

/// Raw outputs → calibrated outputs, exactly as [`crate::predict::Predictor`] serves them.
pub fn combine(
    b: &ModelBundleParts<'_>,
    raw_p: f64,
    q10: f64,
    q50: f64,
    q90: f64,
) -> Result<Combined, MlError> {
    let p_cal = b.isotonic.predict(raw_p)?;
    let p_med = quantile_to_p_up(q50, b.sigma)?;
    let p_up = b.stacker.predict(&[p_cal, p_med])?;
    let (lo, hi) = b.cqr.interval(q10.min(q90), q10.max(q90));
    let quality_prob = b
        .quality
        .predict(&quality_inputs(p_up, lo, hi, q50, b.sigma))?;
    Ok(Combined {
        p_up,
        lo,
        hi,
        quality_prob,
        p_classifier: p_cal,
        p_median: p_med,
    })
}

/// The calibration part of a bundle, borrowed (training has it before the bundle exists).
#[derive(Debug, Clone, Copy)]
pub struct ModelBundleParts<'a> {
    pub isotonic: &'a Isotonic,
    pub cqr: &'a Cqr,
    pub stacker: &'a Stacker,
    pub quality: &'a Stacker,
    pub sigma: f64,
}

impl<'a> From<&'a ModelBundle> for ModelBundleParts<'a> {
    fn from(b: &'a ModelBundle) -> Self {
        ModelBundleParts {
            isotonic: &b.isotonic,
            cqr: &b.cqr,
            stacker: &b.stacker,
            quality: &b.quality,
            sigma: b.sigma,
        }
    }
}

pub fn quality_inputs(p_up: f64, lo: f64, hi: f64, q50: f64, sigma: f64) -> [f64; 3] {
    [p_up, (hi - lo) / sigma, q50 / sigma]
}
