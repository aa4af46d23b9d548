//! The `[ml]` section: where ONNX Runtime is, which horizons to model, what a round trip
//! costs, and how training runs. Documented key by key in `config/default.toml`.

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMl {
    pub onnxruntime: String,
    pub horizons_h: Vec<u32>,
    pub round_trip_cost_bps: f64,
    pub train_window_days: u32,
    pub folds: u32,
    pub interval_alpha: f64,
    pub barrier_sigmas: f64,
    pub num_iterations: u32,
    pub learning_rate: f64,
    pub num_leaves: u32,
    pub min_data_in_leaf: u32,
    pub threads: u32,
    pub drift_psi: f64,
    pub drift_ece: f64,
    pub drift_window_h: u32,
    pub drift_min_rows: u32,
    pub drift_min_resolved: u32,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MlConfig {
    /// ONNX Runtime's shared library; `ORT_DYLIB_PATH` wins when set.
    pub onnxruntime: PathBuf,
    pub horizons_h: Vec<u32>,
    /// Fees and spread of an entry plus an exit, as a fraction.
    pub round_trip_cost: f64,
    pub train_window_days: u32,
    pub folds: usize,
    pub interval_alpha: f64,
    pub barrier_sigmas: f64,
    pub num_iterations: u32,
    pub learning_rate: f64,
    pub num_leaves: u32,
    pub min_data_in_leaf: u32,
    pub threads: u32,
    /// Retrain a horizon early when the median PSI of its features (served rows against
    /// its training rows) exceeds this.
    pub drift_psi: f64,
    /// ... or when the ECE of its resolved predictions exceeds its evaluated ECE by this.
    pub drift_ece: f64,
    /// Hours of served rows (and of resolved predictions) the drift checks read.
    pub drift_window_h: u32,
    /// Fewest served rows / resolved predictions a check needs to say anything.
    pub drift_min_rows: usize,
    pub drift_min_resolved: usize,
}

/// The longest horizon: 30 days.
pub const MAX_HORIZON_H: u32 = 720;

pub fn ml(r: &RawMl, check: &mut impl FnMut(bool, String)) -> MlConfig {
    check(
        !r.horizons_h.is_empty(),
        "ml.horizons_h is empty: name at least one horizon in hours (1, 24, 168, 720)".into(),
    );
    for (i, h) in r.horizons_h.iter().enumerate() {
        check(
            (1..=MAX_HORIZON_H).contains(h),
            format!("ml.horizons_h: {h} is not between 1 and {MAX_HORIZON_H} hours"),
        );
        check(
            !r.horizons_h[..i].contains(h),
            format!("ml.horizons_h names {h} twice"),
        );
    }
    check(
        r.round_trip_cost_bps.is_finite() && (0.0..1000.0).contains(&r.round_trip_cost_bps),
        format!(
            "ml.round_trip_cost_bps must be between 0 and 1000, got {}",
            r.round_trip_cost_bps
        ),
    );
    check(
        r.train_window_days >= 30,
        "ml.train_window_days must be at least 30 (calibration needs months)".into(),
    );
    check(
        (2..=20).contains(&r.folds),
        format!("ml.folds must be between 2 and 20, got {}", r.folds),
    );
    check(
        r.interval_alpha > 0.0 && r.interval_alpha < 1.0,
        format!(
            "ml.interval_alpha must be in (0, 1), got {} (0.2 = 80% intervals)",
            r.interval_alpha
        ),
    );
    check(
        r.barrier_sigmas.is_finite() && r.barrier_sigmas > 0.0,
        "ml.barrier_sigmas must be positive".into(),
    );
    check(
        r.num_iterations >= 1 && r.num_leaves >= 2 && r.min_data_in_leaf >= 1 && r.threads >= 1,
        "ml.num_iterations, min_data_in_leaf and threads must be at least 1, num_leaves at least 2"
            .into(),
    );
    check(
        r.learning_rate > 0.0 && r.learning_rate <= 1.0,
        format!(
            "ml.learning_rate must be in (0, 1], got {}",
            r.learning_rate
        ),
    );
    check(
        r.drift_psi.is_finite() && r.drift_psi > 0.0,
        format!(
            "ml.drift_psi must be positive (0.25 is the usual 'significant'), got {}",
            r.drift_psi
        ),
    );
    check(
        r.drift_ece.is_finite() && r.drift_ece > 0.0 && r.drift_ece < 1.0,
        format!("ml.drift_ece must be in (0, 1), got {}", r.drift_ece),
    );
    check(
        r.drift_window_h >= 1 && r.drift_min_rows >= 10 && r.drift_min_resolved >= 10,
        "ml.drift_window_h must be at least 1, drift_min_rows and drift_min_resolved at least 10"
            .into(),
    );
    MlConfig {
        onnxruntime: PathBuf::from(&r.onnxruntime),
        horizons_h: r.horizons_h.clone(),
        round_trip_cost: r.round_trip_cost_bps / 10_000.0,
        train_window_days: r.train_window_days,
        folds: r.folds as usize,
        interval_alpha: r.interval_alpha,
        barrier_sigmas: r.barrier_sigmas,
        num_iterations: r.num_iterations,
        learning_rate: r.learning_rate,
        num_leaves: r.num_leaves,
        min_data_in_leaf: r.min_data_in_leaf,
        threads: r.threads,
        drift_psi: r.drift_psi,
        drift_ece: r.drift_ece,
        drift_window_h: r.drift_window_h,
        drift_min_rows: r.drift_min_rows as usize,
        drift_min_resolved: r.drift_min_resolved as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawMl {
        RawMl {
            onnxruntime: "/x/libonnxruntime.so".into(),
            horizons_h: vec![1, 24, 168, 720],
            round_trip_cost_bps: 52.0,
            train_window_days: 180,
            folds: 4,
            interval_alpha: 0.2,
            barrier_sigmas: 1.0,
            num_iterations: 200,
            learning_rate: 0.05,
            num_leaves: 15,
            min_data_in_leaf: 200,
            threads: 2,
            drift_psi: 0.25,
            drift_ece: 0.05,
            drift_window_h: 72,
            drift_min_rows: 500,
            drift_min_resolved: 200,
        }
    }

    fn errors(r: &RawMl) -> Vec<String> {
        let mut e = Vec::new();
        ml(r, &mut |ok, m| {
            if !ok {
                e.push(m)
            }
        });
        e
    }

    #[test]
    fn the_defaults_pass_and_costs_become_a_fraction() {
        assert!(errors(&raw()).is_empty());
        let mut e = Vec::new();
        let c = ml(&raw(), &mut |ok, m| {
            if !ok {
                e.push(m)
            }
        });
        assert_eq!(c.round_trip_cost, 0.0052);
    }

    #[test]
    fn bad_values_are_named() {
        let mut r = raw();
        r.horizons_h = vec![24, 24, 1000];
        r.interval_alpha = 1.5;
        r.folds = 1;
        let e = errors(&r).join("\n");
        assert!(e.contains("names 24 twice"), "{e}");
        assert!(e.contains("1000 is not between 1 and 720"), "{e}");
        assert!(e.contains("interval_alpha"), "{e}");
        assert!(e.contains("ml.folds"), "{e}");
    }
}
