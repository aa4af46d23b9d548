//! When a horizon should be retrained before its daily run: its inputs have moved away
//! from what it was trained on, or its probabilities have stopped meaning what they said.
//!
//! - Feature drift: every feature's training distribution is kept in the bundle as PSI
//!   cut points and shares ([`FeatureReference`]); the rows served over the last hours are
//!   compared feature by feature. One feature moving is common (a volume regime), so the
//!   trigger is the *median* PSI across features: most of the inputs moved.
//! - Calibration drift: predictions whose horizon has passed are resolved against the
//!   stored candles with the training label's rule (log return above the round-trip cost);
//!   their expected calibration error is compared with the one measured on the evaluation
//!   fold when the model was trained.

use std::collections::BTreeMap;

use cst_calibrate::{PsiConfig, PsiReference, reliability};
use cst_features::HOUR;
use cst_market::Timeframe;
use cst_store::{CandleKey, Store, StoredPrediction};
use serde::{Deserialize, Serialize};

use crate::MlError;

/// One feature's training distribution; `None` when too few of its training values were
/// defined to bin (such a feature is not checked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureReference {
    pub name: String,
    pub psi: Option<PsiReference>,
}

/// Values a feature needs, in the reference or in the served rows, to be compared.
const MIN_VALUES: usize = 100;

/// Each feature's distribution over the training rows `x` (row-major, one column per name;
/// NaN values left out).
pub fn references<S: AsRef<str>>(names: &[S], x: &[f64]) -> Result<Vec<FeatureReference>, MlError> {
    let n = names.len();
    let rows = x.len().checked_div(n).unwrap_or(0);
    let cfg = PsiConfig::default();
    let mut out = Vec::with_capacity(n);
    for (j, name) in names.iter().enumerate() {
        let values: Vec<f64> = (0..rows)
            .map(|i| x[i * n + j])
            .filter(|v| v.is_finite())
            .collect();
        let psi = if values.len() >= MIN_VALUES.max(cfg.bins) {
            Some(PsiReference::fit(&values, &cfg).map_err(MlError::Calib)?)
        } else {
            None
        };
        out.push(FeatureReference {
            name: name.as_ref().to_string(),
            psi,
        });
    }
    Ok(out)
}

/// How far the served rows have moved from the training rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureDrift {
    pub rows: usize,
    /// Features compared (enough defined values on both sides).
    pub features: usize,
    pub median_psi: f64,
    pub worst: String,
    pub worst_psi: f64,
}

/// PSI of each referenced feature over `rows` (row-major, one value per reference);
/// `None` when no feature has enough defined values.
pub fn feature_drift(
    refs: &[FeatureReference],
    rows: &[f64],
) -> Result<Option<FeatureDrift>, MlError> {
    let n = refs.len();
    if n == 0 || !rows.len().is_multiple_of(n) {
        return Err(MlError::Shape(format!(
            "{} values are not whole rows of {n} features",
            rows.len()
        )));
    }
    let count = rows.len() / n;
    let mut psis = Vec::new();
    for (j, r) in refs.iter().enumerate() {
        let Some(reference) = &r.psi else { continue };
        let values: Vec<f64> = (0..count)
            .map(|i| rows[i * n + j])
            .filter(|v| v.is_finite())
            .collect();
        if values.len() < MIN_VALUES {
            continue;
        }
        let psi = reference.psi(&values).map_err(MlError::Calib)?.value;
        psis.push((psi, r.name.clone()));
    }
    if psis.is_empty() {
        return Ok(None);
    }
    psis.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (worst_psi, worst) = psis.last().cloned().expect("not empty");
    Ok(Some(FeatureDrift {
        rows: count,
        features: psis.len(),
        median_psi: psis[psis.len() / 2].0,
        worst,
        worst_psi,
    }))
}

/// How well the served probabilities held, on predictions whose outcome is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationDrift {
    pub resolved: usize,
    pub ece: f64,
    /// The ECE measured on the evaluation fold at training.
    pub trained_ece: f64,
}

/// Each prediction's realised label — did the log return from the close at t to the close
/// at t + horizon pay `round_trip_cost`, as in training — with its P(up). Predictions whose
/// outcome candles are not (yet) stored are left out.
pub fn resolve(
    store: &Store,
    exchange: &str,
    predictions: &[StoredPrediction],
    round_trip_cost: f64,
) -> Result<(Vec<f64>, Vec<bool>), MlError> {
    let threshold = round_trip_cost.ln_1p();
    let mut by_pair: BTreeMap<&str, Vec<&StoredPrediction>> = BTreeMap::new();
    for p in predictions {
        by_pair.entry(&p.pair).or_default().push(p);
    }
    let (mut p_up, mut up) = (Vec::new(), Vec::new());
    for (pair, preds) in by_pair {
        let from = preds.iter().map(|p| p.t).min().expect("not empty") - HOUR;
        let to = preds
            .iter()
            .map(|p| p.t + i64::from(p.horizon_h) * HOUR)
            .max()
            .expect("not empty");
        let key = CandleKey::new(exchange, pair, Timeframe::H1);
        let close: BTreeMap<i64, f64> = store
            .candles_between(&key, from, to)?
            .into_iter()
            .map(|c| (c.open_time + HOUR, c.close))
            .collect();
        for p in preds {
            let exit = p.t + i64::from(p.horizon_h) * HOUR;
            if let (Some(entry), Some(exit)) = (close.get(&p.t), close.get(&exit)) {
                p_up.push(p.p_up);
                up.push((exit / entry).ln() > threshold);
            }
        }
    }
    Ok((p_up, up))
}

/// The ECE of resolved predictions; `None` below `min_resolved`.
pub fn calibration_drift(
    p_up: &[f64],
    up: &[bool],
    trained_ece: f64,
    min_resolved: usize,
) -> Result<Option<CalibrationDrift>, MlError> {
    if p_up.len() < min_resolved.max(1) {
        return Ok(None);
    }
    Ok(Some(CalibrationDrift {
        resolved: p_up.len(),
        ece: reliability(p_up, up, 10).map_err(MlError::Calib)?.ece,
        trained_ece,
    }))
}

/// The thresholds (`[ml] drift_psi`, `drift_ece`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub psi: f64,
    pub ece: f64,
}

/// Why the horizon should be retrained now, or `None`.
pub fn verdict(
    features: Option<&FeatureDrift>,
    calibration: Option<&CalibrationDrift>,
    t: Thresholds,
) -> Option<String> {
    let mut why = Vec::new();
    if let Some(f) = features.filter(|f| f.median_psi > t.psi) {
        why.push(format!(
            "feature drift: median PSI {:.3} > {} over {} features of {} served rows (worst {} at {:.2})",
            f.median_psi, t.psi, f.features, f.rows, f.worst, f.worst_psi
        ));
    }
    if let Some(c) = calibration.filter(|c| c.ece > c.trained_ece + t.ece) {
        why.push(format!(
            "calibration drift: ECE {:.3} on {} resolved predictions vs {:.3} at training (+{} allowed)",
            c.ece, c.resolved, c.trained_ece, t.ece
        ));
    }
    (!why.is_empty()).then(|| why.join("; "))
}
