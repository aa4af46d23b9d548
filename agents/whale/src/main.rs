//! The whale agent. Its domain work is not built yet: it runs the shared agent runtime
//! (handshake, Ready, heartbeats, commands, clean shutdown) and nothing else.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("whale", cst_agent::Idle)
}
