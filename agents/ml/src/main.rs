//! The ml agent: serves the registry's active models on each new feature row; see
//! `cst_agent_ml`. Started as `cst-ml train-run`, it is one of the agent's training runs
//! instead (`cst_agent_ml::training`).

use cst_agent_ml::training::{TRAIN_RUN, train_run_main};

fn main() -> std::process::ExitCode {
    if std::env::args_os().nth(1).is_some_and(|a| a == TRAIN_RUN) {
        return train_run_main();
    }
    cst_agent::agent_main("ml", cst_agent_ml::MlAgent::default())
}
