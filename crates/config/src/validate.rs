//! The validated runtime configuration: durations instead of integers, agents in start
//! order, and every problem of the raw file reported together.

use std::{path::PathBuf, time::Duration};

use cst_protocol::AGENTS;

use crate::{
    ConfigError,
    features::{self, FeaturesConfig, SentimentConfig, WhaleConfig},
    raw::{RawConfig, RawRestart},
};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Config {
    pub supervisor: SupervisorConfig,
    pub logs: LogConfig,
    pub health: crate::health::HealthConfig,
    /// All eight agents, in start order.
    pub agents: Vec<AgentSpec>,
    pub collector: CollectorConfig,
    pub features: FeaturesConfig,
    pub sentiment: SentimentConfig,
    pub whale: WhaleConfig,
    pub ml: crate::ml::MlConfig,
    pub risk: crate::trading::RiskConfig,
    pub portfolio: crate::trading::PortfolioConfig,
}

impl Config {
    /// The validated configuration as the supervisor hands it to an agent (postcard): an
    /// agent runs no TOML parser, environment layering or validation of its own.
    pub fn encode(&self) -> Result<Vec<u8>, ConfigError> {
        postcard::to_stdvec(self).map_err(|e| ConfigError::Handoff(e.to_string()))
    }

    /// What [`Config::encode`] wrote.
    pub fn decode(bytes: &[u8]) -> Result<Config, ConfigError> {
        postcard::from_bytes(bytes).map_err(|e| ConfigError::Handoff(e.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CollectorConfig {
    pub exchange: String,
    pub base_url: String,
    pub quotes: Vec<String>,
    pub poll_interval: Duration,
    pub min_request_interval: Duration,
    pub request_timeout: Duration,
    pub clock: ClockSource,
    pub trades: bool,
    pub depth_levels: u32,
    pub backfill_hours: u32,
}

/// Where the service reads the time (ARCHITECTURE principle 2: one clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ClockSource {
    Live,
    /// Follow the exchange's server time (a replay runs it faster than real time).
    Exchange,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SupervisorConfig {
    pub startup_timeout: Duration,
    pub heartbeat_interval: Duration,
    pub missed_heartbeats: u32,
    pub stop_grace: Duration,
    pub term_timeout: Duration,
    pub sample_interval: Duration,
    pub restart: RestartConfig,
    pub breaker: BreakerConfig,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RestartConfig {
    pub min_delay: Duration,
    pub max_delay: Duration,
    pub factor: f32,
    pub jitter: bool,
    pub healthy_reset: Duration,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BreakerConfig {
    pub max_crashes: u32,
    pub window: Duration,
    pub cooldown: Duration,
    pub max_cooldown: Duration,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogConfig {
    pub level: String,
    pub max_file_bytes: u64,
    pub keep_files: u32,
    pub queue_lines: usize,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AgentSpec {
    pub name: String,
    pub enabled: bool,
    /// `None`: the `cst-<name>` binary next to the `cst` executable.
    pub command: Option<Vec<String>>,
}

impl AgentSpec {
    /// The argv to start this agent, given the directory of the `cst` executable.
    pub fn argv(&self, bin_dir: &std::path::Path) -> Vec<String> {
        match &self.command {
            Some(argv) => argv.clone(),
            None => vec![
                bin_dir
                    .join(format!("cst-{}", self.name))
                    .to_string_lossy()
                    .into_owned(),
            ],
        }
    }

    pub fn binary(&self, bin_dir: &std::path::Path) -> PathBuf {
        PathBuf::from(&self.argv(bin_dir)[0])
    }
}

const fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}
const fn secs(v: u64) -> Duration {
    Duration::from_secs(v)
}

impl Config {
    pub fn validate(raw: RawConfig) -> Result<Config, ConfigError> {
        let mut errors = Vec::new();
        let mut check = |ok: bool, msg: String| {
            if !ok {
                errors.push(msg);
            }
        };
        let s = &raw.supervisor;
        check(
            (10..=60_000).contains(&s.heartbeat_interval_ms),
            format!(
                "supervisor.heartbeat_interval_ms must be 10 to 60000, got {}",
                s.heartbeat_interval_ms
            ),
        );
        check(
            s.missed_heartbeats >= 1,
            "supervisor.missed_heartbeats must be at least 1, got 0".to_string(),
        );
        check(
            (100..=600_000).contains(&s.startup_timeout_ms),
            format!(
                "supervisor.startup_timeout_ms must be 100 to 600000, got {}",
                s.startup_timeout_ms
            ),
        );
        check(
            (100..=600_000).contains(&s.term_timeout_ms) && s.stop_grace_ms <= 600_000,
            format!(
                "supervisor.term_timeout_ms must be 100 to 600000 and stop_grace_ms at most \
                 600000, got {} and {}",
                s.term_timeout_ms, s.stop_grace_ms
            ),
        );
        check(
            s.sample_interval_ms >= 100,
            format!(
                "supervisor.sample_interval_ms must be at least 100, got {}",
                s.sample_interval_ms
            ),
        );
        check_restart(&s.restart, &mut check);
        let b = &s.breaker;
        check(
            b.max_crashes >= 1,
            "supervisor.breaker.max_crashes must be at least 1, got 0".to_string(),
        );
        check(
            b.window_s >= 1,
            "supervisor.breaker.window_s must be at least 1".to_string(),
        );
        check(
            b.cooldown_s >= 1 && b.cooldown_s <= b.max_cooldown_s,
            format!(
                "supervisor.breaker.cooldown_s ({}) must be at least 1 and at most max_cooldown_s ({})",
                b.cooldown_s, b.max_cooldown_s
            ),
        );
        let l = &raw.logs;
        if let Err(e) = cst_logging::filter::parse(&l.level) {
            check(
                false,
                format!(
                    "logs.level {:?} is not a valid filter ({e}): try \"info\" or \"info,cst=debug\"",
                    l.level
                ),
            );
        }
        check(
            l.max_file_bytes >= 4096,
            format!(
                "logs.max_file_bytes must be at least 4096, got {}",
                l.max_file_bytes
            ),
        );
        check(
            l.queue_lines >= 1,
            "logs.queue_lines must be at least 1".to_string(),
        );

        let health = crate::health::health(&raw.health, &mut check);
        let risk = crate::trading::risk(&raw.risk, &mut check);
        let portfolio = crate::trading::portfolio(&raw.portfolio, &mut check);

        for name in raw.agents.keys() {
            check(
                AGENTS.contains(&name.as_str()),
                format!(
                    "agents.{name}: no such agent (known: {})",
                    AGENTS.join(", ")
                ),
            );
        }
        let mut agents = Vec::new();
        for name in AGENTS {
            match raw.agents.get(name) {
                None => check(false, format!("agents.{name} is missing")),
                Some(a) => {
                    if a.command.first().is_some_and(|c| c.trim().is_empty()) {
                        check(
                            false,
                            format!("agents.{name}.command starts with an empty program"),
                        );
                    }
                    agents.push(AgentSpec {
                        name: name.to_string(),
                        enabled: a.enabled,
                        command: (!a.command.is_empty()).then(|| a.command.clone()),
                    });
                }
            }
        }
        let c = &raw.collector;
        let clock = match c.clock.as_str() {
            "live" => ClockSource::Live,
            "exchange" => ClockSource::Exchange,
            other => {
                check(
                    false,
                    format!("collector.clock {other:?} is neither \"live\" nor \"exchange\""),
                );
                ClockSource::Live
            }
        };
        check(
            c.base_url.starts_with("http://") || c.base_url.starts_with("https://"),
            format!("collector.base_url {:?} is not an http(s) URL", c.base_url),
        );
        check(
            !c.quotes.is_empty(),
            "collector.quotes is empty: name at least one quote currency, e.g. [\"USD\"]"
                .to_string(),
        );
        check(
            (1..=86_400).contains(&c.poll_interval_s),
            format!(
                "collector.poll_interval_s must be 1 to 86400 (a day), got {}",
                c.poll_interval_s
            ),
        );
        // A zero timeout never completes a request; one of hours hangs every cycle.
        check(
            (100..=600_000).contains(&c.request_timeout_ms),
            format!(
                "collector.request_timeout_ms must be 100 to 600000 (10 minutes), got {}",
                c.request_timeout_ms
            ),
        );
        check(
            c.min_request_interval_ms <= 60_000,
            format!(
                "collector.min_request_interval_ms must be at most 60000 (a minute), got {}",
                c.min_request_interval_ms
            ),
        );
        check(
            !c.exchange.trim().is_empty(),
            "collector.exchange is empty".to_string(),
        );
        let features = features::features(&raw.features, &mut check);
        let sentiment = features::sentiment(&raw.sentiment, &mut check);
        let whale = features::whale(&raw.whale, &mut check);
        let ml = crate::ml::ml(&raw.ml, &mut check);
        if !errors.is_empty() {
            return Err(ConfigError::Invalid(errors));
        }
        let r = &s.restart;
        Ok(Config {
            supervisor: SupervisorConfig {
                startup_timeout: ms(s.startup_timeout_ms),
                heartbeat_interval: ms(s.heartbeat_interval_ms),
                missed_heartbeats: s.missed_heartbeats,
                stop_grace: ms(s.stop_grace_ms),
                term_timeout: ms(s.term_timeout_ms),
                sample_interval: ms(s.sample_interval_ms),
                restart: RestartConfig {
                    min_delay: ms(r.min_delay_ms),
                    max_delay: ms(r.max_delay_ms),
                    factor: r.factor,
                    jitter: r.jitter,
                    healthy_reset: secs(r.healthy_reset_s),
                },
                breaker: BreakerConfig {
                    max_crashes: b.max_crashes,
                    window: secs(b.window_s),
                    cooldown: secs(b.cooldown_s),
                    max_cooldown: secs(b.max_cooldown_s),
                },
            },
            logs: LogConfig {
                level: l.level.clone(),
                max_file_bytes: l.max_file_bytes,
                keep_files: l.keep_files,
                queue_lines: l.queue_lines,
            },
            health,
            agents,
            collector: CollectorConfig {
                exchange: c.exchange.clone(),
                base_url: c.base_url.trim_end_matches('/').to_string(),
                quotes: c.quotes.iter().map(|q| q.to_ascii_uppercase()).collect(),
                poll_interval: secs(c.poll_interval_s),
                min_request_interval: ms(c.min_request_interval_ms),
                request_timeout: ms(c.request_timeout_ms),
                clock,
                trades: c.trades,
                depth_levels: c.depth_levels,
                backfill_hours: c.backfill_hours,
            },
            features,
            sentiment,
            whale,
            ml,
            risk,
            portfolio,
        })
    }

    pub fn agent(&self, name: &str) -> Option<&AgentSpec> {
        self.agents.iter().find(|a| a.name == name)
    }
}

fn check_restart(r: &RawRestart, check: &mut impl FnMut(bool, String)) {
    check(
        r.min_delay_ms >= 1 && r.min_delay_ms <= r.max_delay_ms,
        format!(
            "supervisor.restart.min_delay_ms ({}) must be at least 1 and at most max_delay_ms ({})",
            r.min_delay_ms, r.max_delay_ms
        ),
    );
    check(
        r.factor.is_finite() && r.factor >= 1.0,
        format!(
            "supervisor.restart.factor must be a number of at least 1.0, got {}",
            r.factor
        ),
    );
}
