//! The supervisor library: what `cst up` runs, and the client of its control socket. It
//! depends on no domain crate (store, features, models, trading): it spawns, watches,
//! restarts, routes small frames and answers the control and health sockets (ARCHITECTURE
//! principle 6). The `cst` binary (`cli/`) drives it.
//!
//! - [`machine`]: pure lifecycle decisions (restart, backoff, breaker, stop escalation).
//! - [`daemon`]: `cst up`: lock, sockets, spawner, bus router, control and health servers.
//! - [`client`]: the control-socket client every `cst` control command uses.
//! - [`error`]: the [`DaemonError`](error::DaemonError) type.

pub mod client;
pub mod daemon;
pub mod error;
pub mod machine;
