//! Lifecycle decisions on a paused tokio clock.

use std::time::Duration;

use cst_config::{AgentSpec, BreakerConfig, RestartConfig, SupervisorConfig};
use cst_protocol::status::{AgentState, BreakerState};
use tokio::time::{Instant, advance};

use super::*;

fn cfg() -> SupervisorConfig {
    SupervisorConfig {
        startup_timeout: Duration::from_secs(10),
        heartbeat_interval: Duration::from_secs(1),
        missed_heartbeats: 3,
        stop_grace: Duration::from_secs(5),
        term_timeout: Duration::from_secs(3),
        sample_interval: Duration::from_secs(1),
        restart: RestartConfig {
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(30),
            factor: 2.0,
            jitter: false,
            healthy_reset: Duration::from_secs(60),
        },
        breaker: BreakerConfig {
            max_crashes: 5,
            window: Duration::from_secs(60),
            cooldown: Duration::from_secs(30),
            max_cooldown: Duration::from_secs(600),
        },
    }
}

fn machine() -> AgentMachine {
    let spec = AgentSpec {
        name: "whale".into(),
        enabled: true,
        command: None,
    };
    AgentMachine::new(&spec, &cfg())
}

fn exit(pid: u32, code: i32) -> Exit {
    Exit {
        pid,
        code: Some(code),
        signal: None,
    }
}

fn killed(pid: u32) -> Exit {
    Exit {
        pid,
        code: None,
        signal: Some(9),
    }
}

/// Starts the machine and brings process `pid` to Ready.
fn ready(m: &mut AgentMachine, pid: u32) {
    let now = Instant::now();
    if m.phase() != &Phase::Spawning {
        assert_eq!(m.start(), vec![Action::Spawn]);
    }
    m.on_spawned(pid, now);
    m.on_ready(pid, now);
    assert_eq!(m.state(), AgentState::Ready);
}

#[tokio::test(start_paused = true)]
async fn sigkilled_agent_is_restarted_at_once() {
    let mut m = machine();
    ready(&mut m, 100);
    assert_eq!(m.on_exit(&killed(100), Instant::now()), vec![Action::Spawn]);
    assert_eq!(m.restarts(), 1);
    assert_eq!(m.last_exit_reason(), Some("killed by signal 9"));
}

#[tokio::test(start_paused = true)]
async fn repeated_crashes_back_off_then_reset_after_a_healthy_minute() {
    let mut m = machine();
    ready(&mut m, 1);
    assert_eq!(m.on_exit(&exit(1, 1), Instant::now()), vec![Action::Spawn]);
    ready(&mut m, 2);
    // Second crash without a healthy minute in between: 100 ms backoff.
    assert!(m.on_exit(&exit(2, 1), Instant::now()).is_empty());
    assert_eq!(m.state(), AgentState::Backoff);
    advance(Duration::from_millis(99)).await;
    assert!(m.tick(Instant::now()).is_empty());
    advance(Duration::from_millis(1)).await;
    assert_eq!(m.tick(Instant::now()), vec![Action::Spawn]);
    ready(&mut m, 3);
    // Healthy for 60 s: the next crash restarts at once again.
    advance(Duration::from_secs(60)).await;
    m.on_heartbeat(3, Instant::now());
    m.tick(Instant::now());
    assert_eq!(m.on_exit(&exit(3, 1), Instant::now()), vec![Action::Spawn]);
}

#[tokio::test(start_paused = true)]
async fn five_fast_crashes_open_the_breaker_and_reset_closes_it() {
    let mut m = machine();
    let mut pid = 10;
    ready(&mut m, pid);
    for _ in 0..5 {
        let now = Instant::now();
        let actions = m.on_exit(&exit(pid, 1), now);
        if m.state() == AgentState::BreakerOpen {
            break;
        }
        if actions.is_empty() {
            advance(m.next_start().unwrap() - now).await;
            assert_eq!(m.tick(Instant::now()), vec![Action::Spawn]);
        }
        pid += 1;
        ready(&mut m, pid);
    }
    assert_eq!(m.state(), AgentState::BreakerOpen);
    assert_eq!(m.breaker_state(), BreakerState::Open);
    assert!(
        m.restart(Instant::now())
            .unwrap_err()
            .contains("cst reset whale")
    );
    assert_eq!(m.reset().unwrap(), vec![Action::Spawn]);
    assert_eq!(m.breaker_state(), BreakerState::Closed);
}

#[tokio::test(start_paused = true)]
async fn exit_78_opens_the_breaker_without_a_restart() {
    let mut m = machine();
    ready(&mut m, 7);
    assert!(m.on_exit(&exit(7, 78), Instant::now()).is_empty());
    assert_eq!(m.state(), AgentState::BreakerOpen);
    assert!(
        m.breaker()
            .reason()
            .unwrap()
            .contains("configuration error")
    );
}

#[tokio::test(start_paused = true)]
async fn a_start_failure_the_agent_explains_is_carried_by_its_exit() {
    // A configuration error: the breaker's reason says what the agent said.
    let mut m = machine();
    assert_eq!(m.start(), vec![Action::Spawn]);
    m.on_spawned(7, Instant::now());
    m.on_start_failed(7, "configuration error: whale.k must be positive".into());
    m.on_exit(&exit(7, 78), Instant::now());
    assert_eq!(m.state(), AgentState::BreakerOpen);
    assert_eq!(
        m.breaker().reason(),
        Some("exit code 78: configuration error: whale.k must be positive")
    );
    // Any other failure: retried, and the last exit says why.
    let mut m = machine();
    assert_eq!(m.start(), vec![Action::Spawn]);
    m.on_spawned(8, Instant::now());
    m.on_start_failed(8, "cannot start: database is locked".into());
    // A word from another (older) process is not this one's.
    m.on_start_failed(3, "stale".into());
    m.on_exit(&exit(8, 1), Instant::now());
    assert_eq!(
        m.last_exit_reason(),
        Some("exited with code 1: cannot start: database is locked")
    );
    assert_ne!(m.state(), AgentState::BreakerOpen);
}

