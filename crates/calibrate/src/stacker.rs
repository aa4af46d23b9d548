//! Meta-stacker: learn how to combine base models' outputs into one P(up), instead of
//! fixing weights by hand. Logistic regression on a few inputs (2–4 base-model scores plus
//! an intercept), fitted by Newton's method (IRLS) with a small ridge.
//!
//! Objective: `mean log-loss + ridge / 2 × Σ w²`, the intercept unpenalised (so the base
//! rate is free). This equals scikit-learn's `LogisticRegression(C = 1 / (n × ridge))`. The
//! ridge keeps the fit finite when a base model separates the classes perfectly in-sample,
//! which would otherwise send its weight to infinity and every P(up) to 0 or 1. Newton
//! converges in a handful of steps for so few parameters and is fully deterministic; a step
//! halving line search keeps each step an improvement.

use serde::{Deserialize, Serialize};

use crate::{CalibError, check, linalg::cholesky_solve, link::logistic};

/// How hard to shrink and when to stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StackerConfig {
    /// L2 penalty on the weights (not the intercept); >= 0.
    pub ridge: f64,
    /// Newton steps before giving up with [`CalibError::NoConvergence`].
    pub max_iter: usize,
    /// Converged when the largest Newton step component is at most this.
    pub tol: f64,
}

