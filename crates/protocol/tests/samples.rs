//! Realistic sample messages, one or more per variant of every wire enum.
//!
//! The `*_variant` functions match exhaustively, so adding a variant to a wire enum fails to
//! compile here until a sample for it exists: the round-trip tests cannot silently skip it.

use cst_protocol::{
    PROTOCOL_VERSION, Topic,
    bus::{
        AgentFrame, Command, CommandAck, CommandKind, Configure, Counter, Event, Heartbeat, Hello,
        Ping, Pong, Ready, Rejected, StartFailed, Subscribe, SupervisorFrame, Welcome,
    },
    control::{AgentName, ClientHello, ControlRequest, ControlResponse, Outcome, ServerHello},
    health::{Check, Component, HealthReport, Metric, ServiceReport},
    status::{
        AgentState, AgentStatus, BreakerState, ExitInfo, ServiceStatus, StatusReport,
        SupervisorInfo,
    },
};

pub fn counter(name: &str, value: u64) -> Counter {
    Counter {
        name: name.to_owned(),
        value,
    }
}

pub fn candles_event() -> Event {
    Event {
        topic: Topic::CandlesUpdated,
        key: "BTC-EUR".to_owned(),
        version: 1_734_000_123,
        source: String::new(),
    }
}

pub fn agent_frames() -> Vec<AgentFrame> {
    vec![
        AgentFrame::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            agent: "collector".to_owned(),
            pid: 4242,
        }),
        AgentFrame::Ready(Ready {}),
        AgentFrame::Heartbeat(Heartbeat {
            seq: 17,
            counters: vec![counter("candles_fetched", 90_210), counter("errors", 3)],
        }),
        AgentFrame::Heartbeat(Heartbeat {
            seq: u64::MAX,
            counters: vec![],
        }),
        AgentFrame::Subscribe(Subscribe {
            topics: vec![Topic::CandlesUpdated, Topic::FeatureRows],
        }),
        AgentFrame::Publish(candles_event()),
        AgentFrame::Ping(Ping { seq: 9 }),
        AgentFrame::CommandAck(CommandAck {
            id: 77,
            outcome: "config reloaded: 2 pairs added".to_owned(),
        }),
        AgentFrame::Health(Box::new(health_report())),
        AgentFrame::StartFailed(StartFailed {
            config: true,
            reason: "sentiment.replay_csv /data/news.csv: No such file or directory".to_owned(),
        }),
    ]
}

pub fn agent_variant(frame: &AgentFrame) -> usize {
    match frame {
        AgentFrame::Hello(_) => 0,
        AgentFrame::Ready(_) => 1,
        AgentFrame::Heartbeat(_) => 2,
        AgentFrame::Subscribe(_) => 3,
        AgentFrame::Publish(_) => 4,
        AgentFrame::Ping(_) => 5,
        AgentFrame::CommandAck(_) => 6,
        AgentFrame::Health(_) => 7,
        AgentFrame::StartFailed(_) => 8,
    }
}

pub fn supervisor_frames() -> Vec<SupervisorFrame> {
    let mut frames = vec![
        SupervisorFrame::Welcome(Welcome {
            protocol_version: PROTOCOL_VERSION,
            heartbeat_interval_ms: 5_000,
        }),
        SupervisorFrame::Rejected(Rejected {
            reason: "protocol version 2 is not supported; upgrade the supervisor".to_owned(),
        }),
        SupervisorFrame::Event(Event {
            source: "collector".to_owned(),
            ..candles_event()
        }),
        SupervisorFrame::Pong(Pong { seq: 9 }),
        SupervisorFrame::Configure(Configure {
            config: vec![0, 1, 2, 250, 255],
        }),
    ];
    for (id, kind) in [
        CommandKind::Shutdown,
        CommandKind::ReloadConfig,
        CommandKind::RunNow,
    ]
    .into_iter()
    .enumerate()
    {
        frames.push(SupervisorFrame::Command(Command {
            id: id as u64 + 1,
            kind,
        }));
    }
    frames
}

pub fn supervisor_variant(frame: &SupervisorFrame) -> usize {
    match frame {
        SupervisorFrame::Welcome(_) => 0,
        SupervisorFrame::Rejected(_) => 1,
        SupervisorFrame::Command(_) => 2,
        SupervisorFrame::Event(_) => 3,
        SupervisorFrame::Pong(_) => 4,
        SupervisorFrame::Configure(_) => 5,
    }
}

fn agent_name(agent: &str) -> AgentName {
    AgentName {
        agent: agent.to_owned(),
    }
}

pub fn control_requests() -> Vec<ControlRequest> {
    vec![
        ControlRequest::Hello(ClientHello {
            protocol_version: PROTOCOL_VERSION,
        }),
        ControlRequest::Status,
        ControlRequest::Restart(agent_name("ml")),
        ControlRequest::Reset(agent_name("whale")),
        ControlRequest::RunNow(agent_name("collector")),
        ControlRequest::Reload,
        ControlRequest::Stop,
        ControlRequest::Report,
        ControlRequest::StopAgent(agent_name("collector")),
    ]
}

pub fn request_variant(request: &ControlRequest) -> usize {
    match request {
        ControlRequest::Hello(_) => 0,
        ControlRequest::Status => 1,
        ControlRequest::Restart(_) => 2,
        ControlRequest::Reset(_) => 3,
        ControlRequest::RunNow(_) => 4,
        ControlRequest::Reload => 5,
        ControlRequest::Stop => 6,
        ControlRequest::Report => 7,
        ControlRequest::StopAgent(_) => 8,
    }
}

