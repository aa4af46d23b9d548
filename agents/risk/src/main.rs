//! The risk agent: each decision hour's predictions through the gate; see
//! `cst_trade::agents::risk`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("risk", cst_trade::agents::risk::RiskAgent::default())
}
