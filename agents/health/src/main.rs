//! The health agent: scores the service, sends the verdict to the supervisor, writes daily
//! reports and raises alerts; see `cst_health::agent`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("health", cst_health::agent::HealthAgent::default())
}
