//! The configuration as written in TOML. Documented key by key in `config/default.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub supervisor: RawSupervisor,
    pub logs: RawLogs,
    pub health: crate::health::RawHealth,
    pub agents: BTreeMap<String, RawAgent>,
    pub collector: RawCollector,
    pub features: crate::features::RawFeatures,
    pub sentiment: crate::features::RawSentiment,
    pub whale: crate::features::RawWhale,
    pub ml: crate::ml::RawMl,
    pub risk: crate::trading::RawRisk,
    pub portfolio: crate::trading::RawPortfolio,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCollector {
    pub exchange: String,
    pub base_url: String,
    pub quotes: Vec<String>,
    pub poll_interval_s: u64,
    pub min_request_interval_ms: u64,
    pub request_timeout_ms: u64,
    pub clock: String,
    pub trades: bool,
    pub depth_levels: u32,
    pub backfill_hours: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupervisor {
    pub startup_timeout_ms: u64,
    pub heartbeat_interval_ms: u64,
    pub missed_heartbeats: u32,
    pub stop_grace_ms: u64,
    pub term_timeout_ms: u64,
    pub sample_interval_ms: u64,
    pub restart: RawRestart,
    pub breaker: RawBreaker,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRestart {
    pub min_delay_ms: u64,
    pub max_delay_ms: u64,
    pub factor: f32,
    pub jitter: bool,
    pub healthy_reset_s: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreaker {
    pub max_crashes: u32,
    pub window_s: u64,
    pub cooldown_s: u64,
    pub max_cooldown_s: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogs {
    pub level: String,
    pub max_file_bytes: u64,
    pub keep_files: u32,
    pub queue_lines: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    pub enabled: bool,
    pub command: Vec<String>,
}
