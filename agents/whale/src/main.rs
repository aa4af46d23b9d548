//! The whale agent: hourly whale-trade flow and order-book groups per pair; the shell is
//! this crate's library.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("whale", cst_agent_whale::WhaleAgent::default())
}
