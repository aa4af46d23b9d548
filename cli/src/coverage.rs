//! `cst coverage`: the collector's latest coverage audit, read from the store (works while
//! the service is down, and says so when no audit exists yet).

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::Home;
use cst_store::Store;

pub fn run(home: &Home, config: Option<&Path>, json: bool) -> ExitCode {
    let fail = |msg: String| {
        eprintln!("cst: {msg}");
        ExitCode::FAILURE
    };
    let config = match cst_config::load(home, config) {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    let exchange = &config.collector.exchange;
    let audit = match Store::open(&home.db_path()).and_then(|s| s.latest_coverage(exchange)) {
        Ok(Some(audit)) => audit,
        Ok(None) => {
            return fail(format!(
                "no coverage audit for {exchange} yet: the collector writes one after each run (`cst run-now collector`)"
            ));
        }
        Err(e) => return fail(e.to_string()),
    };
    let fraction = audit.fraction();
    if json {
        let value = serde_json::json!({
            "exchange": audit.exchange,
            "at": audit.at,
            "live": audit.live,
            "covered": audit.covered,
            "fraction": fraction,
            "threshold": config.health.min_coverage,
            "missing": audit.missing,
        });
        println!("{value:#}");
    } else {
        println!(
            "{exchange}: {}/{} live pairs have fresh, complete data ({:.1}%) as of {}; threshold {:.0}%",
            audit.covered,
            audit.live,
            fraction * 100.0,
            audit.at,
            config.health.min_coverage * 100.0
        );
        for m in &audit.missing {
            println!("  - {m}");
        }
    }
    if fraction >= config.health.min_coverage {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
