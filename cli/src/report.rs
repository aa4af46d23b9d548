//! `cst report [--date D] [--json]`: the daily report the health agent wrote, read from
//! `HOME/reports/daily` (works without a supervisor).

#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use clap::Args;
use cst_config::Home;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The day (YYYY-MM-DD, UTC by the service clock); default: the newest report.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Print the report's JSON as written.
    #[arg(long)]
    json: bool,
}

pub fn run(home: &Home, args: ReportArgs) -> ExitCode {
    match cst_health::daily::read(home, args.date) {
        Ok((path, report)) => {
            if args.json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("cst: cannot encode the report: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                print!("{}", cst_health::daily::render(&report));
                println!("\n({})", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cst: {e}");
            ExitCode::FAILURE
        }
    }
}
