//! The local-socket transport: owner-only files, a clear "not running" error, peer
//! credentials, and typed frames flowing both ways over a real connection.

use std::{
    fs,
    os::unix::fs::{FileTypeExt, PermissionsExt},
    path::Path,
};

use cst_protocol::{
    FrameCodec, SocketError,
    bus::{AgentFrame, SupervisorFrame},
    socket::{self, Listener, Peer, Stream},
};
use futures::{SinkExt, StreamExt};
use interprocess::local_socket::tokio::prelude::*;
use tokio_util::codec::{FramedRead, FramedWrite};

use crate::samples;

fn mode(path: &Path) -> u32 {
    let meta = fs::symlink_metadata(path).expect("stat");
    meta.permissions().mode() & 0o7777
}

/// A bound listener and both ends of one accepted connection.
async fn connected_pair(path: &Path) -> (Listener, Stream, Stream) {
    let listener = socket::bind(path).expect("bind");
    let (accepted, connected) = tokio::join!(listener.accept(), socket::connect(path));
    (
        listener,
        accepted.expect("accept"),
        connected.expect("connect"),
    )
}

#[test]
fn prepare_private_dir_creates_an_owner_only_dir() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = tmp.path().join("home/run");
    socket::prepare_private_dir(&run).expect("prepare");
    assert_eq!(mode(&run), 0o700);
}

#[test]
fn prepare_private_dir_tightens_an_existing_dir() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = tmp.path().join("run");
    fs::create_dir(&run).expect("mkdir");
    fs::set_permissions(&run, fs::Permissions::from_mode(0o755)).expect("chmod");
    socket::prepare_private_dir(&run).expect("prepare");
    assert_eq!(mode(&run), 0o700);
}

#[tokio::test]
async fn bind_creates_an_owner_only_socket_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("bus.sock");
    let _listener = socket::bind(&path).expect("bind");
    let file_type = fs::symlink_metadata(&path).expect("stat").file_type();
    assert!(file_type.is_socket(), "not a socket: {file_type:?}");
    assert_eq!(mode(&path), 0o600);
}

/// A second instance must not steal a live socket; the caller decides about stale files.
#[tokio::test]
async fn bind_refuses_an_existing_socket_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("bus.sock");
    let (listener, _server, _client) = connected_pair(&path).await;
    let err = socket::bind(&path).expect_err("second bind");
    assert!(matches!(err, SocketError::Io { .. }), "got {err:?}");
    // The first listener still serves.
    let (accepted, connected) = tokio::join!(listener.accept(), socket::connect(&path));
    accepted.expect("accept after failed rebind");
    connected.expect("connect after failed rebind");
}

/// `cst` turns this error into "the supervisor is not running".
#[tokio::test]
async fn connect_with_nothing_listening_is_not_listening() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("control.sock");
    let err = socket::connect(&missing).await.expect_err("no file");
    assert!(
        matches!(err, SocketError::NotListening { .. }),
        "got {err:?}"
    );

    // A stale socket file left behind by a dead supervisor.
    let stale = tmp.path().join("stale.sock");
    drop(socket::bind(&stale).expect("bind"));
    assert!(
        stale.exists(),
        "the listener is expected to leave its file behind"
    );
    let err = socket::connect(&stale).await.expect_err("nobody listening");
    assert!(
        matches!(err, SocketError::NotListening { .. }),
        "got {err:?}"
    );
}

#[tokio::test]
async fn accepted_connection_from_this_process_passes_the_uid_check() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_listener, server, client) = connected_pair(&tmp.path().join("bus.sock")).await;
    let expected = Peer {
        uid: nix::unistd::geteuid().as_raw(),
        pid: Some(std::process::id()),
    };
    assert_eq!(
        socket::check_same_uid(&server).expect("server side"),
        expected
    );
    assert_eq!(
        socket::check_same_uid(&client).expect("client side"),
        expected
    );
}

/// An agent and the supervisor talk over split halves, as their reader and writer tasks do;
/// dropping both of the agent's halves closes the connection.
#[tokio::test]
async fn frames_flow_both_ways_through_split_halves() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_listener, server, client) = connected_pair(&tmp.path().join("bus.sock")).await;
    let (server_rd, server_wr) = socket::split(server);
    let (client_rd, client_wr) = socket::split(client);
    let agent_frames = samples::agent_frames();
    let supervisor_frames = samples::supervisor_frames();

    let agent = async {
        let mut tx = FramedWrite::new(client_wr, FrameCodec::<SupervisorFrame, AgentFrame>::new());
        let mut rx = FramedRead::new(client_rd, FrameCodec::<SupervisorFrame, AgentFrame>::new());
        for frame in agent_frames.clone() {
            tx.send(frame).await.expect("agent send");
        }
        let mut got = Vec::new();
        for _ in 0..supervisor_frames.len() {
            got.push(rx.next().await.expect("open").expect("agent read"));
        }
        got
    };
    let supervisor = async {
        let mut tx = FramedWrite::new(server_wr, FrameCodec::<AgentFrame, SupervisorFrame>::new());
        let mut rx = FramedRead::new(server_rd, FrameCodec::<AgentFrame, SupervisorFrame>::new());
        let mut got = Vec::new();
        for _ in 0..agent_frames.len() {
            got.push(rx.next().await.expect("open").expect("supervisor read"));
        }
        for frame in supervisor_frames.clone() {
            tx.send(frame).await.expect("supervisor send");
        }
        // The agent's halves are dropped when its future completes: a clean end of stream.
        assert!(rx.next().await.is_none(), "expected the agent to hang up");
        got
    };
    let (agent_got, supervisor_got) = tokio::join!(agent, supervisor);
    assert_eq!(supervisor_got, agent_frames);
    assert_eq!(agent_got, supervisor_frames);
}
