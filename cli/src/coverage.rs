//! `cst coverage`: the collector's latest coverage audit, read from the store (works while
//! the service is down, and says so when no audit exists yet), judged at the time it is
//! asked by the service clock — the machine's, or in a replay the exchange's — with the
//! health agent's own verdict (`cst_health::score::coverage_verdict`): an audit older than
//! the freshness limit fails, as in `cst health`.

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::{Config, Home, validate::ClockSource};
use cst_store::Store;

/// The service clock now: the machine's, or the exchange's time for a deployment that
/// follows it (one quick try: a command never hangs on the exchange).
fn service_now(config: &Config) -> Result<i64, String> {
    match config.collector.clock {
        ClockSource::Live => Ok(wall_now()),
        ClockSource::Exchange => {
            let mut cfg = cst_exchange::KrakenConfig::new(config.collector.base_url.clone());
            cfg.timeout = config
                .collector
                .request_timeout
                .min(std::time::Duration::from_secs(2));
            cfg.retry.max_retries = 0;
            let client = cst_exchange::KrakenClient::new(cfg).map_err(|e| e.to_string())?;
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?
                .block_on(cst_exchange::unix_time(&client))
                .map_err(|e| format!("{e} (the deployment follows the exchange's clock)"))
        }
    }
}

/// The machine's clock: the service clock of a live deployment.
#[allow(clippy::disallowed_methods)]
fn wall_now() -> i64 {
    chrono::Utc::now().timestamp()
}

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
    let now = service_now(&config);
    let (verdict, _) = cst_health::score::coverage_verdict(Some(&audit), &now, &config.health);
    if json {
        let value = serde_json::json!({
            "exchange": audit.exchange,
            "at": audit.at,
            "live": audit.live,
            "covered": audit.covered,
            "fraction": fraction,
            "threshold": config.health.min_coverage,
            "missing": audit.missing,
            "now": now.as_ref().ok(),
            "ok": verdict.ok,
            "verdict": verdict.reason,
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
        println!(
            "{}: {}",
            if verdict.ok { "ok" } else { "NOT OK" },
            verdict.reason
        );
    }
    if verdict.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
