//! The LLM client against a loopback stub: validation, retries, timeouts, the breaker,
//! the daily cost cap, and the key never showing up in logs.

use std::time::Duration;

use cst_exchange::BreakerPolicy;
use cst_sentiment::{
    ApiKey, CoinId, Direction, LlmClient, LlmConfig, LlmError, LlmRejection, NewsItem,
};
use serde_json::{Value, json};

use crate::helper::stub::{Reply, Stub};
use crate::helper::titled;

const KEY: &str = "sk-test-0123456789abcdef";
/// 2022-04-14T12:00:00Z, the service clock's "now" for budgets.
const NOW: i64 = 1_649_937_600;
use cst_market::DAY;

/// A client for the stub: $0.01 per 1k prompt and $0.03 per 1k completion tokens, no
/// retries, a breaker that never opens, 2 s timeout. Tests change what they are about.
fn config(stub: &Stub) -> LlmConfig {
    let mut config = LlmConfig::new(format!("{}/v1", stub.base_url), "test-model");
    config.api_key = ApiKey::new(KEY);
    config.timeout = Duration::from_secs(2);
    config.max_retries = 0;
    config.retry_min_delay = Duration::from_millis(5);
    config.retry_max_delay = Duration::from_millis(20);
    config.breaker = BreakerPolicy {
        failure_threshold: 1_000,
        cooldown: Duration::from_secs(60),
    };
    config.daily_cost_cap_usd = 100.0;
    config.usd_per_1k_prompt_tokens = 0.01;
    config.usd_per_1k_completion_tokens = 0.03;
    config
}

fn client(config: LlmConfig) -> LlmClient {
    LlmClient::new(config)
        .expect("valid config")
        .expect("enabled with a key")
}

/// A chat completion whose message content is `content`, billed 1 000 + 100 tokens
/// ($0.013 at the test prices).
fn completion(content: &str) -> Vec<u8> {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}
    })
    .to_string()
    .into_bytes()
}

const VALID: &str = r#"{"direction":"bear","magnitude":0.8,"half_life_h":72}"#;

fn hack() -> &'static NewsItem {
    titled("North Korean Lazarus Group allegedly behind Ronin Bridge hack")
}

fn eth() -> Vec<CoinId> {
    vec![CoinId::canonical("ETH")]
}

#[tokio::test]
async fn a_valid_answer_is_scored_and_paid_for() {
    let stub = Stub::start(vec![Reply::ok(completion(VALID))]).await;
    let llm = client(config(&stub));
    let score = llm.score(hack(), &eth(), NOW).await.unwrap();
    assert_eq!(score.direction, Direction::Bear);
    assert_eq!((score.magnitude, score.half_life_h), (0.8, 72));

    let seen = stub.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    let sent: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(sent["model"], "test-model");
    assert_eq!(sent["response_format"]["type"], "json_schema");
    assert_eq!(sent["response_format"]["json_schema"]["strict"], true);
    let schema = &sent["response_format"]["json_schema"]["schema"];
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["required"],
        json!(["direction", "magnitude", "half_life_h"])
    );
    let user = sent["messages"][1]["content"].as_str().unwrap();
    assert!(
        user.contains("Ronin Bridge hack") && user.contains("Coins: ETH"),
        "{user}"
    );

    assert!((llm.spent_usd(NOW) - 0.013).abs() < 1e-12);
    let stats = llm.stats();
    assert_eq!((stats.requests, stats.scored, stats.failed), (1, 1, 0));
}

