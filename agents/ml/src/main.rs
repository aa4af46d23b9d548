//! The ml agent: serves the registry's active models on each new feature row; see
//! `cst_agent_ml`. Its training runs are `cst-ml-train`, the binary beside it.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("ml", cst_agent_ml::MlAgent::default())
}
