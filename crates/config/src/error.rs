//! Configuration errors; each message names the key and what to change.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path} does not exist: create it or drop --config")]
    Missing { path: PathBuf },
    #[error("configuration could not be read: {0}")]
    Parse(#[from] Box<figment::Error>),
    #[error("configuration is invalid:\n  - {}", .0.join("\n  - "))]
    Invalid(Vec<String>),
    #[error("no home directory: pass --home DIR or set CST_HOME")]
    NoHome,
    /// The configuration the supervisor handed over could not be encoded or read back (a
    /// supervisor and an agent of different builds).
    #[error(
        "the configuration from the supervisor is unreadable: {0} (are cst and the agent binaries from the same build?)"
    )]
    Handoff(String),
}
