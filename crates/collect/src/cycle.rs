//! One collection run.

use cst_clock::Clock;
use cst_config::CollectorConfig;
use cst_exchange::{Exchange, ExchangeError, OhlcRow};
use cst_market::{Candle, Rejection, Timeframe};
use cst_store::{CandleKey, CoverageAudit, ListingChanges, PairRecord, Store, StoreError};

use crate::coverage::audit;

#[derive(Debug, thiserror::Error)]
pub enum CycleError {
    #[error("pair discovery failed: {0}")]
    Discovery(#[source] ExchangeError),
    #[error("the exchange listed no pairs in the configured quotes: listing not applied")]
    EmptyListing,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one run did.
#[derive(Debug, Default)]
pub struct CycleReport {
    pub listing: ListingChanges,
    pub live: usize,
    /// Pairs with newly stored candles and the open time of their newest one.
    pub updated: Vec<(String, i64)>,
    pub inserted: u64,
    pub rejected: Vec<(String, i64, Rejection)>,
    /// Pairs whose candles could not be fetched this run, with the error.
    pub failed: Vec<(String, String)>,
    pub coverage: Option<CoverageAudit>,
    pub trades_inserted: u64,
    /// Candles rebuilt from trades for history older than the candle limit.
    pub backfilled: u64,
    pub trades_rejected: u64,
    pub depth_snapshots: u64,
}

fn candle(row: &OhlcRow) -> Candle {
    Candle {
        open_time: row.time,
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        volume: row.volume,
        // A source without trade counts (a replay of candle files) sends 0 for a candle that
        // has volume: that is "unknown", not "no trades".
        trades: (row.count > 0 || row.volume == 0.0).then_some(row.count),
    }
}

/// Discovers pairs, fetches each live pair's candles since its newest stored one, stores
/// them through the integrity checks, and records a coverage audit.
pub async fn run_cycle(
    exchange: &impl Exchange,
    store: &mut Store,
    clock: &dyn Clock,
    cfg: &CollectorConfig,
) -> Result<CycleReport, CycleError> {
    let name = cfg.exchange.as_str();
    let quotes: Vec<&str> = cfg.quotes.iter().map(String::as_str).collect();
    let listed = exchange
        .asset_pairs(&quotes)
        .await
        .map_err(CycleError::Discovery)?;
    // Crypto only: tokenised equities trade on another schedule and are not this service's.
    let pairs: Vec<PairRecord> = listed
        .pairs
        .iter()
        .filter(|p| p.asset_class == "currency")
        .map(|p| PairRecord {
            pair: p.wsname.clone(),
            altname: p.altname.clone(),
            base: p.base.clone(),
            quote: p.quote.clone(),
            taker_fee_pct: p.taker_fee_pct,
        })
        .collect();
    // An empty listing is a broken answer, not every pair delisted at once.
    if pairs.is_empty() {
        return Err(CycleError::EmptyListing);
    }
    // Freshness is judged against the hour this run started in: a long run must not make
    // the pairs it fetched first look stale.
    let started = clock.now();
    let mut report = CycleReport {
        listing: store.update_listing(name, &pairs, started)?,
        live: pairs.len(),
        ..Default::default()
    };
    for gone in &report.listing.removed {
        tracing::warn!(pair = %gone, "pair no longer listed: marked inactive, its data is kept and excluded");
    }
    for p in &pairs {
        let key = CandleKey::new(name, &p.pair, Timeframe::H1);
        // From the newest candle before the current hour: a stored candle from the future
        // (written before open times were checked) must not stop the pair for good.
        let since = store.latest_open_time_before(&key, clock.current_hour())?;
        let page = match exchange.ohlc(&p.altname, 60, since).await {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!(pair = %p.pair, error = %e, "candles not fetched this run");
                report.failed.push((p.pair.clone(), e.to_string()));
                continue;
            }
        };
        // A page with any row off the hour boundary is not 1-hour candles (a misbehaving
        // server, a wrong interval): its on-boundary rows would pass the candle checks and be
        // stored as hours they are not, so the whole page is refused.
        if let Some(bad) = page
            .closed
            .iter()
            .chain(&page.unfinished)
            .find(|r| r.time.rem_euclid(3600) != 0)
        {
            let why = format!(
                "OHLC page is not 1-hour candles (row at {} is off the hour): nothing stored",
                bad.time
            );
            tracing::warn!(pair = %p.pair, %why);
            report.failed.push((p.pair.clone(), why));
            continue;
        }
        // The exchange already split off the unfinished candle; a closed row that is not
        // before the current hour by our clock is still refused, never stored as final.
        let current = clock.current_hour();
        let (ok, early): (Vec<&OhlcRow>, Vec<&OhlcRow>) =
            page.closed.iter().partition(|r| r.time < current);
        let candles: Vec<Candle> = ok.into_iter().map(candle).collect();
        let result = store.insert_candles_at(&key, &candles, "collector", clock.now())?;
        for (t, why) in result.rejected {
            tracing::warn!(pair = %p.pair, open_time = t, reason = %why, "candle rejected");
            report.rejected.push((p.pair.clone(), t, why));
        }
        if !early.is_empty() {
            // Not stored yet, not lost: the next run asks again from the newest stored candle.
            tracing::debug!(pair = %p.pair, rows = early.len(), "closed by the exchange, not yet by our clock");
        }
        if result.inserted > 0 {
            report.inserted += result.inserted;
            if let Some(latest) = store.latest_open_time(&key)? {
                report.updated.push((p.pair.clone(), latest));
            }
        }
    }
    for p in &pairs {
        if cfg.trades || cfg.depth_levels > 0 {
            crate::flow::collect_flow(exchange, store, clock, cfg, p, &mut report).await?;
        }
        if cfg.backfill_hours > 0 {
            crate::backfill::backfill_step(exchange, store, clock, cfg, p, &mut report).await?;
        }
    }
    let audit = audit(store, name, &pairs, started)?;
    store.record_coverage(&audit)?;
    report.coverage = Some(audit);
    Ok(report)
}
