//! Alert delivery against a local stub webhook (loopback only): the chat formats, retries
//! on 5xx and no answer, no retry on a refusal, and a secret URL that never shows in errors.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{Router, http::StatusCode, routing::post};
use cst_config::{Webhook, WebhookFormat};
use cst_health::{
    alerts::{Alert, Severity},
    notify::{self, Delivery, Notifier},
};
use cst_store::Store;

/// A stub that answers the first `fail` posts with `status`, then 200, and keeps every body.
struct Stub {
    url: String,
    hits: Arc<AtomicUsize>,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

async fn stub(fail: usize, status: StatusCode) -> Stub {
    let hits = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let (h, b) = (hits.clone(), bodies.clone());
    let app = Router::new().route(
        "/hooks/T000/SECRET-TOKEN",
        post(move |body: String| {
            let (h, b) = (h.clone(), b.clone());
            async move {
                let n = h.fetch_add(1, Ordering::SeqCst);
                b.lock()
                    .unwrap()
                    .push(serde_json::from_str(&body).unwrap_or(serde_json::Value::Null));
                if n < fail { status } else { StatusCode::OK }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Stub {
        url: format!("http://{addr}/hooks/T000/SECRET-TOKEN"),
        hits,
        bodies,
    }
}

fn hook(url: &str, format: WebhookFormat, retries: u32) -> Webhook {
    Webhook {
        url: url.to_string(),
        format,
        retries,
        timeout: Duration::from_secs(2),
    }
}

fn alert() -> Alert {
    Alert {
        at: 1_717_200_000,
        severity: Severity::Critical,
        kind: "breaker_open",
        subject: "ml".into(),
        message: "ml stopped restarting after repeated crashes; run `cst reset ml`".into(),
    }
}

#[tokio::test]
async fn a_503_is_retried_until_the_webhook_takes_the_alert() {
    let s = stub(2, StatusCode::SERVICE_UNAVAILABLE).await;
    let client = reqwest::Client::new();
    let attempts = notify::post(&client, &hook(&s.url, WebhookFormat::Slack, 3), &alert())
        .await
        .unwrap();
    assert_eq!(attempts, 3);
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
    let body = s.bodies.lock().unwrap()[2].clone();
    assert_eq!(
        body,
        serde_json::json!({"text": "[CRITICAL] breaker_open ml: ml stopped restarting after repeated crashes; run `cst reset ml`"})
    );
}

#[tokio::test]
async fn a_refusal_is_not_retried_and_retries_end() {
    let s = stub(usize::MAX, StatusCode::BAD_REQUEST).await;
    let client = reqwest::Client::new();
    let e = notify::post(&client, &hook(&s.url, WebhookFormat::Discord, 3), &alert())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("400"), "{e}");
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "a 4xx is final");

    let s = stub(usize::MAX, StatusCode::INTERNAL_SERVER_ERROR).await;
    let e = notify::post(&client, &hook(&s.url, WebhookFormat::Discord, 2), &alert())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("500"), "{e}");
    assert_eq!(s.hits.load(Ordering::SeqCst), 3, "one try and two retries");
}

#[tokio::test]
async fn no_answer_is_retried_and_the_error_never_shows_the_secret_url() {
    let url = cst_testkit::http::refused_url("/hooks/T000/SECRET-TOKEN");
    let client = reqwest::Client::new();
    let h = hook(&url, WebhookFormat::Slack, 1);
    let e = notify::post(&client, &h, &alert()).await.unwrap_err();
    let text = format!("{e} {e:?} {h:?}");
    assert!(!text.contains("SECRET-TOKEN"), "{text}");
}

#[test]
fn every_chat_format_gets_its_own_body() {
    let a = alert();
    let text = a.text();
    assert_eq!(
        notify::body(&a, &WebhookFormat::Discord),
        serde_json::json!({ "content": text })
    );
    assert_eq!(
        notify::body(
            &a,
            &WebhookFormat::Telegram {
                chat_id: "-100123".into()
            }
        ),
        serde_json::json!({ "chat_id": "-100123", "text": text })
    );
    let json = notify::body(&a, &WebhookFormat::Json);
    assert_eq!(json["severity"], "critical");
    assert_eq!(json["kind"], "breaker_open");
    assert_eq!(json["subject"], "ml");
}

#[tokio::test]
async fn the_notifier_logs_posts_and_stores_each_alert_in_order() {
    let s = stub(1, StatusCode::TOO_MANY_REQUESTS).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cst.db");
    let delivery = Arc::new(Delivery::default());
    let notifier = Notifier::start(
        Store::open(&db).unwrap(),
        Some(hook(&s.url, WebhookFormat::Json, 3)),
        delivery.clone(),
    )
    .unwrap();
    notifier.send(alert());
    let second = Alert {
        kind: "coverage_low",
        severity: Severity::Warning,
        subject: "kraken".into(),
        at: 1_717_200_060,
        ..alert()
    };
    notifier.send(second);
    let store = Store::open(&db).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let stored = loop {
        let stored = store.alerts_between(0, i64::MAX).unwrap();
        if stored.len() == 2 || std::time::Instant::now() > deadline {
            break stored;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].kind, "breaker_open");
    assert_eq!(stored[0].delivered, "log, webhook");
    assert_eq!(stored[1].severity, "warning");
    // The 429 was retried: three posts for two alerts.
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
    assert_eq!(delivery.webhook_errors.load(Ordering::SeqCst), 0);
}
