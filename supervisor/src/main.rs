//! `cst`: the supervisor (`cst up`) and its control commands. All logic lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    cst::cli::run(cst::cli::Cli::parse())
}
