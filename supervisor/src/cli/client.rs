//! The CLI end of the control socket.

use std::time::Duration;

use cst_config::Home;
use cst_protocol::{
    FrameCodec, PROTOCOL_VERSION, SocketError,
    control::{ClientHello, ControlRequest, ControlResponse},
    socket::{self, Stream},
    status::StatusReport,
};
use futures::{SinkExt, StreamExt};
use tokio_util::codec::Framed;

const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    NotRunning(String),
    #[error("control socket: {0}")]
    Socket(#[from] SocketError),
    #[error("control socket: {0}")]
    Frame(#[from] cst_protocol::FrameError),
    #[error("the supervisor refused the connection: {0}")]
    Rejected(String),
    #[error("the supervisor closed the connection")]
    Closed,
    #[error("no answer from the supervisor within {0} s: see `cst logs cst`")]
    Timeout(u64),
    #[error("unexpected answer from the supervisor: {0}")]
    Unexpected(String),
}

#[derive(Debug)]
pub struct ControlClient {
    conn: Framed<Stream, FrameCodec<ControlResponse, ControlRequest>>,
}

fn not_running(home: &Home) -> CliError {
    let root = home.root().display();
    CliError::NotRunning(format!(
        "no supervisor running under {root}: start one with `cst up --home {root}`"
    ))
}

impl ControlClient {
    pub async fn connect(home: &Home) -> Result<Self, CliError> {
        let stream = match socket::connect(&home.control_socket()).await {
            Ok(stream) => stream,
            Err(SocketError::NotListening { .. }) => return Err(not_running(home)),
            Err(e) => return Err(e.into()),
        };
        let mut client = Self {
            conn: Framed::new(stream, FrameCodec::new()),
        };
        let hello = ControlRequest::Hello(ClientHello {
            protocol_version: PROTOCOL_VERSION,
        });
        match client.request(hello).await? {
            ControlResponse::Welcome(_) => Ok(client),
            ControlResponse::Rejected(r) => Err(CliError::Rejected(r.reason)),
            other => Err(CliError::Unexpected(format!("{other:?}"))),
        }
    }

    pub async fn request(&mut self, request: ControlRequest) -> Result<ControlResponse, CliError> {
        self.request_within(request, TIMEOUT).await
    }

    /// `cst stop` waits for every agent's graceful stop, which the supervisor bounds by its
    /// own escalation to SIGKILL; the long limit only guards against a wedged supervisor.
    pub async fn request_within(
        &mut self,
        request: ControlRequest,
        limit: Duration,
    ) -> Result<ControlResponse, CliError> {
        let exchange = async {
            self.conn.send(request).await?;
            self.conn
                .next()
                .await
                .ok_or(CliError::Closed)?
                .map_err(CliError::from)
        };
        tokio::time::timeout(limit, exchange)
            .await
            .map_err(|_| CliError::Timeout(limit.as_secs()))?
    }

    pub async fn status(&mut self) -> Result<StatusReport, CliError> {
        match self.request(ControlRequest::Status).await? {
            ControlResponse::Status(report) => Ok(*report),
            other => Err(CliError::Unexpected(format!("{other:?}"))),
        }
    }
}

/// After `cst stop`: waits until the supervisor has released the instance lock, so a
/// `cst up` right after `cst stop` on the same home is never refused.
pub async fn wait_until_gone(home: &Home) -> Result<(), CliError> {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while tokio::time::Instant::now() < deadline {
        let Ok(file) = std::fs::File::open(home.lock_file()) else {
            return Ok(());
        };
        if nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockSharedNonblock).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(CliError::Timeout(TIMEOUT.as_secs()))
}
