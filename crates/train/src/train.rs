//! Training one LightGBM model (`lightgbm3`, LightGBM built from source) and reading it back
//! as plain trees for export. Deterministic: fixed seed and LightGBM's `deterministic` mode,
//! so the same data gives the same model.

use lightgbm3::{Booster, Dataset};
use serde_json::json;

use crate::{GbmModel, MlError};

/// What a model learns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// P(up): binary log-loss on 0/1 labels.
    Binary,
    /// The `alpha` quantile of the target (pinball loss).
    Quantile(f64),
    /// The conditional mean of the target (squared error): the ranking score.
    Regression,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    pub num_iterations: u32,
    pub learning_rate: f64,
    pub num_leaves: u32,
    pub min_data_in_leaf: u32,
    pub feature_fraction: f64,
    pub lambda_l2: f64,
    pub seed: u64,
    pub threads: u32,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            num_iterations: 200,
            learning_rate: 0.05,
            num_leaves: 15,
            min_data_in_leaf: 200,
            feature_fraction: 0.8,
            lambda_l2: 1.0,
            seed: 7,
            threads: 2,
        }
    }
}

/// A trained model: LightGBM's own booster (its predictions are the reference), its text
/// (what is stored), and the parsed trees (what is exported).
pub struct Trained {
    pub booster: Booster,
    pub text: String,
    pub model: GbmModel,
}

impl std::fmt::Debug for Trained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trained")
            .field("objective", &self.model.objective)
            .field("trees", &self.model.trees.len())
            .finish_non_exhaustive()
    }
}

impl Trained {
    /// LightGBM's own predictions (probabilities for a classifier) for row-major `rows`.
    pub fn predict(&self, rows: &[f64]) -> Result<Vec<f64>, MlError> {
        self.booster
            .predict(rows, self.model.n_features as i32, true)
            .map_err(lgbm)
    }
}

/// Trains on row-major `rows` (`n_features` per row, NaN = missing) against `labels`.
pub fn train(
    rows: &[f64],
    labels: &[f32],
    n_features: usize,
    objective: Objective,
    p: &TrainParams,
) -> Result<Trained, MlError> {
    if n_features == 0 || rows.len() != labels.len() * n_features {
        return Err(MlError::Shape(format!(
            "{} values for {} labels of {n_features} features",
            rows.len(),
            labels.len()
        )));
    }
    let dataset = Dataset::from_slice(rows, labels, n_features as i32, true).map_err(lgbm)?;
    let mut params = json!({
        "num_iterations": p.num_iterations,
        "learning_rate": p.learning_rate,
        "num_leaves": p.num_leaves,
        "min_data_in_leaf": p.min_data_in_leaf,
        "feature_fraction": p.feature_fraction,
        "lambda_l2": p.lambda_l2,
        "seed": p.seed,
        "deterministic": true,
        "force_row_wise": true,
        "num_threads": p.threads,
        // Zero is a real value of many features (no news, flat hour), never "missing".
        "zero_as_missing": false,
        "verbosity": -1,
    });
    match objective {
        Objective::Binary => params["objective"] = json!("binary"),
        Objective::Regression => params["objective"] = json!("regression"),
        Objective::Quantile(alpha) => {
            params["objective"] = json!("quantile");
            params["alpha"] = json!(alpha);
        }
    }
    let booster = Booster::train(dataset, &params).map_err(lgbm)?;
    let text = booster.save_string().map_err(lgbm)?;
    let model = GbmModel::parse(&text)?;
    Ok(Trained {
        booster,
        text,
        model,
    })
}

/// LightGBM's error as the model library's (which does not link LightGBM).
fn lgbm(e: lightgbm3::Error) -> MlError {
    MlError::LightGbm(e.to_string())
}
