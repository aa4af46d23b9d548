//! `cst import csv DIR` and `cst import kraken-ohlcvt FILE...`: history older than the
//! exchange's REST limit, written straight into the store (it may run beside `cst up`).

#![allow(clippy::print_stdout)]

use std::{path::PathBuf, process::ExitCode};

use clap::Subcommand;
use cst_config::Home;
use cst_import::{Format, ImportSummary, import};
use cst_store::Store;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A directory of `BASE-QUOTE.csv` files with header `ts,open,high,low,close,volume`
    /// (1-hour candles, `ts` = open time in Unix seconds, UTC).
    Csv {
        dir: PathBuf,
        /// Exchange the candles come from.
        #[arg(long, default_value = "binance")]
        exchange: String,
    },
    /// Kraken's bulk OHLCVT history: `PAIR_60.csv` files, no header,
    /// `unix_s,open,high,low,close,volume,trades`.
    KrakenOhlcvt {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = "kraken")]
        exchange: String,
    },
}

pub fn run(home: &Home, cmd: ImportCommand) -> ExitCode {
    match execute(home, cmd) {
        Ok(summary) => report(&summary),
        Err(e) => {
            eprintln!("cst: import failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn execute(home: &Home, cmd: ImportCommand) -> Result<ImportSummary, Box<dyn std::error::Error>> {
    let mut store = Store::open(&home.db_path())?;
    let started = std::time::Instant::now();
    let summary = match cmd {
        ImportCommand::Csv { dir, exchange } => {
            let files = cst_import::files::csv_files(&dir)?;
            import(&mut store, &files, Format::Csv, &exchange)?
        }
        ImportCommand::KrakenOhlcvt { files, exchange } => {
            import(&mut store, &files, Format::KrakenOhlcvt, &exchange)?
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let total = summary.inserted() + summary.unchanged();
    println!(
        "{total} candles read in {secs:.2} s ({:.0} candles/s)",
        total as f64 / secs.max(1e-9)
    );
    Ok(summary)
}

fn report(summary: &ImportSummary) -> ExitCode {
    let series = summary
        .files
        .iter()
        .filter(|f| matches!(f, cst_import::FileOutcome::Imported { .. }))
        .count();
    let with_gaps = summary
        .files
        .iter()
        .filter(|f| matches!(f, cst_import::FileOutcome::Imported { gaps, .. } if *gaps > 0))
        .count();
    println!(
        "imported {} new candles ({} already stored) into {series} series; {with_gaps} series have gaps (kept as gaps)",
        summary.inserted(),
        summary.unchanged()
    );
    let rejected = summary.rejected_by_kind();
    if !rejected.is_empty() {
        let list: Vec<String> = rejected.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("rejected: {}", list.join(", "));
    }
    let mut failed = false;
    for (path, error) in summary.failed() {
        failed = true;
        eprintln!("cst: skipped {}: {error}", path.display());
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
