//! One integration test binary: real news from shared/data, feeds and the LLM against
//! stub servers on loopback (never the internet).

mod helper;

mod aggregate_props;
mod coins_news;
mod feed_client;
mod feed_parse;
mod lexicon_news;
mod llm_client;
mod replay;
