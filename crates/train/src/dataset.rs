//! Training rows for one horizon, built only through the feature pipeline
//! ([`cst_features::FeatureBuilder::rows`], the function live inference and backtests call)
//! and pooled across pairs: features at hour boundary t, the forward log-return from the
//! close at t to the close at t + h as the target, and "up net of round-trip costs" as the
//! label. A row whose target window has any missing candle is not a row.

use std::collections::BTreeMap;

use cst_calibrate::{Bar, Barriers, triple_barrier};
use cst_features::{BuildContext, Built, FeatureBuilder, HOUR, MAY_BE_UNDEFINED};
use cst_market::{PairName, Timeframe};
use cst_store::{CandleKey, Store};

use crate::MlError;

/// The service's horizons in hours: 1 h, 24 h, 7 d, 30 d.
pub const HORIZONS: [u32; 4] = [1, 24, 168, 720];

#[derive(Debug, Clone, PartialEq)]
pub struct DatasetSpec {
    pub horizon_h: u32,
    /// Feature times (hour boundaries) from `from` to `to`, inclusive.
    pub from: i64,
    pub to: i64,
    /// Fees and spread of one entry plus one exit, as a fraction (0.0052 = 52 bps): a label
    /// is "up" only if the move pays for them.
    pub round_trip_cost: f64,
}

/// One training row's bookkeeping; its features are `x[i * n .. (i + 1) * n]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Index into [`Dataset::pairs`].
    pub pair: u32,
    /// The feature row's hour boundary: the decision time.
    pub t: i64,
    /// Open time of the newest candle the features read (the builder reads candles closed
    /// by t).
    pub feature_time: i64,
    /// Open time of the first candle the target moves over (the one after the entry close).
    pub target_start: i64,
    /// Close time of the exit candle.
    pub target_end: i64,
    /// ln(close at target_end / entry close).
    pub target: f64,
    pub label: u8,
    /// The relative target: did the forward return beat the median of the hour's rows?
    /// `None` in an hour with fewer than two pairs (nothing to beat).
    pub beats_median: Option<bool>,
    /// The ranking target: the forward return minus the hour's mean, over the pair's
    /// trailing volatility (hourly log returns of the week before t, scaled to the horizon
    /// by √h). NaN where undefined (fewer than two pairs in the hour, under a day of
    /// trailing moves, or a flat week).
    pub rank_target: f64,
}

/// Hours of trailing moves a pair's volatility is measured over.
const VOL_H: i64 = 168;
/// The fewest trailing hourly moves a volatility is measured from.
const MIN_VOL_MOVES: usize = 24;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Skipped {
    /// Feature rows the pipeline refused (a required group missing), by reason.
    pub no_row: BTreeMap<String, u64>,
    /// Rows whose target window has a missing candle or reaches past the data.
    pub incomplete_target: u64,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub horizon_h: u32,
    /// The cost the labels are net of (a fraction).
    pub round_trip_cost: f64,
    pub version: String,
    pub names: Vec<&'static str>,
    /// Per column: may it be NaN? (Optional groups, and features undefined by definition.)
    pub nullable: Vec<bool>,
    pub pairs: Vec<String>,
    /// Row-major, `names.len()` per sample, in sample order (time, then pair).
    pub x: Vec<f64>,
    pub samples: Vec<Sample>,
    pub skipped: Skipped,
}

