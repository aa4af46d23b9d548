//! The collector agent: runs a collection cycle at start, then every poll interval or on
//! `cst run-now collector`; publishes `candles.updated` per pair after each committed batch
//! and `coverage` (key: exchange, version: audit time) after each stored coverage audit.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_clock::{Clock, ServiceClock};
use cst_config::{ClockSource, CollectorConfig, Config};
use cst_exchange::{KrakenClient, KrakenConfig};
use cst_protocol::bus::{Counter, Topic};
use cst_store::Store;
use tokio::sync::Notify;

use cst_collect::run_cycle;

#[derive(Debug, Default)]
struct Stats {
    cycles: AtomicU64,
    cycle_errors: AtomicU64,
    candles_inserted: AtomicU64,
    candles_rejected: AtomicU64,
    fetch_errors: AtomicU64,
    trades_inserted: AtomicU64,
    trades_rejected: AtomicU64,
    depth_snapshots: AtomicU64,
    candles_backfilled: AtomicU64,
    pairs_live: AtomicU64,
    coverage_permille: AtomicU64,
    requests: AtomicU64,
    request_errors: AtomicU64,
}

#[derive(Debug, Default)]
pub struct CollectorAgent {
    stats: Arc<Stats>,
    wake: Arc<Notify>,
}

impl Agent for CollectorAgent {
    fn publishes(&self) -> Vec<Topic> {
        vec![Topic::CandlesUpdated, Topic::Coverage]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        bus: &Publisher,
    ) -> Result<(), StartError> {
        let cfg = config.collector.clone();
        let store = Store::open(&env.home.db_path())?;
        let mut client_cfg = KrakenConfig::new(cfg.base_url.clone());
        client_cfg.min_interval = cfg.min_request_interval;
        client_cfg.timeout = cfg.request_timeout;
        let client = KrakenClient::new(client_cfg)?;
        let (stats, wake, bus) = (self.stats.clone(), self.wake.clone(), bus.clone());
        let min_coverage = config.health.min_coverage;
        tokio::spawn(collect_forever(
            client,
            store,
            cfg,
            min_coverage,
            stats,
            wake,
            bus,
        ));
        Ok(())
    }

    async fn run_now(&mut self, _bus: &Publisher) -> String {
        self.wake.notify_one();
        "collection cycle started".to_string()
    }

    fn counters(&self) -> Vec<Counter> {
        let s = &self.stats;
        [
            ("cycles", &s.cycles),
            ("cycle_errors", &s.cycle_errors),
            ("requests", &s.requests),
            ("request_errors", &s.request_errors),
            ("candles_inserted", &s.candles_inserted),
            ("candles_rejected", &s.candles_rejected),
            ("fetch_errors", &s.fetch_errors),
            ("trades_inserted", &s.trades_inserted),
            ("trades_rejected", &s.trades_rejected),
            ("depth_snapshots", &s.depth_snapshots),
            ("candles_backfilled", &s.candles_backfilled),
            ("pairs_live", &s.pairs_live),
            ("coverage_permille", &s.coverage_permille),
        ]
        .into_iter()
        .map(|(name, v)| Counter {
            name: name.to_string(),
            value: v.load(Ordering::Relaxed),
        })
        .collect()
    }
}

async fn collect_forever(
    client: KrakenClient,
    mut store: Store,
    cfg: CollectorConfig,
    min_coverage: f64,
    stats: Arc<Stats>,
    wake: Arc<Notify>,
    bus: Publisher,
) {
    // The machine's clock, or the exchange's server time read before every cycle (replay).
    let mut service_clock = match cfg.clock {
        ClockSource::Live => ServiceClock::Live,
        ClockSource::Exchange => ServiceClock::following(std::time::Duration::ZERO),
    };
    loop {
        let read = || cst_exchange::unix_time(&client);
        if let Err(e) = service_clock.now_reading(read).await {
            tracing::warn!(error = %e, "no clock yet; retrying next cycle");
        }
        if let Some(clock) = service_clock.clock() {
            cycle_once(&client, &mut store, clock, &cfg, min_coverage, &stats, &bus).await;
        }
        let (requests, errors) = client.request_counts();
        stats.requests.store(requests, Ordering::Relaxed);
        stats.request_errors.store(errors, Ordering::Relaxed);
        tokio::select! {
            _ = tokio::time::sleep(cfg.poll_interval) => {}
            _ = wake.notified() => {}
        }
    }
}

async fn cycle_once(
    client: &KrakenClient,
    store: &mut Store,
    clock: &dyn Clock,
    cfg: &CollectorConfig,
    min_coverage: f64,
    stats: &Stats,
    bus: &Publisher,
) {
    stats.cycles.fetch_add(1, Ordering::Relaxed);
    let report = match run_cycle(client, store, clock, cfg).await {
        Ok(r) => r,
        Err(e) => {
            stats.cycle_errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "collection cycle failed");
            return;
        }
    };
    stats
        .candles_inserted
        .fetch_add(report.inserted, Ordering::Relaxed);
    stats
        .candles_rejected
        .fetch_add(report.rejected.len() as u64, Ordering::Relaxed);
    stats
        .fetch_errors
        .fetch_add(report.failed.len() as u64, Ordering::Relaxed);
    stats
        .pairs_live
        .store(report.live as u64, Ordering::Relaxed);
    // Events only after the store committed: the store is the truth, events are hints.
    for (pair, latest) in &report.updated {
        let _ = bus.publish(Topic::CandlesUpdated, pair, *latest as u64);
    }
    if let Some(audit) = &report.coverage {
        let fraction = audit.fraction();
        stats
            .coverage_permille
            .store((fraction * 1000.0).round() as u64, Ordering::Relaxed);
        tracing::info!(
            live = audit.live,
            covered = audit.covered,
            inserted = report.inserted,
            "collection cycle done"
        );
        if fraction < min_coverage {
            tracing::warn!(
                coverage = fraction,
                missing = audit.missing.len(),
                "coverage below health.min_coverage"
            );
        }
        // The health agent reads the audit from the store, scores it at once and raises the
        // alert.
        let _ = bus.publish(Topic::Coverage, &cfg.exchange, audit.at as u64);
    }
}
