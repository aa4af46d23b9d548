//! Coverage: of the pairs the exchange lists now, how many have fresh, complete data.
//! Fresh: the newest stored candle is the last closed hour or one stored since the audit's
//! cycle began (not older, and not a day newer: a candle from the future is named, never
//! counted fresh). Complete: no gap in the last 30
//! days (720 hours, what the models look back over).

use cst_market::Timeframe;
use cst_store::{CandleKey, CoverageAudit, PairRecord, Store, StoreError};

pub const LOOKBACK_HOURS: i64 = 720;

/// How far past the audit's hour a candle may open and still be fresh: a cycle that began
/// at `now` stores the hours that close while it runs (many, in a fast replay), and no
/// exchange is a day ahead of itself — the probe's millisecond times are years ahead.
const AHEAD_SLACK: i64 = 24 * 3600;

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
            // Stored before open times were checked: it would read as fresh forever.
            Some(t) if t > last_closed + AHEAD_SLACK => Some(format!(
                "ahead of the exchange: newest candle opens at {t}, after the last closed hour \
                 {last_closed} (an import with times in milliseconds?)"
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

#[cfg(test)]
mod tests {
    use super::*;
    use cst_market::Candle;

    #[test]
    fn a_candle_from_the_future_is_named_not_counted_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("cst.db")).unwrap();
        // BTC-USDT's first hour of binance-2024, and the same values at the probe's
        // millisecond time, stored as an older build did (no time check).
        let hour = 1_704_067_200;
        let candle = |open_time| Candle {
            open_time,
            open: 42283.58,
            high: 42554.57,
            low: 42261.02,
            close: 42475.23,
            volume: 1271.68108,
            trades: None,
        };
        let key = CandleKey::new("kraken", "XBT/USD", Timeframe::H1);
        store
            .insert_candles_at(
                &key,
                &[candle(hour), candle(1_622_505_600_000)],
                "test",
                i64::MAX,
            )
            .unwrap();
        let live = [PairRecord {
            pair: "XBT/USD".into(),
            altname: "XBTUSD".into(),
            base: "XBT".into(),
            quote: "USD".into(),
            taker_fee_pct: None,
        }];
        let a = audit(&store, "kraken", &live, hour + 2 * 3600 - 1).unwrap();
        assert_eq!((a.live, a.covered), (1, 0));
        assert!(
            a.missing[0].contains("ahead of the exchange"),
            "{:?}",
            a.missing
        );
        // Hours that closed while the cycle ran (a fast replay stores several) are fresh.
        let eth = CandleKey::new("kraken", "ETH/USD", Timeframe::H1);
        let hours: Vec<Candle> = (0..4).map(|k| candle(hour + k * 3600)).collect();
        store
            .insert_candles_at(&eth, &hours, "test", i64::MAX)
            .unwrap();
        let live = [PairRecord {
            pair: "ETH/USD".into(),
            altname: "ETHUSD".into(),
            base: "ETH".into(),
            quote: "USD".into(),
            taker_fee_pct: None,
        }];
        let a = audit(&store, "kraken", &live, hour + 2 * 3600 - 1).unwrap();
        assert_eq!((a.live, a.covered), (1, 1), "{:?}", a.missing);
    }
}
