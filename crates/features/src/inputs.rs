//! When a pair-hour's inputs are in. A row is built once and then read by everyone, so it
//! is built when the sources it reads have been read through its time: the candle that
//! closes at t (the trigger), the news when a source was read through t, the pair's trades
//! when the collector has caught up through t. A source this deployment does not run (no
//! news source, trades not collected) or does not use (its group left out) is not waited
//! for; one that runs but does not catch up is waited for up to the caller's limit, and the
//! row is then built without it (its group missing, with the builder's reason).
//!
//! The cross-sectional group ranks a pair among every pair at t, so its hour waits for the
//! peers too: every pair whose candle closed an hour before t is waited for until its
//! candle closing at t is in (a pair that stopped trading earlier is not waited for), or
//! until any pair's candle of the next hour is stored: the collector polls every pair
//! more often than hourly, so by then a peer still without t's candle has none (a gap).
//!
//! Order books need no wait: the book group reads the snapshots taken before t, which are
//! all in once the hour has closed.

use cst_config::{Config, NewsSource};
use cst_store::Store;

use crate::{BuildContext, FeatureError, Group};

const NS: i64 = 1_000_000_000;

/// The sources a row waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Awaited {
    pub news: bool,
    pub trades: bool,
    /// The other pairs' candles at t (the cross-sectional group).
    pub peers: bool,
}

impl Awaited {
    /// What this deployment's rows wait for: news where the FeatureSet has the sentiment
    /// group and a news source is configured, trades where it has the whale group and the
    /// collector collects them.
    pub fn for_deployment(config: &Config, ctx: &BuildContext) -> Awaited {
        let news_source = match &config.sentiment.source {
            NewsSource::Feeds(feeds) => !feeds.is_empty(),
            NewsSource::Replay(_) => true,
        };
        Awaited {
            news: ctx.set.has(Group::Sentiment) && news_source,
            trades: ctx.set.has(Group::Whale) && config.collector.trades,
            peers: ctx.set.has(Group::Cross),
        }
    }

    /// The pairs whose candle closing at `t` may still come (their previous hour's did) but
    /// is not in: the hour's cross-section waits for them. One answer for every pair at `t`.
    pub fn peers_not_in(
        &self,
        store: &Store,
        ctx: &BuildContext,
        t: i64,
    ) -> Result<Vec<String>, FeatureError> {
        if !self.peers {
            return Ok(Vec::new());
        }
        let next_hour_in = store
            .newest_open_time(&ctx.exchange, cst_market::Timeframe::H1)?
            .is_some_and(|open| open >= t);
        if next_hour_in {
            return Ok(Vec::new());
        }
        Ok(store.hourly_pairs_behind(&ctx.exchange, t)?)
    }

    /// The sources that may still be read through `t` for `pair` but are not yet; empty
    /// when the row can be built. A source never read yet may be starting, so it is waited
    /// for; one whose reading began after `t` can never cover it, so it is not.
    pub fn not_in(
        &self,
        store: &Store,
        ctx: &BuildContext,
        pair: &str,
        t: i64,
    ) -> Result<Vec<Group>, FeatureError> {
        let mut out = Vec::new();
        if self.news && store.news_covering(t, t)?.is_none() {
            let spans = store.news_coverage()?;
            if spans.is_empty() || spans.iter().any(|(_, c)| c.from_s <= t) {
                out.push(Group::Sentiment);
            }
        }
        if self.trades {
            let waiting = match store.trade_coverage(&ctx.exchange, pair)? {
                None => true,
                Some(c) => c.from_ns <= t * NS && c.checked_ns < t * NS,
            };
            if waiting {
                out.push(Group::Whale);
            }
        }
        Ok(out)
    }
}
