//! `cst`: the command line, over the supervisor library (`cst up` and the control commands)
//! and the domain crates (the offline commands). Argument definitions here, one file per
//! command:
//!
//! - [`up`]: `cst up`, the supervisor in the foreground ([`cst_supervisor::daemon`]).
//! - [`control`]: status, health, restart, reset, run-now, reload, stop: requests over the
//!   control socket ([`cst_supervisor::client`]); [`render`] prints status and health.
//! - [`logs`]: `cst logs`, read straight from `HOME/logs` (works without a supervisor).
//! - [`import`], [`replay`], [`coverage`], [`features`], [`train`], [`models`] (with
//!   [`model_import`]), [`predict`], [`backtest`], [`trading`] (`cst risk`, `cst portfolio`),
//!   [`report`]: the offline commands, each over the store and the domain crates; [`when`]
//!   parses their times.

pub mod backtest;
pub mod control;
pub mod coverage;
pub mod features;
pub mod import;
pub mod logs;
pub mod model_import;
pub mod models;
pub mod predict;
pub mod render;
pub mod replay;
pub mod report;
pub mod trading;
pub mod train;
pub mod up;
pub mod when;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use cst_config::Home;

#[derive(Debug, Parser)]
#[command(
    name = "cst",
    version,
    about = "CryptoSmartTrader: supervisor and control CLI"
)]
pub struct Cli {
    /// Home directory of the instance (data, sockets, logs, reports). Default: ~/.cst
    #[arg(long, global = true, env = "CST_HOME")]
    pub home: Option<PathBuf>,
    /// Configuration file. Default: HOME/config.toml when present, else built-in defaults.
    #[arg(long, global = true, env = "CST_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the supervisor in the foreground (SIGTERM/SIGINT or `cst stop` end it gracefully).
    Up,
    /// Agents, their processes, restarts and breakers.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Is the service ready and GO, and if not, why: every readiness check and the health
    /// score's components. Exit code 0 only when ready.
    Health {
        #[arg(long)]
        json: bool,
    },
    /// Stop an agent gracefully and start it again.
    Restart { agent: String },
    /// Close an agent's circuit breaker and forget its crash history.
    Reset { agent: String },
    /// Ask an agent to do its periodic work now.
    RunNow { agent: String },
    /// Validate the configuration file and tell every agent to re-read it.
    Reload,
    /// Stop every agent (reverse start order) and the supervisor; with AGENT, stop only that
    /// agent and keep it stopped (`cst restart AGENT` starts it again).
    Stop { agent: Option<String> },
    /// Import recorded candles into HOME/data/cst.db, through the same integrity checks as
    /// live data.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// The latest coverage audit: live pairs against pairs with fresh, complete data.
    /// Exit code 0 only at or above the configured threshold.
    Coverage {
        #[arg(long)]
        json: bool,
    },
    /// One feature row of a pair at an hour, with its FeatureSet version, or why there is
    /// none. Exit code 0 only with a row.
    Features(features::FeaturesArgs),
    /// Train the configured horizons on the stored data, print each evaluation report
    /// against its baselines, and activate only models that beat them and the champion.
    Train(train::TrainArgs),
    /// Predictions of the active models from each pair's newest feature row. Exit code 1
    /// when no model is active (and no numbers are printed).
    Predict(predict::PredictArgs),
    /// Replay stored history through the service's own features, models, gate, risk limits
    /// and paper execution, retraining walk-forward; report beside buy-and-hold.
    Backtest(backtest::BacktestArgs),
    /// The kill switch and the last gate run; `cst risk resume` lifts a halt.
    #[command(subcommand)]
    Risk(trading::RiskCommand),
    /// The paper account: equity, positions, closed trades and their PnL attribution.
    Portfolio {
        #[arg(long)]
        json: bool,
    },
    /// The daily report (health, coverage, calibration, models against baselines,
    /// predictions gated, alerts), as the health agent wrote it at 00:00 UTC.
    Report(report::ReportArgs),
    /// The model registry; `cst models rollback HORIZON` reactivates the previous model.
    Models(models::ModelsArgs),
    /// Serve recorded candle files as a Kraken-compatible public REST API on a simulated
    /// clock running SPEED times real time: the offline demo's exchange.
    ReplayExchange(replay::ReplayArgs),
    /// Show an agent's log (or `cst` for the supervisor's own).
    Logs {
        agent: String,
        /// Number of lines from the end.
        #[arg(short = 'n', long, default_value_t = 50)]
        lines: usize,
        /// Keep printing new lines as they are written.
        #[arg(short, long)]
        follow: bool,
    },
}

/// Exit code when no supervisor runs under the home.
pub const EXIT_NOT_RUNNING: u8 = 3;

pub fn run(cli: Cli) -> ExitCode {
    let home = match Home::resolve(cli.home.clone()) {
        Ok(home) => home,
        Err(e) => return fail(&e.to_string(), 1),
    };
    match cli.command {
        Command::Up => up::run(home, cli.config),
        Command::Import(cmd) => import::run(&home, cmd),
        Command::ReplayExchange(args) => replay::run(args),
        Command::Coverage { json } => coverage::run(&home, cli.config.as_deref(), json),
        Command::Features(args) => features::run(&home, cli.config.as_deref(), args),
        Command::Train(args) => train::run(&home, cli.config.as_deref(), args),
        Command::Predict(args) => predict::run(&home, cli.config.as_deref(), args),
        Command::Backtest(args) => backtest::run(&home, cli.config.as_deref(), args),
        Command::Risk(cmd) => trading::risk(&home, cli.config.as_deref(), cmd),
        Command::Portfolio { json } => trading::portfolio(&home, cli.config.as_deref(), json),
        Command::Models(args) => models::run(&home, cli.config.as_deref(), args),
        Command::Report(args) => report::run(&home, args),
        Command::Logs {
            agent,
            lines,
            follow,
        } => match logs::show(&home, &agent, lines, follow) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("{e:#}"), 1),
        },
        command => control::run(&home, cli.config.as_deref(), command),
    }
}

pub(crate) fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("cst: {message}");
    ExitCode::from(code)
}
