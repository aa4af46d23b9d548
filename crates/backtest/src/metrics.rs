//! Performance figures of an hourly equity curve. Returns are hourly; annualised with
//! 8,766 hours a year (365.25 days), as crypto trades around the clock.

use serde::Serialize;

const HOURS_PER_YEAR: f64 = 8_766.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Performance {
    pub start_equity: f64,
    pub end_equity: f64,
    pub total_return: f64,
    pub cagr: f64,
    pub sharpe: f64,
    pub sortino: f64,
    /// Largest fall from a high, as a fraction.
    pub max_drawdown: f64,
}

/// Figures of `equity`, one value per consecutive hour.
pub fn performance(equity: &[f64]) -> Performance {
    let (Some(&first), Some(&last)) = (equity.first(), equity.last()) else {
        return Performance::default();
    };
    let returns: Vec<f64> = equity.windows(2).map(|w| w[1] / w[0] - 1.0).collect();
    let n = returns.len() as f64;
    let mean = if n > 0.0 {
        returns.iter().sum::<f64>() / n
    } else {
        0.0
    };
    let sd = if n > 1.0 {
        (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let downside = if n > 0.0 {
        (returns.iter().map(|r| r.min(0.0).powi(2)).sum::<f64>() / n).sqrt()
    } else {
        0.0
    };
    let ratio = |den: f64| {
        if den > 0.0 {
            mean / den * HOURS_PER_YEAR.sqrt()
        } else {
            0.0
        }
    };
    let mut high = first;
    let mut max_dd: f64 = 0.0;
    for &e in equity {
        high = high.max(e);
        max_dd = max_dd.max(1.0 - e / high);
    }
    let total = last / first - 1.0;
    let years = n / HOURS_PER_YEAR;
    Performance {
        start_equity: first,
        end_equity: last,
        total_return: total,
        cagr: if years > 0.0 && last > 0.0 {
            (last / first).powf(1.0 / years) - 1.0
        } else {
            0.0
        },
        sharpe: ratio(sd),
        sortino: ratio(downside),
        max_drawdown: max_dd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_climb_has_no_drawdown_and_a_dip_is_measured() {
        let up: Vec<f64> = (0..100).map(|i| 100.0 * 1.001f64.powi(i)).collect();
        let p = performance(&up);
        assert_eq!(p.max_drawdown, 0.0);
        assert!((p.total_return - (1.001f64.powi(99) - 1.0)).abs() < 1e-12);
        // No losing hour: no downside deviation, so Sortino is reported as 0, not infinity.
        assert_eq!(p.sortino, 0.0);
        let dip = performance(&[100.0, 120.0, 90.0, 130.0]);
        assert!((dip.max_drawdown - 0.25).abs() < 1e-12);
        assert!(dip.sharpe.is_finite() && dip.sortino.is_finite());
        assert_eq!(performance(&[]), Performance::default());
    }
}
