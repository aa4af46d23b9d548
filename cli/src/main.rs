//! `cst`: the supervisor (`cst up`), its control commands and the offline commands. All logic
//! lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cst::Cli::parse();
    if !matches!(
        cli.command,
        cst::Command::Up | cst::Command::ReplayExchange(_)
    ) {
        restore_sigpipe();
    }
    cst::run(cli)
}

/// `cst status | head` should end quietly when `head` exits, as other command-line tools
/// do, rather than panic on a closed pipe. Not for the long-running commands.
#[allow(unsafe_code)]
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
