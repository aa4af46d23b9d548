//! Subscriber setup. Structured JSON lines where a machine reads them (files, captured
//! stderr), the human format where a person does (a terminal).

use std::{io::IsTerminal, sync::Mutex};

use tracing_subscriber::{filter::Targets, fmt, layer::SubscriberExt, util::SubscriberInitExt};

use crate::RotatingFile;

/// `RUST_LOG` when set and readable, else the configured level, else `info`.
fn filter(level: &str) -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|spec| crate::filter::parse(&spec).ok())
        .or_else(|| crate::filter::parse(level).ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

/// Agents log to stderr, which the supervisor captures into `HOME/logs/<agent>/`: JSON
/// lines there, the human format when someone runs the agent on a terminal. A second call
/// (a test binary that set up logging before running an agent) changes nothing.
pub fn init_agent(level: &str) {
    let registry = tracing_subscriber::registry().with(filter(level));
    if std::io::stderr().is_terminal() {
        let _ = registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init();
    } else {
        let _ = registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_writer(std::io::stderr),
            )
            .try_init();
    }
}

/// The supervisor logs JSON lines into its own rotating file and, for whoever started it,
/// the human format on stderr.
pub fn init_supervisor(level: &str, file: RotatingFile) {
    let terminal = std::io::stderr().is_terminal();
    tracing_subscriber::registry()
        .with(filter(level))
        .with(
            fmt::layer()
                .json()
                .flatten_event(true)
                .with_writer(Mutex::new(file)),
        )
        .with(
            fmt::layer()
                .with_ansi(terminal)
                .with_writer(std::io::stderr),
        )
        .init();
}
