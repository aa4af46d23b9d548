//! Paper execution. A buy walks the recorded book's asks from the best level up to
//! `max_slippage_bps` from mid (what is beyond stays unfilled: a partial fill); without a
//! book it pays half the estimated spread plus square-root impact on the close and takes at
//! most `max_participation` of the last hour's volume. A sell always completes: past the
//! book's last bid the rest pays the candle model's impact. Fees are the pair's taker fee
//! on the filled value.

use crate::market::{Quote, Source};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FillSpec {
    pub max_participation: f64,
    pub impact_coef: f64,
    pub max_slippage_bps: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fill {
    /// What the venue ordered: the quantity asked for on paper; live, floored to the pair's
    /// lot size.
    pub ordered: f64,
    pub qty: f64,
    /// Average price, fee excluded.
    pub price: f64,
    /// Mid at the fill.
    pub mid: f64,
    pub fee: f64,
    pub source: Source,
}

fn impact(q: &Quote, qty: f64, spec: &FillSpec) -> f64 {
    if q.hour_volume > 0.0 {
        spec.impact_coef * q.sigma_h * (qty / q.hour_volume).sqrt()
    } else {
        f64::INFINITY
    }
}

/// Buys up to `qty` at quote `q`; `fee_rate` is the taker fee as a fraction.
pub fn buy(q: &Quote, qty: f64, fee_rate: f64, spec: &FillSpec) -> Fill {
    let (filled, cost) = match &q.book {
        Some(b) => {
            let limit = q.mid * (1.0 + spec.max_slippage_bps / 1e4);
            let (mut left, mut filled, mut cost) = (qty, 0.0, 0.0);
            for l in b.asks.iter().take_while(|l| l.price <= limit) {
                let take = left.min(l.volume);
                filled += take;
                cost += take * l.price;
                left -= take;
                if left <= 0.0 {
                    break;
                }
            }
            (filled, cost)
        }
        None => {
            let filled = qty.min(spec.max_participation * q.hour_volume).max(0.0);
            let price = q.mid * (1.0 + q.half_spread + impact(q, filled, spec));
            (filled, filled * price)
        }
    };
    Fill {
        ordered: qty,
        qty: filled,
        price: if filled > 0.0 { cost / filled } else { 0.0 },
        mid: q.mid,
        fee: cost * fee_rate,
        source: q.source,
    }
}

/// Sells all of `qty` at quote `q`.
pub fn sell(q: &Quote, qty: f64, fee_rate: f64, spec: &FillSpec) -> Fill {
    let proceeds = match &q.book {
        Some(b) => {
            let (mut left, mut proceeds, mut last) = (qty, 0.0, q.mid);
            for l in &b.bids {
                let take = left.min(l.volume);
                proceeds += take * l.price;
                left -= take;
                last = l.price;
                if left <= 0.0 {
                    break;
                }
            }
            if left > 0.0 {
                proceeds += left * last * (1.0 - impact(q, left, spec)).max(0.0);
            }
            proceeds
        }
        None => qty * q.mid * (1.0 - q.half_spread - impact(q, qty, spec)).max(0.0),
    };
    Fill {
        ordered: qty,
        qty,
        price: if qty > 0.0 { proceeds / qty } else { 0.0 },
        mid: q.mid,
        fee: proceeds * fee_rate,
        source: q.source,
    }
}

/// Sells all of `qty` at a resting order's price `at` (a take-profit limit, or a stop
/// that triggered and fills at `at`), paying half the spread on a stop.
pub fn sell_at(at: f64, stop: bool, qty: f64, half_spread: f64, fee_rate: f64) -> Fill {
    let price = if stop { at * (1.0 - half_spread) } else { at };
    Fill {
        ordered: qty,
        qty,
        price,
        mid: at,
        fee: qty * price * fee_rate,
        source: Source::Candles,
    }
}
