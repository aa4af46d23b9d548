//! The supervisor process (`cst up` execs `cst-supervisor`): load and validate the
//! configuration, take the instance lock, start logging, then run the daemon on a small
//! multi-threaded runtime.

use std::{path::PathBuf, process::ExitCode};

use cst_config::Home;
use cst_logging::RotatingFile;

use crate::daemon::{self, DaemonOptions};

/// EX_CONFIG, as for agents.
const EXIT_CONFIG: u8 = 78;

pub fn run(home: Home, config_path: Option<PathBuf>) -> ExitCode {
    let config = match cst_config::load(&home, config_path.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("cst up: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let bin_dir = match std::env::current_exe() {
        Ok(exe) => exe.parent().map(PathBuf::from).unwrap_or_default(),
        Err(e) => {
            eprintln!("cst up: cannot find my own executable to locate the agent binaries: {e}");
            return ExitCode::FAILURE;
        }
    };
    let lock = match daemon::prepare(&home) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("cst up: {e}");
            return ExitCode::FAILURE;
        }
    };
    let log = match RotatingFile::open(
        home.log_file("cst"),
        config.logs.max_file_bytes,
        config.logs.keep_files,
    ) {
        Ok(log) => log,
        Err(e) => {
            eprintln!(
                "cst up: cannot open {}: {e}",
                home.log_file("cst").display()
            );
            return ExitCode::FAILURE;
        }
    };
    cst_logging::init_supervisor(&config.logs.level, log);
    raise_fd_limit();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let config_path = config_path.map(|p| std::path::absolute(&p).unwrap_or(p));
    let opts = DaemonOptions {
        home,
        config,
        config_path,
        bin_dir,
    };
    match runtime.block_on(daemon::run(opts, lock)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "supervisor failed");
            eprintln!("cst up: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Soft limit on open files up to the hard limit: sockets, pipes and logs all need
/// descriptors, and running out would make every spawn fail.
fn raise_fd_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => {
            if let Err(e) = setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
                tracing::warn!(soft, hard, error = %e, "cannot raise the open-file limit");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "cannot read the open-file limit"),
    }
}
