//! The ml agent: serves the registry's active models on each new feature row; see
//! `cst_ml::agent`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("ml", cst_ml::agent::MlAgent::default())
}
