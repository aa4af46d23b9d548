//! The health agent. Every `health.evaluate_interval_ms` (checked after each heartbeat) it
//! reads the supervisor's agent table over the control socket and the store, scores the
//! service ([`cst_health::score`]), sends the verdict to the supervisor (which serves it on the
//! health socket and in `cst status`), stores it once per service hour and on every status
//! change, raises alerts, and writes the daily report when the service clock crosses
//! 00:00 UTC.
//!
//! Its clock is the service clock: the machine's, or in a replay the exchange's time read
//! by the health agent itself, so data going stale shows even when the collector is down.

use std::{collections::VecDeque, sync::Arc, time::Duration};

use cst_agent::{Agent, AgentEnv, Publisher, StartError, control::ControlClient};
use cst_clock::ServiceClock;
use cst_config::{ClockSource, Config, Home};
use cst_exchange::kraken::{KrakenClient, KrakenConfig};
use cst_protocol::{
    bus::{Counter, Event, Topic},
    control::ControlRequest,
    health::HealthReport,
    status::{AgentStatus, ServiceStatus},
};
use cst_store::{ModelStatus, Store, StoredHealth};
use tokio::time::Instant;

use cst_health::{
    alerts::{Alert, Dedup, Severity, conditions, kill_switch},
    daily,
    inputs::{Inputs, error_total, read_store},
    notify::{Delivery, Notifier},
    score::evaluate,
};

use cst_market::DAY;
const CONTROL_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
pub struct HealthAgent {
    state: Option<State>,
    evaluations: u64,
    daily_reports: u64,
    errors: u64,
    /// When each `risk.halted` key was last announced: a kill switch counts as holding for
    /// `repeat_after` after its last announcement.
    halted: std::collections::HashMap<String, Instant>,
}

#[derive(Debug)]
struct State {
    home: Home,
    config: Config,
    store: Store,
    clock: ServiceClock,
    /// Where an exchange-following clock reads the time.
    exchange: Option<Box<KrakenClient>>,
    control: Option<ControlClient>,
    notifier: Notifier,
    delivery: Arc<Delivery>,
    dedup: Dedup,
    /// (when, error total) samples over the error window, oldest first.
    error_samples: VecDeque<(Instant, u64)>,
    last_eval: Option<Instant>,
    stored: Option<(i64, ServiceStatus)>,
    day: Option<i64>,
    latest: Option<HealthReport>,
    /// The dashboard, while it serves (`health.dashboard_addr`).
    dashboard: Option<cst_dashboard::Dashboard>,
}

/// The exchange's time is read at most this often; the clock runs on between readings.
const CLOCK_READ_EVERY: Duration = Duration::from_secs(5);

impl State {
    /// The supervisor's agent table, over a kept control connection.
    async fn agents(&mut self) -> Result<Vec<AgentStatus>, String> {
        if self.control.is_none() {
            let connect = ControlClient::connect(&self.home);
            self.control = Some(
                tokio::time::timeout(CONTROL_TIMEOUT, connect)
                    .await
                    .map_err(|_| "the supervisor did not answer within 2 s".to_string())?
                    .map_err(|e| e.to_string())?,
            );
        }
        let client = self.control.as_mut().ok_or("no control connection")?;
        match client
            .request_within(ControlRequest::Status, CONTROL_TIMEOUT)
            .await
        {
            Ok(cst_protocol::control::ControlResponse::Status(s)) => Ok(s.agents),
            Ok(other) => {
                self.control = None;
                Err(format!("unexpected answer: {other:?}"))
            }
            Err(e) => {
                self.control = None;
                Err(e.to_string())
            }
        }
    }

    /// Errors and restarts over the window: the sum of the total's increases (an agent
    /// that restarts starts its counters at zero; its restart counts instead).
    fn errors_in_window(&mut self, total: u64) -> u64 {
        let now = Instant::now();
        self.error_samples.push_back((now, total));
        let window = self.config.health.error_window;
        while self
            .error_samples
            .get(1)
            .is_some_and(|(t, _)| now.duration_since(*t) >= window)
        {
            self.error_samples.pop_front();
        }
        self.error_samples
            .iter()
            .zip(self.error_samples.iter().skip(1))
            .map(|((_, a), (_, b))| b.saturating_sub(*a))
            .sum()
    }
}

