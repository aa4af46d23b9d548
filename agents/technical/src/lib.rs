//! The technical agent builds each pair-hour's feature row, once. When `candles.updated`
//! announces a closed hour, the hour waits until the sources its row reads are in
//! ([`Awaited`]: the news read through t, the pair's trades caught up through t, every
//! peer's candle at t for the cross-section; at most `[features] max_wait_s`), then the whole row — every group of the deployment's
//! FeatureSet — is built by the live builder (one indicator engine per pair, O(1) per
//! candle, bit-identical to the batch builder) and stored ([`RowWriter`]); `features.rows`
//! (key: pair, version: t) announces it. The ml and whale agents, the dashboard and
//! `cst features` read the stored row: what the models saw is what everyone sees.
//!
//! Events are hints, the store is the truth: at start every hour with a closed candle after
//! the pair's newest stored row, within `health.max_feature_age_h` hours, is queued, so
//! hours closed while the agent was down are built, none twice. A pair never built has
//! missed nothing: its first row comes with the next announced candle, and the ml agent
//! serves from there on.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    time::{Duration, Instant},
};

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::Config;
use cst_features::{
    Awaited, BuildContext, Built, FeatureError, Group, HOUR, coin_mapper, stored::RowWriter,
};
use cst_market::Timeframe;
use cst_protocol::bus::{Counter, Event, Topic};
use cst_store::{CandleKey, Store};

#[derive(Debug, Default)]
pub struct TechnicalAgent {
    state: Option<State>,
    writer: RowWriter,
    pairs: BTreeMap<String, Pair>,
    rows: u64,
    no_rows: u64,
    built_late: u64,
    refused: u64,
    errors: u64,
}

#[derive(Debug)]
struct State {
    store: Store,
    ctx: BuildContext,
    awaited: Awaited,
    max_wait: Duration,
    max_age_h: i64,
    /// A pair appeared since the coin map was read.
    coins_stale: bool,
}

#[derive(Debug, Default)]
struct Pair {
    /// Hours waiting for their inputs, oldest first, with when each began to wait.
    waiting: VecDeque<(i64, Instant)>,
    /// The newest hour queued or stored.
    last: Option<i64>,
    /// Whether the newest build had the technical group's values (its engine is warm).
    ready: bool,
}

impl TechnicalAgent {
    /// Queues the hours of `pair` closed through `open + 1 h` after the newest one queued or
    /// stored, within `max_age_h` of it. A pair never built has missed nothing: only its
    /// newest hour is queued (history is built on demand by whoever asks for it).
    fn queue(&mut self, pair: &str, open: i64) -> Result<(), cst_store::StoreError> {
        let Some(s) = self.state.as_mut() else {
            return Ok(());
        };
        if !self.pairs.contains_key(pair) {
            // A pair new to this process: its coin may be new to the news matching too.
            s.coins_stale = true;
        }
        let p = self.pairs.entry(pair.to_string()).or_default();
        let oldest = open - (s.max_age_h - 1).max(0) * HOUR;
        // The hour after the newest queued one closes with the candle that opens at `last`.
        let from = p.last.map_or(open, |l| l.max(oldest));
        let key = CandleKey::new(&s.ctx.exchange, pair, Timeframe::H1);
        for c in s.store.candles_between(&key, from, open + 1)? {
            let t = c.open_time + HOUR;
            p.waiting.push_back((t, Instant::now()));
            p.last = Some(t);
        }
        Ok(())
    }

    /// Builds and stores every hour whose inputs are in (or that waited `max_wait`), each
    /// pair's oldest first; announces each.
    fn build_ready(&mut self, bus: &Publisher) {
        let Some(s) = self.state.as_mut() else {
            return;
        };
        let mut items = Vec::new();
        // The peers each hour's cross-section still waits for: one answer per hour.
        let mut peers: HashMap<i64, Vec<String>> = HashMap::new();
        for (pair, p) in &mut self.pairs {
            while let Some(&(t, since)) = p.waiting.front() {
                let not_in = match peers_behind(s, &mut peers, t).and_then(|behind| {
                    let mut groups = s.awaited.not_in(&s.store, &s.ctx, pair, t)?;
                    if behind.iter().any(|b| b != pair) {
                        groups.push(Group::Cross);
                    }
                    Ok(groups)
                }) {
                    Ok(groups) => groups,
                    Err(e) => {
                        self.errors += 1;
                        tracing::error!(pair, t, error = %e, "cannot read the sources' coverage");
                        break;
                    }
                };
                if !not_in.is_empty() {
                    if since.elapsed() < s.max_wait {
                        break;
                    }
                    self.built_late += 1;
                    let names: Vec<&str> = not_in.iter().map(|g| g.name()).collect();
                    tracing::warn!(
                        pair,
                        t,
                        waited_s = s.max_wait.as_secs(),
                        "built without {}: not read through t within features.max_wait_s",
                        names.join(", ")
                    );
                }
                items.push((pair.clone(), t));
                p.waiting.pop_front();
            }
        }
        if items.is_empty() {
            return;
        }
        // Hour by hour across pairs: the cross-section moves forward, never back.
        items.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        if s.coins_stale {
            // News is matched to the coins of the pairs stored when the context was made; the
            // collector lists pairs after this agent may have started.
            match coin_mapper(&s.store, &s.ctx.exchange) {
                Ok(coins) => {
                    s.ctx.coins = coins;
                    s.coins_stale = false;
                }
                Err(e) => {
                    self.errors += 1;
                    tracing::error!(error = %e, "cannot read the pairs to match news to coins");
                }
            }
        }
        let built_at = s
            .store
            .data_now(&s.ctx.exchange)
            .ok()
            .flatten()
            .unwrap_or_default();
        let built = match self.writer.build(&mut s.store, &s.ctx, &items, built_at) {
            Ok(b) => b,
            Err(e) => {
                self.errors += 1;
                tracing::error!(rows = items.len(), error = %e, "cannot store feature rows");
                return;
            }
        };
        for ((pair, t), built) in items.iter().zip(built) {
            let p = self.pairs.entry(pair.clone()).or_default();
            match built {
                Ok(b) => {
                    p.ready = has_technical(&b);
                    match b {
                        Built::Row(_) => self.rows += 1,
                        Built::NoRow { missing, .. } => {
                            self.no_rows += 1;
                            for m in missing {
                                tracing::debug!(pair, t, group = %m.group, reason = m.reason, "no feature row");
                            }
                        }
                    }
                    let _ = bus.publish(Topic::FeatureRows, pair, *t as u64);
                }
                Err(FeatureError::Candles { detail, .. }) => {
                    self.refused += 1;
                    tracing::warn!(pair, t, detail, "candles refused by the technical engine");
                }
                Err(e) => {
                    self.errors += 1;
                    tracing::error!(pair, t, error = %e, "cannot build the feature row");
                }
            }
        }
    }
}

