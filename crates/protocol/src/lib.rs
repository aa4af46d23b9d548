//! The one crate that owns every type crossing a process boundary.
//!
//! The supervisor, every agent and the `cst` CLI depend on it; nothing else defines wire
//! types. Schema changes are additive: a new variant goes at the end of its enum (postcard
//! does not name fields, so existing structs never change within a version), and
//! `tests/fixtures/v*/` keeps encoded frames of every protocol version that must still decode.
//!
//! - [`frame`]: u32 length prefix + postcard payload, size checked before allocating.
//! - [`bus`]: agent ⇄ supervisor frames on `HOME/run/bus.sock` (handshake, heartbeats,
//!   publish/subscribe of artifact events, commands).
//! - [`topic`]: the [`Topic`] of every bus event (typed; a string on the wire).
//! - [`control`]: `cst` CLI ⇄ supervisor frames on `HOME/run/control.sock`.
//! - [`status`]: the supervisor's status report (agents, breakers), as protocol v1 knows it.
//! - [`health`]: the health agent's verdict and the [`health::ServiceReport`] merging both,
//!   served by `cst status` and as JSON on `HOME/run/health.sock`.
//! - [`socket`]: file-path local sockets with owner-only permissions and peer credentials.
//! - [`error`]: the [`FrameError`] and [`SocketError`] types.

pub mod bus;
pub mod control;
pub mod error;
pub mod frame;
pub mod health;
pub mod slots;
pub mod socket;
pub mod status;
pub mod topic;

pub use error::{FrameError, SocketError};
pub use frame::{FrameCodec, MAX_FRAME_BYTES, PROTOCOL_VERSION};
pub use topic::Topic;

/// The eight agents in start order; the supervisor stops them in reverse.
pub const AGENTS: [&str; 8] = [
    "collector",
    "technical",
    "sentiment",
    "whale",
    "ml",
    "risk",
    "portfolio",
    "health",
];