impl HealthAgent {
    /// One scoring: read, score, send, store, alert, daily report.
    async fn evaluate(&mut self, bus: &Publisher) -> Option<HealthReport> {
        let s = self.state.as_mut()?;
        s.last_eval = Some(Instant::now());
        let now = match &s.exchange {
            Some(client) => {
                s.clock
                    .now_reading(|| cst_exchange::unix_time(client.as_ref()))
                    .await
            }
            // A live clock reads no source.
            None => s.clock.now_reading(|| async { Err::<i64, _>("") }).await,
        };
        let agents = s.agents().await;
        let errors_in_window = match &agents {
            Ok(a) => s.errors_in_window(error_total(a)),
            Err(_) => 0,
        };
        let (horizons, coverage, input_times) = match read_store(&s.store, &s.config) {
            Ok(r) => r,
            Err(e) => {
                self.errors += 1;
                tracing::error!(error = %e, "cannot read the store: no health report this time");
                return None;
            }
        };
        let inputs = Inputs {
            now: now.clone().map_err(|e| e.to_string()),
            horizons,
            coverage,
            input_times,
            required_groups: s.config.features.required.clone(),
            agents: agents.clone(),
            errors_in_window,
        };
        let report = evaluate(&inputs, &s.config.health);
        self.evaluations += 1;
        if let Some(d) = &s.dashboard {
            d.publish(report.clone(), agents.clone().unwrap_or_default());
        }
        if bus.report_health(report.clone()).is_err() {
            return None;
        }
        // The risk agent gates on this: key go / degraded / nogo, version the service time.
        let _ = bus.publish(
            Topic::HealthStatus,
            &report.status.to_string(),
            now.as_ref().map_or(0, |t| (*t).max(0) as u64),
        );
        let Ok(now) = now else {
            // Without the service clock nothing is dated: no store row, alert or report.
            s.latest = Some(report.clone());
            return Some(report);
        };
        let hour = now.div_euclid(3600);
        if s.stored != Some((hour, report.status)) {
            let row = StoredHealth {
                at: now,
                status: report.status.to_string(),
                score: report.score,
                ready: report.ready,
                report: serde_json::to_string(&report).unwrap_or_default(),
            };
            match s.store.insert_health(&row) {
                Ok(()) => s.stored = Some((hour, report.status)),
                Err(e) => {
                    self.errors += 1;
                    tracing::error!(error = %e, "cannot store the health report");
                }
            }
        }
        if s.latest.as_ref().is_none_or(|l| l.status != report.status) {
            tracing::info!(status = %report.status, score = report.score, ready = report.ready, "health status changed");
        }
        // Alerts: conditions, then one-off events.
        let drifted: Vec<(u32, String, String)> = inputs
            .horizons
            .iter()
            .filter_map(|h| {
                let d = h.drift.as_ref().filter(|d| d.drifted)?;
                Some((h.horizon_h, d.model_id.clone(), d.summary.clone()))
            })
            .collect();
        let mut holding = conditions(
            &report,
            agents.as_deref().unwrap_or(&[]),
            inputs.coverage.as_ref(),
            s.config.health.min_coverage,
            &drifted,
        );
        let repeat = s.config.health.alerts.repeat_after;
        self.halted.retain(|_, at| at.elapsed() < repeat);
        holding.extend(self.halted.keys().map(|key| kill_switch(key)));
        for alert in s.dedup.conditions(Instant::now(), now, holding) {
            s.notifier.send(alert);
        }
        match s.store.models(None) {
            Ok(models) => {
                for m in models
                    .into_iter()
                    .filter(|m| m.status == ModelStatus::Rejected)
                {
                    let alert = Alert {
                        at: now,
                        severity: Severity::Warning,
                        kind: "model_rejected",
                        subject: m.id.clone(),
                        message: format!("{} h model not activated: {}", m.horizon_h, m.reason),
                    };
                    if let Some(a) = s.dedup.once(alert) {
                        s.notifier.send(a);
                    }
                }
            }
            Err(e) => {
                self.errors += 1;
                tracing::error!(error = %e, "cannot read the model registry for alerts");
            }
        }
        // The daily report, when the service clock has crossed into a new day.
        let day = now.div_euclid(DAY);
        if s.day.is_some_and(|d| day > d) {
            let ended = (day - 1) * DAY;
            match daily::build(&s.store, &s.config, ended, now, &report)
                .and_then(|r| daily::write(&s.home, &r))
            {
                Ok(path) => {
                    self.daily_reports += 1;
                    tracing::info!(path = %path.display(), "daily report written");
                }
                Err(e) => {
                    self.errors += 1;
                    tracing::error!(error = %e, "cannot write the daily report");
                }
            }
        }
        s.day = Some(s.day.map_or(day, |d| d.max(day)));
        s.latest = Some(report.clone());
        Some(report)
    }
}

