//! History older than the exchange's 720-candle limit: one page of trades per pair and run,
//! from the planned start forward to where the candle history begins; every hour the
//! cursor has fully passed becomes a candle aggregated from real trades, through the same
//! integrity checks. Hours without trades stay gaps.

use cst_clock::Clock;
use cst_config::CollectorConfig;
use cst_exchange::Exchange;
use cst_market::{Candle, Timeframe};
use cst_store::{CandleKey, PairRecord, Store};

use crate::{
    cycle::{CycleError, CycleReport},
    flow::to_trades,
};

const NS: i64 = 1_000_000_000;
const HOUR: i64 = 3600;

pub async fn backfill_step(
    exchange: &impl Exchange,
    store: &mut Store,
    clock: &dyn Clock,
    cfg: &CollectorConfig,
    p: &PairRecord,
    report: &mut CycleReport,
) -> Result<(), CycleError> {
    let name = cfg.exchange.as_str();
    let key = CandleKey::new(name, &p.pair, Timeframe::H1);
    let cursor = match store.backfill_cursor(name, &p.pair)? {
        Some(c) => c,
        None => {
            let from =
                (clock.now() - i64::from(cfg.backfill_days) * 86_400).div_euclid(HOUR) * HOUR;
            let until = store
                .earliest_open_time(&key)?
                .unwrap_or_else(|| clock.current_hour());
            store.plan_backfill(name, &p.pair, from * NS, until * NS)?
        }
    };
    if cursor.done() {
        return Ok(());
    }
    let page = match exchange.trades(&p.altname, Some(cursor.next_ns)).await {
        Ok(page) => page,
        Err(e) => {
            report
                .failed
                .push((p.pair.clone(), format!("backfill trades: {e}")));
            return Ok(());
        }
    };
    // No progress means no more trades to page through: the backfill ends here.
    let next = if page.last_ns > cursor.next_ns {
        page.last_ns
    } else {
        cursor.until_ns
    };
    let (trades, without_id) = to_trades(&page.trades);
    let stored = store.store_backfill_page(name, &p.pair, &trades, next)?;
    report.trades_inserted += stored.inserted;
    report.trades_rejected += stored.rejected.len() as u64 + without_id;
    // Hours wholly before both the new cursor and the end of the backfill are complete.
    let first = cursor.next_ns.div_euclid(NS).div_euclid(HOUR) * HOUR;
    let end = next.min(cursor.until_ns).div_euclid(NS).div_euclid(HOUR) * HOUR;
    let mut candles: Vec<Candle> = Vec::new();
    for hour in (first..end).step_by(HOUR as usize) {
        if let Some(c) = store.candle_from_trades(name, &p.pair, hour)? {
            candles.push(c);
        }
    }
    if !candles.is_empty() {
        let result = store.insert_candles(&key, &candles, "backfill from trades")?;
        report.backfilled += result.inserted;
        for (t, why) in result.rejected {
            report.rejected.push((p.pair.clone(), t, why));
        }
    }
    Ok(())
}
