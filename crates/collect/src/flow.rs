//! Trades and order-book snapshots per pair, for the whale agent: one page of trades from
//! the pair's stored cursor (so collection resumes where the last commit left off) and one
//! depth snapshot per run.

use cst_clock::Clock;
use cst_config::CollectorConfig;
use cst_exchange::{Exchange, Side};
use cst_market::{BookLevel, Trade};
use cst_store::{PairRecord, Store};

use crate::cycle::{CycleError, CycleReport};

/// Kraken returns at most this many trades per page.
const FULL_PAGE: usize = 1000;
/// Pages per pair and run: bounds one run's length while letting busy pairs catch up.
const TRADE_PAGES_PER_RUN: usize = 5;

pub async fn collect_flow(
    exchange: &impl Exchange,
    store: &mut Store,
    clock: &dyn Clock,
    cfg: &CollectorConfig,
    p: &PairRecord,
    report: &mut CycleReport,
) -> Result<(), CycleError> {
    let name = cfg.exchange.as_str();
    if cfg.trades {
        // A full page means more are waiting: keep paging, within a budget, so a busy pair
        // catches up instead of falling further behind every run.
        for _ in 0..TRADE_PAGES_PER_RUN {
            let since = store.trade_cursor(name, &p.pair)?;
            let page = match exchange.trades(&p.altname, since).await {
                Ok(page) => page,
                Err(e) => {
                    report.failed.push((p.pair.clone(), format!("trades: {e}")));
                    break;
                }
            };
            let (trades, without_id) = to_trades(&page.trades);
            let stored = store.insert_trades(name, &p.pair, &trades, page.last_ns)?;
            report.trades_inserted += stored.inserted;
            report.trades_rejected += stored.rejected.len() as u64 + without_id;
            if page.trades.len() < FULL_PAGE {
                // Caught up: every trade until now is stored, so quiet hours up to here are
                // really quiet (the whale features need to tell them from unread ones).
                store.mark_trades_checked(name, &p.pair, clock.now() * 1_000_000_000)?;
                break;
            }
            if since.is_some_and(|s| page.last_ns <= s) {
                break;
            }
        }
    }
    if cfg.depth_levels > 0 {
        match exchange.depth(&p.altname, cfg.depth_levels).await {
            Ok(book) => {
                let levels = |side: &[cst_exchange::BookLevel]| -> Vec<BookLevel> {
                    side.iter()
                        .map(|l| BookLevel {
                            price: l.price,
                            volume: l.volume,
                        })
                        .collect()
                };
                match store.insert_depth(
                    name,
                    &p.pair,
                    clock.now(),
                    &levels(&book.bids),
                    &levels(&book.asks),
                )? {
                    Ok(()) => report.depth_snapshots += 1,
                    Err(why) => report
                        .failed
                        .push((p.pair.clone(), format!("depth refused: {why}"))),
                }
            }
            Err(e) => report.failed.push((p.pair.clone(), format!("depth: {e}"))),
        }
    }
    Ok(())
}

/// Exchange trades as stored; a trade without an id cannot be told apart from a repeat, so
/// it is not stored, only counted.
pub fn to_trades(page: &[cst_exchange::Trade]) -> (Vec<Trade>, u64) {
    let without_id = page.iter().filter(|t| t.id.is_none()).count() as u64;
    let trades = page
        .iter()
        .filter_map(|t| {
            Some(Trade {
                id: t.id?,
                time_ns: (t.time * 1e9).round() as i64,
                price: t.price,
                volume: t.volume,
                taker_buy: t.side == Side::Buy,
                market_order: t.kind == cst_exchange::OrderKind::Market,
            })
        })
        .collect();
    (trades, without_id)
}