impl Agent for HealthAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::RiskHalted, Topic::Coverage]
    }

    fn publishes(&self) -> Vec<Topic> {
        vec![Topic::HealthStatus]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        let (clock, exchange) = match config.collector.clock {
            ClockSource::Live => (ServiceClock::Live, None),
            ClockSource::Exchange => {
                // One quick try per reading, no retries: a scoring never waits on the exchange
                // for long (the agent's heartbeats run on the same loop).
                let mut cfg = KrakenConfig::new(config.collector.base_url.clone());
                cfg.timeout = config.collector.request_timeout.min(Duration::from_secs(2));
                cfg.min_interval = config.collector.min_request_interval;
                cfg.retry.max_retries = 0;
                (
                    ServiceClock::following(CLOCK_READ_EVERY),
                    Some(Box::new(KrakenClient::new(cfg)?)),
                )
            }
        };
        let delivery = Arc::new(Delivery::default());
        let notifier = Notifier::start(
            Store::open(&env.home.db_path())?,
            config.health.alerts.webhook.clone(),
            delivery.clone(),
        )
        .map_err(StartError::failed)?;
        let mut dedup = Dedup::new(config.health.alerts.repeat_after);
        for a in store.alerts_between(i64::MIN, i64::MAX)? {
            if a.kind == "model_rejected" {
                dedup.remember_once(&a.kind, &a.subject);
            }
        }
        // The dashboard is for people; a port already taken does not stop the scoring.
        let dashboard = match config.health.dashboard_addr {
            None => None,
            Some(addr) => {
                match cst_dashboard::Dashboard::start(env.home.clone(), config, addr).await {
                    Ok(d) => Some(d),
                    Err(e) => {
                        self.errors += 1;
                        tracing::error!(error = %e, "the dashboard is not served");
                        None
                    }
                }
            }
        };
        self.state = Some(State {
            home: env.home.clone(),
            config: config.clone(),
            store,
            clock,
            exchange,
            control: None,
            notifier,
            delivery,
            dedup,
            error_samples: VecDeque::new(),
            last_eval: None,
            stored: None,
            day: None,
            latest: None,
            dashboard,
        });
        Ok(())
    }

    async fn on_event(&mut self, event: Event, _bus: &Publisher) {
        match event.topic {
            Topic::RiskHalted => {
                self.halted.insert(event.key, Instant::now());
            }
            // A new coverage audit is scored at the next heartbeat, not at the next interval.
            Topic::Coverage => {
                if let Some(s) = self.state.as_mut() {
                    s.last_eval = None;
                }
            }
            _ => {}
        }
    }

    async fn tick(&mut self, bus: &Publisher) {
        let due = self.state.as_ref().is_some_and(|s| {
            s.last_eval
                .is_none_or(|t| t.elapsed() >= s.config.health.evaluate_interval)
        });
        if due {
            self.evaluate(bus).await;
        }
    }

    async fn run_now(&mut self, bus: &Publisher) -> String {
        match self.evaluate(bus).await {
            None => "no health report: see `cst logs health`".to_string(),
            Some(r) => {
                let failing: Vec<String> = r
                    .checks
                    .iter()
                    .filter(|c| !c.ok)
                    .map(|c| format!("{}: {}", c.name, c.reason))
                    .collect();
                format!(
                    "{} at health score {:.1}; {}",
                    r.status.to_string().to_uppercase(),
                    r.score,
                    if failing.is_empty() {
                        "READY".to_string()
                    } else {
                        format!("NOT READY: {}", failing.join("; "))
                    }
                )
            }
        }
    }

    fn reload(&mut self, config: &Config) -> String {
        if let Some(s) = self.state.as_mut() {
            s.config = config.clone();
            if let Some(d) = &s.dashboard {
                d.reload(config);
            }
        }
        "configuration reloaded (the webhook, the clock source and the dashboard address take \
         effect at restart)"
            .into()
    }

    fn counters(&self) -> Vec<Counter> {
        let (sent, webhook_errors) = self.state.as_ref().map_or((0, 0), |s| {
            (
                s.delivery.sent.load(std::sync::atomic::Ordering::Relaxed),
                s.delivery
                    .webhook_errors
                    .load(std::sync::atomic::Ordering::Relaxed),
            )
        });
        let dashboard = self.state.as_ref().is_some_and(|s| s.dashboard.is_some());
        cst_agent::counters(&[
            ("evaluations", self.evaluations),
            ("dashboard_up", u64::from(dashboard)),
            ("alerts_sent", sent),
            ("webhook_errors", webhook_errors),
            ("daily_reports", self.daily_reports),
            ("errors", self.errors),
        ])
    }
}
