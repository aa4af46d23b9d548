//! The sentiment agent: news from feeds or a replayed recording, mapped to coins, scored
//! and stored; the shell is this crate's library.

fn main() -> std::process::ExitCode {
    cst_agent::agent_main("sentiment", cst_agent_sentiment::SentimentAgent::default())
}
