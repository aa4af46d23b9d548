//! Purged walk-forward cross-validation. Time is cut into `k + 1` consecutive blocks (all
//! pairs at one time fall in one block); fold i tests on block i + 1 and trains only on
//! rows whose whole target window ended at least `embargo` before the test block starts.
//! Training on an overlapping target would leak the test period's prices into training
//! (purging); the embargo adds a gap at least as long as the horizon so serial correlation
//! does not carry over either.

use crate::MlError;

#[derive(Debug, Clone, PartialEq)]
pub struct Fold {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
    pub test_from: i64,
    pub test_to: i64,
}

/// Folds over samples with decision times `t` and target ends `target_end` (sorted by t).
pub fn purged_walk_forward(
    t: &[i64],
    target_end: &[i64],
    horizon_s: i64,
    folds: usize,
    embargo_s: i64,
) -> Result<Vec<Fold>, MlError> {
    if embargo_s < horizon_s {
        return Err(MlError::Check(format!(
            "embargo {embargo_s} s is shorter than the horizon {horizon_s} s"
        )));
    }
    if t.len() != target_end.len() || t.windows(2).any(|w| w[0] > w[1]) {
        return Err(MlError::Check(
            "cross-validation needs samples sorted by time, with one target end each".into(),
        ));
    }
    let mut times: Vec<i64> = t.to_vec();
    times.dedup();
    if folds == 0 || times.len() < folds + 1 {
        return Err(MlError::Check(format!(
            "{} distinct times cannot make {folds} walk-forward folds",
            times.len()
        )));
    }
    let block = times.len() / (folds + 1);
    let mut out = Vec::with_capacity(folds);
    for i in 1..=folds {
        let test_from = times[i * block];
        let test_to = if i == folds {
            *times.last().unwrap_or(&test_from)
        } else {
            times[(i + 1) * block - 1]
        };
        let cutoff = test_from - embargo_s;
        let train: Vec<usize> = (0..t.len()).filter(|&j| target_end[j] <= cutoff).collect();
        let test: Vec<usize> = (0..t.len())
            .filter(|&j| t[j] >= test_from && t[j] <= test_to)
            .collect();
        if train.is_empty() {
            return Err(MlError::Check(format!(
                "fold {i} has no training rows after purging and a {embargo_s} s embargo: use \
                 fewer folds or more history"
            )));
        }
        out.push(Fold {
            train,
            test,
            test_from,
            test_to,
        });
    }
    Ok(out)
}
