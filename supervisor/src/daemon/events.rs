//! Everything that reaches the core task, from child processes, sockets and timers.

use cst_protocol::{
    bus::{AgentFrame, SupervisorFrame},
    control::{ControlRequest, ControlResponse},
};
use tokio::sync::{mpsc, oneshot};

/// Bounded: a flood from one agent slows that agent's connection, never the supervisor.
pub const CORE_QUEUE: usize = 4096;

pub type CoreSender = mpsc::Sender<CoreEvent>;

#[derive(Debug)]
pub enum CoreEvent {
    Spawned {
        agent: usize,
        pid: u32,
    },
    SpawnFailed {
        agent: usize,
        error: String,
    },
    Exited {
        agent: usize,
        pid: u32,
        code: Option<i32>,
        signal: Option<i32>,
    },
    /// Handshake accepted; frames for the agent go into `tx`.
    Connected {
        agent: usize,
        pid: u32,
        tx: mpsc::Sender<SupervisorFrame>,
    },
    Frame {
        agent: usize,
        pid: u32,
        frame: AgentFrame,
    },
    Disconnected {
        agent: usize,
        pid: u32,
    },
    /// pid → (RSS bytes, CPU percent), for agents and the supervisor itself.
    Samples(Vec<(u32, u64, f32)>),
    Control {
        request: ControlRequest,
        reply: oneshot::Sender<ControlResponse>,
    },
    /// SIGTERM/SIGINT: stop every agent in reverse start order, then exit.
    Shutdown {
        reason: &'static str,
    },
}
