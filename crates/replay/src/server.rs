//! Serving: the [`router`] on a caller's listener until the
//! caller's shutdown future completes.

use std::future::Future;
use std::io;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::Replay;
use crate::endpoints::router;

/// Serves the replay on `listener` (bind it to loopback) until `shutdown` completes, then
/// finishes the requests in flight and returns. The listener is the caller's so tests can
/// bind port 0 and read the address before serving.
pub async fn serve(
    listener: TcpListener,
    replay: Arc<Replay>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, now = replay.now(), speed = replay.speed(), "replay exchange serving");
    }
    axum::serve(listener, router(replay))
        .with_graceful_shutdown(shutdown)
        .await
}
