//! Bounds on what socket peers can hold: connections per listener (with eviction of the
//! oldest idle one when full: [`cst_protocol::slots`]) and how long a connection may sit
//! idle. A local process that opens connections in a loop exhausts a listener's slots,
//! never the supervisor's file descriptors (which it needs to spawn), and never locks out
//! `cst status` or `/health`.

use std::time::Duration;

pub use cst_protocol::slots::{Slot, Slots};
use cst_protocol::socket::{self, Listener, Stream};

/// Open connections per socket. Eight agents, a few CLIs and scrapers need far fewer.
pub const MAX_CONNECTIONS: usize = 64;
/// A control connection idle this long after its last answer is closed.
pub const CONTROL_IDLE: Duration = Duration::from_secs(60);
/// An HTTP client must send its request headers within this time.
pub const HTTP_HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// No HTTP connection (keep-alive included) lives longer than this.
pub const HTTP_CONNECTION_LIFETIME: Duration = Duration::from_secs(30);

/// A listener's slots.
pub fn slots() -> Slots {
    Slots::new(MAX_CONNECTIONS)
}

/// Waits for a connection and gives it a slot (see [`Slots::admit`]); a connection for
/// which not even eviction frees a slot (every one busy) is closed at once.
pub async fn accept(slots: &Slots, listener: &Listener, name: &str) -> (Stream, Slot) {
    loop {
        match socket::accept(listener).await {
            Ok(stream) => match slots.admit() {
                Some(slot) => return (stream, slot),
                None => tracing::warn!(socket = name, "every connection busy: one refused"),
            },
            Err(e) => {
                tracing::warn!(socket = name, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}