#[tokio::test(start_paused = true)]
async fn breaker_probe_after_cooldown_closes_on_ready() {
    let mut m = machine();
    ready(&mut m, 7);
    m.on_exit(&exit(7, 78), Instant::now());
    advance(Duration::from_secs(29)).await;
    assert!(m.tick(Instant::now()).is_empty());
    advance(Duration::from_secs(1)).await;
    assert_eq!(m.tick(Instant::now()), vec![Action::Spawn]);
    assert_eq!(m.breaker_state(), BreakerState::HalfOpen);
    ready(&mut m, 8);
    assert_eq!(m.breaker_state(), BreakerState::Closed);
}

#[tokio::test(start_paused = true)]
async fn three_missed_heartbeats_kill_a_hung_agent_and_restart_it() {
    let mut m = machine();
    ready(&mut m, 5);
    advance(Duration::from_millis(2900)).await;
    assert!(m.tick(Instant::now()).is_empty());
    advance(Duration::from_millis(200)).await;
    assert_eq!(
        m.tick(Instant::now()),
        vec![Action::Signal {
            pid: 5,
            signal: Signal::Kill
        }]
    );
    assert_eq!(m.on_exit(&killed(5), Instant::now()), vec![Action::Spawn]);
    assert!(m.last_exit_reason().unwrap().starts_with("killed: hung"));
}

#[tokio::test(start_paused = true)]
async fn an_agent_that_never_sends_ready_is_killed_after_the_startup_timeout() {
    let mut m = machine();
    m.start();
    m.on_spawned(9, Instant::now());
    advance(Duration::from_millis(10_001)).await;
    assert_eq!(
        m.tick(Instant::now()),
        vec![Action::Signal {
            pid: 9,
            signal: Signal::Kill
        }]
    );
}

#[tokio::test(start_paused = true)]
async fn graceful_stop_escalates_from_shutdown_to_term_to_kill() {
    let mut m = machine();
    ready(&mut m, 4);
    assert_eq!(
        m.stop(Instant::now()),
        vec![Action::SendShutdown { pid: 4 }]
    );
    advance(Duration::from_secs(5)).await;
    assert_eq!(
        m.tick(Instant::now()),
        vec![Action::Signal {
            pid: 4,
            signal: Signal::Term
        }]
    );
    advance(Duration::from_secs(3)).await;
    assert_eq!(
        m.tick(Instant::now()),
        vec![Action::Signal {
            pid: 4,
            signal: Signal::Kill
        }]
    );
    assert!(m.on_exit(&killed(4), Instant::now()).is_empty());
    assert_eq!(m.state(), AgentState::Stopped);
    assert!(m.is_down());
}

#[tokio::test(start_paused = true)]
async fn restart_command_stops_gracefully_and_starts_again_without_counting_a_crash() {
    let mut m = machine();
    ready(&mut m, 4);
    assert_eq!(
        m.restart(Instant::now()).unwrap(),
        vec![Action::SendShutdown { pid: 4 }]
    );
    assert_eq!(m.on_exit(&exit(4, 0), Instant::now()), vec![Action::Spawn]);
    assert_eq!(m.breaker().recent_crashes(Instant::now()), 0);
    assert_eq!(m.restarts(), 1);
}

#[tokio::test(start_paused = true)]
async fn exits_of_old_processes_are_ignored() {
    let mut m = machine();
    ready(&mut m, 4);
    assert!(m.on_exit(&killed(3), Instant::now()).is_empty());
    assert_eq!(m.state(), AgentState::Ready);
}

#[tokio::test(start_paused = true)]
async fn a_stop_during_spawn_stops_the_process_once_it_exists() {
    let mut m = machine();
    m.start();
    assert!(m.stop(Instant::now()).is_empty());
    assert_eq!(
        m.on_spawned(6, Instant::now()),
        vec![Action::SendShutdown { pid: 6 }]
    );
}

#[tokio::test(start_paused = true)]
async fn a_missing_binary_counts_as_a_crash_and_eventually_opens_the_breaker() {
    let mut m = machine();
    m.start();
    for _ in 0..10 {
        let now = Instant::now();
        let actions = m.on_spawn_failed("No such file or directory", now);
        if m.state() == AgentState::BreakerOpen {
            break;
        }
        if actions.is_empty() {
            advance(m.next_start().unwrap() - now).await;
            m.tick(Instant::now());
        }
    }
    assert_eq!(m.state(), AgentState::BreakerOpen);
    assert!(m.last_exit_reason().unwrap().contains("could not start"));
}

#[tokio::test(start_paused = true)]
async fn after_halt_nothing_starts_again() {
    let mut m = machine();
    ready(&mut m, 1);
    m.on_exit(&exit(1, 1), Instant::now());
    ready(&mut m, 2);
    // Second crash: waiting out a backoff when the supervisor begins to stop.
    assert!(m.on_exit(&exit(2, 1), Instant::now()).is_empty());
    m.halt();
    assert_eq!(m.state(), AgentState::Stopped);
    advance(Duration::from_secs(60)).await;
    assert!(m.tick(Instant::now()).is_empty());

    // A running agent that crashes while the supervisor stops stays down.
    let mut m = machine();
    ready(&mut m, 3);
    m.halt();
    assert!(m.on_exit(&killed(3), Instant::now()).is_empty());
    assert_eq!(m.state(), AgentState::Stopped);
    assert!(m.is_down());
}
