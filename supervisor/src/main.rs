//! `cst-supervisor`: the supervisor process that `cst up` execs (same pid, so a systemd
//! unit's `cst up` is the notifying main process). A binary of its own so the process that
//! runs for months maps only the daemon's code, not the CLI's training, backtests and
//! imports. Takes `--home DIR` and `--config FILE` (or CST_HOME, CST_CONFIG).

use std::process::ExitCode;

fn main() -> ExitCode {
    let (home, config) = match cst_agent::entry::home_and_config() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("cst up: {e}");
            return ExitCode::from(cst_agent::error::EXIT_CONFIG);
        }
    };
    cst_supervisor::up::run(home, config)
}
