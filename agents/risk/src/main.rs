//! The risk agent: each decision hour's predictions through the gate; the shell is this
//! crate's library, the gate `cst_trade::gate`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("risk", cst_agent_risk::RiskAgent::default())
}
