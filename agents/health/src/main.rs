//! The health agent: scores the service, sends the verdict to the supervisor, writes daily
//! reports and raises alerts; the shell is this crate's library, the scoring `cst_health`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("health", cst_agent_health::HealthAgent::default())
}
