//! Garbage, oversized frames and wrong protocol versions on the bus and control sockets:
//! each ends only its own connection, with a logged reason, and the supervisor keeps serving.

use std::{
    io::{Read, Write},
    os::unix::net::UnixStream,
    time::Duration,
};

use cst_protocol::{
    PROTOCOL_VERSION,
    control::{ClientHello, ControlRequest},
    frame::encode_frame,
};
use cst_tests::{Instance, agent, agents_up, is_ready};

/// Writes `bytes` and returns what the supervisor answered before closing the connection.
fn send_raw(path: &std::path::Path, bytes: &[u8]) -> Vec<u8> {
    let mut s = UnixStream::connect(path).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // A peer refused on credentials alone may be gone before the write.
    match s.write_all(bytes) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            ) =>
        {
            return Vec::new();
        }
        other => other.unwrap(),
    }
    let mut answer = Vec::new();
    // The supervisor must close the connection (a reset counts: it closed with our bytes
    // unread); a read timeout fails the test.
    match s.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("supervisor did not close the connection: {e}"),
    }
    answer
}

fn rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    kb * 1024
}

#[test]
fn bad_frames_on_the_control_socket_are_refused_and_it_keeps_serving() {
    let inst = Instance::start("");
    inst.wait_ready();
    let control = inst.path().join("run/control.sock");
    let rss_before = rss_of(inst.supervisor_pid());

    send_raw(
        &control,
        &[&12u32.to_be_bytes()[..], b"hello world!"].concat(),
    );
    // Claims 4 GiB: refused before anything is allocated.
    send_raw(&control, &[&u32::MAX.to_be_bytes()[..], b"abcd"].concat());
    for _ in 0..20 {
        send_raw(
            &control,
            &[&(1024u32 * 1024 * 1024).to_be_bytes()[..], b"abcd"].concat(),
        );
    }
    let answer = send_raw(
        &control,
        &encode_frame(&ControlRequest::Hello(ClientHello {
            protocol_version: 99,
        }))
        .unwrap(),
    );
    assert!(
        !answer.is_empty(),
        "a wrong version gets a Rejected answer before the close"
    );
    // Half a Hello, then the client closes.
    let hello = encode_frame(&ControlRequest::Hello(ClientHello {
        protocol_version: PROTOCOL_VERSION,
    }))
    .unwrap();
    {
        let mut s = UnixStream::connect(&control).unwrap();
        s.write_all(&hello[..hello.len() - 1]).unwrap();
    }

    // Still serving, and the claimed sizes were never allocated.
    let report = inst.wait_ready();
    assert!(agents_up(&report));
    let grew = rss_of(inst.supervisor_pid()).saturating_sub(rss_before);
    assert!(
        grew < 64 * 1024 * 1024,
        "supervisor RSS grew by {grew} bytes"
    );
    let log_path = inst.path().join("logs/cst/cst.log");
    let reasons = [
        "malformed frame",
        "oversized frame",
        "protocol version 99 not supported",
        "truncated frame",
    ];
    inst.wait_for(
        "every refusal logged with its reason",
        Duration::from_secs(10),
        |_| {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            reasons.iter().all(|r| log.contains(r))
        },
    );
}

#[test]
fn a_stranger_on_the_bus_is_refused() {
    let inst = Instance::start("");
    inst.wait_ready();
    // This test process was not spawned by the supervisor: refused before any frame is read.
    let bus = inst.path().join("run/bus.sock");
    let answer = send_raw(
        &bus,
        &encode_frame(&cst_protocol::bus::AgentFrame::Ping(
            cst_protocol::bus::Ping { seq: 1 },
        ))
        .unwrap(),
    );
    assert!(answer.is_empty());
    // The reason is logged right after the connection is dropped.
    let log_path = inst.path().join("logs/cst/cst.log");
    let expected = format!(
        "pid {} was not spawned by this supervisor",
        std::process::id()
    );
    let report = inst.wait_for("the refusal logged", Duration::from_secs(10), |_| {
        std::fs::read_to_string(&log_path)
            .unwrap_or_default()
            .contains(&expected)
    });
    assert!(agents_up(&report));
}

/// A spawned agent that speaks garbage on the bus: its connection is dropped with the
/// reason logged, it never becomes Ready, and the rest of the service is unaffected.
fn rogue_on_the_bus(mode: &str, reason: &str) {
    let rogue = cst_tests::bin_dir().join("rogue_agent");
    let config = format!(
        "[supervisor]\nstartup_timeout_ms = 60000\n[agents.whale]\nenabled = true\ncommand = [{:?}, {mode:?}]\n",
        rogue.display().to_string()
    );
    let inst = Instance::start(&config);
    let log_path = inst.path().join("logs/cst/cst.log");
    let report = inst.wait_for(
        &format!("rogue {mode} refused"),
        Duration::from_secs(15),
        |r| {
            std::fs::read_to_string(&log_path)
                .unwrap_or_default()
                .contains(reason)
                && r.agents
                    .iter()
                    .filter(|a| a.name != "whale")
                    .all(|a| a.state == cst_protocol::status::AgentState::Ready)
        },
    );
    assert!(!is_ready(&report, "whale"));
    assert!(
        !agents_up(&report),
        "a service with a rogue agent must not say ready"
    );
    assert!(agent(&report, "whale").pid.is_some());
}

#[test]
fn garbage_from_a_spawned_agent_drops_only_its_connection() {
    rogue_on_the_bus("garbage", "malformed frame");
}

#[test]
fn an_oversized_frame_from_a_spawned_agent_is_refused_without_allocating() {
    rogue_on_the_bus("oversized", "oversized frame");
}

#[test]
fn a_wrong_protocol_version_on_the_bus_is_refused_by_name() {
    rogue_on_the_bus("version", "protocol version 99 not supported");
}

#[test]
fn half_a_hello_from_a_spawned_agent_times_out_as_truncated_or_silent() {
    rogue_on_the_bus("truncated", "no Hello within 5 s");
}

/// GET /health over the health socket, with a deadline; the status line.
fn health_status_line(path: &std::path::Path) -> String {
    let mut s = UnixStream::connect(path).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A thousand idle connections on each of the control and health sockets (as one local
/// process can open in a loop) lock nobody out: a new connection takes the slot of the
/// oldest idle one, so `cst status` and `GET /health` answer at once, and the supervisor
/// holds no more than its slots.
#[test]
fn a_thousand_idle_connections_do_not_block_status_or_health() {
    let inst = Instance::start("");
    let report = inst.wait_ready();
    let home = cst_config::Home::new(inst.path());
    let flood: Vec<UnixStream> = (0..1000)
        .flat_map(|_| {
            [
                UnixStream::connect(home.control_socket()).expect("connect control"),
                UnixStream::connect(home.health_socket()).expect("connect health"),
            ]
        })
        .collect();
    let started = std::time::Instant::now();
    let out = inst.cst(&["status"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "cst status took {:?}",
        started.elapsed()
    );
    assert!(
        health_status_line(&home.health_socket()).contains("200"),
        "GET /health under the flood"
    );
    // The supervisor holds its slots, not the flood.
    let fds = std::fs::read_dir(format!("/proc/{}/fd", report.supervisor.pid))
        .unwrap()
        .count();
    assert!(fds < 400, "{fds} descriptors open in the supervisor");
    drop(flood);
    assert!(agents_up(&inst.wait_ready()), "the agents never noticed");
}
