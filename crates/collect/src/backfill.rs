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
use cst_market::HOUR;

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
            // Planned only once the exchange's own candles exist: the backfill ends where
            // they begin, so the two never overlap.
            let Some(until) = store.earliest_open_time(&key)? else {
                return Ok(());
            };
            let from = (clock.now() - i64::from(cfg.backfill_hours) * HOUR).div_euclid(HOUR) * HOUR;
            store.plan_backfill(name, &p.pair, from.min(until) * NS, until * NS)?
        }
    };
    if cursor.done() {
        return Ok(());
    }
    let mut tainted = Vec::new();
    let mut next = cursor.next_ns;
    if cursor.next_ns < cursor.until_ns {
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
        next = if page.last_ns > cursor.next_ns {
            page.last_ns
        } else {
            cursor.until_ns
        };
        // Trades before the cursor were not asked for: a server that ignores `since` must
        // not make an hour look complete.
        let asked: Vec<_> = page
            .trades
            .iter()
            .filter(|t| (t.time * 1e9) as i64 >= cursor.next_ns)
            .cloned()
            .collect();
        let (trades, _) = to_trades(&asked);
        // An hour with a trade that could not be stored would be built from an incomplete
        // set: it is not built, and stays a gap.
        let kept: std::collections::HashSet<u64> = trades
            .iter()
            .filter(|t| t.check().is_ok())
            .map(|t| t.id)
            .collect();
        for t in &asked {
            if t.id.is_none_or(|id| !kept.contains(&id)) {
                tainted.push((t.time as i64).div_euclid(HOUR) * HOUR);
            }
        }
        let stored = store.store_backfill_page(name, &p.pair, &trades, next)?;
        report.trades_inserted += stored.inserted;
        report.trades_rejected +=
            (asked.len() - trades.len()) as u64 + stored.rejected.len() as u64;
    }
    // Hours wholly before both the cursor and the end of the backfill are complete; building
    // starts where the last build stopped, so a kill before this point loses nothing.
    let first = cursor.built_ns.div_euclid(NS).div_euclid(HOUR) * HOUR;
    let end = next.min(cursor.until_ns).div_euclid(NS).div_euclid(HOUR) * HOUR;
    let mut candles: Vec<Candle> = Vec::new();
    for hour in (first..end).step_by(HOUR as usize) {
        if tainted.contains(&hour) {
            report.failed.push((
                p.pair.clone(),
                format!("backfill hour {hour} not built: a trade in it could not be stored"),
            ));
            continue;
        }
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
    store.mark_backfill_built(name, &p.pair, end * NS)?;
    Ok(())
}
