//! What each endpoint answers in a home without models (the state a fresh install is in),
//! what bad requests get, and that the OpenAPI document describes exactly the routes served.

use std::collections::BTreeSet;

use cst_config::{Config, Home};
use cst_dashboard::Dashboard;
use cst_protocol::{
    health::{Check, HealthReport},
    status::ServiceStatus,
};
use serde_json::Value;

/// 2022-06-01 00:00 UTC: the home's data ends here.
const END: i64 = 1_654_041_600;

struct Served {
    _dir: tempfile::TempDir,
    dashboard: Dashboard,
    http: reqwest::Client,
}

impl Served {
    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!(
                "{}{}",
                self.dashboard.url,
                path.trim_start_matches('/')
            ))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
        (status, json)
    }
}

fn config(home: &Home) -> Config {
    std::fs::write(
        home.root().join("config.toml"),
        "[collector]\nexchange = \"binance\"\n[features]\ngroups = [\"technical\"]\n\
         required = [\"technical\"]\n[ml]\nhorizons_h = [1, 24]\n",
    )
    .unwrap();
    cst_config::load(home, None).unwrap()
}

/// A home holding BTC/USDT and ETH/USDT up to `END`, served on a free port.
async fn served() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::new(dir.path());
    let config = config(&home);
    let mut store = cst_store::Store::open(&home.db_path()).unwrap();
    let files: Vec<_> = ["BTC-USDT", "ETH-USDT"]
        .iter()
        .map(|p| cst_testkit::shared(&format!("data/ohlcv-1h/binance-2021-2022/{p}.csv")))
        .collect();
    cst_import::import(&mut store, &files, cst_import::Format::Csv, "binance").unwrap();
    store.forget_from(END).unwrap();
    drop(store);
    let dashboard = Dashboard::start(home, &config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    Served {
        _dir: dir,
        dashboard,
        http: reqwest::Client::new(),
    }
}

