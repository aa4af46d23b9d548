//! A replay server over symlinks to real recorded files (read in place, never copied), the
//! real Kraken client pointed at it, and the recorded rows to compare answers with.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cst_exchange::{BreakerPolicy, KrakenClient, KrakenConfig, RetryPolicy};
use cst_import::Format;
use cst_import::parse::parse_file;
use cst_market::Candle;
use cst_replay::Replay;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const Y2024: &str = "ohlcv-1h/binance-2024";
pub const Y2021: &str = "ohlcv-1h/binance-2021-2022";
/// Lists on 2024-03-16 12:00 UTC, after the 2024 recording starts.
pub const LATE: &str = "BOME-USDT.csv";
pub const BOME_FIRST: i64 = 1_710_590_400;
/// 2024-06-15 10:30 UTC: mid-hour, far from both ends of the 2024 recording.
pub const JUNE_1030: i64 = 1_718_447_400;
pub use cst_market::HOUR;

/// `/work/shared/data/<rel>`, found from this crate's directory.
pub fn shared_data(rel: &str) -> PathBuf {
    cst_testkit::data(rel)
}

/// The recorded candles of one file, by open time, read by the importer's own parser.
pub fn recorded(set: &str, file: &str) -> BTreeMap<i64, Candle> {
    let parsed = parse_file(&shared_data(set).join(file), Format::Csv).expect("recorded file");
    assert!(parsed.malformed.is_empty());
    parsed
        .candles
        .into_iter()
        .map(|c| (c.open_time, c))
        .collect()
}

pub struct Server {
    pub url: String,
    pub replay: Arc<Replay>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Serves `files` (set, file name) from a temp dir of symlinks, the clock at `start`.
    pub async fn start(files: &[(&str, &str)], start: i64, speed: f64) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for (set, file) in files {
            std::os::unix::fs::symlink(shared_data(set).join(file), dir.path().join(file))
                .expect("symlink");
        }
        let replay = Arc::new(Replay::load(dir.path(), start, speed).expect("replay loads"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let task = tokio::spawn(cst_replay::serve(listener, replay.clone(), shutdown));
        Self {
            url,
            replay,
            stop: Some(stop),
            task,
            _dir: dir,
        }
    }

    /// 2024: BTC, ETH and the late-listing BOME, frozen at `start`.
    pub async fn y2024(start: i64) -> Self {
        let files = [
            (Y2024, "BTC-USDT.csv"),
            (Y2024, "ETH-USDT.csv"),
            (Y2024, LATE),
        ];
        Self::start(&files, start, 0.0).await
    }

    /// The real client, without spacing or retries, so a refusal shows at once.
    pub fn client(&self) -> KrakenClient {
        KrakenClient::new(KrakenConfig {
            base_url: self.url.clone(),
            timeout: Duration::from_secs(10),
            min_interval: Duration::ZERO,
            retry: RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            },
            breaker: BreakerPolicy {
                failure_threshold: 1_000,
                cooldown: Duration::from_secs(60),
            },
        })
        .expect("client builds")
    }

    /// Status and body of `GET path_and_query`, for what the client does not expose.
    pub async fn get(&self, path_and_query: &str) -> (u16, String) {
        let response = reqwest::get(format!("{}{path_and_query}", self.url))
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub async fn json(&self, path_and_query: &str) -> serde_json::Value {
        let (status, body) = self.get(path_and_query).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("JSON body")
    }

    /// Graceful stop; the server's own result.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.expect("server task")
    }
}
