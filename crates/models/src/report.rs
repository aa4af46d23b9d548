//! The evaluation report of one training run: every figure from the evaluation fold (rows
//! no model or calibrator was fitted on), each beside its naive baseline — the base rate for
//! probabilities, a zero return for return forecasts. Each use of the model earns its
//! activation on its own evidence ([`Uses`]): the ranking model on its rank IC's
//! t-statistic, the absolute classifier on its Brier skill over the base rate; the report
//! says which was earned and why. Training computes it
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
    /// Whether any use earned activation ([`Uses`]).
    pub beats_baselines: bool,
    /// Each use that did not earn activation, with its evidence.
    pub lost: Vec<String>,
    /// What each use of the model earned on the evaluation rows.
    #[serde(default)]
    pub uses: Uses,
    /// The champion's figures on these same evaluation rows (which it never saw either),
    /// when there was a champion to compare with.
    #[serde(default)]
    pub champion: Option<cst_calibrate::signal::Signal>,
    /// The evaluation rows in the field's terms (../shared/SIGNAL.md); absent from reports
    /// written before it existed.
    #[serde(default)]
    pub signal: Option<cst_calibrate::signal::Signal>,
}

/// The bar of the ranking use: the rank IC's t-statistic (hours as units, Newey–West).
pub const MIN_RANK_IC_T: f64 = 2.0;

/// What each use of a model earned out of sample. A horizon is served (readiness, health
/// score) when its ranking use is active; the gate reads only models whose absolute use is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Uses {
    /// Ranking the hour's pairs: earned when `rank_ic_t` ≥ [`MIN_RANK_IC_T`].
    pub ranking: Use,
    /// The absolute classifier (the gate's probability): earned when its Brier skill over
    /// the base rate of E is above zero.
    pub absolute: Use,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Use {
    pub earned: bool,
    /// The figure that decided, in words.
    pub evidence: String,
}

impl Uses {
    /// Each use's verdict from the evaluation rows' `signal`.
    pub fn judge(s: &cst_calibrate::signal::Signal) -> Uses {
        let ranking = match s.rank_ic_t {
            Some(t) => Use {
                earned: t >= MIN_RANK_IC_T,
                evidence: format!(
                    "rank IC {:+.4}, t {t:+.2} over {} hours (bar {MIN_RANK_IC_T})",
                    s.rank_ic.unwrap_or(f64::NAN),
                    s.hours
                ),
            },
            None => Use {
                earned: false,
                evidence: "no hour with enough pairs to rank".to_string(),
            },
        };
        let absolute = match (s.brier, s.brier_base) {
            (Some(b), Some(base)) if base > 0.0 => {
                let skill = 1.0 - b / base;
                Use {
                    earned: skill > 0.0,
                    evidence: format!(
                        "Brier {b:.5} vs the base rate's {base:.5}: skill {skill:+.4} (bar > 0)"
                    ),
                }
            }
            _ => Use {
                earned: false,
                evidence: "no Brier against a base rate (one class only)".to_string(),
            },
        };
        Uses { ranking, absolute }
    }

    pub fn any(&self) -> bool {
        self.ranking.earned || self.absolute.earned
    }

    /// The uses not earned, with their evidence.
    pub fn lost(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.ranking.earned {
            out.push(format!("ranking: {}", self.ranking.evidence));
        }
        if !self.absolute.earned {
            out.push(format!("absolute: {}", self.absolute.evidence));
        }
        out
    }
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
        for (name, u) in [
            ("ranking", &self.uses.ranking),
            ("absolute", &self.uses.absolute),
        ] {
            let verdict = if u.earned { "earned" } else { "not earned" };
            let _ = writeln!(s, "  {name} use {verdict}: {}", u.evidence);
        }
        if !self.beats_baselines {
            let _ = writeln!(s, "  NOT activated: no use earned");
        }
        s
    }
}