impl Default for StackerConfig {
    fn default() -> Self {
        StackerConfig {
            ridge: 1e-4,
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

/// A fitted stacker: `P(up) = logistic(intercept + Σ weights[j] × x[j])`. The weights are
/// the point: they show which base model the data trusts, and by how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StackerParts")]
pub struct Stacker {
    intercept: f64,
    weights: Vec<f64>,
}

#[derive(Debug, Deserialize)]
struct StackerParts {
    intercept: f64,
    weights: Vec<f64>,
}

impl TryFrom<StackerParts> for Stacker {
    type Error = CalibError;
    fn try_from(p: StackerParts) -> Result<Self, CalibError> {
        Stacker::from_parts(p.intercept, p.weights)
    }
}

/// Rows with an intercept column in front, as one flat row-major matrix.
struct Design {
    x: Vec<f64>,
    y: Vec<f64>,
    dim: usize,
}

impl Design {
    fn rows(&self) -> impl Iterator<Item = (&[f64], f64)> {
        self.x.chunks_exact(self.dim).zip(self.y.iter().copied())
    }

    /// Mean log-loss plus the ridge term, computed stably (softplus form).
    fn objective(&self, theta: &[f64], ridge: f64) -> f64 {
        let loss = self.rows().fold(0.0, |acc, (row, y)| {
            let z = dot(row, theta);
            acc + z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z
        });
        loss / self.y.len() as f64 + ridge / 2.0 * theta[1..].iter().map(|w| w * w).sum::<f64>()
    }

    /// Gradient and Hessian of [`Design::objective`].
    fn derivatives(&self, theta: &[f64], ridge: f64) -> (Vec<f64>, Vec<f64>) {
        let (d, n) = (self.dim, self.y.len() as f64);
        let mut g = vec![0.0; d];
        let mut h = vec![0.0; d * d];
        for (row, y) in self.rows() {
            let p = logistic(dot(row, theta));
            let s = p * (1.0 - p);
            for j in 0..d {
                g[j] += (p - y) * row[j];
                for k in 0..d {
                    h[j * d + k] += s * row[j] * row[k];
                }
            }
        }
        g.iter_mut().for_each(|v| *v /= n);
        h.iter_mut().for_each(|v| *v /= n);
        for j in 1..d {
            g[j] += ridge * theta[j];
            h[j * d + j] += ridge;
        }
        (g, h)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Stacker {
    /// Fit with [`StackerConfig::default`] (ridge 1e-4).
    pub fn fit<R: AsRef<[f64]>>(rows: &[R], outcomes: &[bool]) -> Result<Stacker, CalibError> {
        Stacker::fit_with(rows, outcomes, &StackerConfig::default())
    }

    /// Fit on one row of base-model outputs per outcome; every row the same length.
    pub fn fit_with<R: AsRef<[f64]>>(
        rows: &[R],
        outcomes: &[bool],
        cfg: &StackerConfig,
    ) -> Result<Stacker, CalibError> {
        if !(cfg.ridge.is_finite() && cfg.ridge >= 0.0) {
            return Err(CalibError::BadParameter {
                name: "ridge",
                value: cfg.ridge,
                want: "a finite penalty >= 0",
            });
        }
        check::positive("tol", cfg.tol, "a positive finite tolerance")?;
        if cfg.max_iter == 0 {
            return Err(CalibError::BadParameter {
                name: "max_iter",
                value: 0.0,
                want: "at least one Newton step",
            });
        }
        let design = design(rows, outcomes)?;
        let mut theta = vec![0.0; design.dim];
        let mut f = design.objective(&theta, cfg.ridge);
        let mut last_step = f64::INFINITY;
        for _ in 0..cfg.max_iter {
            let (g, h) = design.derivatives(&theta, cfg.ridge);
            let step = cholesky_solve(&h, &g).ok_or(CalibError::Singular)?;
            last_step = step.iter().fold(0.0, |m, s| f64::max(m, s.abs()));
            if !last_step.is_finite() {
                return Err(CalibError::Singular);
            }
            if last_step <= cfg.tol {
                theta.iter_mut().zip(&step).for_each(|(t, s)| *t -= s);
                return Stacker::from_parts(theta[0], theta[1..].to_vec());
            }
            // Armijo backtracking; the slack absorbs rounding once f stops moving.
            let decrement = dot(&g, &step);
            let mut t = 1.0;
            loop {
                let cand: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
                let fc = design.objective(&cand, cfg.ridge);
                if fc <= f - 1e-4 * t * decrement + 1e-14 * f.abs() {
                    theta = cand;
                    f = fc;
                    break;
                }
                t /= 2.0;
                if t < 1e-10 {
                    return Err(CalibError::NoConvergence {
                        iterations: cfg.max_iter,
                        step: last_step,
                    });
                }
            }
        }
        Err(CalibError::NoConvergence {
            iterations: cfg.max_iter,
            step: last_step,
        })
    }

    /// Rebuild a stored stacker, refusing non-finite parameters.
    pub fn from_parts(intercept: f64, weights: Vec<f64>) -> Result<Stacker, CalibError> {
        check::finite("intercept", &[intercept])?;
        check::finite("weights", &weights)?;
        Ok(Stacker { intercept, weights })
    }

    /// P(up) for one row of base-model outputs (same columns as in fit).
    pub fn predict(&self, features: &[f64]) -> Result<f64, CalibError> {
        if features.len() != self.weights.len() {
            return Err(CalibError::FeatureCount {
                row: 0,
                got: features.len(),
                want: self.weights.len(),
            });
        }
        check::finite("features", features)?;
        Ok(logistic(self.intercept + dot(features, &self.weights)))
    }

    /// The learned weight of each input, in column order.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The learned intercept (log-odds when every input is zero).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }
}

/// Validate and lay out the rows with a leading intercept column.
fn design<R: AsRef<[f64]>>(rows: &[R], outcomes: &[bool]) -> Result<Design, CalibError> {
    check::non_empty("rows", rows.len())?;
    check::same_len("rows", rows.len(), "outcomes", outcomes.len())?;
    let k = rows[0].as_ref().len();
    let mut x = Vec::with_capacity(rows.len() * (k + 1));
    for (row, r) in rows.iter().map(AsRef::as_ref).enumerate() {
        if r.len() != k {
            return Err(CalibError::FeatureCount {
                row,
                got: r.len(),
                want: k,
            });
        }
        if let Some(j) = r.iter().position(|v| !v.is_finite()) {
            return Err(CalibError::NotFinite {
                what: "features",
                index: row,
                value: r[j],
            });
        }
        x.push(1.0);
        x.extend_from_slice(r);
    }
    let ups = outcomes.iter().filter(|&&y| y).count();
    if ups == 0 || ups == outcomes.len() {
        return Err(CalibError::OneClass {
            what: "the stacker",
            class: ups > 0,
        });
    }
    Ok(Design {
        x,
        y: outcomes.iter().map(|&y| f64::from(u8::from(y))).collect(),
        dim: k + 1,
    })
}
