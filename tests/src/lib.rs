//! Harness for end-to-end tests and benchmarks: a real `cst up` with the real agent binaries
//! in a temporary home, driven through the real CLI and sockets.
//!
//! - [`Instance`]: one running supervisor; killed (with its agents) when dropped.
//! - [`bin_dir`]: where cargo put the binaries.
//! - [`replay`]: `cst replay-exchange` on recorded candles.
//! - [`report`]: latency percentiles for the benchmarks.

#![allow(clippy::print_stdout)]

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    thread::sleep,
    time::{Duration, Instant},
};

use cst_protocol::{
    health::ServiceReport,
    status::{AgentState, AgentStatus, StatusReport},
};

pub mod replay;
pub mod report;

/// The directory holding `cst` and the `cst-<agent>` binaries: the profile directory above
/// this test's own executable (`target/<profile>/deps/<test>`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("own executable path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile> directory");
    let cst = profile.join("cst");
    assert!(
        cst.exists(),
        "{} is missing: build the binaries first with `cargo build --workspace --bins` \
         (`--release` for benchmarks), or run `make test`",
        cst.display()
    );
    profile.to_path_buf()
}

pub fn agent_bin(name: &str) -> String {
    bin_dir().join(format!("cst-{name}")).display().to_string()
}

/// A supervisor running in its own temporary home.
#[derive(Debug)]
pub struct Instance {
    pub home: tempfile::TempDir,
    child: Option<Child>,
}

impl Instance {
    /// Starts `cst up` with `config` (TOML; empty for the defaults) as HOME/config.toml.
    pub fn start(config: &str) -> Self {
        Self::start_in(Self::new_home(), config)
    }

    /// A fresh temporary home, for tests that prepare data before `cst up`
    /// ([`Instance::start_in`]).
    pub fn new_home() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("cst-e2e-")
            .tempdir()
            .expect("temp home")
    }

    /// Starts `cst up` in a home the test prepared.
    pub fn start_in(home: tempfile::TempDir, config: &str) -> Self {
        // The collector talks to an exchange: never the internet from a test. Unless the test
        // brings its own, it gets a loopback address where nothing listens.
        let mut config = config.to_string();
        if !config.contains("[collector]") {
            config.push_str(
                "\n[collector]\nbase_url = \"http://127.0.0.1:9\"\npoll_interval_s = 3600\n",
            );
        }
        // Nor do the sentiment agent's news feeds.
        if !config.contains("[sentiment]") {
            config.push_str(
                "\n[sentiment]\nfeeds = [\"http://127.0.0.1:9/rss\"]\npoll_interval_s = 3600\n",
            );
        }
        fs::write(home.path().join("config.toml"), config).expect("write config");
        let mut instance = Self { home, child: None };
        instance.child = Some(instance.spawn_up());
        instance
    }

    /// Spawns `cst up` for this home; output goes to HOME/cst.out. Unless the test's
    /// configuration names a dashboard address, the dashboard takes a free port (tests run
    /// side by side), found with [`Instance::dashboard_url`].
    pub fn spawn_up(&self) -> Child {
        let out = fs::File::create(self.path().join("cst.out")).expect("cst.out");
        let config = fs::read_to_string(self.path().join("config.toml")).unwrap_or_default();
        let mut cmd = Command::new(bin_dir().join("cst"));
        if !config.contains("dashboard_addr") {
            cmd.env("CST_HEALTH__DASHBOARD_ADDR", "127.0.0.1:0");
        }
        cmd.arg("--home")
            .arg(self.path())
            .arg("up")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("dup"))
            .stderr(out)
            .env_remove("CST_CONFIG")
            .env_remove("RUST_LOG")
            .spawn()
            .expect("spawn cst up")
    }

    /// The dashboard's URL (`http://127.0.0.1:PORT/`), waiting up to 30 s for the health
    /// agent to serve it.
    pub fn dashboard_url(&self) -> String {
        let file = self.path().join("run/dashboard.url");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(url) = fs::read_to_string(&file) {
                return url;
            }
            assert!(
                Instant::now() < deadline,
                "no dashboard after 30 s:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn path(&self) -> &Path {
        self.home.path()
    }

    pub fn supervisor_pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Runs `cst --home HOME <args>`.
    pub fn cst(&self, args: &[&str]) -> Output {
        cst_in(self.path(), args)
    }

    /// `cst status --json` in its v1 shape, or None while the supervisor is not answering.
    pub fn try_status(&self) -> Option<StatusReport> {
        self.try_report().map(|r| r.status_report())
    }

    /// `cst status --json` with the health agent's verdict, or None while the supervisor is
    /// not answering.
    pub fn try_report(&self) -> Option<ServiceReport> {
        let out = self.cst(&["status", "--json"]);
        if !out.status.success() {
            return None;
        }
        Some(serde_json::from_slice(&out.stdout).expect("status --json parses"))
    }

    /// Polls the status until `pred` holds; panics with the last status and the supervisor's
    /// log after `timeout`.
    pub fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&StatusReport) -> bool,
    ) -> StatusReport {
        self.wait_report(what, timeout, |r| pred(&r.status_report()))
            .status_report()
    }

    /// [`Instance::wait_for`] on the full report (health score, checks, components).
    pub fn wait_report(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&ServiceReport) -> bool,
    ) -> ServiceReport {
        let deadline = Instant::now() + timeout;
        let mut last = None;
        while Instant::now() < deadline {
            if let Some(report) = self.try_report() {
                if pred(&report) {
                    return report;
                }
                last = Some(report);
            }
            sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out after {timeout:?} waiting for {what}\nlast status: {last:#?}\nsupervisor log:\n{}",
            self.output()
        );
    }

    /// Waits until every agent is Ready with its breaker closed. (`ready` itself also needs
    /// models, fresh data and calibration: a home without models is never ready.)
    pub fn wait_ready(&self) -> StatusReport {
        self.wait_for("every agent ready", Duration::from_secs(20), agents_up)
    }

    /// What `cst up` printed (human log format).
    pub fn output(&self) -> String {
        fs::read_to_string(self.path().join("cst.out")).unwrap_or_default()
    }

    /// Kills the supervisor with SIGKILL and reaps it.
    pub fn kill_supervisor(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits for `cst up` to exit by itself; returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        let child = self.child.as_mut()?;
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return status.code();
            }
            sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SIGKILL: the agents follow through their parent-death signal.
        self.kill_supervisor();
    }
}

