//! LightGBM's own text model format (what `Booster::save_string` writes), read into plain
//! trees so they can be exported. Only what the service trains is accepted — numerical
//! splits, no linear trees, one output — anything else is refused rather than guessed at.

use crate::MlError;

/// Where a split sends a missing value: LightGBM's `decision_type` bits 2–3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingType {
    /// NaN is treated as 0.0 and compared with the threshold.
    None,
    /// 0 and NaN take the default branch (only with `zero_as_missing`, which we refuse).
    Zero,
    /// NaN takes the default branch.
    NaN,
}

/// An internal node: `x[feature] <= threshold` goes left.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub feature: usize,
    pub threshold: f64,
    pub default_left: bool,
    pub missing: MissingType,
    /// Child index: `>= 0` an internal node, `< 0` the leaf `!child`.
    pub left: i32,
    pub right: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub splits: Vec<Split>,
    /// Already scaled by the learning rate (and, in the first tree, holding the start score).
    pub leaves: Vec<f64>,
}

/// How the summed raw score becomes the prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transform {
    /// Regression and quantile objectives: the raw score.
    Identity,
    /// Binary: `1 / (1 + exp(-scale * raw))`.
    Sigmoid { scale: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct GbmModel {
    pub n_features: usize,
    pub objective: String,
    pub transform: Transform,
    pub trees: Vec<Tree>,
}

fn bad(msg: impl Into<String>) -> MlError {
    MlError::ModelText(msg.into())
}

fn list<T: std::str::FromStr>(key: &str, v: &str) -> Result<Vec<T>, MlError> {
    v.split_whitespace()
        .map(|x| {
            x.parse()
                .map_err(|_| bad(format!("{key}: cannot read {x:?}")))
        })
        .collect()
}

impl GbmModel {
    pub fn parse(text: &str) -> Result<GbmModel, MlError> {
        let mut header = true;
        let mut n_features = None;
        let mut objective = None;
        let mut trees = Vec::new();
        let mut current: Option<Vec<(String, String)>> = None;
        for line in text.lines() {
            let line = line.trim();
            if line == "end of trees" {
                break;
            }
            if line.starts_with("Tree=") {
                header = false;
                if let Some(kv) = current.take() {
                    trees.push(tree(&kv, trees.len())?);
                }
                current = Some(Vec::new());
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            if header {
                match k {
                    "max_feature_idx" => {
                        let m: usize = v.parse().map_err(|_| bad("max_feature_idx"))?;
                        n_features = Some(m + 1);
                    }
                    "objective" => objective = Some(v.to_string()),
                    "num_class" if v != "1" => {
                        return Err(bad(format!("num_class={v}: only one output is supported")));
                    }
                    "average_output" => {
                        return Err(bad("random-forest averaging is not supported"));
                    }
                    _ => {}
                }
            } else if let Some(kv) = current.as_mut() {
                kv.push((k.to_string(), v.to_string()));
            }
        }
        if let Some(kv) = current.take() {
            trees.push(tree(&kv, trees.len())?);
        }
        let objective = objective.ok_or_else(|| bad("no objective line"))?;
        let n_features = n_features.ok_or_else(|| bad("no max_feature_idx line"))?;
        let mut words = objective.split_whitespace();
        let transform = match words.next() {
            Some("binary") => {
                let scale = words
                    .find_map(|w| w.strip_prefix("sigmoid:"))
                    .map_or(Ok(1.0), |s| s.parse().map_err(|_| bad("sigmoid")))?;
                Transform::Sigmoid { scale }
            }
            Some("regression" | "quantile" | "regression_l1" | "huber") => Transform::Identity,
            other => return Err(bad(format!("objective {other:?} is not supported"))),
        };
        if trees.is_empty() {
            return Err(bad("no trees"));
        }
        for (i, t) in trees.iter().enumerate() {
            if let Some(s) = t.splits.iter().find(|s| s.feature >= n_features) {
                return Err(bad(format!("tree {i}: feature {} out of range", s.feature)));
            }
        }
        Ok(GbmModel {
            n_features,
            objective,
            transform,
            trees,
        })
    }

    /// The model's prediction for one row, computed here the way LightGBM does: the
    /// reference the exported ONNX graph is checked against, without LightGBM at hand.
    pub fn predict_row(&self, x: &[f64]) -> f64 {
        let raw: f64 = self.trees.iter().map(|t| t.leaf_for(x)).sum();
        match self.transform {
            Transform::Identity => raw,
            Transform::Sigmoid { scale } => 1.0 / (1.0 + (-scale * raw).exp()),
        }
    }
}

impl Tree {
    fn leaf_for(&self, x: &[f64]) -> f64 {
        if self.splits.is_empty() {
            return self.leaves[0];
        }
        let mut node = 0i32;
        while node >= 0 {
            let s = &self.splits[node as usize];
            let mut v = x[s.feature];
            if v.is_nan() && s.missing != MissingType::NaN {
                v = 0.0;
            }
            let default = (s.missing == MissingType::NaN && v.is_nan())
                || (s.missing == MissingType::Zero && v.abs() <= 1e-35);
            node = if default {
                if s.default_left { s.left } else { s.right }
            } else if v <= s.threshold {
                s.left
            } else {
                s.right
            };
        }
        self.leaves[!node as usize]
    }
}

fn tree(kv: &[(String, String)], index: usize) -> Result<Tree, MlError> {
    let get = |key: &str| {
        kv.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| bad(format!("tree {index}: no {key}")))
    };
    let num_leaves: usize = get("num_leaves")?
        .parse()
        .map_err(|_| bad(format!("tree {index}: num_leaves")))?;
    if get("num_cat").unwrap_or("0") != "0" {
        return Err(bad(format!(
            "tree {index}: categorical splits are not supported"
        )));
    }
    if get("is_linear").unwrap_or("0") != "0" {
        return Err(bad(format!("tree {index}: linear trees are not supported")));
    }
    let leaves: Vec<f64> = list("leaf_value", get("leaf_value")?)?;
    if leaves.len() != num_leaves {
        return Err(bad(format!(
            "tree {index}: {} leaf values for {num_leaves} leaves",
            leaves.len()
        )));
    }
    if num_leaves == 1 {
        return Ok(Tree {
            splits: Vec::new(),
            leaves,
        });
    }
    let features: Vec<usize> = list("split_feature", get("split_feature")?)?;
    let thresholds: Vec<f64> = list("threshold", get("threshold")?)?;
    let decisions: Vec<u8> = list("decision_type", get("decision_type")?)?;
    let lefts: Vec<i32> = list("left_child", get("left_child")?)?;
    let rights: Vec<i32> = list("right_child", get("right_child")?)?;
    let n = num_leaves - 1;
    if [
        features.len(),
        thresholds.len(),
        decisions.len(),
        lefts.len(),
        rights.len(),
    ]
    .iter()
    .any(|&l| l != n)
    {
        return Err(bad(format!("tree {index}: node arrays of unequal length")));
    }
    let mut splits = Vec::with_capacity(n);
    for i in 0..n {
        let d = decisions[i];
        if d & 1 != 0 {
            return Err(bad(format!("tree {index}: categorical split")));
        }
        let missing = match (d >> 2) & 3 {
            0 => MissingType::None,
            1 => MissingType::Zero,
            2 => MissingType::NaN,
            m => return Err(bad(format!("tree {index}: missing type {m}"))),
        };
        for child in [lefts[i], rights[i]] {
            let ok = if child >= 0 {
                (child as usize) < n && child as usize > i
            } else {
                (!child as usize) < num_leaves
            };
            if !ok {
                return Err(bad(format!(
                    "tree {index}: node {i} has child {child} out of range"
                )));
            }
        }
        splits.push(Split {
            feature: features[i],
            threshold: thresholds[i],
            default_left: d & 2 != 0,
            missing,
            left: lefts[i],
            right: rights[i],
        });
    }
    Ok(Tree { splits, leaves })
}
