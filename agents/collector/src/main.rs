//! The collector agent: discovers the exchange's pairs, stores every candle that closed
//! (through the integrity checks) and audits coverage; see `cst_collect`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("collector", cst_collect::CollectorAgent::default())
}
