//! The collector agent: discovers the exchange's pairs, stores every candle that closed
//! (through the integrity checks) and audits coverage; the shell is this crate's library,
//! the work `cst_collect`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("collector", cst_agent_collector::CollectorAgent::default())
}
