//! The book group at t: the newest depth snapshot before t (no older than
//! `book_max_age_s`: no stale books), and the spoofing candidates of the hour before t.

use cst_market::PairName;
use cst_store::Store;
use cst_whale::{Book, SpoofConfig, hourly_spoofing};

use super::whale::UsdRates;
use crate::{BuildContext, FeatureError, HOUR};

const NS: i64 = 1_000_000_000;

pub(crate) fn at(
    store: &Store,
    ctx: &BuildContext,
    name: &PairName,
    t: i64,
) -> Result<Result<Vec<f64>, String>, FeatureError> {
    let (exchange, pair) = (&ctx.exchange, name.to_string());
    let w = &ctx.whale;
    let spoof = SpoofConfig {
        top_n: w.book_levels,
        size_multiple: w.spoof_size_multiple,
        usd_floor: w.spoof_usd_floor,
        ..SpoofConfig::default()
    };
    let hour_start = t - HOUR;
    // The last snapshot before the hour too, so the hour's first change is seen.
    let snapshots = store.depth_between(exchange, &pair, hour_start - spoof.max_gap_secs, t)?;
    let Some(newest) = snapshots.last() else {
        return Ok(Err(
            "no order-book snapshot in the hour before t".to_string()
        ));
    };
    if newest.at < t - w.book_max_age_s {
        return Ok(Err(format!(
            "the newest order book is from {}, older than book_max_age_s ({} s) at t",
            newest.at, w.book_max_age_s
        )));
    }
    let mut books = Vec::with_capacity(snapshots.len());
    for s in &snapshots {
        match Book::new(s.at, s.bids.clone(), s.asks.clone()) {
            Ok(b) => books.push(b),
            Err(e) => return Ok(Err(format!("order book at {} refused: {e}", s.at))),
        }
    }
    let Some(last) = books.last() else {
        return Ok(Err(
            "no order-book snapshot in the hour before t".to_string()
        ));
    };
    let stats = match last.stats(w.book_levels) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let rate = match UsdRates::load(store, ctx, name, hour_start, t)?.at(hour_start) {
        Ok(r) => r,
        Err(why) => return Ok(Err(why)),
    };
    let trades = store.trades_between(
        exchange,
        &pair,
        (hour_start - spoof.max_gap_secs) * NS,
        t * NS,
    )?;
    let hour = match hourly_spoofing(&books, &trades, hour_start, rate, &spoof) {
        Ok(h) => h,
        Err(e) => return Ok(Err(e.to_string())),
    };
    if hour.pairs_checked == 0 {
        return Ok(Err(format!(
            "no two order-book snapshots within {} s of each other in the hour: spoofing unobserved",
            spoof.max_gap_secs
        )));
    }
    Ok(Ok(vec![
        stats.imbalance,
        stats.spread_bps,
        hour.bid_count as f64,
        hour.ask_count as f64,
    ]))
}
