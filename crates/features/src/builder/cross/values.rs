//! One pair's cross-sectional values at t, in [`crate::group::CROSS_FEATURES`] order. Every
//! window ends at t and reads only candles closed by t.

use super::{
    WINDOWS_H,
    panel::Series,
    universe::{BETA_H, Universe, log_return, percentile},
};
use crate::HOUR;

/// Hours of the distance to the high and low, and of the Amihud illiquidity.
const WEEK_H: i64 = 168;
/// Hours of the volume shock's baseline (30 days).
const MONTH_H: i64 = 720;
/// The fewest hours a beta is fitted on.
const MIN_BETA_HOURS: usize = 24;

/// The values of `series` at `t` against `uni`; the pair is a member of the universe.
pub(crate) fn values(series: &Series, t: i64, uni: &Universe) -> Vec<f64> {
    let hours = |n: i64| (0..n).map(move |k| t - (n - 1 - k) * HOUR);
    let returns: Vec<f64> = WINDOWS_H
        .iter()
        .map(|&w| log_return(series, t, w))
        .collect();
    let mut out: Vec<f64> = returns
        .iter()
        .zip(&uni.sorted)
        .map(|(r, sorted)| percentile(sorted, *r))
        .collect();

    let close = series.close(t);
    let week: Vec<_> = hours(WEEK_H).filter_map(|s| series.at(s)).collect();
    let high = week
        .iter()
        .map(|c| c.high)
        .fold(f64::NEG_INFINITY, f64::max);
    let low = week.iter().map(|c| c.low).fold(f64::INFINITY, f64::min);
    out.push((close / high).ln());
    out.push((close / low).ln());

    let ret_24h = returns[2];
    let day: f64 = hours(24)
        .filter_map(|s| series.at(s))
        .map(|c| c.dollar_volume)
        .sum();
    let (month, n) = hours(MONTH_H)
        .filter_map(|s| series.at(s))
        .fold((0.0, 0usize), |(v, n), c| (v + c.dollar_volume, n + 1));
    let daily_mean = month / n as f64 * 24.0;
    let shock = if daily_mean > 0.0 {
        day / daily_mean
    } else {
        f64::NAN
    };
    out.push(shock);
    out.push(shock * ret_24h);

    // Amihud: the mean absolute hourly move per dollar traded (per million dollars).
    let (sum, n) = hours(WEEK_H)
        .filter_map(|s| {
            let r = log_return(series, s, 1);
            let c = series.at(s)?;
            (r.is_finite() && c.dollar_volume > 0.0).then(|| r.abs() / c.dollar_volume)
        })
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    out.push(if n == 0 {
        f64::NAN
    } else {
        sum / n as f64 * 1e6
    });
    out.push(if day > 0.0 { day.ln() } else { f64::NAN });

    out.extend(uni.market);
    out.extend(uni.btc);
    out.push(uni.dispersion);

    let beta = beta(series, t, uni);
    out.push(beta);
    out.push(ret_24h - beta * uni.market[1]);
    out
}

/// The least-squares slope of the pair's 1-hour returns on the market's over the
/// [`BETA_H`] hours ending at t (hours where both moved; NaN under a day of them or with a
/// flat market).
fn beta(series: &Series, t: i64, uni: &Universe) -> f64 {
    let pairs: Vec<(f64, f64)> = uni
        .market_1h
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let s = t - (BETA_H - 1 - k as i64) * HOUR;
            (m, log_return(series, s, 1))
        })
        .filter(|(m, r)| m.is_finite() && r.is_finite())
        .collect();
    if pairs.len() < MIN_BETA_HOURS {
        return f64::NAN;
    }
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (cov, var) = pairs.iter().fold((0.0, 0.0), |(c, v), (x, y)| {
        (c + (x - mx) * (y - my), v + (x - mx) * (x - mx))
    });
    if var > 0.0 { cov / var } else { f64::NAN }
}
