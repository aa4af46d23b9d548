use super::*;

fn completion(content: &str) -> Vec<u8> {
    serde_json::json!({
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220}
    })
    .to_string()
    .into_bytes()
}

#[test]
fn a_valid_answer_and_its_usage() {
    let (usage, score) = parse_completion(&completion(
        r#"{"direction":"bear","magnitude":0.75,"half_life_h":48}"#,
    ));
    assert_eq!(
        usage,
        Some(Usage {
            prompt_tokens: 200,
            completion_tokens: 20
        })
    );
    let score = score.unwrap();
    assert_eq!(score.direction, Direction::Bear);
    assert_eq!((score.magnitude, score.half_life_h), (0.75, 48));
    let edge = parse_score(r#"{"half_life_h":1,"magnitude":0,"direction":"neutral"}"#).unwrap();
    assert_eq!(edge.magnitude, 0.0);
    assert!(parse_score(r#"{"direction":"bull","magnitude":1,"half_life_h":720}"#).is_ok());
}

#[test]
fn every_schema_violation_is_a_typed_rejection() {
    let cases: &[(&str, &str)] = &[
        ("not json at all", "not_json"),
        (
            "```json\n{\"direction\":\"bull\",\"magnitude\":0.5,\"half_life_h\":4}\n```",
            "not_json",
        ),
        ("[1,2]", "not_object"),
        (r#"{"direction":"bull","magnitude":0.5}"#, "missing_field"),
        (
            r#"{"direction":"bull","magnitude":0.5,"half_life_h":4,"why":"x"}"#,
            "extra_field",
        ),
        (
            r#"{"direction":"Bull","magnitude":0.5,"half_life_h":4}"#,
            "direction",
        ),
        (
            r#"{"direction":"up","magnitude":0.5,"half_life_h":4}"#,
            "direction",
        ),
        (
            r#"{"direction":1,"magnitude":0.5,"half_life_h":4}"#,
            "direction",
        ),
        (
            r#"{"direction":"bull","magnitude":1.5,"half_life_h":4}"#,
            "magnitude",
        ),
        (
            r#"{"direction":"bull","magnitude":-0.1,"half_life_h":4}"#,
            "magnitude",
        ),
        (
            r#"{"direction":"bull","magnitude":"0.5","half_life_h":4}"#,
            "magnitude",
        ),
        (
            r#"{"direction":"bull","magnitude":0.5,"half_life_h":4.5}"#,
            "half_life",
        ),
        (
            r#"{"direction":"bull","magnitude":0.5,"half_life_h":4.0}"#,
            "half_life",
        ),
        (
            r#"{"direction":"bull","magnitude":0.5,"half_life_h":0}"#,
            "half_life",
        ),
        (
            r#"{"direction":"bull","magnitude":0.5,"half_life_h":-3}"#,
            "half_life",
        ),
        (
            r#"{"direction":"bull","magnitude":0.5,"half_life_h":721}"#,
            "half_life",
        ),
        (
            r#"{"direction":"bull","magnitude":0.5,"half_life_h":"4"}"#,
            "half_life",
        ),
    ];
    for (content, kind) in cases {
        let rejection = parse_score(content).expect_err(content);
        assert_eq!(rejection.kind(), *kind, "{content}: {rejection}");
    }
}

#[test]
fn broken_envelopes_and_refusals_are_rejected_but_usage_is_kept() {
    let (usage, score) = parse_completion(b"<html>gateway</html>");
    assert_eq!((usage, score.unwrap_err().kind()), (None, "envelope"));
    let (_, score) = parse_completion(br#"{"choices":[]}"#);
    assert_eq!(score.unwrap_err().kind(), "envelope");
    let refusal = serde_json::json!({
        "choices": [{"message": {"role": "assistant", "content": null, "refusal": "I can't help"}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 3}
    });
    let (usage, score) = parse_completion(refusal.to_string().as_bytes());
    assert_eq!(usage.map(|u| u.completion_tokens), Some(3));
    assert_eq!(
        score.unwrap_err(),
        LlmRejection::Refusal("I can't help".into())
    );
}

#[test]
fn cost_follows_the_configured_prices() {
    let usage = Usage {
        prompt_tokens: 2_000,
        completion_tokens: 500,
    };
    assert!((usage.cost_usd(0.01, 0.03) - 0.035).abs() < 1e-12);
}
