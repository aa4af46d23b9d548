//! Prometheus text (exposition format 0.0.4, what `promtool check metrics` and every
//! Prometheus accept) for `GET /metrics`, built from the latest service report (agents, the
//! health agent's score, checks and gauges) and the socket counters at request time.

use std::sync::atomic::AtomicU64;

use cst_protocol::{
    health::ServiceReport,
    status::{AgentState, BreakerState, ServiceStatus},
};
use prometheus::{
    Counter, Encoder, Gauge, GaugeVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder, core::Collector,
};

use super::stats::SocketStats;

/// Collects metrics into one registry; a metric that fails to register is logged and left
/// out rather than failing the whole scrape.
struct Scrape(Registry);

impl Scrape {
    fn add<C: Collector + Clone + 'static>(&self, metric: prometheus::Result<C>) -> Option<C> {
        let registered = metric.and_then(|m| self.0.register(Box::new(m.clone())).map(|()| m));
        registered
            .map_err(|e| tracing::warn!(error = %e, "metric left out of /metrics"))
            .ok()
    }

    fn gauge(&self, name: &str, help: &str, value: i64) {
        if let Some(g) = self.add(IntGauge::new(name, help)) {
            g.set(value);
        }
    }

    fn counter(&self, name: &str, help: &str, value: &AtomicU64) {
        if let Some(c) = self.add(IntCounter::new(name, help)) {
            c.inc_by(SocketStats::get(value));
        }
    }

    fn per_agent<C: Collector + Clone + 'static>(
        &self,
        make: impl FnOnce(Opts, &[&str]) -> prometheus::Result<C>,
        name: &str,
        help: &str,
        labels: &[&str],
    ) -> Option<C> {
        self.add(make(Opts::new(name, help), labels))
    }
}

/// An agent's counter from its latest heartbeat (0 when it does not report it yet).
fn reported(report: &ServiceReport, agent: &str, counter: &str) -> u64 {
    report
        .agents
        .iter()
        .find(|a| a.name == agent)
        .and_then(|a| a.counters.iter().find(|c| c.name == counter))
        .map_or(0, |c| c.value)
}

