//! `cst`: the supervisor (`cst up`) and its control commands. All logic lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cst::cli::Cli::parse();
    if !matches!(
        cli.command,
        cst::cli::Command::Up | cst::cli::Command::ReplayExchange(_)
    ) {
        restore_sigpipe();
    }
    cst::cli::run(cli)
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
