//! Training runs the ml agent starts (daily, or on drift), as `cst train` does them, while
//! inference goes on; the registry decides what is served.
//!
//! Each run is a child process, `cst-ml-train train-run` (the binary beside the agent's,
//! the one that links LightGBM), started and waited for by a worker thread. A run builds every pair's dataset and LightGBM's trees
//! (the agent peaked at 150 MB with 136 pairs); on a thread of the agent, the allocator kept
//! much of that, and the pages of the training code, resident long after, and the agent
//! served at 53 MB where it needs about 30. A process hands all of it back when it exits,
//! and a crash in LightGBM's C++ or an OOM kill costs the run, not the serving agent.
//!
//! The protocol: the [`Job`] as one JSON document on the child's stdin; one JSON line per
//! horizon ([`Reported`]) on its stdout; its log on stderr, which is the agent's log. The
//! child dies with the thread that waits for it ([`cst_agent::child::die_with_parent`]), so
//! killing the agent kills its run; the supervisor reaps it.

use std::{
    io::{BufRead, BufReader, Write},
    os::unix::process::ExitStatusExt,
    path::{Path, PathBuf},
    process::{ExitStatus, Stdio},
};

use cst_config::Home;
use serde::{Deserialize, Serialize};

/// The first argument of a training process (`cst-ml-train train-run`): one [`Job`].
pub const TRAIN_RUN: &str = "train-run";

/// The training binary, beside the agent's: the one that links LightGBM, so the serving
/// agent maps none of it (nor libstdc++).
pub const TRAIN_BINARY: &str = "cst-ml-train";

/// One horizon's outcome: what the registry decided, or why it could not train.
pub(crate) type Outcome = (u32, Result<String, String>);

/// What a training process is asked to do: the agent's home and config file (the child
/// reads the same ones), the horizons, and the data's clock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub home: PathBuf,
    pub config: Option<PathBuf>,
    pub horizons: Vec<u32>,
    pub now: i64,
}

/// One line of a training process's stdout.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reported {
    pub horizon_h: u32,
    pub outcome: Result<String, String>,
}

/// Where the agent runs: what a training process is told to read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setting<'a> {
    pub(crate) home: &'a Home,
    pub(crate) config: Option<&'a Path>,
}

/// What a finished run gave: each horizon's outcome, and how the process failed, if it did.
type Finished = (Vec<Outcome>, Option<String>);

/// At most one training run at a time, and what the finished ones gave.
#[derive(Debug, Default)]
pub(crate) struct Trainer {
    running: Option<std::thread::JoinHandle<Finished>>,
    /// The program to run and its first arguments (before [`TRAIN_RUN`]); `None`:
    /// [`TRAIN_BINARY`] beside this process's binary. Tests put a shell script here.
    program: Option<(PathBuf, Vec<String>)>,
    pub(crate) started: u64,
    pub(crate) horizons_trained: u64,
    pub(crate) horizons_failed: u64,
    /// Runs whose process died by a signal, exited with an error or could not start.
    pub(crate) crashed: u64,
}

impl Trainer {
    /// A trainer that runs `program args… train-run` instead of this process's binary.
    #[cfg(test)]
    fn with_program(program: &str, args: &[&str]) -> Self {
        let args = args.iter().map(|a| a.to_string()).collect();
        Self {
            program: Some((PathBuf::from(program), args)),
            ..Self::default()
        }
    }

    pub(crate) fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Logs and counts a finished run's outcomes.
    pub(crate) fn collect(&mut self) {
        if !self.running.as_ref().is_some_and(|h| h.is_finished()) {
            return;
        }
        let Some(handle) = self.running.take() else {
            return;
        };
        let (outcomes, crash) = handle.join().unwrap_or_else(|_| {
            let crash = "the thread waiting for the training process panicked".to_string();
            (Vec::new(), Some(crash))
        });
        if let Some(crash) = crash {
            self.crashed += 1;
            tracing::error!(error = crash, "the training process failed");
        }
        for (h, outcome) in outcomes {
            match outcome {
                Ok(msg) => {
                    self.horizons_trained += 1;
                    tracing::info!(horizon_h = h, "{msg}");
                }
                Err(e) => {
                    self.horizons_failed += 1;
                    tracing::warn!(horizon_h = h, error = e, "scheduled training failed");
                }
            }
        }
    }

