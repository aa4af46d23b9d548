//! The home directory: `data/`, `run/`, `logs/`, `reports/`, all below one root, so two
//! homes never interfere and tests run isolated instances side by side.

use std::path::{Path, PathBuf};

use crate::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `--home DIR` if given, else `CST_HOME` (clap reads both), else `~/.cst`.
    pub fn resolve(arg: Option<PathBuf>) -> Result<Self, ConfigError> {
        if let Some(dir) = arg {
            return Ok(Self::new(absolute(dir)));
        }
        let user_home = std::env::var_os("HOME").ok_or(ConfigError::NoHome)?;
        Ok(Self::new(PathBuf::from(user_home).join(".cst")))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }
    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("cst.db")
    }
    pub fn blobs_dir(&self) -> PathBuf {
        self.data_dir().join("blobs")
    }
    /// Reports for people: per training run (`models/`), daily (`daily/`).
    pub fn reports_dir(&self) -> PathBuf {
        self.root.join("reports")
    }
    pub fn run_dir(&self) -> PathBuf {
        self.root.join("run")
    }
    pub fn bus_socket(&self) -> PathBuf {
        self.run_dir().join("bus.sock")
    }
    pub fn control_socket(&self) -> PathBuf {
        self.run_dir().join("control.sock")
    }
    pub fn health_socket(&self) -> PathBuf {
        self.run_dir().join("health.sock")
    }
    /// The dashboard's URL while the health agent serves it (`http://127.0.0.1:PORT/`).
    pub fn dashboard_url_file(&self) -> PathBuf {
        self.run_dir().join("dashboard.url")
    }
    pub fn lock_file(&self) -> PathBuf {
        self.run_dir().join("cst.lock")
    }
    pub fn logs_dir(&self, name: &str) -> PathBuf {
        self.root.join("logs").join(name)
    }
    /// The current (unrotated) log file of an agent or of the supervisor (`cst`).
    pub fn log_file(&self, name: &str) -> PathBuf {
        self.logs_dir(name).join(format!("{name}.log"))
    }
    pub fn daily_reports_dir(&self) -> PathBuf {
        self.reports_dir().join("daily")
    }
    /// The optional user configuration file, read when `--config` is not given.
    pub fn config_file(&self) -> PathBuf {
        self.root.join("config.toml")
    }
}

fn absolute(dir: PathBuf) -> PathBuf {
    std::path::absolute(&dir).unwrap_or(dir)
}
