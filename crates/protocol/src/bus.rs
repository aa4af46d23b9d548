//! Frames on `HOME/run/bus.sock`, between one agent and the supervisor.
//!
//! Sequence: the agent sends [`Hello`]; the supervisor answers [`Welcome`] or [`Rejected`]
//! and closes. The agent sends [`Ready`] once it can do its work, then a [`Heartbeat`] every
//! interval. Events name an artifact in the store (topic, key, version); they are hints, the
//! store is the truth, so an agent that missed one catches up from the store.

use serde::{Deserialize, Serialize};

pub use crate::topic::Topic;

/// Agent → supervisor. `Hello` must stay variant 0 (see [`crate::frame::hello_version`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AgentFrame {
    Hello(Hello),
    Ready(Ready),
    Heartbeat(Heartbeat),
    Subscribe(Subscribe),
    Publish(Event),
    Ping(Ping),
    CommandAck(CommandAck),
    /// The health agent's verdict (accepted from the `health` agent only).
    Health(Box<crate::health::HealthReport>),
    /// The agent could not start and is about to exit; the supervisor keeps the reason for
    /// `cst status` (a configuration error exits 78 and opens the breaker at once).
    StartFailed(StartFailed),
}

/// Supervisor → agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SupervisorFrame {
    Welcome(Welcome),
    Rejected(Rejected),
    Command(Command),
    Event(Event),
    Pong(Pong),
    /// The validated configuration (`cst_config::Config`, postcard-encoded): sent right
    /// after the Welcome, and again before every ReloadConfig command. Agents parse no file.
    Configure(Configure),
}

/// The supervisor's validated configuration, opaque here (the protocol crate sits below the
/// config crate); `cst_config::Config::decode` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configure {
    pub config: Vec<u8>,
}

/// First frame of every bus connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    /// Always first, so a supervisor of any version can read it and refuse politely.
    pub protocol_version: u32,
    pub agent: String,
    /// Checked against the socket's peer credentials and the pid the supervisor spawned.
    pub pid: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol_version: u32,
    /// How often the supervisor expects a heartbeat; it kills an agent that misses several.
    pub heartbeat_interval_ms: u64,
}

/// Why a connection is refused; the supervisor closes it after sending this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub reason: String,
}

/// The agent finished its startup and can serve; the supervisor counts it as up from now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ready {}

/// Liveness plus the agent's own counters, so `cst status` shows what each agent did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub seq: u64,
    pub counters: Vec<Counter>,
}

/// A monotonically increasing count kept by an agent (events handled, errors, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    pub name: String,
    pub value: u64,
}

/// Topics this agent wants delivered; replaces any earlier subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscribe {
    pub topics: Vec<Topic>,
}

/// A reference to an artifact in the store that changed: never the data itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub topic: Topic,
    /// Which artifact, e.g. a pair or a model id.
    pub key: String,
    /// Monotonic per (topic, key), so a consumer can skip what it already has.
    pub version: u64,
    /// Filled in by the supervisor when routing; agents leave it empty.
    pub source: String,
}

/// Why an agent's start failed, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartFailed {
    /// Exit 78 follows: the configuration cannot work, no retry helps.
    pub config: bool,
    pub reason: String,
}

/// Round-trip probe answered by the supervisor's bus connection directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {
    pub seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pong {
    pub seq: u64,
}

/// An instruction from the supervisor (forwarded from `cst` or its own lifecycle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// Echoed in [`CommandAck`] so the sender knows which command was taken.
    pub id: u64,
    pub kind: CommandKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandKind {
    /// Finish what is in flight, then exit 0.
    Shutdown,
    /// Re-read the configuration file.
    ReloadConfig,
    /// Do the agent's periodic work now instead of at its next scheduled time.
    RunNow,
}

impl CommandKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::Shutdown => "shutdown",
            CommandKind::ReloadConfig => "reload-config",
            CommandKind::RunNow => "run-now",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandAck {
    pub id: u64,
    /// What the agent did, or why it could not.
    pub outcome: String,
}