/// Runs `cst --home HOME <args>` for a home with or without a running supervisor (the
/// commands that read the store directly).
pub fn cst_in(home: &Path, args: &[&str]) -> Output {
    Command::new(bin_dir().join("cst"))
        .arg("--home")
        .arg(home)
        .args(args)
        .env_remove("CST_CONFIG")
        .output()
        .expect("run cst")
}

pub fn agent<'a>(report: &'a StatusReport, name: &str) -> &'a AgentStatus {
    report
        .agents
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no agent {name} in {report:#?}"))
}

/// Sends SIGKILL to `pid`, as a crash or the OOM killer would; panics if it is gone.
pub fn sigkill(pid: u32) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap_or_else(|e| panic!("kill -9 {pid}: {e}"));
}

/// Is `pid` a live process? Zombies count as dead: they run no code and hold no resources
/// but their table entry, and are reaped by whoever inherits them.
pub fn alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next());
            !matches!(state, Some("Z") | Some("X"))
        }
    }
}

/// Every agent Ready, no breaker open: the supervisor's part of readiness.
pub fn agents_up(report: &StatusReport) -> bool {
    !report.agents.is_empty()
        && report.agents.iter().all(|a| {
            a.state == AgentState::Ready && a.breaker == cst_protocol::status::BreakerState::Closed
        })
}

pub fn is_ready(report: &StatusReport, name: &str) -> bool {
    agent(report, name).state == AgentState::Ready
}

/// An agent's counter as last reported; `None` when the agent does not report it.
pub fn counter(report: &StatusReport, name: &str, counter: &str) -> Option<u64> {
    agent(report, name)
        .counters
        .iter()
        .find(|c| c.name == counter)
        .map(|c| c.value)
}

/// `GET url` over plain HTTP/1.1 on loopback: the status and the body as JSON.
pub fn get_json(url: &str) -> (u16, serde_json::Value) {
    http_json("GET", url, None)
}

/// `POST url` with a JSON body: the status and the body as JSON.
pub fn post_json(url: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    http_json("POST", url, Some(body))
}

fn http_json(
    method: &str,
    url: &str,
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut s = std::net::TcpStream::connect(host).expect("connect to the dashboard");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read the answer");
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("{method} {url}: {e}: {body}"));
    (status, json)
}

/// Resident bytes of `pid` per mapping (a file's name, `[heap]`, or `[anon]` for unnamed
/// memory such as thread arenas), largest first: where a process's RSS is.
pub fn resident_by_mapping(pid: u32) -> Vec<(String, u64)> {
    let smaps = fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    let mut name = String::new();
    for line in smaps.lines() {
        let mut f = line.split_whitespace();
        let first = f.next().unwrap_or_default();
        if first.contains('-') && !first.ends_with(':') {
            // A mapping's header: range, perms, offset, dev, inode, [name].
            name = f.nth(4).map_or("[anon]".into(), |n| {
                n.rsplit('/').next().unwrap_or(n).to_string()
            });
        } else if first == "Rss:" {
            let kb: u64 = f.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            *by.entry(name.clone()).or_default() += kb * 1024;
        }
    }
    let mut out: Vec<(String, u64)> = by.into_iter().filter(|(_, b)| *b > 0).collect();
    out.sort_by_key(|(_, b)| std::cmp::Reverse(*b));
    out
}

/// Every process below `pid` (children, their children, …), from /proc.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let tasks = fs::read_dir(format!("/proc/{p}/task"))
            .into_iter()
            .flatten();
        for task in tasks.flatten() {
            let list = fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in list.split_whitespace().filter_map(|c| c.parse().ok()) {
                out.push(child);
                todo.push(child);
            }
        }
    }
    out
}

/// (RSS, PSS) of `pid` and everything it started (the ml agent's training process):
/// what that process costs the machine.
pub fn tree_memory(pid: u32) -> (u64, u64) {
    descendants(pid)
        .into_iter()
        .map(memory)
        .fold(memory(pid), |(r, p), (r2, p2)| (r + r2, p + p2))
}

/// (RSS, PSS) of `pid` in bytes, from /proc: RSS counts shared pages once per process,
/// PSS shares them out.
pub fn memory(pid: u32) -> (u64, u64) {
    let kb = |text: &str, key: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
            * 1024
    };
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    (kb(&status, "VmRSS:"), kb(&rollup, "Pss:"))
}
