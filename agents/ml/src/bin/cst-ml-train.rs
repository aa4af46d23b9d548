//! `cst-ml-train train-run`: one training run of the ml agent (daily, or on drift), in a
//! process of its own and a binary of its own: the only agent binary that links LightGBM.
//! The job comes as JSON on stdin; one JSON line per horizon goes to stdout; the log goes to
//! stderr, which is the agent's log (`cst_agent_ml::training`).

use std::{io::Write, process::ExitCode};

use cst_agent_ml::training::{Job, Reported};
use cst_config::Home;
use cst_features::BuildContext;
use cst_store::{BlobStore, Store};
use cst_train::run::{train_horizon, write_report};

/// The training process: reads a [`Job`] on stdin, trains each horizon as the
/// agent would have, writes each model's report, and prints one [`Reported`] line per
/// horizon. Exit 0 when every horizon was tried; 1 when none could be (each says why).
fn main() -> ExitCode {
    let job: Job = match serde_json::from_reader(std::io::stdin().lock()) {
        Ok(job) => job,
        Err(e) => {
            eprintln!(
                "cst-ml-train: expected a training job as JSON on stdin (the ml agent \
                 starts this process; to train by hand, run `cst train`): {e}"
            );
            return ExitCode::from(2);
        }
    };
    let home = Home::new(&job.home);
    let config = match cst_config::load(&home, job.config.as_deref()) {
        Ok(config) => config,
        Err(e) => return report_all(&job, &format!("cannot load the configuration: {e}")),
    };
    cst_logging::init_agent(&config.logs.level);
    let mut store = match Store::open(&home.db_path()) {
        Ok(store) => store,
        Err(e) => return report_all(&job, &e.to_string()),
    };
    let exchange = config.collector.exchange.clone();
    let ctx = match BuildContext::for_deployment(&config, &exchange, &store) {
        Ok(ctx) => ctx,
        Err(e) => return report_all(&job, &e.to_string()),
    };
    let blobs = BlobStore::new(home.blobs_dir());
    let reports = home.reports_dir().join("models");
    for &h in &job.horizons {
        let outcome = train_horizon(&mut store, &blobs, &ctx, &config.ml, h, job.now)
            .and_then(|(report, reg)| {
                write_report(&reports, &report, &reg)?;
                Ok(format!(
                    "model {}: {} ({})",
                    reg.id,
                    reg.status.as_str(),
                    reg.reason
                ))
            })
            .map_err(|e| e.to_string());
        if !report(h, outcome) {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Prints one horizon's outcome line; false when stdout is gone (the agent died).
fn report(horizon_h: u32, outcome: Result<String, String>) -> bool {
    let Ok(line) = serde_json::to_string(&Reported { horizon_h, outcome }) else {
        return false;
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
}

/// Every horizon failed for the same reason, before any could be tried.
fn report_all(job: &Job, why: &str) -> ExitCode {
    for &h in &job.horizons {
        report(h, Err(why.to_string()));
    }
    ExitCode::FAILURE
}
