//! `cst replay-exchange`: recorded candles served as Kraken's public REST API, so the whole
//! service can live through months of recorded history in minutes, offline.

#![allow(clippy::print_stdout)]

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use clap::Args;

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Directory of BASE-QUOTE.csv candle files (e.g. ../shared/data/ohlcv-1h/binance-2024).
    #[arg(long)]
    data: PathBuf,
    /// Simulated start: Unix seconds, a date (2024-03-01) or RFC 3339.
    #[arg(long, value_parser = parse_start)]
    start: i64,
    /// Simulated seconds per real second (3600: an hour per second).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Loopback address to serve on.
    #[arg(long, default_value = "127.0.0.1:8089")]
    addr: std::net::SocketAddr,
}

pub(crate) fn parse_start(text: &str) -> Result<i64, String> {
    if let Ok(ts) = text.parse::<i64>() {
        return Ok(ts);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
        .ok_or_else(|| format!("{text:?} is not Unix seconds, YYYY-MM-DD or RFC 3339"))
}

pub fn run(args: ReplayArgs) -> ExitCode {
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "cst: --addr {} is not a loopback address: use 127.0.0.1:PORT",
            args.addr
        );
        return ExitCode::FAILURE;
    }
    cst_logging::init_agent("info");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cst: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let replay = cst_replay::Replay::load(&args.data, args.start, args.speed)
            .map_err(|e| format!("cannot load {}: {e}", args.data.display()))?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "replay exchange on http://{bound} from {} at {}x real time",
            args.start, args.speed
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        cst_replay::serve(listener, Arc::new(replay), shutdown)
            .await
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cst: {e}");
            ExitCode::FAILURE
        }
    }
}
