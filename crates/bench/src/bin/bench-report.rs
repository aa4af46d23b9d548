//! `bench-report`: the figures and steps of one `make bench` run (JSON lines written by the
//! benchmarks and `deploy/bench.sh`) → `report.json` and `report.md`. Prints the Markdown
//! and exits 1 when the verdict is FAIL.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use cst_bench::{Meta, Report, StepRun, report::read_lines};

#[derive(Parser, Debug)]
struct Args {
    /// The figures the benchmarks recorded (`$CST_BENCH_OUT`).
    #[arg(long)]
    figures: PathBuf,
    /// The steps the runner ran, one JSON object per line.
    #[arg(long)]
    steps: PathBuf,
    /// Where report.json and report.md go.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value = "")]
    started: String,
    #[arg(long, default_value = "")]
    commit: String,
    #[arg(long, default_value = "")]
    rustc: String,
}

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let steps: Vec<StepRun> = read_lines(&args.steps)?;
    // No figure at all is possible (every step failed early); the report then says so.
    let figures = if args.figures.exists() {
        read_lines(&args.figures)?
    } else {
        Vec::new()
    };
    let meta = Meta {
        started: args.started,
        commit: args.commit,
        rustc: args.rustc,
        machine: machine(),
    };
    let report = Report::build(meta, steps, figures);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let md = report.to_markdown();
    for (name, text) in [("report.json", report.to_json()), ("report.md", md.clone())] {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    print!("{md}");
    println!(
        "\nwritten: {} and {}",
        args.out.join("report.json").display(),
        args.out.join("report.md").display()
    );
    if !report.passed() {
        std::process::exit(1);
    }
    Ok(())
}

/// "2 cores (AMD EPYC …), 24.0 GB, Linux 6.1.0": what the figures were measured on.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let mem_gb = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1e6);
    let kernel = read("/proc/sys/kernel/osrelease");
    format!(
        "{cores} cores ({cpu}), {mem_gb:.1} GB, Linux {}",
        kernel.trim()
    )
}
