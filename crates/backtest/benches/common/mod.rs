//! What both backtest benchmarks share: the recorded candle files, where reports go, and
//! the vectorbt reference run.

use std::path::{Path, PathBuf};

/// The `*.csv` candle files of a recording folder, sorted.
pub fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    files
}

/// Writes `json` to `CARGO_TARGET_DIR/bench/<name>` (or `target/bench`) and returns the path.
pub fn write_report(name: &str, json: &[u8]) -> PathBuf {
    let dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, json).unwrap();
    path
}

/// Runs `bench/vectorbt_reference.py` on a report and the candles it read.
pub fn vectorbt(report: &Path, data: &Path) -> serde_json::Value {
    let out = std::process::Command::new("python3")
        .arg(cst_testkit::manifest_dir().join("bench/vectorbt_reference.py"))
        .arg(report)
        .arg(data)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "vectorbt reference failed (`deploy/setup.sh --bench` installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
