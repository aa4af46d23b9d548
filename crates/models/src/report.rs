//! The evaluation report of one training run: every figure from the evaluation fold (rows
//! no model or calibrator was fitted on), each beside its naive baseline — the base rate for
//! probabilities, a zero return for return forecasts. A model that does not beat them is
//! not activated, and the report says which comparison it lost. Training computes it
//! (`cst_train::evaluate`); the registry, the health agent and the dashboard read it.

use std::fmt::Write as _;

use cst_calibrate::{Coverage, Reliability};
use cst_config::trading::MIN_P_UP_FLOOR;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Versus {
    pub model: f64,
    pub baseline: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub horizon_h: u32,
    pub feature_set: String,
    pub rows_total: usize,
    pub rows_calibration: usize,
    pub rows_evaluation: usize,
    pub eval_from: i64,
    pub eval_to: i64,
    pub auc: Versus,
    pub brier: Versus,
    /// The classifier's score before calibration, for comparison.
    /// `None` when the classifier's raw score is not a probability (a user model's logit).
    pub brier_uncalibrated: Option<f64>,
    pub log_loss: Versus,
    pub ece: f64,
    pub hit_rate: Versus,
    /// Precision among the top 5% P(up) rows vs the base rate.
    pub precision_at_k: Versus,
    pub k: usize,
    pub mae: Versus,
    pub pinball_q10: Versus,
    pub pinball_q50: Versus,
    pub pinball_q90: Versus,
    /// Realised coverage of the conformal 80% intervals, and of the raw q10–q90.
    pub interval: Coverage,
    pub interval_raw: Option<Coverage>,
    /// Evaluation rows at or above the gate's floor (0.80), and how many of them went up.
    pub gated: usize,
    pub gated_up: usize,
    pub reliability: Reliability,
    pub stacker_intercept: f64,
    /// [calibrated classifier P(up), median mapped to P(up)].
    pub stacker_weights: Vec<f64>,
    /// Where the classifier came from (LightGBM, or a user-supplied model).
    #[serde(default)]
    pub classifier: String,
    pub beats_baselines: bool,
    /// Each comparison the model lost (empty when it beats every baseline).
    pub lost: Vec<String>,
    /// The evaluation rows in the field's terms (../shared/SIGNAL.md); absent from reports
    /// written before it existed.
    #[serde(default)]
    pub signal: Option<cst_calibrate::signal::Signal>,
}

/// A Unix time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(
        || t.to_string(),
        |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

impl EvalReport {
    /// Share of the evaluation rows that went up (what any hit rate above must beat), from
    /// the reliability table's bins; `None` without rows.
    pub fn base_rate(&self) -> Option<f64> {
        let (up, n) = self
            .reliability
            .bins
            .iter()
            .fold((0.0, 0usize), |(up, n), b| {
                (
                    up + b.frequency.unwrap_or(0.0) * b.count as f64,
                    n + b.count,
                )
            });
        (n > 0).then(|| up / n as f64)
    }

    /// A readable table of the report.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "horizon {} h, FeatureSet {}: {} rows ({} calibration, {} evaluation)",
            self.horizon_h,
            self.feature_set,
            self.rows_total,
            self.rows_calibration,
            self.rows_evaluation
        );
        if !self.classifier.is_empty() {
            let _ = writeln!(s, "  classifier: {}", self.classifier);
        }
        let _ = writeln!(
            s,
            "  {:<22} {:>12} {:>12}",
            "metric (evaluation)", "model", "baseline"
        );
        let row = |s: &mut String, name: &str, v: &Versus| {
            let _ = writeln!(s, "  {name:<22} {:>12.6} {:>12.6}", v.model, v.baseline);
        };
        row(&mut s, "AUC", &self.auc);
        row(&mut s, "Brier", &self.brier);
        row(&mut s, "log-loss", &self.log_loss);
        row(&mut s, "hit rate", &self.hit_rate);
        row(
            &mut s,
            &format!("precision@{}", self.k),
            &self.precision_at_k,
        );
        row(&mut s, "MAE (median)", &self.mae);
        row(&mut s, "pinball q10", &self.pinball_q10);
        row(&mut s, "pinball q50", &self.pinball_q50);
        row(&mut s, "pinball q90", &self.pinball_q90);
        let _ = writeln!(
            s,
            "  ECE {:.4} (Brier before calibration {}); 80% interval coverage {:.1}% (width {:.4}){}",
            self.ece,
            self.brier_uncalibrated.map_or(
                "-: the raw score is not a probability".to_string(),
                |b| format!("{b:.6}")
            ),
            100.0 * self.interval.share,
            self.interval.mean_width,
            self.interval_raw.map_or(String::new(), |c| format!(
                ", raw q10-q90 {:.1}%",
                100.0 * c.share
            ))
        );
        let _ = writeln!(
            s,
            "  p_up >= {MIN_P_UP_FLOOR:.2} (the gate's floor): {} rows, {} went up{}",
            self.gated,
            self.gated_up,
            if self.gated > 0 {
                format!(
                    " ({:.1}%; base rate of the evaluation rows {})",
                    100.0 * self.gated_up as f64 / self.gated as f64,
                    self.base_rate()
                        .map_or("-".to_string(), |b| format!("{:.1}%", 100.0 * b))
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            s,
            "  stacker: intercept {:.3}, weights {:?}",
            self.stacker_intercept, self.stacker_weights
        );
        if self.beats_baselines {
            let _ = writeln!(s, "  beats its baselines: eligible for activation");
        } else {
            let _ = writeln!(s, "  NOT activated: {}", self.lost.join("; "));
        }
        s
    }
}