fn error_of(v: &Value) -> &str {
    v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error text in {v}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_health_report_health_and_readiness_say_so_then_show_the_verdict() {
    let s = served().await;
    for path in ["/api/health", "/api/readiness"] {
        let (status, v) = s.get(path).await;
        assert_eq!(status, 503, "{v}");
        assert!(error_of(&v).contains("no health report yet"), "{v}");
    }
    let report = HealthReport {
        at: END,
        status: ServiceStatus::Nogo,
        score: 41.0,
        ready: false,
        checks: vec![
            Check {
                name: "models".into(),
                ok: false,
                reason: "no active model for 1 h, 24 h: run `cst train`".into(),
            },
            Check {
                name: "coverage".into(),
                ok: true,
                reason: "2 of 2 pairs".into(),
            },
        ],
        components: Vec::new(),
        metrics: Vec::new(),
    };
    s.dashboard.publish(report, Vec::new());
    let (status, v) = s.get("/api/readiness").await;
    assert_eq!(status, 200);
    assert_eq!(v["ready"], false);
    assert_eq!(v["status"], "nogo");
    assert_eq!(
        v["reasons"],
        serde_json::json!(["models: no active model for 1 h, 24 h: run `cst train`"])
    );
    let (_, v) = s.get("/api/health").await;
    assert_eq!(
        (v["score"].as_f64(), v["at"].as_i64()),
        (Some(41.0), Some(END))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn candles_come_from_the_store_and_bad_pairs_or_hours_are_named() {
    let s = served().await;
    let (_, v) = s.get("/api/pairs").await;
    assert_eq!(v["pairs"], serde_json::json!(["BTC/USDT", "ETH/USDT"]));

    let (status, v) = s.get("/api/coin?pair=BTC/USDT&hours=48").await;
    assert_eq!(status, 200, "{v}");
    let candles = v["candles"].as_array().unwrap();
    assert_eq!(candles.len(), 48);
    // The last stored hour is the one before the rewind point, as recorded.
    let last = candles.last().unwrap();
    assert_eq!(last["t"], END - 3600);
    let csv = std::fs::read_to_string(cst_testkit::shared(
        "data/ohlcv-1h/binance-2021-2022/BTC-USDT.csv",
    ))
    .unwrap();
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{},", END - 3600)))
        .unwrap_or_else(|| panic!("no CSV row for {}", END - 3600));
    let close: f64 = row.split(',').nth(4).unwrap().parse().unwrap();
    assert_eq!(last["close"].as_f64(), Some(close));
    assert!(
        v["note"]
            .as_str()
            .unwrap()
            .contains("sentiment and whale not in")
    );

    for (path, status, words) in [
        ("/api/coin", 400, "pair parameter is missing"),
        ("/api/coin?pair=DOGE/EUR", 404, "unknown pair \"DOGE/EUR\""),
        ("/api/coin?pair=BTC/USDT&hours=0", 400, "hours \"0\""),
        ("/api/coin?pair=BTC/USDT&hours=lots", 400, "hours \"lots\""),
        ("/api/predictions", 400, "pair parameter is missing"),
        ("/api/predictions?pair=XRP/USDT", 404, "/api/pairs lists"),
        ("/api/nothing", 404, "no such path /api/nothing"),
    ] {
        let (got, v) = s.get(path).await;
        assert_eq!(got, status, "{path}: {v}");
        assert!(error_of(&v).contains(words), "{path}: {v}");
    }
    let r = s
        .http
        .post(format!("{}api/health", s.dashboard.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    let v: Value = r.json().await.unwrap();
    assert!(
        error_of(&v).contains("/api/health does not take this method"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_models_the_ai_sections_are_empty_with_their_reasons() {
    let s = served().await;
    let (_, v) = s.get("/api/opportunities").await;
    assert_eq!(v["models_active"], 0);
    assert_eq!(v["candidates"], serde_json::json!([]));
    assert!(
        v["empty_reason"]
            .as_str()
            .unwrap()
            .contains("run `cst train`"),
        "{v}"
    );
    let (_, v) = s.get("/api/predictions?pair=ETH/USDT").await;
    assert_eq!(
        (
            v["latest"].as_array().unwrap().len(),
            v["models_active"].as_u64()
        ),
        (0, Some(0))
    );
    assert!(v["empty_reason"].as_str().unwrap().contains("cst train"));
    let (_, v) = s.get("/api/models").await;
    assert_eq!(v["models"], serde_json::json!([]));
    assert_eq!(v["horizons"][1]["horizon_h"], 24);
    assert_eq!(v["horizons"][1]["active"], Value::Null);
    let (_, v) = s.get("/api/portfolio").await;
    assert_eq!(
        (v["mode"].as_str(), v["stepped"].as_bool()),
        (Some("paper"), Some(false))
    );
    assert_eq!(v["account"]["equity"], 10_000.0);
    assert!(
        v["empty_reason"]
            .as_str()
            .unwrap()
            .contains("not been stepped")
    );
    let (_, v) = s.get("/api/backtests").await;
    assert!(
        v["empty_reason"].as_str().unwrap().contains("cst backtest"),
        "{v}"
    );
    let (_, v) = s.get("/api/data").await;
    let candles = v["candles"].as_array().unwrap();
    assert_eq!(candles.len(), 2);
    assert_eq!(candles[0]["last"], END - 3600);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_describes_exactly_the_routes_served_and_their_fields() {
    let s = served().await;
    let (_, doc) = s.get("/api/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let src = include_str!("../src/server.rs");
    let served: BTreeSet<String> = src
        .lines()
        .filter_map(|l| l.trim().strip_prefix(".route(\""))
        .map(|l| l.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(documented, served);
    // Each GET answers 200 here with every field its schema requires.
    let publish = HealthReport {
        at: END,
        status: ServiceStatus::Nogo,
        score: 0.0,
        ready: false,
        checks: Vec::new(),
        components: Vec::new(),
        metrics: Vec::new(),
    };
    s.dashboard.publish(publish, Vec::new());
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        let query = if get["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "pair"))
        {
            "?pair=BTC/USDT"
        } else {
            ""
        };
        let (status, v) = s.get(&format!("{path}{query}")).await;
        assert_eq!(status, 200, "{path}: {v}");
        let schema = &get["responses"]["200"]["content"]["application/json"]["schema"];
        for key in schema["required"].as_array().into_iter().flatten() {
            let key = key.as_str().unwrap();
            assert!(v.get(key).is_some(), "{path} lacks {key}: {v}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn predict_names_every_bad_request_and_refuses_without_a_model() {
    let s = served().await;
    let post = |body: &'static str| {
        let http = s.http.clone();
        let url = format!("{}api/predict", s.dashboard.url);
        async move {
            let r = http
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    for (body, status, words) in [
        ("{\"pairs\": [", 400, "the body is not JSON"),
        ("[\"BTC/USDT\"]", 400, "no \"pairs\" list"),
        ("{\"pairs\": []}", 400, "has 0 entries: ask for 1 to 50"),
        (
            "{\"pairs\": [\"BTC/USDT\", 7]}",
            400,
            "pairs[1] is 7, not a pair name",
        ),
        (
            "{\"pairs\": [\"BTC/USDT\", \"LUNA/USDT\"]}",
            404,
            "unknown pair \"LUNA/USDT\"",
        ),
        (
            "{\"pairs\": [\"BTC/USDT\"]}",
            503,
            "no trained model is active",
        ),
    ] {
        let (got, v) = post(body).await;
        assert_eq!(got, status, "{body}: {v}");
        assert!(error_of(&v).contains(words), "{body}: {v}");
    }
    let many: Vec<String> = (0..51).map(|i| format!("P{i}/USDT")).collect();
    let body: &'static str = Box::leak(
        serde_json::json!({ "pairs": many })
            .to_string()
            .into_boxed_str(),
    );
    let (got, v) = post(body).await;
    assert_eq!(got, 400);
    assert!(error_of(&v).contains("has 51 entries"), "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pages_are_embedded_and_served_with_their_types() {
    let s = served().await;
    let r = s.http.get(&s.dashboard.url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    // Every script and stylesheet is the service's own, by relative path: nothing from a CDN.
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|p| p.starts_with("./assets/"))
        .collect();
    assert!(!assets.is_empty(), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    for a in assets {
        let r = s
            .http
            .get(format!("{}{}", s.dashboard.url, a.trim_start_matches("./")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{a}");
        let t = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(
            (a.ends_with(".js") && t.contains("javascript"))
                || (a.ends_with(".css") && t.contains("css")),
            "{a}: {t}"
        );
    }
    let (status, v) = s.get("/assets/nothing.js").await;
    assert_eq!(status, 404);
    assert!(error_of(&v).contains("the pages are at /"), "{v}");
}

/// A raw HTTP/1.1 request to the dashboard with the given extra header lines; the status
/// and the body as JSON.
async fn raw(s: &Served, request: &str) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = s
        .dashboard
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out);
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = serde_json::from_str(body).unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_dashboards_own_origin_is_served() {
    let s = served().await;
    let port = s
        .dashboard
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/');
    // DNS rebinding: a foreign name resolving to loopback sends its own Host.
    let (status, v) = raw(
        &s,
        "GET /api/portfolio HTTP/1.1\r\nHost: evil.example:8787\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 421, "{v}");
    assert!(error_of(&v).contains("evil.example"), "{v}");
    let (status, _) = raw(&s, "GET /api/pairs HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    assert!(status == 421 || status == 400, "no Host: {status}");
    // Its own names are served.
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let (status, v) = raw(
            &s,
            &format!("GET /api/pairs HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert_eq!(status, 200, "{host}: {v}");
    }
    // A page of another site calling it: refused by its Origin.
    let (status, v) = raw(
        &s,
        &format!(
            "GET /api/pairs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 403, "{v}");
    // A cross-site form posts text/plain: refused before the body is read.
    let body = "{\"pairs\": [\"BTC/USDT\"]}";
    let (status, v) = raw(
        &s,
        &format!(
            "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert_eq!(status, 415, "{v}");
    assert!(error_of(&v).contains("application/json"), "{v}");
}

/// A client holds only what the limits allow: an oversized declared body is refused at once
/// with the JSON error (not read, not held open), a streamed one past the limit too, a body
/// that never comes is answered 408 within the request timeout, silent connections are
/// closed after the header timeout, and a flood of idle connections cannot lock out the
/// next real request.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_holds_only_what_the_limits_allow() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = served().await;
    let addr = s
        .dashboard
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let post = |extra: &str| {
        format!(
            "POST /api/predict HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{extra}\r\n"
        )
    };
    // 100 MB declared: 413 as JSON at once, with nothing sent.
    let started = std::time::Instant::now();
    let (status, v) = raw(
        &s,
        &post("Content-Length: 100000000\r\nConnection: close\r\n"),
    )
    .await;
    assert_eq!(status, 413, "{v}");
    assert!(error_of(&v).contains("KiB"), "{v}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // Chunked, over the limit: refused as JSON too.
    let big = "x".repeat(70 * 1024);
    let (status, v) = raw(
        &s,
        &format!(
            "{}{:x}\r\n{big}\r\n0\r\n\r\n",
            post("Transfer-Encoding: chunked\r\nConnection: close\r\n"),
            big.len()
        ),
    )
    .await;
    assert_eq!(status, 413, "{v}");
    assert!(v.is_object(), "a JSON error");
    // A chunk of ffffffff bytes declared and never sent: 408 within the request timeout.
    let started = std::time::Instant::now();
    let (status, v) = raw(
        &s,
        &format!("{}ffffffff\r\n", post("Transfer-Encoding: chunked\r\n")),
    )
    .await;
    assert!(status == 408 || status == 413, "{status}: {v}");
    assert!(
        started.elapsed()
            <= cst_dashboard::limits::REQUEST_TIMEOUT + std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // A silent connection is closed after the header timeout.
    let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(
        cst_dashboard::limits::HEADER_TIMEOUT + std::time::Duration::from_secs(3),
        silent.read(&mut buf),
    )
    .await;
    assert!(
        closed.is_ok(),
        "a silent connection held past the header timeout"
    );
    // A flood of idle connections: the next request is still served.
    let mut flood = Vec::new();
    for _ in 0..(2 * cst_dashboard::limits::MAX_CONNECTIONS) {
        flood.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    let mut late = tokio::net::TcpStream::connect(&addr).await.unwrap();
    late.write_all(
        format!("GET /api/pairs HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        late.read_to_end(&mut out),
    )
    .await
    .expect("answered under the flood")
    .unwrap();
    assert!(
        String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    drop(flood);
}