#[tokio::test]
async fn non_json_and_schema_violations_are_counted_rejections_not_retried() {
    let answers = [
        "The news is bearish for ETH.",
        r#"{"direction":"Bearish","magnitude":0.8,"half_life_h":72}"#,
        r#"{"direction":"bear","magnitude":8,"half_life_h":72}"#,
        r#"{"direction":"bear","magnitude":0.8,"half_life_h":72.5}"#,
        r#"{"direction":"bear","magnitude":0.8}"#,
        r#"{"direction":"bear","magnitude":0.8,"half_life_h":72,"confidence":0.9}"#,
    ];
    let replies = answers.iter().map(|a| Reply::ok(completion(a))).collect();
    let stub = Stub::start(replies).await;
    let mut cfg = config(&stub);
    cfg.max_retries = 3;
    let llm = client(cfg);
    let mut kinds = Vec::new();
    for _ in answers {
        match llm.score(hack(), &eth(), NOW).await {
            Err(LlmError::Rejected(rejection)) => kinds.push(rejection.kind()),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
    assert_eq!(
        kinds,
        [
            "not_json",
            "direction",
            "magnitude",
            "half_life",
            "missing_field",
            "extra_field"
        ]
    );
    assert_eq!(
        stub.count(),
        answers.len(),
        "a schema violation is never retried"
    );
    let stats = llm.stats();
    assert_eq!(stats.scored, 0);
    assert_eq!(stats.rejected.values().sum::<u64>(), 6);
    assert_eq!(stats.rejected.get("direction"), Some(&1));
    assert!(
        (llm.spent_usd(NOW) - 6.0 * 0.013).abs() < 1e-9,
        "rejected answers were still billed"
    );
}

#[tokio::test]
async fn a_refusal_is_a_rejection() {
    let body = json!({"choices": [{"message": {"role": "assistant", "content": null, "refusal": "no"}}],
                      "usage": {"prompt_tokens": 10, "completion_tokens": 1}});
    let stub = Stub::start(vec![Reply::ok(body.to_string())]).await;
    let err = client(config(&stub))
        .score(hack(), &eth(), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(err, LlmError::Rejected(LlmRejection::Refusal(_))),
        "{err}"
    );
}

#[tokio::test]
async fn server_errors_and_429_are_retried_then_succeed() {
    let stub = Stub::start(vec![
        Reply::status(500, "oops"),
        Reply::status(429, "slow down"),
        Reply::ok(completion(VALID)),
    ])
    .await;
    let mut cfg = config(&stub);
    cfg.max_retries = 2;
    let llm = client(cfg);
    assert!(llm.score(hack(), &eth(), NOW).await.is_ok());
    assert_eq!(stub.count(), 3);
    assert_eq!(llm.stats().requests, 3);
}

#[tokio::test]
async fn server_errors_until_retries_run_out() {
    let stub = Stub::start(vec![Reply::status(503, "")]).await;
    let mut cfg = config(&stub);
    cfg.max_retries = 2;
    let llm = client(cfg);
    let err = llm.score(hack(), &eth(), NOW).await.unwrap_err();
    assert!(matches!(err, LlmError::Server { status: 503 }), "{err}");
    assert_eq!(stub.count(), 3, "1 + max_retries");
    assert_eq!(llm.stats().failed, 1);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_never_echo_the_key() {
    let echo = format!("{{\"error\":{{\"message\":\"Incorrect API key provided: {KEY}\"}}}}");
    let stub = Stub::start(vec![Reply::status(401, echo), Reply::ok(completion(VALID))]).await;
    let mut cfg = config(&stub);
    cfg.max_retries = 3;
    let err = client(cfg).score(hack(), &eth(), NOW).await.unwrap_err();
    match &err {
        LlmError::Http { status: 401, body } => {
            assert!(body.contains("Incorrect API key"), "{body}")
        }
        other => panic!("expected HTTP 401, got {other:?}"),
    }
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));
    assert_eq!(stub.count(), 1);

    let stub = Stub::start(vec![
        Reply::status(400, "bad request"),
        Reply::ok(completion(VALID)),
    ])
    .await;
    let mut cfg = config(&stub);
    cfg.max_retries = 3;
    let err = client(cfg).score(hack(), &eth(), NOW).await.unwrap_err();
    assert!(matches!(err, LlmError::Http { status: 400, .. }), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(stub.count(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn a_slow_endpoint_times_out_and_is_retried() {
    let stub = Stub::start(vec![
        Reply::ok(completion(VALID)).after(Duration::from_secs(30)),
    ])
    .await;
    let mut cfg = config(&stub);
    cfg.timeout = Duration::from_millis(200);
    cfg.max_retries = 1;
    let llm = client(cfg);
    let err = llm.score(hack(), &eth(), NOW).await.unwrap_err();
    assert!(
        matches!(err, LlmError::Timeout { after } if after == Duration::from_millis(200)),
        "{err}"
    );
    assert_eq!(stub.count(), 2);
    assert_eq!(llm.spent_usd(NOW), 0.0, "nothing billed without an answer");
}

#[tokio::test]
async fn the_breaker_opens_sends_nothing_while_open_and_closes_after_cooldown() {
    let stub = Stub::start(vec![
        Reply::status(502, ""),
        Reply::status(502, ""),
        Reply::ok(completion(VALID)),
    ])
    .await;
    let mut cfg = config(&stub);
    cfg.breaker = BreakerPolicy {
        failure_threshold: 2,
        cooldown: Duration::from_secs(60),
    };
    let llm = client(cfg);
    for _ in 0..2 {
        let err = llm.score(hack(), &eth(), NOW).await.unwrap_err();
        assert!(matches!(err, LlmError::Server { status: 502 }), "{err}");
    }
    assert_eq!(stub.count(), 2);

    // The open breaker needs no I/O, so the clock can be paused and stepped.
    tokio::time::pause();
    for _ in 0..3 {
        match llm.score(hack(), &eth(), NOW).await.unwrap_err() {
            LlmError::CircuitOpen { retry_in } => assert!(retry_in <= Duration::from_secs(60)),
            other => panic!("expected CircuitOpen, got {other:?}"),
        }
    }
    tokio::time::advance(Duration::from_secs(59)).await;
    assert!(matches!(
        llm.score(hack(), &eth(), NOW).await,
        Err(LlmError::CircuitOpen { .. })
    ));
    assert_eq!(stub.count(), 2, "nothing reaches the endpoint while open");
    assert_eq!(llm.stats().refused_breaker, 4);

    tokio::time::advance(Duration::from_secs(2)).await;
    // Real I/O again: a paused clock would fire the request timeout while the socket waits.
    tokio::time::resume();
    assert!(
        llm.score(hack(), &eth(), NOW).await.is_ok(),
        "half-open call succeeds"
    );
    assert_eq!(stub.count(), 3);
    assert!(llm.score(hack(), &eth(), NOW).await.is_ok(), "closed again");
    assert_eq!(stub.count(), 4);
}

#[tokio::test]
async fn the_daily_cost_cap_stops_calls_until_the_next_utc_day() {
    let stub = Stub::start(vec![Reply::ok(completion(VALID))]).await;
    let mut cfg = config(&stub);
    cfg.daily_cost_cap_usd = 0.02; // two calls at $0.013 reach it
    let llm = client(cfg);
    let day_start = NOW - NOW % DAY;
    assert!(llm.score(hack(), &eth(), NOW).await.is_ok());
    assert!(
        llm.score(hack(), &eth(), NOW + 60).await.is_ok(),
        "$0.013 < $0.02"
    );
    for t in [NOW + 120, day_start + DAY - 1] {
        match llm.score(hack(), &eth(), t).await.unwrap_err() {
            LlmError::CostCapReached {
                spent_usd, cap_usd, ..
            } => {
                assert!((spent_usd - 0.026).abs() < 1e-12 && cap_usd == 0.02);
            }
            other => panic!("expected CostCapReached, got {other:?}"),
        }
    }
    assert_eq!(stub.count(), 2, "refused without a request");
    assert_eq!(llm.stats().refused_cost_cap, 2);

    assert!(
        llm.score(hack(), &eth(), day_start + DAY).await.is_ok(),
        "a new UTC day"
    );
    assert_eq!(stub.count(), 3);
    assert!((llm.spent_usd(day_start + DAY) - 0.013).abs() < 1e-12);
}

#[tokio::test]
async fn a_response_without_usage_is_charged_a_conservative_estimate() {
    let body = json!({"choices": [{"message": {"role": "assistant", "content": VALID}}]});
    let stub = Stub::start(vec![Reply::ok(body.to_string())]).await;
    let mut cfg = config(&stub);
    cfg.daily_cost_cap_usd = 0.001;
    let llm = client(cfg);
    assert!(llm.score(hack(), &eth(), NOW).await.is_ok());
    assert!(
        llm.spent_usd(NOW) >= 0.001,
        "estimate {}",
        llm.spent_usd(NOW)
    );
    assert!(matches!(
        llm.score(hack(), &eth(), NOW).await,
        Err(LlmError::CostCapReached { .. })
    ));
    assert_eq!(stub.count(), 1);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_retryable_connect_error() {
    let base = cst_testkit::http::refused_url("");
    let mut cfg = LlmConfig::new(base, "m");
    cfg.api_key = ApiKey::new(KEY);
    cfg.max_retries = 1;
    cfg.retry_min_delay = Duration::from_millis(5);
    let err = client(cfg).score(hack(), &eth(), NOW).await.unwrap_err();
    assert!(matches!(err, LlmError::Connect(_)), "{err}");
    assert!(err.is_retryable());
}

#[test]
fn without_a_key_llm_scoring_is_off() {
    let mut cfg = LlmConfig::new("https://api.openai.com/v1", "gpt-4o-mini");
    assert!(LlmClient::new(cfg.clone()).unwrap().is_none());
    cfg.api_key = ApiKey::new("   ");
    assert!(cfg.api_key.is_none(), "a blank key is no key");
    assert!(LlmClient::new(cfg).unwrap().is_none());
}

#[test]
fn the_key_never_appears_in_debug_output() {
    let mut cfg = LlmConfig::new("https://api.openai.com/v1", "gpt-4o-mini");
    cfg.api_key = ApiKey::new(KEY);
    let config_debug = format!("{cfg:?}");
    assert!(
        config_debug.contains("api_key: Some(hidden)"),
        "{config_debug}"
    );
    let client = LlmClient::new(cfg).unwrap().unwrap();
    let client_debug = format!("{client:?}");
    assert!(!config_debug.contains(KEY) && !client_debug.contains(KEY));
    assert!(!client_debug.contains("sk-test"), "{client_debug}");
}

#[test]
fn bad_configs_are_refused_with_every_problem() {
    let mut cfg = LlmConfig::new("https://api.openai.com/v1", " ");
    cfg.api_key = ApiKey::new(KEY);
    cfg.daily_cost_cap_usd = f64::NAN;
    cfg.usd_per_1k_prompt_tokens = -1.0;
    let message = LlmClient::new(cfg).unwrap_err().to_string();
    for part in ["daily_cost_cap_usd", "usd_per_1k_prompt_tokens", "model"] {
        assert!(message.contains(part), "{message}");
    }
    for url in [
        "ftp://example.com/v1",
        "not a url",
        "https://example.com/v1?x=1",
    ] {
        let mut cfg = LlmConfig::new(url, "m");
        cfg.api_key = ApiKey::new(KEY);
        assert!(
            matches!(LlmClient::new(cfg), Err(LlmError::InvalidBaseUrl { .. })),
            "{url}"
        );
    }
}
