//! Paths to the shared real data (read in place, never copied) and the stub server.

pub mod stub;

use std::path::PathBuf;
use std::time::Duration;

use cst_exchange::{BreakerPolicy, KrakenClient, KrakenConfig, RetryPolicy};

/// `/work/shared/data/<rel>`, found from this crate's directory.
pub fn shared_data(rel: &str) -> PathBuf {
    cst_testkit::data(rel)
}

pub fn read(rel: &str) -> Vec<u8> {
    let path = shared_data(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A client for the stub: no spacing, no retries, a breaker that never opens, 2 s timeout.
/// Tests change the one setting they are about.
pub fn config(base_url: &str) -> KrakenConfig {
    KrakenConfig {
        base_url: base_url.to_owned(),
        timeout: Duration::from_secs(2),
        min_interval: Duration::ZERO,
        retry: RetryPolicy {
            max_retries: 0,
            min_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            jitter: true,
        },
        breaker: BreakerPolicy {
            failure_threshold: 1_000,
            cooldown: Duration::from_secs(60),
        },
    }
}

pub fn client(config: KrakenConfig) -> KrakenClient {
    KrakenClient::new(config).expect("client builds")
}
