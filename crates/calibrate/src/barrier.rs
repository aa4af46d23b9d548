//! Triple-barrier labels (López de Prado, *Advances in Financial Machine Learning*, ch. 3):
//! did a trade entered at `entry` reach its take-profit before its stop-loss, within the
//! horizon? This is the outcome meta-labelling learns: `quality_prob` = P(the primary
//! signal's trade hits the take-profit first).
//!
//! Barriers are log-return distances from the entry (`up`, `down` > 0, typically multiples
//! of recent volatility): upper price `entry × e^up`, lower `entry × e^−down`. The path is
//! the bars after entry up to the horizon; a bar touches the upper barrier when its high
//! reaches it and the lower when its low does.
//!
//! Two choices, both conservative because the label feeds a gate that should pass only
//! trades that would really have paid:
//! - **Vertical barrier → label 0.** A trade that neither took profit nor stopped out by the
//!   horizon did not achieve what the signal promised; a sign-of-return label would call a
//!   +0.1% drift a success.
//! - **Both barriers in one bar → lower.** An hourly candle does not say whether its high or
//!   its low came first; assuming the stop was hit avoids crediting trades that may well
//!   have lost.

use crate::{CalibError, check};

/// One bar after entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub high: f64,
    pub low: f64,
    pub close: f64,
}

/// Barrier distances as log returns from the entry price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Barriers {
    /// Take-profit distance, > 0.
    pub up: f64,
    /// Stop-loss distance, > 0 (the lower barrier is at −down).
    pub down: f64,
}

/// Which barrier ended the trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    Upper,
    Lower,
    /// The horizon ran out with neither touched.
    Vertical,
}

/// A labelled trade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarrierOutcome {
    /// True only when the upper barrier was touched first.
    pub label: bool,
    pub touch: Touch,
    /// Index into the path of the bar that ended the trade (the last bar for vertical).
    pub bar: usize,
    /// Log return at exit: `up` or `−down` for a touch (fills at the barrier; a gap through
    /// it would fill worse), the last close's log return for vertical.
    pub log_return: f64,
}

/// Label one trade. `path` holds the bars after entry, up to and including the horizon.
pub fn triple_barrier(
    entry: f64,
    path: &[Bar],
    barriers: Barriers,
) -> Result<BarrierOutcome, CalibError> {
    check::positive("entry", entry, "a positive finite price")?;
    check::positive("up", barriers.up, "a positive finite log-return distance")?;
    check::positive(
        "down",
        barriers.down,
        "a positive finite log-return distance",
    )?;
    check::non_empty("path", path.len())?;
    check_bars(path)?;
    let upper = entry * barriers.up.exp();
    let lower = entry * (-barriers.down).exp();
    for (bar, b) in path.iter().enumerate() {
        let (hit_up, hit_down) = (b.high >= upper, b.low <= lower);
        let (touch, log_return) = match (hit_up, hit_down) {
            (_, true) => (Touch::Lower, -barriers.down),
            (true, false) => (Touch::Upper, barriers.up),
            (false, false) => continue,
        };
        return Ok(BarrierOutcome {
            label: touch == Touch::Upper,
            touch,
            bar,
            log_return,
        });
    }
    let last = path.len() - 1;
    Ok(BarrierOutcome {
        label: false,
        touch: Touch::Vertical,
        bar: last,
        log_return: (path[last].close / entry).ln(),
    })
}

/// Every price positive and finite, low <= close <= high: a bar that breaks this is
/// corrupt data, and labelling through it would invent touches.
fn check_bars(path: &[Bar]) -> Result<(), CalibError> {
    for (index, b) in path.iter().enumerate() {
        let reason = if ![b.high, b.low, b.close]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
        {
            "prices must be positive and finite"
        } else if b.low > b.high {
            "low is above high"
        } else if b.close < b.low || b.close > b.high {
            "close is outside [low, high]"
        } else {
            continue;
        };
        return Err(CalibError::BadBar { index, reason });
    }
    Ok(())
}
