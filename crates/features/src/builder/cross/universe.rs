//! What every pair at hour t shares: the universe (the pairs with a complete technical row
//! at t), each window's returns across it, the market's and BTC's returns, the dispersion,
//! and the market's 1-hour returns over the week before t (for betas).

use cst_market::PairName;

use super::{WINDOWS_H, panel::Panel};
use crate::HOUR;

/// Indices into [`WINDOWS_H`] of the market's and BTC's returns: 1 h, 24 h, 7 d.
pub(crate) const MARKET_WINDOWS: [usize; 3] = [0, 2, 4];

/// Hours of market moves a beta is fitted on.
pub(crate) const BETA_H: i64 = 168;

#[derive(Debug)]
pub(crate) struct Universe {
    /// Each window's defined returns across the universe, ascending.
    pub sorted: [Vec<f64>; WINDOWS_H.len()],
    /// Equal-weighted mean return of the universe over 1 h, 24 h, 7 d.
    pub market: [f64; 3],
    /// BTC's returns over the same windows (NaN: no BTC pair in the universe).
    pub btc: [f64; 3],
    /// Standard deviation of the universe's 24 h returns.
    pub dispersion: f64,
    /// The market's 1-hour return at each of the [`BETA_H`] hours ending at t, oldest first.
    pub market_1h: Vec<f64>,
}

/// The log return of a series over `w` hours ending at `t` (NaN without both closes).
pub(crate) fn log_return(panel_series: &super::panel::Series, t: i64, w: i64) -> f64 {
    (panel_series.close(t) / panel_series.close(t - w * HOUR)).ln()
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// The universe's mean 1-hour return at `s`, NaN below `min_peers` members.
pub(crate) fn market_1h(panel: &Panel, s: i64, min_peers: usize) -> f64 {
    let members: Vec<f64> = panel
        .pairs
        .values()
        .filter(|p| p.member(s))
        .map(|p| log_return(p, s, 1))
        .collect();
    if members.len() < min_peers {
        return f64::NAN;
    }
    mean(members.into_iter())
}

impl Universe {
    /// The universe at `t`, or why it is too small to rank in. `market_1h` answers the
    /// market's 1-hour return at an earlier hour (memoised by the caller).
    pub(crate) fn at(
        panel: &Panel,
        t: i64,
        min_peers: usize,
        market_1h: &mut dyn FnMut(i64) -> f64,
    ) -> Result<Universe, String> {
        let members: Vec<(&String, &super::panel::Series)> =
            panel.pairs.iter().filter(|(_, s)| s.member(t)).collect();
        if members.len() < min_peers {
            return Err(format!(
                "only {} pairs have a complete technical row at this hour, fewer than \
                 features.min_peers = {min_peers}: too few to rank against",
                members.len()
            ));
        }
        let returns: Vec<Vec<f64>> = WINDOWS_H
            .iter()
            .map(|&w| members.iter().map(|(_, s)| log_return(s, t, w)).collect())
            .collect();
        let sorted = std::array::from_fn(|k| {
            let mut v: Vec<f64> = returns[k]
                .iter()
                .copied()
                .filter(|r| r.is_finite())
                .collect();
            v.sort_by(f64::total_cmp);
            v
        });
        let market = MARKET_WINDOWS.map(|k| mean(returns[k].iter().copied()));
        let btc_index = members.iter().position(|(name, _)| {
            PairName::parse(name).is_some_and(|p| p.base == "BTC" || p.base == "XBT")
        });
        let btc = MARKET_WINDOWS.map(|k| btc_index.map_or(f64::NAN, |i| returns[k][i]));
        let day = &returns[2];
        let m = mean(day.iter().copied());
        let dispersion = mean(day.iter().map(|r| (r - m) * (r - m))).sqrt();
        let market_1h = (0..BETA_H)
            .map(|k| market_1h(t - (BETA_H - 1 - k) * HOUR))
            .collect();
        Ok(Universe {
            sorted,
            market,
            btc,
            dispersion,
            market_1h,
        })
    }
}

/// Where `x` falls among `sorted` (which holds it), from 0 (lowest) to 1 (highest); ties
/// share their mean rank. NaN when `x` is undefined or alone.
pub(crate) fn percentile(sorted: &[f64], x: f64) -> f64 {
    if !x.is_finite() || sorted.len() < 2 {
        return f64::NAN;
    }
    let below = sorted.partition_point(|v| *v < x);
    let through = sorted.partition_point(|v| *v <= x);
    let rank = below as f64 + (through.saturating_sub(below).max(1) - 1) as f64 / 2.0;
    rank / (sorted.len() - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_run_from_zero_to_one_and_ties_share_their_mean_rank() {
        let v = [-0.02, 0.0, 0.0, 0.01, 0.03];
        assert_eq!(percentile(&v, -0.02), 0.0);
        assert_eq!(percentile(&v, 0.03), 1.0);
        assert_eq!(percentile(&v, 0.0), 0.375);
        assert!(percentile(&v, f64::NAN).is_nan());
        assert!(percentile(&[0.1], 0.1).is_nan());
    }
}
