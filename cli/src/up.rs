//! `cst up`: becomes the supervisor. It execs `cst-supervisor` (beside `cst`, as the agents'
//! binaries are) with the resolved home and configuration file: the same process, pid and
//! signals, so a terminal's Ctrl-C, a systemd unit's `cst up` and its notify socket all reach
//! the supervisor, while the months-long process maps only the daemon's code.

use std::{os::unix::process::CommandExt, path::PathBuf, process::ExitCode};

use cst_config::Home;

pub fn run(home: Home, config_path: Option<PathBuf>) -> ExitCode {
    // The store is created, switched to WAL and migrated here, once, before any agent opens
    // it: eight agents doing it at the same moment on a fresh home raced for the lock the
    // WAL switch takes, and one could exit with "database is locked".
    if let Err(e) = cst_store::Store::open(&home.db_path()) {
        eprintln!("cst up: {e}");
        return ExitCode::FAILURE;
    }
    let supervisor = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name("cst-supervisor"),
        Err(e) => {
            eprintln!("cst up: cannot find my own executable to locate cst-supervisor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut cmd = std::process::Command::new(&supervisor);
    cmd.arg("--home").arg(home.root());
    if let Some(config) = config_path {
        cmd.arg("--config")
            .arg(std::path::absolute(&config).unwrap_or(config));
    }
    // Only returns on failure.
    let e = cmd.exec();
    eprintln!(
        "cst up: cannot start {}: {e}; build every binary with `cargo build --workspace --bins` \
         (cst-supervisor belongs beside cst)",
        supervisor.display()
    );
    ExitCode::FAILURE
}
