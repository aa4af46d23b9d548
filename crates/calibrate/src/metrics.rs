//! Scores for a model's predictions. Each means little alone: compare it with the naive
//! predictor's score from [`crate::baseline`] on the same rows.

use crate::{CalibError, check};

/// ROC AUC: the probability that a random up-row is scored above a random down-row, ties
/// counting half (Mann–Whitney U with average ranks). Equal to scikit-learn's trapezoidal
/// `roc_auc_score`. Order-only, so calibration cannot change it; 0.5 is a coin.
pub fn roc_auc(p: &[f64], outcomes: &[bool]) -> Result<f64, CalibError> {
    check::non_empty("scores", p.len())?;
    check::same_len("scores", p.len(), "outcomes", outcomes.len())?;
    check::finite("scores", p)?;
    let n_pos = outcomes.iter().filter(|&&y| y).count();
    let n_neg = outcomes.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return Err(CalibError::OneClass {
            what: "ROC AUC",
            class: n_pos > 0,
        });
    }
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    // Sum of the (1-based, tie-averaged) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && p[order[j + 1]] == p[order[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        let positives = order[i..=j].iter().filter(|&&k| outcomes[k]).count();
        rank_sum += avg_rank * positives as f64;
        i = j + 1;
    }
    let (np, nn) = (n_pos as f64, n_neg as f64);
    Ok((rank_sum - np * (np + 1.0) / 2.0) / (np * nn))
}

/// Share of rows where "p >= 0.5" agrees with the outcome.
pub fn hit_rate(p: &[f64], outcomes: &[bool]) -> Result<f64, CalibError> {
    check::scored(p, outcomes)?;
    Ok(check::mean(
        p.iter()
            .zip(outcomes)
            .map(|(&pi, &yi)| f64::from(u8::from((pi >= 0.5) == yi))),
    ))
}

/// Precision among the `k` highest-scored rows: what a gate that takes only the top
/// signals would have earned. When the k-th place falls inside a group of tied scores, the
/// group contributes its positive share pro rata (the expectation over tie orders), so the
/// result does not depend on row order.
pub fn precision_at_k(p: &[f64], outcomes: &[bool], k: usize) -> Result<f64, CalibError> {
    check::non_empty("scores", p.len())?;
    check::same_len("scores", p.len(), "outcomes", outcomes.len())?;
    check::finite("scores", p)?;
    if k == 0 || k > p.len() {
        return Err(CalibError::BadParameter {
            name: "k",
            value: k as f64,
            want: "between 1 and the number of rows",
        });
    }
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let cut = p[order[k - 1]];
    let above = order.iter().take_while(|&&i| p[i] > cut);
    let (n_above, pos_above) = above.fold((0usize, 0usize), |(n, s), &i| {
        (n + 1, s + usize::from(outcomes[i]))
    });
    let tied: Vec<usize> = order[n_above..]
        .iter()
        .copied()
        .take_while(|&i| p[i] == cut)
        .collect();
    let pos_tied = tied.iter().filter(|&&i| outcomes[i]).count() as f64;
    let from_tied = pos_tied * (k - n_above) as f64 / tied.len() as f64;
    Ok((pos_above as f64 + from_tied) / k as f64)
}

/// Mean absolute error of point predictions (e.g. a median forecast of the return).
pub fn mae(predicted: &[f64], actual: &[f64]) -> Result<f64, CalibError> {
    check::paired("predicted", predicted, "actual", actual)?;
    Ok(check::mean(
        predicted.iter().zip(actual).map(|(q, y)| (y - q).abs()),
    ))
}

/// Mean pinball (quantile) loss of `predicted` as the `alpha` quantile of `actual`: the
/// loss a correct alpha-quantile minimises, so it scores quantile forecasts honestly.
/// Per row `alpha × (y − q)` when y >= q, else `(1 − alpha) × (q − y)`.
pub fn pinball(predicted: &[f64], actual: &[f64], alpha: f64) -> Result<f64, CalibError> {
    check::alpha(alpha)?;
    check::paired("predicted", predicted, "actual", actual)?;
    Ok(check::mean(
        predicted
            .iter()
            .zip(actual)
            .map(|(&q, &y)| pinball_point(q, y, alpha)),
    ))
}

pub(crate) fn pinball_point(q: f64, y: f64, alpha: f64) -> f64 {
    let d = y - q;
    if d >= 0.0 {
        alpha * d
    } else {
        (alpha - 1.0) * d
    }
}

/// How often an interval held the realised value, and what that cost in width.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Coverage {
    /// Share of rows with lo <= y <= hi.
    pub share: f64,
    /// Mean of hi − lo: coverage is cheap with wide intervals, so always read both.
    pub mean_width: f64,
    pub n: usize,
}

/// Coverage and mean width of intervals `[lo[i], hi[i]]` for `actual[i]`. Crossed intervals
/// (lo > hi) are refused: they cover nothing yet have negative width.
pub fn interval_coverage(lo: &[f64], hi: &[f64], actual: &[f64]) -> Result<Coverage, CalibError> {
    check::paired("lo", lo, "hi", hi)?;
    check::same_len("lo", lo.len(), "actual", actual.len())?;
    check::finite("actual", actual)?;
    if let Some(index) = lo.iter().zip(hi).position(|(l, h)| l > h) {
        return Err(CalibError::CrossedInterval {
            index,
            lo: lo[index],
            hi: hi[index],
        });
    }
    let rows = lo.iter().zip(hi).zip(actual);
    let covered = rows.filter(|((l, h), y)| (*l..=*h).contains(y)).count();
    Ok(Coverage {
        share: covered as f64 / lo.len() as f64,
        mean_width: check::mean(lo.iter().zip(hi).map(|(l, h)| h - l)),
        n: lo.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        assert_eq!(roc_auc(&[0.5, 0.5], &[true, false]).unwrap(), 0.5);
        assert_eq!(roc_auc(&[0.1, 0.9], &[false, true]).unwrap(), 1.0);
        assert_eq!(
            roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]).unwrap(),
            0.75
        );
    }

    #[test]
    fn precision_at_k_splits_a_tie_at_the_cut() {
        // Top score is a hit; the next two tie, one hit: k = 2 takes half of that pair.
        let p = [0.9, 0.5, 0.5, 0.1];
        let y = [true, true, false, true];
        assert_eq!(precision_at_k(&p, &y, 2).unwrap(), 0.75);
        assert_eq!(precision_at_k(&p, &y, 3).unwrap(), 2.0 / 3.0);
    }

    #[test]
    fn pinball_is_asymmetric() {
        assert_eq!(pinball(&[0.0], &[1.0], 0.9).unwrap(), 0.9);
        assert!((pinball(&[0.0], &[-1.0], 0.9).unwrap() - 0.1).abs() < 1e-15);
    }
}
