//! The whole of an agent binary's `main`: parse args, install tracing, run, map the result
//! to an exit code (78 for configuration errors, so the supervisor does not retry them).

use std::{path::PathBuf, process::ExitCode};

use clap::Parser;
use cst_config::Home;

use crate::{Agent, AgentEnv, run};

#[derive(Debug, Parser)]
struct Args {
    /// Home directory of the service instance; the supervisor sets CST_HOME.
    #[arg(long, env = "CST_HOME")]
    home: Option<PathBuf>,
    /// Configuration file; default HOME/config.toml when present.
    #[arg(long, env = "CST_CONFIG")]
    config: Option<PathBuf>,
}

/// Runs agent `name` on a single-threaded runtime (agents are small; one thread keeps RSS
/// low) and returns its exit code.
pub fn agent_main(name: &str, agent: impl Agent) -> ExitCode {
    let args = Args::parse();
    let home = match Home::resolve(args.home) {
        Ok(home) => home,
        Err(e) => {
            eprintln!("cst-{name}: {e}");
            return ExitCode::from(crate::error::EXIT_CONFIG);
        }
    };
    let env = AgentEnv {
        name: name.to_string(),
        home,
        config_path: args.config,
    };
    let level = env
        .load_config()
        .map(|c| c.logs.level)
        .unwrap_or_else(|_| "info".to_string());
    cst_logging::init_agent(&level);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(env, agent)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(agent = name, error = %e, "agent stopped with an error");
            ExitCode::from(e.exit_code())
        }
    }
}
