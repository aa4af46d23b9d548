//! The portfolio agent: the paper account, stepped once per decision hour; the shell is
//! this crate's library, the step `cst_trade::engine`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("portfolio", cst_agent_portfolio::PortfolioAgent::default())
}
