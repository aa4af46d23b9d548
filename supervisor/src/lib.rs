//! The supervisor library: what `cst up` runs, and the client of its control socket. It
//! depends on no domain crate (store, features, models, trading): it spawns, watches,
//! restarts, routes small frames and answers the control and health sockets (ARCHITECTURE
//! principle 6). The `cst` binary (`cli/`) drives it.
//!
//! - [`machine`]: pure lifecycle decisions (restart, backoff, breaker, stop escalation).
//! - [`daemon`]: `cst up`: lock, sockets, spawner, bus router, control and health servers.
//! - [`up`]: the supervisor process itself, as the `cst-supervisor` binary runs it (`cst up`
//!   execs that small binary, so the long-running process carries none of the CLI's
//!   domain code).
//! - [`client`]: the control-socket client every `cst` control command uses.
//! - [`error`]: the [`DaemonError`](error::DaemonError) type.

pub mod client;
pub mod daemon;
pub mod error;
pub mod machine;
pub mod up;
