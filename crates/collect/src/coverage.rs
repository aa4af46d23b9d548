//! Coverage: of the pairs the exchange lists now, how many have fresh, complete data.
//! Fresh: the newest stored candle is the last closed hour. Complete: no gap in the last
//! 30 days (720 hours, what the models look back over).

use cst_market::Timeframe;
use cst_store::{CandleKey, CoverageAudit, PairRecord, Store, StoreError};

pub const LOOKBACK_HOURS: i64 = 720;

pub fn audit(
    store: &Store,
    exchange: &str,
    live: &[PairRecord],
    now: i64,
) -> Result<CoverageAudit, StoreError> {
    let last_closed = now.div_euclid(3600) * 3600 - 3600;
    let window_start = last_closed - (LOOKBACK_HOURS - 1) * 3600;
    let mut missing = Vec::new();
    for p in live {
        let key = CandleKey::new(exchange, &p.pair, Timeframe::H1);
        let reason = match store.latest_open_time(&key)? {
            None => Some("no candles stored".to_string()),
            Some(t) if t < last_closed => Some(format!(
                "stale: newest candle opened at {t}, last closed hour is {last_closed}"
            )),
            Some(_) => {
                let holes: i64 = store
                    .gaps_since(&key, window_start)?
                    .iter()
                    .filter(|g| g.to >= window_start)
                    .map(|g| g.missing)
                    .sum();
                (holes > 0).then(|| format!("{holes} missing hours in the last {LOOKBACK_HOURS}"))
            }
        };
        if let Some(reason) = reason {
            missing.push(format!("{}: {reason}", p.pair));
        }
    }
    let live_n = live.len() as u64;
    Ok(CoverageAudit {
        exchange: exchange.to_string(),
        at: now,
        live: live_n,
        covered: live_n - missing.len() as u64,
        missing,
    })
}
