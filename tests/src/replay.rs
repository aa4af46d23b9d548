//! `cst replay-exchange` serving real recorded candles (linked in place from ../shared/data,
//! never copied) on a free loopback port, for tests that run the whole service against it.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

use crate::bin_dir;

/// A file or directory under ../shared/data.
pub use cst_testkit::data as shared;

/// A running `cst replay-exchange`; killed when dropped.
#[derive(Debug)]
pub struct ReplayExchange {
    child: Child,
    pub url: String,
    _data: tempfile::TempDir,
}

impl Drop for ReplayExchange {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ReplayExchange {
    /// Serves `pairs` (file stems such as `BTC-USDT`) of the recording `dir` (under
    /// ohlcv-1h) from `start` (YYYY-MM-DD) at `speed` times real time.
    pub fn start(dir: &str, pairs: &[&str], start: &str, speed: u32) -> Self {
        let data = tempfile::tempdir().unwrap();
        for p in pairs {
            std::os::unix::fs::symlink(
                shared(&format!("ohlcv-1h/{dir}/{p}.csv")),
                data.path().join(format!("{p}.csv")),
            )
            .unwrap();
        }
        let mut child = Command::new(bin_dir().join("cst"))
            .args(["replay-exchange", "--addr", "127.0.0.1:0", "--start", start])
            .args(["--speed", &speed.to_string(), "--data"])
            .arg(data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        ReplayExchange {
            child,
            url,
            _data: data,
        }
    }

    /// The `[collector]` section for a candle-only service following this exchange's clock.
    pub fn collector_config(&self) -> String {
        format!(
            "[collector]\nexchange = \"replay\"\nbase_url = \"{}\"\nquotes = [\"USDT\"]\n\
             poll_interval_s = 1\nmin_request_interval_ms = 0\nrequest_timeout_ms = 5000\n\
             clock = \"exchange\"\ntrades = false\ndepth_levels = 0\n",
            self.url
        )
    }
}

/// Imports recorded candle files `pairs` (file stems such as `BTC-USDT`) of the recording
/// `dir` (under ohlcv-1h) into `home` with `cst import csv`, linked in place (never copied).
pub fn import_recorded(home: &std::path::Path, dir: &str, pairs: &[&str]) {
    let files = tempfile::tempdir().unwrap();
    for p in pairs {
        std::os::unix::fs::symlink(
            shared(&format!("ohlcv-1h/{dir}/{p}.csv")),
            files.path().join(format!("{p}.csv")),
        )
        .unwrap();
    }
    let out = crate::cst_in(home, &["import", "csv", files.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A home holding `pairs` of the recording `dir` up to `start` (the rest is the replay's to
/// serve) and the model `cst train` activated with `config` (TOML whose `[collector]`
/// names the exchange the candles were imported under). Returns the home and the model id.
pub fn trained_home(
    dir: &str,
    pairs: &[&str],
    start: i64,
    config: &str,
) -> (tempfile::TempDir, String) {
    let home = crate::Instance::new_home();
    import_recorded(home.path(), dir, pairs);
    cst_store::Store::open(&home.path().join("data/cst.db"))
        .unwrap()
        .forget_from(start)
        .unwrap();
    std::fs::write(home.path().join("config.toml"), config).unwrap();
    let out = crate::cst_in(home.path(), &["train", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = &runs["runs"];
    assert_eq!(runs[0]["status"], "active", "{runs:#}");
    let id = runs[0]["model_id"].as_str().unwrap().to_string();
    (home, id)
}

/// The configuration the trained-replay tests share, with `collector` as its `[collector]`
/// section: technical features (required), the recorded news replayed, the 1 h horizon with
/// a quick training, fast heartbeats and scoring, and features stale after 6 h of service
/// time.
pub fn replay_config(collector: &str) -> String {
    format!(
        "{collector}\n[features]\ngroups = [\"technical\"]\nrequired = [\"technical\"]\n\
         [sentiment]\nsource = \"replay\"\nreplay_csv = \"{}\"\npoll_interval_s = 1\n\
         [ml]\nhorizons_h = [1]\ntrain_window_days = 180\nnum_iterations = 60\n\
         [supervisor]\nheartbeat_interval_ms = 500\nmissed_heartbeats = 10\n\
         [health]\nevaluate_interval_ms = 500\nmax_feature_age_h = 6\n",
        shared("news/cryptonews-2021-10_2022-07.csv").display()
    )
}

/// The 33 pairs of the Binance 2021–22 recording, as its files name them.
pub fn recorded_2021_pairs() -> Vec<String> {
    cst_testkit::recorded_pairs("binance-2021-2022")
}

/// [`replay_config`] with the cross-sectional group too (required): what a ranking model
/// needs, and what the trained replay runs.
pub fn ranking_config(collector: &str) -> String {
    replay_config(collector).replace(
        "groups = [\"technical\"]\nrequired = [\"technical\"]",
        "groups = [\"technical\", \"cross\"]\nrequired = [\"technical\", \"cross\"]",
    )
}

/// The trained replay the readiness, trading and dashboard tests share: the 33 pairs of
/// 2021–22 imported up to 2022-06-01 with the 1 h model `cst train` activated on them (its
/// ranking earned on the cross-section: rank IC t ≈ 7.6), and `cst up` following a replay
/// of June 2022 at 3600x whose candles continue the imported "binance" series. Returns the
/// running service, its exchange (kept alive with it) and the model id.
pub fn trained_replay() -> (crate::Instance, ReplayExchange, String) {
    const JUNE_1: i64 = 1_654_041_600;
    let pairs = recorded_2021_pairs();
    let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
    let (home, model_id) = trained_home(
        "binance-2021-2022",
        &pairs,
        JUNE_1,
        &ranking_config("[collector]\nexchange = \"binance\"\n"),
    );
    let exchange = ReplayExchange::start("binance-2021-2022", &pairs, "2022-06-01", 3600);
    let collector = exchange
        .collector_config()
        .replace("exchange = \"replay\"", "exchange = \"binance\"");
    let inst = crate::Instance::start_in(home, &ranking_config(&collector));
    (inst, exchange, model_id)
}
