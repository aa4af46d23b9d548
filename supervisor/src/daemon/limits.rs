//! Bounds on what socket peers can hold: connections per listener and how long a
//! connection may sit idle. A local process that opens connections in a loop exhausts a
//! listener's slots, never the supervisor's file descriptors (which it needs to spawn).

use std::{sync::Arc, time::Duration};

use cst_protocol::socket::{self, Listener, Stream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Open connections per socket. Eight agents, a few CLIs and scrapers need far fewer.
pub const MAX_CONNECTIONS: usize = 64;
/// A control connection idle this long after its last answer is closed.
pub const CONTROL_IDLE: Duration = Duration::from_secs(60);
/// An HTTP client must send its request headers within this time.
pub const HTTP_HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// No HTTP connection (keep-alive included) lives longer than this.
pub const HTTP_CONNECTION_LIFETIME: Duration = Duration::from_secs(30);

/// Connection slots of one listener.
#[derive(Debug, Clone)]
pub struct Slots(Arc<Semaphore>);

impl Default for Slots {
    fn default() -> Self {
        Self(Arc::new(Semaphore::new(MAX_CONNECTIONS)))
    }
}

impl Slots {
    /// Waits for a free slot. Errors only if the semaphore were closed, which never happens.
    pub async fn permit(&self) -> Result<OwnedSemaphorePermit, tokio::sync::AcquireError> {
        self.0.clone().acquire_owned().await
    }

    /// Waits for a free slot, then for a connection; the permit frees the slot when dropped.
    pub async fn accept(&self, listener: &Listener, name: &str) -> (Stream, OwnedSemaphorePermit) {
        loop {
            let Ok(permit) = self.permit().await else {
                continue;
            };
            match socket::accept(listener).await {
                Ok(stream) => return (stream, permit),
                Err(e) => {
                    tracing::warn!(socket = name, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}