pub fn control_responses() -> Vec<ControlResponse> {
    let mut responses = vec![
        ControlResponse::Welcome(ServerHello {
            protocol_version: PROTOCOL_VERSION,
            supervisor_pid: 1200,
        }),
        ControlResponse::Rejected(Rejected {
            reason: "connection from uid 1001 refused".to_owned(),
        }),
        ControlResponse::Status(Box::new(status_report())),
        ControlResponse::Done(Outcome {
            message: "restarted ml (pid 1311)".to_owned(),
        }),
        ControlResponse::Failed(Outcome {
            message: "unknown agent `mll`; see `cst status` for names".to_owned(),
        }),
    ];
    for status in [ServiceStatus::Go, ServiceStatus::Nogo] {
        let report = StatusReport {
            status,
            ..status_report()
        };
        responses.push(ControlResponse::Status(Box::new(report)));
    }
    responses.push(ControlResponse::Report(Box::new(service_report())));
    responses.push(ControlResponse::Report(Box::new(ServiceReport {
        health_score: None,
        health_at: None,
        health_age_ms: None,
        checks: vec![],
        components: vec![],
        metrics: vec![],
        ..service_report()
    })));
    responses
}

pub fn response_variant(response: &ControlResponse) -> usize {
    match response {
        ControlResponse::Welcome(_) => 0,
        ControlResponse::Rejected(_) => 1,
        ControlResponse::Status(_) => 2,
        ControlResponse::Done(_) => 3,
        ControlResponse::Failed(_) => 4,
        ControlResponse::Report(_) => 5,
    }
}

/// A degraded service with agents in several states, every optional field both set and unset.
pub fn status_report() -> StatusReport {
    let ready_agent = AgentStatus {
        name: "collector".to_owned(),
        state: AgentState::Ready,
        pid: Some(1301),
        restarts: 0,
        breaker: BreakerState::Closed,
        rss_bytes: Some(48 * 1024 * 1024),
        cpu_percent: Some(3.25),
        last_exit: None,
        ready_for_ms: Some(3_600_000),
        next_start_in_ms: None,
        counters: vec![counter("candles_fetched", 90_210), counter("errors", 0)],
        log_lines_dropped: 0,
    };
    let crashed_agent = AgentStatus {
        name: "ml".to_owned(),
        state: AgentState::BreakerOpen,
        pid: None,
        restarts: 5,
        breaker: BreakerState::Open,
        rss_bytes: None,
        cpu_percent: None,
        last_exit: Some(ExitInfo {
            pid: 1311,
            code: None,
            signal: Some(9),
            reason: "killed: 3 heartbeats missed".to_owned(),
            at_unix_ms: 1_734_000_000_000,
        }),
        ready_for_ms: None,
        next_start_in_ms: Some(60_000),
        counters: vec![],
        log_lines_dropped: 12,
    };
    let probing_agent = AgentStatus {
        name: "whale".to_owned(),
        state: AgentState::Starting,
        pid: Some(1320),
        restarts: 2,
        breaker: BreakerState::HalfOpen,
        last_exit: Some(ExitInfo {
            pid: 1319,
            code: Some(1),
            signal: None,
            reason: "exited with code 1".to_owned(),
            at_unix_ms: 1_734_000_100_000,
        }),
        ..ready_agent.clone()
    };
    let mut agents = vec![ready_agent, crashed_agent, probing_agent];
    for (name, state) in [
        ("risk", AgentState::Backoff),
        ("portfolio", AgentState::Stopping),
        ("health", AgentState::Stopped),
        ("sentiment", AgentState::Disabled),
    ] {
        agents.push(AgentStatus {
            name: name.to_owned(),
            state,
            ..agents[0].clone()
        });
    }
    StatusReport {
        status: ServiceStatus::Degraded,
        ready: false,
        reasons: vec![
            "agent ml: breaker open after 5 crashes; run `cst reset ml`".to_owned(),
            "agent whale: starting".to_owned(),
        ],
        supervisor: SupervisorInfo {
            pid: 1200,
            version: "0.1.0".to_owned(),
            home: "/home/trader/.cst".to_owned(),
            uptime_ms: 7_200_000,
            rss_bytes: Some(20 * 1024 * 1024),
            cpu_percent: Some(0.5),
            stopping: false,
        },
        agents,
    }
}

/// A NO-GO verdict: no model for one horizon, one component at half.
pub fn health_report() -> HealthReport {
    HealthReport {
        at: 1_734_000_000,
        status: ServiceStatus::Nogo,
        score: 47.5,
        ready: false,
        checks: vec![
            Check {
                name: "models".to_owned(),
                ok: false,
                reason: "no active 24 h model: train one with `cst train`".to_owned(),
            },
            Check {
                name: "coverage".to_owned(),
                ok: true,
                reason: "136 of 136 pairs covered (100.0%)".to_owned(),
            },
        ],
        components: vec![Component {
            name: "freshness".to_owned(),
            weight: 10.0,
            score: 0.5,
            detail: "newest technical input 30 h old".to_owned(),
        }],
        metrics: vec![Metric {
            name: "coverage_ratio".to_owned(),
            help: "Fraction of live pairs with fresh, complete candles".to_owned(),
            labels: vec![("exchange".to_owned(), "kraken".to_owned())],
            value: 1.0,
        }],
    }
}

pub fn service_report() -> ServiceReport {
    let status = status_report();
    let health = health_report();
    ServiceReport {
        status: health.status,
        ready: false,
        health_score: Some(health.score),
        reasons: cst_protocol::health::reasons(&health.checks, &health.components),
        checks: health.checks,
        components: health.components,
        health_at: Some(health.at),
        health_age_ms: Some(1_250),
        metrics: health.metrics,
        supervisor: status.supervisor,
        agents: status.agents,
    }
}