    /// Starts training `horizons` with the data's clock at `now`, unless a run is going.
    /// Returns whether it started.
    pub(crate) fn start(
        &mut self,
        setting: Setting<'_>,
        horizons: Vec<u32>,
        now: i64,
        why: &str,
    ) -> bool {
        if self.running.is_some() {
            return false;
        }
        let job = Job {
            home: setting.home.root().to_path_buf(),
            config: setting.config.map(Path::to_path_buf),
            horizons,
            now,
        };
        let program = self.program.clone();
        self.started += 1;
        tracing::info!(now, horizons = ?job.horizons, why, "retraining started");
        // The thread waits for the process: the child's parent-death signal is tied to it.
        self.running = Some(std::thread::spawn(move || {
            let own = || {
                std::env::current_exe().map(|exe| (exe.with_file_name(TRAIN_BINARY), Vec::new()))
            };
            match program.map_or_else(own, Ok) {
                Ok((program, args)) => run_process(&program, &args, &job),
                Err(e) => failed_all(&job, format!("cannot find the ml agent's binary: {e}")),
            }
        }));
        true
    }
}

/// Every horizon of `job` failed for `why`, and so did the run.
fn failed_all(job: &Job, why: String) -> Finished {
    let outcomes = job
        .horizons
        .iter()
        .map(|&h| (h, Err(why.clone())))
        .collect();
    (outcomes, Some(why))
}

/// Runs `job` in a `program args… train-run` process and waits for it.
fn run_process(program: &Path, args: &[String], job: &Job) -> Finished {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args)
        .arg(TRAIN_RUN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    cst_agent::child::die_with_parent(&mut cmd);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            let why = format!("cannot start {} {TRAIN_RUN}: {e}", program.display());
            return failed_all(job, why);
        }
    };
    let mut problems = Vec::new();
    if let Some(mut stdin) = child.stdin.take() {
        let sent = serde_json::to_vec(job)
            .map_err(std::io::Error::other)
            .and_then(|bytes| stdin.write_all(&bytes));
        if let Err(e) = sent {
            problems.push(format!("cannot send it the job: {e}"));
        }
    }
    let mut reported = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).split(b'\n') {
            match line.map_err(|e| e.to_string()).and_then(|l| {
                serde_json::from_slice::<Reported>(&l)
                    .map_err(|e| format!("{e} in {:?}", String::from_utf8_lossy(&l)))
            }) {
                Ok(r) => reported.push((r.horizon_h, r.outcome)),
                Err(e) => problems.push(format!("unreadable report: {e}")),
            }
        }
    }
    let status = match child.wait() {
        Ok(status) => describe(status),
        Err(e) => Some(format!("cannot wait for it: {e}")),
    };
    let outcomes: Vec<Outcome> = job
        .horizons
        .iter()
        .map(|&h| match reported.iter().find(|(r, _)| *r == h) {
            Some((_, outcome)) => (h, outcome.clone()),
            None => {
                let how = status.as_deref().unwrap_or("ended");
                (
                    h,
                    Err(format!("the training process {how} before reporting it")),
                )
            }
        })
        .collect();
    let missing = outcomes
        .iter()
        .filter(|(h, _)| !reported.iter().any(|(r, _)| r == h));
    match status {
        Some(status) => problems.insert(0, status),
        None if missing.count() > 0 => problems.push("it did not report every horizon".into()),
        None => {}
    }
    let crash = (!problems.is_empty()).then(|| problems.join("; "));
    (outcomes, crash)
}

/// How a process ended, unless it ended well.
fn describe(status: ExitStatus) -> Option<String> {
    if status.success() {
        return None;
    }
    Some(match (status.code(), status.signal()) {
        (_, Some(9)) => "was killed (SIGKILL: out of memory, or by hand)".to_string(),
        (_, Some(sig)) => format!("was killed by signal {sig}"),
        (Some(code), _) => format!("exited with status {code}"),
        (None, None) => format!("ended: {status}"),
    })
}

#[cfg(test)]
#[path = "training_tests.rs"]
mod tests;
