//! Rebuilding feature history: the same engine, run over stored candles.

use std::{
    num::NonZeroUsize,
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    thread,
};

use cst_market::Candle;

use super::{
    engine::{TechnicalEngine, WARMUP_CANDLES},
    features::TechRow,
};

/// One pair's rows: `(t, row)`, oldest first.
type Series = Vec<(i64, TechRow)>;

/// Every row of one pair's series, as `(t, row)` with `t` the candle's close time.
///
/// This is [`TechnicalEngine::step`] over the candles in order, so it is bitwise equal to
/// what a live engine produced. A candle the engine refuses (out of order, invalid) is
/// skipped exactly as a live agent skips it after logging the error; gaps reset warm-up.
pub fn rebuild(candles: &[Candle]) -> Vec<(i64, TechRow)> {
    let mut engine = TechnicalEngine::new();
    let mut rows = Vec::with_capacity(candles.len().saturating_sub(WARMUP_CANDLES - 1));
    for candle in candles {
        if let Ok(Some(row)) = engine.step(candle) {
            rows.push((candle.open_time + 3600, row));
        }
    }
    rows
}

/// [`rebuild`] for many pairs at once, spread over `available_parallelism` threads.
/// `result[i]` belongs to `series[i]`.
///
/// Pairs are handed out longest first from a shared counter, so one long series started
/// last cannot leave the other threads idle at the end.
pub fn rebuild_all(series: &[&[Candle]]) -> Vec<Vec<(i64, TechRow)>> {
    let workers = thread::available_parallelism()
        .map(NonZeroUsize::get)
        .unwrap_or(1)
        .min(series.len());
    if workers <= 1 {
        return series.iter().map(|s| rebuild(s)).collect();
    }
    let mut order: Vec<usize> = (0..series.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(series[i].len()));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Series)>> = Mutex::new(Vec::with_capacity(series.len()));
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = order.get(k) else { break };
                    mine.push((i, rebuild(series[i])));
                }
                // A poisoned lock only means another worker panicked; its panic is
                // re-raised by the scope, so the data here is still ours to hand over.
                done.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .append(&mut mine);
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, rows)| rows).collect()
}
