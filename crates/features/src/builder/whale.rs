//! The whale group at each t: the pair's trades of the 24 h before t, classified by the
//! streaming detector with the `median_window` trades before them as history, so a trade's
//! verdict never depends on where the caller's window starts. Only hours inside the span
//! where trades are known complete count: a quiet hour is told from an unread one.

use std::collections::BTreeMap;

use cst_market::PairName;
use cst_store::{CandleKey, Store, TradeCoverage};
use cst_whale::{Classified, HourFlow, Verdict, WhaleDetector, hourly_flow};

use crate::{BuildContext, FeatureError, HOUR};

const NS: i64 = 1_000_000_000;
use cst_market::DAY;

/// USD value of one unit of a pair's quote, per hour: 1 for the configured USD quotes,
/// else the close of the `QUOTE/USD` candle that closed when the hour began.
pub(crate) struct UsdRates {
    fixed: bool,
    quote: String,
    closes: BTreeMap<i64, f64>,
}

impl UsdRates {
    pub(crate) fn load(
        store: &Store,
        ctx: &BuildContext,
        name: &PairName,
        from: i64,
        to: i64,
    ) -> Result<UsdRates, FeatureError> {
        let fixed = ctx.whale.usd_quotes.contains(&name.quote);
        let closes = if fixed {
            BTreeMap::new()
        } else {
            let key = CandleKey::new(
                &ctx.exchange,
                &PairName::new(&name.quote, "USD").to_string(),
                cst_market::Timeframe::H1,
            );
            store
                .candles_between(&key, from - HOUR, to)?
                .into_iter()
                .map(|c| (c.open_time + HOUR, c.close))
                .collect()
        };
        Ok(UsdRates {
            fixed,
            quote: name.quote.clone(),
            closes,
        })
    }

    /// The rate for a time inside the hour starting at `hour_start`.
    pub(crate) fn at(&self, hour_start: i64) -> Result<f64, String> {
        if self.fixed {
            return Ok(1.0);
        }
        self.closes.get(&hour_start).copied().ok_or_else(|| {
            format!(
                "no {}/USD candle closed at {hour_start} to value {} in USD",
                self.quote, self.quote
            )
        })
    }
}

pub(crate) struct WhaleSeries {
    coverage: Option<TradeCoverage>,
    /// Classified trades from 24 h before the first t to the last, in time order.
    classified: Vec<Classified>,
    /// Hours (by start) whose trades could not be valued in USD.
    unvalued: BTreeMap<i64, String>,
}

impl WhaleSeries {
    pub(crate) fn load(
        store: &Store,
        ctx: &BuildContext,
        name: &PairName,
        from: i64,
        to: i64,
    ) -> Result<WhaleSeries, FeatureError> {
        let (exchange, pair) = (&ctx.exchange, name.to_string());
        let w = &ctx.whale;
        let start = from - DAY;
        let history = store.trades_before(exchange, &pair, start * NS, w.median_window)?;
        let window = store.trades_between(exchange, &pair, start * NS, to * NS)?;
        let rates = UsdRates::load(
            store,
            ctx,
            name,
            history.first().map_or(start, |t| t.time_ns.div_euclid(NS)),
            to,
        )?;
        let mut detector = WhaleDetector::new(cst_whale::DetectorConfig {
            median_window: w.median_window,
            min_history: w.min_history,
            median_multiple: w.median_multiple,
            usd_floor: w.usd_floor,
        })
        .map_err(|e| FeatureError::Whale(e.to_string()))?;
        let mut classified = Vec::with_capacity(window.len());
        let mut unvalued = BTreeMap::new();
        for (i, trade) in history.iter().chain(&window).enumerate() {
            let hour_start = trade.time_ns.div_euclid(NS * HOUR) * HOUR;
            let rate = match rates.at(hour_start) {
                Ok(rate) => rate,
                Err(why) => {
                    unvalued.insert(hour_start, why);
                    continue;
                }
            };
            let c = detector
                .push(*trade, rate)
                .map_err(|e| FeatureError::Whale(format!("{pair}: {e}")))?;
            if i >= history.len() {
                classified.push(c);
            }
        }
        Ok(WhaleSeries {
            coverage: store.trade_coverage(exchange, &pair)?,
            classified,
            unvalued,
        })
    }

    pub(crate) fn at(&self, t: i64) -> Result<Vec<f64>, String> {
        // The reasons name only times before t: a row must not learn, even from its
        // explanation, how far the data reaches after t.
        match self.coverage {
            None => return Err("no trades collected and caught up for this pair yet".to_string()),
            Some(c) if c.from_ns > (t - DAY) * NS => {
                return Err(format!(
                    "trades are known complete only from {} (Unix s), not over the whole 24 h before t",
                    c.from_ns.div_euclid(NS)
                ));
            }
            Some(c) if c.checked_ns < t * NS => {
                return Err(format!(
                    "trades are known complete only up to {} (Unix s): the collector has not caught up to t",
                    c.checked_ns.div_euclid(NS)
                ));
            }
            Some(_) => {}
        }
        if let Some((_, why)) = self.unvalued.range(t - DAY..t).next() {
            return Err(why.clone());
        }
        let slice = |from: i64| {
            let a = self
                .classified
                .partition_point(|c| c.trade.time_ns < from * NS);
            let b = self
                .classified
                .partition_point(|c| c.trade.time_ns < t * NS);
            &self.classified[a..b]
        };
        let day = slice(t - DAY);
        if let Some(c) = day.iter().find(|c| c.is_whale().is_none()) {
            return Err(format!(
                "whale median warming up: trade {} came before {} trades were known",
                c.trade.id,
                match c.verdict {
                    Verdict::Warmup { needed, .. } => needed,
                    _ => 0,
                }
            ));
        }
        let (whale_count, net_1h, share_1h, trades_1h) =
            match hourly_flow(slice(t - HOUR), t - HOUR).map_err(|e| e.to_string())? {
                HourFlow::Flow(f) => (
                    f.whale_count as f64,
                    f.net_whale_flow,
                    f.whale_share,
                    f.trades as f64,
                ),
                // Covered and quiet: no trade, so no whale bought or sold (a true zero).
                HourFlow::NoTrades { .. } => (0.0, 0.0, 0.0, 0.0),
                HourFlow::Warmup { .. } => return Err("whale median warming up".to_string()),
            };
        let (mut total, mut net) = (0.0, 0.0);
        for c in day {
            total += c.notional_usd;
            if matches!(c.verdict, Verdict::Whale { .. }) {
                net += if c.trade.taker_buy {
                    c.notional_usd
                } else {
                    -c.notional_usd
                };
            }
        }
        let net_24h = if total > 0.0 { net / total } else { 0.0 };
        Ok(vec![whale_count, net_1h, share_1h, net_24h, trades_1h])
    }
}