pub fn render(report: &ServiceReport, stats: &SocketStats) -> String {
    let s = Scrape(Registry::new_custom(Some("cst".into()), None).unwrap_or_default());
    s.gauge(
        "ready",
        "1 when every readiness check passes (models, features, calibration, coverage, agents, breakers)",
        report.ready as i64,
    );
    s.gauge(
        "status",
        "Service status: 2 GO, 1 DEGRADED (paper only), 0 NO-GO (no new entries)",
        match report.status {
            ServiceStatus::Go => 2,
            ServiceStatus::Degraded => 1,
            ServiceStatus::Nogo => 0,
        },
    );
    if let (Some(score), Some(g)) = (
        report.health_score,
        s.add(Gauge::new(
            "health_score",
            "The health agent's score, 0-100",
        )),
    ) {
        g.set(score);
    }
    if let Some(g) = s.add(GaugeVec::new(
        Opts::new("check_ok", "1 when the readiness check passes"),
        &["check"],
    )) {
        for c in &report.checks {
            g.with_label_values(&[c.name.as_str()])
                .set(f64::from(u8::from(c.ok)));
        }
    }
    if let Some(g) = s.add(GaugeVec::new(
        Opts::new(
            "health_component_score",
            "Fraction of its weight a health score component earns, 0-1",
        ),
        &["component"],
    )) {
        for c in &report.components {
            g.with_label_values(&[c.name.as_str()]).set(c.score);
        }
    }
    health_gauges(&s, report);
    let ml_counters = [
        (
            "predictions_total",
            "Predictions stored by the ml agent",
            "predictions",
        ),
        (
            "inference_batches_total",
            "Hourly batches served by the ml agent (feature rows and inference for every pair)",
            "serve_batches",
        ),
    ];
    for (name, help, counter) in ml_counters {
        if let Some(c) = s.add(IntCounter::new(name, help)) {
            c.inc_by(reported(report, "ml", counter));
        }
    }

    if let Some(c) = s.add(Counter::new(
        "inference_seconds_total",
        "Time the ml agent spent serving batches; rate over inference_batches_total is the latency",
    )) {
        c.inc_by(reported(report, "ml", "serve_micros") as f64 / 1e6);
    }
    for (name, help, counter) in [
        (
            "collector_requests_total",
            "HTTP requests the collector sent to the exchange (retries included)",
            "requests",
        ),
        (
            "collector_request_errors_total",
            "Exchange requests that failed (transport, timeout, 429, non-2xx)",
            "request_errors",
        ),
    ] {
        if let Some(c) = s.add(IntCounter::new(name, help)) {
            c.inc_by(reported(report, "collector", counter));
        }
    }
    // Paper trading, from the risk and portfolio agents' heartbeats.
    s.gauge(
        "paper_equity_usd",
        "Equity of the paper account (rounded to whole units of the quote currency)",
        reported(report, "portfolio", "equity_usd") as i64,
    );
    s.gauge(
        "paper_halted",
        "1 while the drawdown kill switch halts trading (`cst risk resume` lifts it)",
        reported(report, "portfolio", "halted") as i64,
    );
    for (name, help, agent, counter) in [
        (
            "paper_fills_total",
            "Paper orders filled (fully or partly)",
            "portfolio",
            "fills",
        ),
        (
            "gate_candidates_total",
            "Predictions that passed the risk agent's gate (the one gate: its recorded runs)",
            "risk",
            "candidates",
        ),
    ] {
        if let Some(c) = s.add(IntCounter::new(name, help)) {
            c.inc_by(reported(report, agent, counter));
        }
    }
    s.gauge(
        "supervisor_uptime_seconds",
        "Seconds since the supervisor started",
        (report.supervisor.uptime_ms / 1000) as i64,
    );
    s.gauge(
        "supervisor_rss_bytes",
        "Resident memory of the supervisor",
        report.supervisor.rss_bytes.unwrap_or(0) as i64,
    );

    let agent = &["agent"];
    let up = s.per_agent(
        IntGaugeVec::new,
        "agent_up",
        "1 when the agent is Ready",
        agent,
    );
    let restarts = s.per_agent(
        IntCounterVec::new,
        "agent_restarts_total",
        "Agent processes started after the first",
        agent,
    );
    let breaker = s.per_agent(
        IntGaugeVec::new,
        "agent_breaker_open",
        "1 when the agent's circuit breaker is open or half-open",
        agent,
    );
    let rss = s.per_agent(
        IntGaugeVec::new,
        "agent_rss_bytes",
        "Resident memory of the agent process",
        agent,
    );
    let cpu = s.per_agent(
        GaugeVec::new,
        "agent_cpu_percent",
        "CPU use of the agent process, percent of one core",
        agent,
    );
    let dropped = s.per_agent(
        IntCounterVec::new,
        "agent_log_lines_dropped_total",
        "Output lines dropped rather than stall the agent",
        agent,
    );
    let own = s.per_agent(
        IntCounterVec::new,
        "agent_reported_total",
        "Counters the agents report in their heartbeats",
        &["agent", "counter"],
    );
    for a in &report.agents {
        let l = &[a.name.as_str()];
        if let Some(m) = &up {
            m.with_label_values(l)
                .set((a.state == AgentState::Ready) as i64);
        }
        if let Some(m) = &restarts {
            m.with_label_values(l).inc_by(a.restarts);
        }
        if let Some(m) = &breaker {
            m.with_label_values(l)
                .set((a.breaker != BreakerState::Closed) as i64);
        }
        if let (Some(m), Some(v)) = (&rss, a.rss_bytes) {
            m.with_label_values(l).set(v as i64);
        }
        if let (Some(m), Some(v)) = (&cpu, a.cpu_percent) {
            m.with_label_values(l).set(f64::from(v));
        }
        if let Some(m) = &dropped {
            m.with_label_values(l).inc_by(a.log_lines_dropped);
        }
        if let Some(m) = &own {
            for c in &a.counters {
                m.with_label_values(&[a.name.as_str(), c.name.as_str()])
                    .inc_by(c.value);
            }
        }
    }

    s.counter(
        "bus_frames_received_total",
        "Frames received from agents",
        &stats.bus_frames_in,
    );
    s.counter(
        "bus_frames_sent_total",
        "Frames sent to agents",
        &stats.bus_frames_out,
    );
    s.counter(
        "bus_connections_rejected_total",
        "Bus connections refused (credentials, handshake, bad frames)",
        &stats.bus_rejected,
    );
    s.counter(
        "bus_events_dropped_total",
        "Events not delivered because a subscriber's queue was full",
        &stats.events_dropped,
    );
    s.counter(
        "control_requests_total",
        "Requests on the control socket",
        &stats.control_requests,
    );
    s.counter(
        "control_connections_rejected_total",
        "Control connections refused",
        &stats.control_rejected,
    );
    s.counter(
        "health_requests_total",
        "HTTP requests on the health socket and port",
        &stats.health_requests,
    );

    let mut out = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&s.0.gather(), &mut out) {
        tracing::warn!(error = %e, "cannot encode metrics");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The health agent's gauges (coverage, freshness, …), one metric family per name.
fn health_gauges(s: &Scrape, report: &ServiceReport) {
    let mut families: Vec<(&str, GaugeVec)> = Vec::new();
    for m in &report.metrics {
        let family = match families.iter().find(|(n, _)| *n == m.name) {
            Some((_, g)) => g.clone(),
            None => {
                let labels: Vec<&str> = m.labels.iter().map(|(k, _)| k.as_str()).collect();
                let Some(g) = s.add(GaugeVec::new(Opts::new(&m.name, &m.help), &labels)) else {
                    continue;
                };
                families.push((m.name.as_str(), g.clone()));
                g
            }
        };
        let values: Vec<&str> = m.labels.iter().map(|(_, v)| v.as_str()).collect();
        match family.get_metric_with_label_values(&values) {
            Ok(g) => g.set(m.value),
            Err(e) => tracing::warn!(metric = %m.name, error = %e, "gauge left out of /metrics"),
        }
    }
}

#[cfg(test)]
mod tests {
    use cst_protocol::{health::Metric, status::SupervisorInfo};

    use super::*;

    #[test]
    fn counters_keep_their_total_suffix_and_help() {
        let gauge = |labels: &[(&str, &str)], value| Metric {
            name: "coverage_ratio".into(),
            help: "Fraction of live pairs covered".into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            value,
        };
        let report = ServiceReport {
            status: ServiceStatus::Nogo,
            ready: false,
            health_score: Some(42.5),
            reasons: vec![],
            checks: vec![],
            components: vec![],
            health_at: None,
            health_age_ms: None,
            metrics: vec![
                gauge(&[("exchange", "kraken")], 0.97),
                gauge(&[("exchange", "binance")], 1.0),
                // Another label set under the same name is refused, not a broken scrape.
                gauge(&[], 0.5),
            ],
            supervisor: SupervisorInfo {
                pid: 1,
                version: "0".into(),
                home: "/h".into(),
                uptime_ms: 5000,
                rss_bytes: Some(7),
                cpu_percent: None,
                stopping: false,
            },
            agents: vec![],
        };
        let text = render(&report, &SocketStats::default());
        assert!(text.contains("# HELP cst_bus_frames_received_total Frames received from agents\n# TYPE cst_bus_frames_received_total counter\ncst_bus_frames_received_total 0\n"), "{text}");
        assert!(text.contains("cst_ready 0\n"));
        assert!(text.contains("cst_health_score 42.5\n"), "{text}");
        assert!(
            text.contains("cst_coverage_ratio{exchange=\"kraken\"} 0.97\n"),
            "{text}"
        );
        assert!(
            text.contains("cst_coverage_ratio{exchange=\"binance\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("cst_status 0\n"));
        assert!(text.contains("cst_supervisor_uptime_seconds 5\n"));
    }
}