impl Dataset {
    pub fn n_features(&self) -> usize {
        self.names.len()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        let n = self.n_features();
        &self.x[i * n..(i + 1) * n]
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The rows `idx` as one row-major block (for training or prediction).
    pub fn rows_of(&self, idx: &[usize]) -> Vec<f64> {
        let mut out = Vec::with_capacity(idx.len() * self.n_features());
        for &i in idx {
            out.extend_from_slice(self.row(i));
        }
        out
    }
}

/// Builds the dataset of `pairs` (e.g. `BTC/USDT`) from the store.
pub fn build(
    store: &Store,
    ctx: &BuildContext,
    pairs: &[String],
    spec: &DatasetSpec,
) -> Result<Dataset, MlError> {
    if spec.from % HOUR != 0 || spec.to % HOUR != 0 || spec.from > spec.to {
        return Err(MlError::Check(format!(
            "training window {}..{} is not a pair of hour boundaries in order",
            spec.from, spec.to
        )));
    }
    let h = i64::from(spec.horizon_h) * HOUR;
    let set = &ctx.set;
    let nullable: Vec<bool> = set
        .groups()
        .iter()
        .flat_map(|g| {
            g.group
                .features()
                .iter()
                .map(move |n| !g.required || MAY_BE_UNDEFINED.contains(n))
        })
        .collect();
    let builder = FeatureBuilder::new(store, ctx);
    let mut skipped = Skipped::default();
    let mut rows: Vec<(i64, u32, Vec<f64>, Sample)> = Vec::new();
    let threshold = spec.round_trip_cost.ln_1p();
    for (pi, pair) in pairs.iter().enumerate() {
        let name =
            PairName::parse(pair).ok_or_else(|| MlError::Check(format!("bad pair {pair}")))?;
        let key = CandleKey::new(&ctx.exchange, &name.to_string(), Timeframe::H1);
        // Every close from the entry candle of the first row to the exit of the last.
        let candles = store
            .candles_between(&key, spec.from - (VOL_H + 1) * HOUR, spec.to + h)
            .map_err(cst_features::FeatureError::from)?;
        let opens: Vec<i64> = candles.iter().map(|c| c.open_time).collect();
        let close: BTreeMap<i64, f64> = candles.iter().map(|c| (c.open_time, c.close)).collect();
        // Candles with open time in [a, b]: binary search over the sorted open times.
        let count =
            |a: i64, b: i64| opens.partition_point(|&o| o <= b) - opens.partition_point(|&o| o < a);
        for built in builder.rows(&name.to_string(), spec.from, spec.to)? {
            let row = match built {
                Built::Row(row) => row,
                Built::NoRow { missing, .. } => {
                    for m in missing {
                        *skipped
                            .no_row
                            .entry(format!("{} missing", m.group))
                            .or_default() += 1;
                    }
                    continue;
                }
            };
            let t = row.t;
            // The entry is the close of the candle that closed at t; the exit the close of
            // the candle that closes at t + h; every candle between must be there.
            let entry_open = t - HOUR;
            let (Some(&entry), Some(&exit)) = (close.get(&entry_open), close.get(&(t + h - HOUR)))
            else {
                skipped.incomplete_target += 1;
                continue;
            };
            if count(t, t + h - HOUR) as i64 != i64::from(spec.horizon_h) {
                skipped.incomplete_target += 1;
                continue;
            }
            let target = (exit / entry).ln();
            // Trailing volatility from the candles closed by t only.
            let moves: Vec<f64> = (0..VOL_H)
                .filter_map(|k| {
                    let open = t - HOUR - k * HOUR;
                    let (a, b) = (close.get(&(open - HOUR))?, close.get(&open)?);
                    Some((b / a).ln())
                })
                .collect();
            let vol = if moves.len() >= MIN_VOL_MOVES {
                let m = moves.iter().sum::<f64>() / moves.len() as f64;
                (moves.iter().map(|r| (r - m) * (r - m)).sum::<f64>() / moves.len() as f64).sqrt()
                    * f64::from(spec.horizon_h).sqrt()
            } else {
                f64::NAN
            };
            let sample = Sample {
                pair: pi as u32,
                t,
                feature_time: t - HOUR,
                target_start: entry_open + HOUR,
                target_end: t + h,
                target,
                label: u8::from(target > threshold),
                beats_median: None,
                // The hour's mean is taken below; the volatility stands here until then.
                rank_target: vol,
            };
            rows.push((t, pi as u32, row.values, sample));
        }
    }
    rows.sort_by_key(|(t, p, _, _)| (*t, *p));
    relative_targets(&mut rows);
    let mut x = Vec::with_capacity(rows.len() * set.names().len());
    let mut samples = Vec::with_capacity(rows.len());
    for (_, _, values, sample) in rows {
        x.extend(values);
        samples.push(sample);
    }
    Ok(Dataset {
        horizon_h: spec.horizon_h,
        round_trip_cost: spec.round_trip_cost,
        version: set.version().to_string(),
        names: set.names().to_vec(),
        nullable,
        pairs: pairs.to_vec(),
        x,
        samples,
        skipped,
    })
}

/// Fills each row's relative and ranking targets from the other rows of its hour (`rows`
/// sorted by time; `rank_target` holds the pair's trailing volatility on entry).
fn relative_targets(rows: &mut [(i64, u32, Vec<f64>, Sample)]) {
    let mut start = 0;
    while start < rows.len() {
        let t = rows[start].0;
        let end = start + rows[start..].partition_point(|r| r.0 == t);
        let hour = &mut rows[start..end];
        if hour.len() < 2 {
            for r in hour.iter_mut() {
                r.3.rank_target = f64::NAN;
            }
        } else {
            let mut sorted: Vec<f64> = hour.iter().map(|r| r.3.target).collect();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let median = if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            };
            let mean = sorted.iter().sum::<f64>() / n as f64;
            for r in hour.iter_mut() {
                let vol = r.3.rank_target;
                r.3.beats_median = Some(r.3.target > median);
                r.3.rank_target = if vol > 0.0 {
                    (r.3.target - mean) / vol
                } else {
                    f64::NAN
                };
            }
        }
        start = end;
    }
}

