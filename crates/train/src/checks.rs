//! Checks run before every training run; any failure aborts it with a message naming the
//! row and what to do. They guard the invariants the rest of the pipeline assumes, so a
//! later change that breaks one (a target that starts before the features end, a column
//! that silently fills with NaN, prices in the wrong unit) stops training instead of
//! producing a model that looks good and is wrong.

use cst_features::HOUR;

use crate::{MlError, dataset::Dataset};

/// 2009-01-01: no exchange candle is older; anything earlier is not a UTC Unix time.
const EARLIEST: i64 = 1_230_768_000;

/// The largest plausible 99th percentile of |target| for a horizon: a 20% move at the 99th
/// percentile of 1 h returns, growing with √h, capped at ln 5 (a fivefold move). Beyond it the
/// data is in the wrong unit or mixes series, not a market.
pub fn target_bound(horizon_h: u32) -> f64 {
    (0.2 * f64::from(horizon_h).sqrt()).min(5f64.ln())
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub rows: usize,
    pub target_abs_q99: f64,
    pub bound: f64,
}

fn when(t: i64) -> String {
    format!("t={t}")
}

/// Runs every check on `ds`; `now` bounds timestamps from above (the service clock).
pub fn check(ds: &Dataset, now: i64) -> Result<CheckReport, MlError> {
    let fail = |m: String| Err(MlError::Check(m));
    if ds.is_empty() {
        return fail(format!(
            "no training rows for the {} h horizon ({} feature rows refused: {:?}; {} targets \
             incomplete): collect or import more history",
            ds.horizon_h,
            ds.skipped.no_row.values().sum::<u64>(),
            ds.skipped.no_row,
            ds.skipped.incomplete_target
        ));
    }
    let h = i64::from(ds.horizon_h) * HOUR;
    for (i, s) in ds.samples.iter().enumerate() {
        let pair = &ds.pairs[s.pair as usize];
        for (what, v) in [("feature time", s.t), ("target end", s.target_end)] {
            if v % HOUR != 0 || v < EARLIEST || v > now + h {
                return fail(format!(
                    "{pair}: {what} {v} is not an hour boundary of a UTC Unix time up to now: \
                     timestamps must be Unix seconds (UTC) on candle boundaries"
                ));
            }
        }
        if s.feature_time >= s.target_start {
            return fail(format!(
                "look-ahead in {pair} at {}: features read data from {} but the target starts \
                 at {}",
                when(s.t),
                s.feature_time,
                s.target_start
            ));
        }
        if s.target_end - s.target_start != h {
            return fail(format!(
                "{pair} at {}: the target spans {} s, not the {} h horizon",
                when(s.t),
                s.target_end - s.target_start,
                ds.horizon_h
            ));
        }
        if !s.target.is_finite() {
            return fail(format!("{pair} at {}: target is {}", when(s.t), s.target));
        }
        for (j, v) in ds.row(i).iter().enumerate() {
            if v.is_nan() && !ds.nullable[j] {
                return fail(format!(
                    "NaN in required feature {} of {pair} at {}: the feature pipeline let a hole \
                     through; rebuild the features (`cst features {pair} --at {}` shows the row)",
                    ds.names[j],
                    when(s.t),
                    s.t
                ));
            }
        }
    }
    let mut abs: Vec<f64> = ds.samples.iter().map(|s| s.target.abs()).collect();
    abs.sort_by(f64::total_cmp);
    let q99 = abs[((abs.len() - 1) as f64 * 0.99).round() as usize];
    let bound = target_bound(ds.horizon_h);
    if q99 > bound {
        return fail(format!(
            "implausible target scale for the {} h horizon: the 99th percentile of |log-return| \
             is {q99:.3}, above {bound:.3}: check that the candles are prices of one series in \
             one unit",
            ds.horizon_h
        ));
    }
    Ok(CheckReport {
        rows: ds.len(),
        target_abs_q99: q99,
        bound,
    })
}
