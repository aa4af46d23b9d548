//! Prometheus text for `GET /metrics`, built from the latest status report and the socket
//! counters at request time.

use std::sync::atomic::AtomicU64;

use cst_protocol::status::{BreakerState, StatusReport};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge},
    registry::Registry,
};

use super::stats::SocketStats;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AgentLabel {
    agent: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AgentCounterLabel {
    agent: String,
    counter: String,
}

fn gauge(registry: &mut Registry, name: &str, help: &str, value: i64) {
    let g = Gauge::<i64>::default();
    g.set(value);
    registry.register(name, help, g);
}

fn counter(registry: &mut Registry, name: &str, help: &str, value: &AtomicU64) {
    let c = Counter::<u64>::default();
    c.inc_by(SocketStats::get(value));
    registry.register(name, help, c);
}

pub fn render(report: &StatusReport, stats: &SocketStats) -> String {
    let mut r = Registry::with_prefix("cst");
    gauge(
        &mut r,
        "ready",
        "1 when every agent is Ready and no breaker is open",
        report.ready as i64,
    );
    gauge(
        &mut r,
        "supervisor_uptime_seconds",
        "Seconds since the supervisor started",
        (report.supervisor.uptime_ms / 1000) as i64,
    );
    gauge(
        &mut r,
        "supervisor_rss_bytes",
        "Resident memory of the supervisor",
        report.supervisor.rss_bytes.unwrap_or(0) as i64,
    );

    let up = Family::<AgentLabel, Gauge>::default();
    let restarts = Family::<AgentLabel, Counter>::default();
    let breaker = Family::<AgentLabel, Gauge>::default();
    let rss = Family::<AgentLabel, Gauge>::default();
    let cpu = Family::<AgentLabel, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
    let dropped = Family::<AgentLabel, Counter>::default();
    let own = Family::<AgentCounterLabel, Counter>::default();
    for a in &report.agents {
        let l = AgentLabel {
            agent: a.name.clone(),
        };
        up.get_or_create(&l)
            .set((a.state == cst_protocol::status::AgentState::Ready) as i64);
        restarts.get_or_create(&l).inc_by(a.restarts);
        breaker
            .get_or_create(&l)
            .set((a.breaker != BreakerState::Closed) as i64);
        rss.get_or_create(&l).set(a.rss_bytes.unwrap_or(0) as i64);
        cpu.get_or_create(&l)
            .set(f64::from(a.cpu_percent.unwrap_or(0.0)));
        dropped.get_or_create(&l).inc_by(a.log_lines_dropped);
        for c in &a.counters {
            let l = AgentCounterLabel {
                agent: a.name.clone(),
                counter: c.name.clone(),
            };
            own.get_or_create(&l).inc_by(c.value);
        }
    }
    r.register("agent_up", "1 when the agent is Ready", up);
    r.register(
        "agent_restarts",
        "Agent processes started after the first",
        restarts,
    );
    r.register(
        "agent_breaker_open",
        "1 when the agent's circuit breaker is open or half-open",
        breaker,
    );
    r.register(
        "agent_rss_bytes",
        "Resident memory of the agent process",
        rss,
    );
    r.register(
        "agent_cpu_percent",
        "CPU use of the agent process, percent of one core",
        cpu,
    );
    r.register(
        "agent_log_lines_dropped",
        "Output lines dropped rather than stall the agent",
        dropped,
    );
    r.register(
        "agent_reported",
        "Counters the agents report in their heartbeats",
        own,
    );

    counter(
        &mut r,
        "bus_frames_received",
        "Frames received from agents",
        &stats.bus_frames_in,
    );
    counter(
        &mut r,
        "bus_frames_sent",
        "Frames sent to agents",
        &stats.bus_frames_out,
    );
    counter(
        &mut r,
        "bus_connections_rejected",
        "Bus connections refused (credentials, handshake, bad frames)",
        &stats.bus_rejected,
    );
    counter(
        &mut r,
        "bus_events_dropped",
        "Events not delivered because a subscriber's queue was full",
        &stats.events_dropped,
    );
    counter(
        &mut r,
        "control_requests",
        "Requests on the control socket",
        &stats.control_requests,
    );
    counter(
        &mut r,
        "control_connections_rejected",
        "Control connections refused",
        &stats.control_rejected,
    );
    counter(
        &mut r,
        "health_requests",
        "HTTP requests on the health socket and port",
        &stats.health_requests,
    );

    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut text, &r);
    text
}
