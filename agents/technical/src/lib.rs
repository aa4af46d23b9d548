//! The technical agent: one [`TechnicalEngine`] per pair, warmed from the store at start
//! and stepped with each candle as `candles.updated` announces it — O(1) per candle, the
//! same code `FeatureBuilder` runs over history. Publishes `features.technical` (key: pair,
//! version: the row's time) for every new row.

use std::collections::BTreeMap;

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::Config;
use cst_indicators::TechnicalEngine;
use cst_market::Timeframe;
use cst_protocol::bus::{Counter, Event, Topic};
use cst_store::{CandleKey, Store};

use cst_features::HOUR;

#[derive(Debug, Default)]
pub struct TechnicalAgent {
    store: Option<Store>,
    exchange: String,
    engines: BTreeMap<String, Pair>,
    rows: u64,
    refused: u64,
    errors: u64,
}

#[derive(Debug, Default)]
struct Pair {
    engine: TechnicalEngine,
    /// Open time of the last candle stepped.
    last: Option<i64>,
    ready: bool,
}

impl TechnicalAgent {
    /// Steps every stored candle of `pair` after the last one seen; returns the newest
    /// row's time, if a row came out.
    fn catch_up(&mut self, pair: &str) -> Result<Option<i64>, cst_store::StoreError> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let key = CandleKey::new(&self.exchange, pair, Timeframe::H1);
        let state = self.engines.entry(pair.to_string()).or_default();
        let from = state.last.map_or(i64::MIN, |l| l + 1);
        let mut newest = None;
        for c in store.candles_between(&key, from, i64::MAX)? {
            match state.engine.step(&c) {
                Ok(Some(_)) => {
                    self.rows += 1;
                    state.ready = true;
                    newest = Some(c.open_time + HOUR);
                }
                Ok(None) => state.ready = false,
                Err(e) => {
                    self.refused += 1;
                    tracing::warn!(pair, error = %e, "candle refused by the technical engine");
                    continue;
                }
            }
            state.last = Some(c.open_time);
        }
        Ok(newest)
    }
}

impl Agent for TechnicalAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::CandlesUpdated]
    }

    fn publishes(&self) -> Vec<Topic> {
        vec![Topic::FeaturesTechnical]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        self.exchange = config.collector.exchange.clone();
        let pairs: Vec<String> = store
            .candle_keys()?
            .into_iter()
            .filter(|k| k.exchange == self.exchange && k.timeframe == Timeframe::H1)
            .map(|k| k.pair)
            .collect();
        self.store = Some(store);
        // Warm every pair from history, so the first live candle gives a row at once.
        for pair in pairs {
            self.catch_up(&pair)?;
        }
        tracing::info!(
            pairs = self.engines.len(),
            ready = self.engines.values().filter(|p| p.ready).count(),
            "technical engines warmed from the store"
        );
        Ok(())
    }

    async fn on_event(&mut self, event: Event, bus: &Publisher) {
        match self.catch_up(&event.key) {
            Ok(Some(t)) => {
                let _ = bus.publish(Topic::FeaturesTechnical, &event.key, t as u64);
            }
            Ok(None) => {}
            Err(e) => {
                self.errors += 1;
                tracing::error!(pair = event.key, error = %e, "cannot read candles");
            }
        }
    }

    async fn run_now(&mut self, bus: &Publisher) -> String {
        let pairs: Vec<String> = self.engines.keys().cloned().collect();
        let mut stepped = 0;
        for pair in pairs {
            if let Ok(Some(t)) = self.catch_up(&pair) {
                stepped += 1;
                let _ = bus.publish(Topic::FeaturesTechnical, &pair, t as u64);
            }
        }
        format!("{stepped} pairs had new rows")
    }

    fn counters(&self) -> Vec<Counter> {
        let ready = self.engines.values().filter(|p| p.ready).count() as u64;
        let resets: u64 = self
            .engines
            .values()
            .map(|p| p.engine.counters().gap_resets)
            .sum();
        cst_agent::counters(&[
            ("pairs", self.engines.len() as u64),
            ("pairs_ready", ready),
            ("rows", self.rows),
            ("gap_resets", resets),
            ("candles_refused", self.refused),
            ("store_errors", self.errors),
        ])
    }
}
