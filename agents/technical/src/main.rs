//! The technical agent: one incremental indicator engine per pair, stepped as candles arrive; see `cst_features::agents::technical`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("technical", cst_features::agents::TechnicalAgent::default())
}
