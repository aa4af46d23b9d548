//! The technical agent: one incremental indicator engine per pair, stepped as candles
//! arrive; the shell is this crate's library.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("technical", cst_agent_technical::TechnicalAgent::default())
}
