//! `kill -9` of an agent → that agent Ready again (new process, handshake done, Ready frame
//! received), over 200 kills rotating through the eight agents of a real release `cst up`.
//!
//! Measures the restart path after a healthy run, which is immediate by design (backoff only
//! applies to repeated crashes): `healthy_reset_s = 1` and at least 1 s between two kills of
//! the same agent make each kill a first crash, and the breaker threshold is raised so 200
//! deliberate kills do not open it. The Ready instant comes from the supervisor's own report
//! (`ready_for_ms`), so the polling interval does not inflate the figure.
//! Bar: p50 ≤ 50 ms.

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use cst_bench::Figure;
use cst_config::Home;
use cst_protocol::status::AgentState;
use cst_supervisor::client::ControlClient;
use cst_tests::{Instance, report::Latencies};
use nix::{sys::signal, unistd::Pid};

const KILLS: usize = 200;

fn main() {
    let config =
        "[supervisor.restart]\nhealthy_reset_s = 1\n[supervisor.breaker]\nmax_crashes = 100000\n";
    let inst = Instance::start(config);
    inst.wait_ready();
    let home = Home::new(inst.path());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let lat = rt.block_on(async {
        let mut client = ControlClient::connect(&home).await.unwrap();
        let mut lat = Latencies::default();
        let names: Vec<String> = client
            .status()
            .await
            .unwrap()
            .agents
            .iter()
            .map(|a| a.name.clone())
            .collect();
        let mut last_kill = vec![Instant::now() - Duration::from_secs(10); names.len()];
        for i in 0..KILLS {
            let idx = i % names.len();
            // Respect the healthy-reset window for this agent (see the module doc).
            let since = last_kill[idx].elapsed();
            if since < Duration::from_millis(1100) {
                tokio::time::sleep(Duration::from_millis(1100) - since).await;
            }
            let report = client.status().await.unwrap();
            let old = report.agents[idx].pid.expect("agent running");
            let killed_at = Instant::now();
            signal::kill(Pid::from_raw(old as i32), signal::Signal::SIGKILL).unwrap();
            last_kill[idx] = killed_at;
            let deadline = killed_at + Duration::from_secs(10);
            loop {
                let report = client.status().await.unwrap();
                let a = &report.agents[idx];
                if a.state == AgentState::Ready && a.pid.is_some_and(|p| p != old) {
                    let ready_at =
                        Instant::now() - Duration::from_millis(a.ready_for_ms.unwrap_or(0));
                    lat.record(ready_at.saturating_duration_since(killed_at));
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "{} not Ready 10 s after kill -9: {a:?}",
                    names[idx]
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        lat
    });
    println!(
        "kill -9 → Ready again over {KILLS} kills: {}",
        lat.summary()
    );
    Figure::new(
        format!("kill -9 of an agent → Ready again, p50 over {KILLS} kills"),
        lat.p_us(0.5) / 1000.0,
        "ms",
    )
    .at_most(50.0)
    .note("systemd's default RestartSec alone is 100 ms")
    .record();
    Figure::new(
        format!("kill -9 of an agent → Ready again, p99 over {KILLS} kills"),
        lat.p_us(0.99) / 1000.0,
        "ms",
    )
    .record();
}
