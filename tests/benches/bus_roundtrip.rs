//! Bus round trip (agent → supervisor → agent, a Ping answered with a Pong) against a plain
//! tokio `UnixStream` ping-pong of the same size, in the same run and the same setup: the
//! server side on a 2-worker multi-thread runtime like `cst up`, the client on its own
//! thread with a current-thread runtime like an agent. Rounds alternate so machine noise
//! hits both alike. Bar: bus p50 and p99 within 1.5× of the plain stream's.

#![allow(clippy::print_stdout)]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use cst_bench::Figure;
use cst_protocol::{
    AGENTS,
    bus::{AgentFrame, Ping, SupervisorFrame},
    socket,
};
use cst_supervisor::daemon::{bus, pids::SpawnedPids, stats::SocketStats};
use cst_tests::report::Latencies;
use futures::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{UnixListener, UnixStream},
};

const ROUNDS: usize = 10;
const PER_ROUND: usize = 5_000;
const WARMUP: usize = 2_000;

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Starts the real bus server for this process (its pid registered as the collector).
fn start_bus(server: &tokio::runtime::Runtime, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("bus.sock");
    let pids = SpawnedPids::default();
    pids.insert(std::process::id(), 0);
    let (core, mut events) = tokio::sync::mpsc::channel(1024);
    let ctx = bus::BusContext {
        core,
        pids,
        names: Arc::new(AGENTS.iter().map(|s| s.to_string()).collect()),
        heartbeat_interval: Duration::from_secs(1),
        stats: Arc::new(SocketStats::default()),
    };
    let listener = server.block_on(async { socket::bind(&path) }).unwrap();
    server.spawn(bus::serve(listener, ctx));
    // Stand-in for the core: keep each connection's outbox open (the connection ends when
    // the core drops it) and ignore everything else.
    server.spawn(async move {
        let mut outboxes = Vec::new();
        while let Some(event) = events.recv().await {
            if let cst_supervisor::daemon::events::CoreEvent::Connected { tx, .. } = event {
                outboxes.push(tx);
            }
        }
    });
    path
}

fn start_plain(server: &tokio::runtime::Runtime, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("plain.sock");
    let listener = server
        .block_on(async { UnixListener::bind(&path) })
        .unwrap();
    server.spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 8];
                while s.read_exact(&mut buf).await.is_ok() {
                    if s.write_all(&buf).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    path
}

fn main() {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bus_path = start_bus(&server, dir.path());
    let plain_path = start_plain(&server, dir.path());

    let client = std::thread::spawn(move || {
        let rt = client_runtime();
        rt.block_on(async move {
            let (mut reader, mut writer, _) =
                cst_agent::bus::connect(&bus_path, "collector", Duration::from_secs(5))
                    .await
                    .unwrap();
            let mut plain = UnixStream::connect(&plain_path).await.unwrap();
            let (mut bus_lat, mut plain_lat) = (Latencies::default(), Latencies::default());
            let mut seq = 0u64;
            let mut bus_once = async |record: Option<&mut Latencies>| {
                seq += 1;
                let t = Instant::now();
                writer.send(AgentFrame::Ping(Ping { seq })).await.unwrap();
                match reader.next().await {
                    Some(Ok(SupervisorFrame::Pong(p))) => assert_eq!(p.seq, seq),
                    other => panic!("expected Pong, got {other:?}"),
                }
                if let Some(l) = record {
                    l.record(t.elapsed());
                }
            };
            let mut buf = [0u8; 8];
            let mut plain_once = async |record: Option<&mut Latencies>| {
                let t = Instant::now();
                plain.write_all(&7u64.to_be_bytes()).await.unwrap();
                plain.read_exact(&mut buf).await.unwrap();
                if let Some(l) = record {
                    l.record(t.elapsed());
                }
            };
            for _ in 0..WARMUP {
                bus_once(None).await;
                plain_once(None).await;
            }
            for _ in 0..ROUNDS {
                for _ in 0..PER_ROUND {
                    bus_once(Some(&mut bus_lat)).await;
                }
                for _ in 0..PER_ROUND {
                    plain_once(Some(&mut plain_lat)).await;
                }
            }
            (bus_lat, plain_lat)
        })
    });
    let (bus_lat, plain_lat) = client.join().unwrap();
    println!(
        "bus round trip (Ping/Pong via cst bus): {}",
        bus_lat.summary()
    );
    println!(
        "plain tokio UnixStream ping-pong:       {}",
        plain_lat.summary()
    );
    for (q, label) in [(0.5, "p50"), (0.99, "p99")] {
        let (bus, plain) = (bus_lat.p_us(q), plain_lat.p_us(q));
        Figure::new(
            format!("bus round trip {label} (Ping→Pong through the supervisor's bus)"),
            bus,
            "µs",
        )
        .vs(
            format!("plain tokio UnixStream ping-pong {label}"),
            plain,
            "µs",
        )
        .ratio(bus / plain, "bus / plain")
        .ratio_at_most(1.5)
        .record();
    }
}
