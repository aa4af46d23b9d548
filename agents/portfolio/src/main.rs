//! The portfolio agent: the paper account, stepped once per decision hour; see
//! `cst_trade::agents::portfolio`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main(
        "portfolio",
        cst_trade::agents::portfolio::PortfolioAgent::default(),
    )
}
