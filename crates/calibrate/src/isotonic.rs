//! Isotonic calibration: the monotone map from a model's raw score to the frequency with
//! which it was actually right, fitted on rows the model never trained on.
//!
//! Monotone because a higher score must never mean a lower P(up); otherwise free-form, so it
//! corrects any shape of over- or under-confidence without assuming a sigmoid. Matches
//! scikit-learn's `IsotonicRegression(increasing=True, out_of_bounds="clip")`: equal x are
//! averaged first (weighted), zero-weight rows dropped, predictions interpolate linearly
//! between the fitted points and are clipped to the training range. (scikit-learn merges x
//! closer than 1e-15 as ties; here only exactly equal x are ties.)

use serde::{Deserialize, Serialize};

use crate::{CalibError, check, pava::pava};

/// A fitted increasing step-and-ramp function. Stored with a model so the same calibration
/// is applied live as was measured offline; deserialising re-checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IsotonicParts")]
pub struct Isotonic {
    /// Strictly increasing x: the first and last x of each fitted block.
    thresholds: Vec<f64>,
    /// Non-decreasing fitted value at each threshold.
    values: Vec<f64>,
}

/// The serialised form, validated by [`Isotonic::from_parts`] on the way in.
#[derive(Debug, Deserialize)]
struct IsotonicParts {
    thresholds: Vec<f64>,
    values: Vec<f64>,
}

impl TryFrom<IsotonicParts> for Isotonic {
    type Error = CalibError;
    fn try_from(p: IsotonicParts) -> Result<Self, CalibError> {
        Isotonic::from_parts(p.thresholds, p.values)
    }
}

impl Isotonic {
    /// Fit y (e.g. 0/1 outcomes) against x (e.g. raw scores), every row weighted equally.
    pub fn fit(x: &[f64], y: &[f64]) -> Result<Isotonic, CalibError> {
        Isotonic::fit_weighted(x, y, &vec![1.0; x.len()])
    }

    /// Fit with per-row weights (>= 0; zero-weight rows are ignored, as in scikit-learn).
    pub fn fit_weighted(x: &[f64], y: &[f64], w: &[f64]) -> Result<Isotonic, CalibError> {
        check::paired("x", x, "y", y)?;
        check::same_len("x", x.len(), "weights", w.len())?;
        check::finite("weights", w)?;
        if let Some(index) = w.iter().position(|&v| v < 0.0) {
            return Err(CalibError::NegativeWeight {
                what: "weights",
                index,
                value: w[index],
            });
        }
        let mut order: Vec<usize> = (0..x.len()).filter(|&i| w[i] > 0.0).collect();
        if order.is_empty() {
            return Err(CalibError::ZeroWeights);
        }
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));

        // Ties in x: one point at their weighted mean y, carrying their total weight.
        let (mut ux, mut uy, mut uw) = (Vec::new(), Vec::new(), Vec::new());
        for &i in &order {
            if ux.last() == Some(&x[i]) {
                let last = uy.len() - 1;
                uy[last] += w[i] * y[i];
                uw[last] += w[i];
            } else {
                ux.push(x[i]);
                uy.push(w[i] * y[i]);
                uw.push(w[i]);
            }
        }
        for (sum_wy, sum_w) in uy.iter_mut().zip(&uw) {
            *sum_wy /= sum_w;
        }

        let (mut thresholds, mut values) = (Vec::new(), Vec::new());
        for b in pava(&uy, &uw) {
            thresholds.push(ux[b.start]);
            values.push(b.value());
            if b.end - b.start > 1 {
                thresholds.push(ux[b.end - 1]);
                values.push(b.value());
            }
        }
        Ok(Isotonic { thresholds, values })
    }

    /// Rebuild a stored calibrator, refusing one that is not a valid increasing function.
    pub fn from_parts(thresholds: Vec<f64>, values: Vec<f64>) -> Result<Isotonic, CalibError> {
        check::non_empty("thresholds", thresholds.len())?;
        check::same_len("thresholds", thresholds.len(), "values", values.len())?;
        check::finite("thresholds", &thresholds)?;
        check::finite("values", &values)?;
        if thresholds.windows(2).any(|t| t[0] >= t[1]) {
            return Err(CalibError::BadModel(
                "thresholds must be strictly increasing",
            ));
        }
        if values.windows(2).any(|v| v[0] > v[1]) {
            return Err(CalibError::BadModel("values must be non-decreasing"));
        }
        Ok(Isotonic { thresholds, values })
    }

    /// The calibrated value at `x`: linear between fitted points, clipped beyond the ends
    /// (a score outside the training range gets the nearest calibrated value, never an
    /// extrapolation). NaN is refused rather than passed on to a gate.
    pub fn predict(&self, x: f64) -> Result<f64, CalibError> {
        if x.is_nan() {
            return Err(CalibError::NotFinite {
                what: "x",
                index: 0,
                value: x,
            });
        }
        let (t, v) = (&self.thresholds, &self.values);
        // Index of the first threshold above x; the segment is [j - 1, j].
        let j = t.partition_point(|&ti| ti <= x);
        Ok(if j == 0 {
            v[0]
        } else if j == t.len() {
            v[j - 1]
        } else {
            let slope = (v[j] - v[j - 1]) / (t[j] - t[j - 1]);
            slope * (x - t[j - 1]) + v[j - 1]
        })
    }

    /// [`predict`](Self::predict) for every value, naming the first NaN by index.
    pub fn predict_all(&self, xs: &[f64]) -> Result<Vec<f64>, CalibError> {
        xs.iter()
            .enumerate()
            .map(|(index, &x)| {
                self.predict(x).map_err(|_| CalibError::NotFinite {
                    what: "x",
                    index,
                    value: x,
                })
            })
            .collect()
    }

    /// The fitted points' x, strictly increasing.
    pub fn thresholds(&self) -> &[f64] {
        &self.thresholds
    }

    /// The fitted value at each threshold, non-decreasing.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}
