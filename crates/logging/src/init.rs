//! Subscriber setup. Structured JSON lines where a machine reads them (files, captured
//! stderr), the human format where a person does (a terminal).

use std::{io::IsTerminal, sync::Mutex};

use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

use crate::RotatingFile;

fn filter(level: &str) -> EnvFilter {
    EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}

/// Agents log to stderr, which the supervisor captures into `HOME/logs/<agent>/`: JSON
/// lines there, the human format when someone runs the agent on a terminal.
pub fn init_agent(level: &str) {
    let registry = tracing_subscriber::registry().with(filter(level));
    if std::io::stderr().is_terminal() {
        registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .init();
    } else {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_writer(std::io::stderr),
            )
            .init();
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
