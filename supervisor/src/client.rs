//! The CLI end of the control socket (the client itself lives in `cst_agent::control`).

use std::time::Duration;

use cst_config::Home;

pub use cst_agent::control::{ControlClient, ControlError as CliError};

const TIMEOUT: Duration = Duration::from_secs(30);

/// After `cst stop`: waits until the supervisor has released the instance lock, so a
/// `cst up` right after `cst stop` on the same home is never refused.
pub async fn wait_until_gone(home: &Home) -> Result<(), CliError> {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while tokio::time::Instant::now() < deadline {
        let Ok(file) = std::fs::File::open(home.lock_file()) else {
            return Ok(());
        };
        if nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockSharedNonblock).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(CliError::Timeout(TIMEOUT.as_secs()))
}