/// The pairs `t`'s cross-section waits for, read once per hour per round.
fn peers_behind<'a>(
    s: &State,
    memo: &'a mut HashMap<i64, Vec<String>>,
    t: i64,
) -> Result<&'a Vec<String>, FeatureError> {
    if let std::collections::hash_map::Entry::Vacant(e) = memo.entry(t) {
        e.insert(s.awaited.peers_not_in(&s.store, &s.ctx, t)?);
    }
    Ok(&memo[&t])
}

/// Whether a build had the technical group's values.
fn has_technical(b: &Built) -> bool {
    match b {
        Built::Row(r) => !r.absent.iter().any(|m| m.group == Group::Technical),
        Built::NoRow { missing, .. } => !missing.iter().any(|m| m.group == Group::Technical),
    }
}

impl Agent for TechnicalAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::CandlesUpdated]
    }

    fn publishes(&self) -> Vec<Topic> {
        vec![Topic::FeatureRows]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        let exchange = config.collector.exchange.clone();
        let ctx = BuildContext::for_deployment(config, &exchange, &store)?;
        let mut latest = Vec::new();
        for pair in store.hourly_pairs(&exchange)? {
            let stored = store.latest_feature_row_t(&exchange, ctx.set.version(), &pair)?;
            let key = CandleKey::new(&exchange, &pair, Timeframe::H1);
            latest.push((pair, stored, store.latest_open_time(&key)?));
        }
        self.state = Some(State {
            awaited: Awaited::for_deployment(config, &ctx),
            store,
            ctx,
            max_wait: config.features.max_wait,
            max_age_h: i64::from(config.health.max_feature_age_h),
            coins_stale: false,
        });
        for (pair, stored, open) in latest {
            // Known before it is queued: its coin is in the map just read.
            self.pairs.entry(pair.clone()).or_default().last = stored;
            // A pair never built has missed nothing: its first row comes with the next
            // announced candle, when the agents that read rows are subscribed (a row built
            // now would be announced before the ml agent listens, and never predicted).
            if let (Some(_), Some(open)) = (stored, open) {
                self.queue(&pair, open)?;
            }
        }
        let queued: usize = self.pairs.values().map(|p| p.waiting.len()).sum();
        tracing::info!(
            pairs = self.pairs.len(),
            queued,
            "feature rows of the hours closed while down queued"
        );
        Ok(())
    }

    async fn on_event(&mut self, event: Event, bus: &Publisher) {
        if let Err(e) = self.queue(&event.key, event.version as i64) {
            self.errors += 1;
            tracing::error!(pair = event.key, error = %e, "cannot read candles");
        }
        self.build_ready(bus);
    }

    async fn tick(&mut self, bus: &Publisher) {
        self.build_ready(bus);
    }

    async fn run_now(&mut self, bus: &Publisher) -> String {
        let before: Vec<usize> = self.pairs.values().map(|p| p.waiting.len()).collect();
        self.build_ready(bus);
        let built = self
            .pairs
            .values()
            .zip(before)
            .filter(|(p, n)| p.waiting.len() < *n)
            .count();
        let waiting: usize = self.pairs.values().map(|p| p.waiting.len()).sum();
        if waiting == 0 {
            format!("{built} pairs had new rows")
        } else {
            format!("{built} pairs had new rows; {waiting} hours wait for their inputs")
        }
    }

    fn counters(&self) -> Vec<Counter> {
        let ready = self.pairs.values().filter(|p| p.ready).count() as u64;
        let waiting: usize = self.pairs.values().map(|p| p.waiting.len()).sum();
        cst_agent::counters(&[
            ("pairs", self.pairs.len() as u64),
            ("pairs_ready", ready),
            ("rows", self.rows),
            ("hours_without_row", self.no_rows),
            ("hours_waiting", waiting as u64),
            ("built_late", self.built_late),
            ("gap_resets", self.writer.gap_resets()),
            ("candles_refused", self.refused),
            ("store_errors", self.errors),
        ])
    }
}