/// Triple-barrier outcome of every row: would a long entered at the close at t have
/// reached +`barrier` (log return) before −`barrier` within the horizon? Read from the same
/// stored candles as the targets (highs and lows of the target window).
pub fn barrier_labels(
    store: &Store,
    exchange: &str,
    ds: &Dataset,
    barrier: f64,
) -> Result<Vec<bool>, MlError> {
    let h = i64::from(ds.horizon_h) * HOUR;
    let mut out = vec![false; ds.len()];
    for (pi, pair) in ds.pairs.iter().enumerate() {
        let rows: Vec<usize> = (0..ds.len())
            .filter(|&i| ds.samples[i].pair as usize == pi)
            .collect();
        let (Some(&first), Some(&last)) = (rows.first(), rows.last()) else {
            continue;
        };
        let name =
            PairName::parse(pair).ok_or_else(|| MlError::Check(format!("bad pair {pair}")))?;
        let key = CandleKey::new(exchange, &name.to_string(), Timeframe::H1);
        let candles = store
            .candles_between(&key, ds.samples[first].t - HOUR, ds.samples[last].t + h)
            .map_err(cst_features::FeatureError::from)?;
        let at: BTreeMap<i64, usize> = candles
            .iter()
            .enumerate()
            .map(|(i, c)| (c.open_time, i))
            .collect();
        for i in rows {
            let s = &ds.samples[i];
            let (Some(&entry), Some(&start)) = (at.get(&(s.t - HOUR)), at.get(&s.t)) else {
                return Err(MlError::Check(format!(
                    "{pair} at t={}: candles vanished while training",
                    s.t
                )));
            };
            let path: Vec<Bar> = candles[start..start + ds.horizon_h as usize]
                .iter()
                .map(|c| Bar {
                    high: c.high,
                    low: c.low,
                    close: c.close,
                })
                .collect();
            let outcome = triple_barrier(
                candles[entry].close,
                &path,
                Barriers {
                    up: barrier,
                    down: barrier,
                },
            )?;
            out[i] = outcome.label;
        }
    }
    Ok(out)
}
