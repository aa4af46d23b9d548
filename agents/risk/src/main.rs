//! The risk agent. Its domain work is not built yet: it runs the shared agent runtime
//! (handshake, Ready, heartbeats, commands, clean shutdown) and nothing else.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("risk", cst_agent::Idle)
}
