//! Frames recorded from protocol v1, checked in under `tests/fixtures/v1/`: they must keep
//! decoding to exactly these values, so a schema change that breaks old peers fails here.

use std::{
    fs,
    io::{ErrorKind, Write},
    path::PathBuf,
};

use bytes::BytesMut;
use cst_protocol::{
    FrameCodec,
    bus::{AgentFrame, Command, CommandKind, Heartbeat, Hello, SupervisorFrame},
    control::{ControlRequest, ControlResponse},
    frame::encode_frame,
};
use serde::{Serialize, de::DeserializeOwned};
use tokio_util::codec::Decoder;

use crate::samples;

/// A v1 message of any of the four wire enums.
#[derive(Debug, PartialEq)]
enum Message {
    Agent(AgentFrame),
    Supervisor(SupervisorFrame),
    Request(ControlRequest),
    Response(ControlResponse),
}

/// File name and the exact value it holds. Never change a value here: v1 peers exist.
/// The version fields say `1` literally, not `PROTOCOL_VERSION`, which will move on.
fn v1_fixtures() -> Vec<(&'static str, Message)> {
    vec![
        (
            "agent_hello.bin",
            Message::Agent(AgentFrame::Hello(Hello {
                protocol_version: 1,
                agent: "collector".to_owned(),
                pid: 4242,
            })),
        ),
        (
            "agent_heartbeat.bin",
            Message::Agent(AgentFrame::Heartbeat(Heartbeat {
                seq: 17,
                counters: vec![
                    samples::counter("candles_fetched", 90_210),
                    samples::counter("errors", 3),
                ],
            })),
        ),
        (
            "agent_publish.bin",
            Message::Agent(AgentFrame::Publish(samples::candles_event())),
        ),
        (
            "supervisor_command_shutdown.bin",
            Message::Supervisor(SupervisorFrame::Command(Command {
                id: 1,
                kind: CommandKind::Shutdown,
            })),
        ),
        (
            "control_status_request.bin",
            Message::Request(ControlRequest::Status),
        ),
        (
            "control_status_response.bin",
            Message::Response(ControlResponse::Status(Box::new(samples::status_report()))),
        ),
    ]
}

fn v1_dir() -> PathBuf {
    cst_testkit::fixture("v1")
}

/// Decodes `wire` as exactly one complete frame of `T`.
fn decode_one<T: DeserializeOwned>(wire: &[u8]) -> T {
    let mut codec = FrameCodec::<T, T>::new();
    let mut buf = BytesMut::from(wire);
    let msg = codec
        .decode_eof(&mut buf)
        .expect("decodes")
        .expect("one frame");
    assert!(buf.is_empty(), "{} bytes after the frame", buf.len());
    msg
}

fn decode_like(expected: &Message, wire: &[u8]) -> Message {
    match expected {
        Message::Agent(_) => Message::Agent(decode_one(wire)),
        Message::Supervisor(_) => Message::Supervisor(decode_one(wire)),
        Message::Request(_) => Message::Request(decode_one(wire)),
        Message::Response(_) => Message::Response(decode_one(wire)),
    }
}

fn encode(msg: &Message) -> Vec<u8> {
    fn frame<T: Serialize>(msg: &T) -> Vec<u8> {
        encode_frame(msg).expect("encode_frame")
    }
    match msg {
        Message::Agent(m) => frame(m),
        Message::Supervisor(m) => frame(m),
        Message::Request(m) => frame(m),
        Message::Response(m) => frame(m),
    }
}

#[test]
fn v1_fixtures_still_decode() {
    for (name, expected) in v1_fixtures() {
        let path = v1_dir().join(name);
        let wire = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(decode_like(&expected, &wire), expected, "{name}");
    }
}

/// Same bytes both ways: today's encoder still writes what v1 peers expect to read.
#[test]
fn v1_values_still_encode_to_the_fixture_bytes() {
    for (name, msg) in v1_fixtures() {
        let path = v1_dir().join(name);
        let wire = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(encode(&msg), wire, "{name}");
    }
}

/// Writes the v1 fixture files that do not exist yet; never overwrites one.
///
/// Run only when creating fixtures:
/// `cargo test -p cst-protocol --test tests -- --ignored regenerate_v1_fixtures`.
/// For a new protocol version, add a `v2` directory and list instead; v1 stays frozen.
#[test]
#[ignore = "writes tests/fixtures/v1; run by hand only when adding fixtures"]
fn regenerate_v1_fixtures() {
    let dir = v1_dir();
    fs::create_dir_all(&dir).expect("create fixture dir");
    for (name, msg) in v1_fixtures() {
        let path = dir.join(name);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match file {
            Ok(mut file) => file.write_all(&encode(&msg)).expect("write fixture"),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
}
