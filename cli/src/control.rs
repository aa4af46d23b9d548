//! The control commands: `cst status`, `health`, `restart`, `reset`, `run-now`, `reload`
//! and `stop`, each one request over the control socket.

use std::{process::ExitCode, time::Duration};

use cst_config::Home;
use cst_protocol::control::{AgentName, ControlRequest, ControlResponse};
use cst_supervisor::client::{self, CliError, ControlClient};

use crate::{Command, EXIT_NOT_RUNNING, fail, render};

/// Runs a control command against the supervisor of `home`.
pub fn run(home: &Home, config: Option<&std::path::Path>, command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}"), 1),
    };
    match runtime.block_on(dispatch(home, config, command)) {
        Ok(code) => code,
        Err(CliError::NotRunning(msg)) => fail(&msg, EXIT_NOT_RUNNING),
        Err(e) => fail(&e.to_string(), 1),
    }
}

async fn dispatch(
    home: &Home,
    config: Option<&std::path::Path>,
    command: Command,
) -> Result<ExitCode, CliError> {
    let mut client = ControlClient::connect(home).await?;
    let agent = |agent: String| AgentName { agent };
    let request = match command {
        Command::Status { json } => {
            let report = client.report().await?;
            render::print_status(&report, &render::features_line(home, config), json);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Health { json } => {
            let report = client.report().await?;
            render::print_health(&report, json);
            return Ok(if report.ready {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Restart { agent: a } => ControlRequest::Restart(agent(a)),
        Command::Reset { agent: a } => ControlRequest::Reset(agent(a)),
        Command::RunNow { agent: a } => ControlRequest::RunNow(agent(a)),
        Command::Reload => ControlRequest::Reload,
        Command::Stop { agent: Some(a) } => ControlRequest::StopAgent(agent(a)),
        Command::Stop { agent: None } => {
            let outcome = client
                .request_within(ControlRequest::Stop, Duration::from_secs(600))
                .await?;
            drop(client);
            let code = print_outcome(outcome);
            client::wait_until_gone(home).await?;
            return Ok(code);
        }
        Command::Up
        | Command::Logs { .. }
        | Command::Import(_)
        | Command::Coverage { .. }
        | Command::Features(_)
        | Command::Train(_)
        | Command::Predict(_)
        | Command::Backtest(_)
        | Command::Risk(_)
        | Command::Portfolio { .. }
        | Command::Models(_)
        | Command::Report(_)
        | Command::ReplayExchange(_) => unreachable_command(),
    };
    let reload = matches!(request, ControlRequest::Reload);
    let outcome = client.request(request).await?;
    Ok(match outcome {
        // The supervisor refuses a reload only for an invalid file: EX_CONFIG, as `cst up`.
        ControlResponse::Failed(o) if reload => fail(&o.message, EX_CONFIG),
        other => print_outcome(other),
    })
}

/// sysexits' EX_CONFIG: the configuration is invalid.
const EX_CONFIG: u8 = 78;

fn unreachable_command() -> ControlRequest {
    // `run` handles Up, Logs and Import before connecting; Status is harmless if that
    // ever changes.
    ControlRequest::Status
}

#[allow(clippy::print_stdout)]
fn print_outcome(response: ControlResponse) -> ExitCode {
    match response {
        ControlResponse::Done(o) => {
            println!("{}", o.message);
            ExitCode::SUCCESS
        }
        ControlResponse::Failed(o) => fail(&o.message, 1),
        other => fail(
            &format!("unexpected answer from the supervisor: {other:?}"),
            1,
        ),
    }
}
