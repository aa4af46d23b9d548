//! The client end of the control socket: the `cst` CLI, and the health agent reading the
//! supervisor's view of its agents.

use std::time::Duration;

use cst_config::Home;
use cst_protocol::{
    FrameCodec, PROTOCOL_VERSION, SocketError,
    control::{ClientHello, ControlRequest, ControlResponse},
    health::ServiceReport,
    socket::{self, Stream},
    status::StatusReport,
};
use futures::{SinkExt, StreamExt};
use tokio_util::codec::Framed;

const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
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

fn not_running(home: &Home) -> ControlError {
    let root = home.root().display();
    ControlError::NotRunning(format!(
        "no supervisor running under {root}: start one with `cst up --home {root}`"
    ))
}

impl ControlClient {
    pub async fn connect(home: &Home) -> Result<Self, ControlError> {
        let path = home.control_socket();
        let stream = match tokio::time::timeout(TIMEOUT, socket::connect(&path)).await {
            Err(_) => return Err(ControlError::Timeout(TIMEOUT.as_secs())),
            Ok(Ok(stream)) => stream,
            Ok(Err(SocketError::NotListening { .. })) => return Err(not_running(home)),
            Ok(Err(e)) => return Err(e.into()),
        };
        let mut client = Self {
            conn: Framed::new(stream, FrameCodec::new()),
        };
        let hello = ControlRequest::Hello(ClientHello {
            protocol_version: PROTOCOL_VERSION,
        });
        match client.request(hello).await? {
            ControlResponse::Welcome(_) => Ok(client),
            ControlResponse::Rejected(r) => Err(ControlError::Rejected(r.reason)),
            other => Err(ControlError::Unexpected(format!("{other:?}"))),
        }
    }

    pub async fn request(
        &mut self,
        request: ControlRequest,
    ) -> Result<ControlResponse, ControlError> {
        self.request_within(request, TIMEOUT).await
    }

    /// `cst stop` waits for every agent's graceful stop, which the supervisor bounds by its
    /// own escalation to SIGKILL; the long limit only guards against a wedged supervisor.
    pub async fn request_within(
        &mut self,
        request: ControlRequest,
        limit: Duration,
    ) -> Result<ControlResponse, ControlError> {
        let exchange = async {
            self.conn.send(request).await?;
            self.conn
                .next()
                .await
                .ok_or(ControlError::Closed)?
                .map_err(ControlError::from)
        };
        tokio::time::timeout(limit, exchange)
            .await
            .map_err(|_| ControlError::Timeout(limit.as_secs()))?
    }

    pub async fn status(&mut self) -> Result<StatusReport, ControlError> {
        match self.request(ControlRequest::Status).await? {
            ControlResponse::Status(report) => Ok(*report),
            other => Err(ControlError::Unexpected(format!("{other:?}"))),
        }
    }

    /// The supervisor's report with the health agent's verdict merged in.
    pub async fn report(&mut self) -> Result<ServiceReport, ControlError> {
        match self.request(ControlRequest::Report).await? {
            ControlResponse::Report(report) => Ok(*report),
            other => Err(ControlError::Unexpected(format!("{other:?}"))),
        }
    }
}
