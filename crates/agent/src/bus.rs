//! The agent's end of the bus: handshake, then a reader and a writer task.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use cst_protocol::socket::Half;
use cst_protocol::{
    FrameCodec, PROTOCOL_VERSION,
    bus::{AgentFrame, Event, Hello, SupervisorFrame, Topic, Welcome},
    socket,
};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, FramedWrite};

use crate::RuntimeError;

pub type BusReader = FramedRead<Half, FrameCodec<SupervisorFrame, AgentFrame>>;
pub type BusWriter = FramedWrite<Half, FrameCodec<SupervisorFrame, AgentFrame>>;

/// Connects to `bus.sock` and completes the handshake.
pub async fn connect(
    path: &Path,
    agent: &str,
    timeout: Duration,
) -> Result<(BusReader, BusWriter, Welcome), RuntimeError> {
    let stream = socket::connect(path).await?;
    let (recv, send) = socket::split(stream);
    let mut reader = FramedRead::new(recv, FrameCodec::new());
    let mut writer = FramedWrite::new(send, FrameCodec::new());
    writer
        .send(AgentFrame::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            agent: agent.to_string(),
            pid: std::process::id(),
        }))
        .await?;
    let reply = tokio::time::timeout(timeout, reader.next())
        .await
        .map_err(|_| RuntimeError::HandshakeTimeout(timeout.as_millis() as u64))?;
    match reply.transpose()? {
        Some(SupervisorFrame::Welcome(w)) => Ok((reader, writer, w)),
        Some(SupervisorFrame::Rejected(r)) => Err(RuntimeError::Rejected(r.reason)),
        Some(other) => Err(RuntimeError::Unexpected(format!("{other:?}"))),
        None => Err(RuntimeError::SupervisorGone),
    }
}

/// Sends frames to the supervisor from anywhere in the agent; cheap to clone.
#[derive(Debug, Clone)]
pub struct Publisher {
    tx: mpsc::UnboundedSender<AgentFrame>,
    published: Arc<AtomicU64>,
    /// The topics the agent declared ([`crate::Agent::publishes`]); any other is refused,
    /// so the README's table and the topology test cannot be bypassed.
    declared: Arc<[Topic]>,
}

impl Publisher {
    /// Spawns the writer task; it ends when every `Publisher` is dropped or the socket fails.
    pub fn spawn(
        mut writer: BusWriter,
        declared: &[Topic],
    ) -> (Self, tokio::task::JoinHandle<Result<(), RuntimeError>>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<AgentFrame>();
        let task = tokio::spawn(async move {
            while let Some(frame) = rx.recv().await {
                writer.feed(frame).await?;
                // Batch whatever is already queued into one flush.
                while let Ok(frame) = rx.try_recv() {
                    writer.feed(frame).await?;
                }
                writer.flush().await?;
            }
            Ok(())
        });
        let publisher = Self {
            tx,
            published: Arc::new(AtomicU64::new(0)),
            declared: declared.into(),
        };
        (publisher, task)
    }

    pub(crate) fn send(&self, frame: AgentFrame) -> Result<(), RuntimeError> {
        self.tx
            .send(frame)
            .map_err(|_| RuntimeError::SupervisorGone)
    }

    /// Announces that an artifact in the store changed. The store is the truth: publish only
    /// after the write committed. A topic the agent did not declare is refused.
    pub fn publish(&self, topic: Topic, key: &str, version: u64) -> Result<(), RuntimeError> {
        if !self.declared.contains(&topic) {
            return Err(RuntimeError::Undeclared(topic));
        }
        self.send(AgentFrame::Publish(Event {
            topic,
            key: key.to_string(),
            version,
            source: String::new(),
        }))?;
        self.published.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Sends the health agent's verdict to the supervisor (which accepts it only from the
    /// agent named `health`).
    pub fn report_health(
        &self,
        report: cst_protocol::health::HealthReport,
    ) -> Result<(), RuntimeError> {
        self.send(AgentFrame::Health(Box::new(report)))
    }

    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use cst_protocol::socket;
    use futures::StreamExt;

    use super::*;

    #[tokio::test]
    async fn a_topic_the_agent_did_not_declare_is_refused_and_never_sent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bus.sock");
        let listener = socket::bind(&path).unwrap();
        let (client, server) = tokio::join!(socket::connect(&path), socket::accept(&listener));
        let (recv, send) = socket::split(client.unwrap());
        let (server_recv, _server_send) = socket::split(server.unwrap());
        let (publisher, task) = Publisher::spawn(
            FramedWrite::new(send, FrameCodec::new()),
            &[Topic::Predictions],
        );
        assert!(matches!(
            publisher.publish(Topic::Coverage, "binance", 1),
            Err(RuntimeError::Undeclared(Topic::Coverage))
        ));
        publisher
            .publish(Topic::Predictions, "BTC/USDT", 7)
            .unwrap();
        assert_eq!(publisher.published(), 1);
        let mut frames = FramedRead::new(
            server_recv,
            FrameCodec::<AgentFrame, SupervisorFrame>::new(),
        );
        let Some(Ok(AgentFrame::Publish(e))) = frames.next().await else {
            panic!("the declared event did not arrive");
        };
        assert_eq!(
            (e.topic, e.key.as_str(), e.version),
            (Topic::Predictions, "BTC/USDT", 7)
        );
        // All publishers gone: the writer ends, and with both halves closed the peer sees the
        // end of the stream, with nothing after the declared event.
        drop(publisher);
        task.await.unwrap().unwrap();
        drop(recv);
        let next = tokio::time::timeout(std::time::Duration::from_secs(5), frames.next())
            .await
            .expect("the stream ends");
        assert!(next.is_none(), "the refused event was sent: {next:?}");
    }
}
