//! The sentiment agent: news from feeds or a replayed recording, mapped to coins, scored and stored; see `cst_features::agents::sentiment`.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("sentiment", cst_features::agents::SentimentAgent::default())
}
