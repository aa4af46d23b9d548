//! The whale agent: hourly whale-trade flow and order-book groups per pair; see `cst_features::agents::whale`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("whale", cst_features::agents::WhaleAgent::default())
}
